/**
 * HTML escaping for the HTML the library builds (tables) and the exported site builds (pages):
 * one definition so both escape the same characters.
 */

/**
 * Escapes text for HTML content and for double- or single-quoted attribute values:
 * `&`, `<`, `>`, `"` and `'`.
 */
export function escapeHtml(text: string): string {
  // `&` first, or the `&` of the entities added below would be escaped again.
  return text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;").replace(/'/g, "&#39;");
}
