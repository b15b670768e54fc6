/**
 * Inline Markdown → HTML for the short texts of the index page (a lesson's one-line summary):
 * `code`, $math$, **strong**, *emphasis*, [links](…) shown as their text, backslash escapes.
 * Everything else is text, HTML-escaped — raw HTML in a summary is shown, not interpreted.
 */
import { escapeHtml, unescapeHtml } from "./html";

// Code spans and math are taken first: their content is not Markdown.
const SPECIAL = /(`+)([^`][\s\S]*?)\1(?!`)|\$([^$\s](?:[^$]*?[^$\s])?)\$|\\([\\`*_$[\]()#!{}.+-])/g;

function emphasis(escaped: string): string {
  return escaped
    .replace(/\[([^\]]+)\]\([^)\s]*(?:\s+&quot;[^&]*&quot;)?\)/g, "$1") // a link shows its text
    .replace(/\*\*(?=\S)([\s\S]*?\S)\*\*|__(?=\S)([\s\S]*?\S)__/g, (_m, a?: string, b?: string) => `<strong>${a ?? b}</strong>`)
    .replace(/\*(?=\S)([^*]*?\S)\*|\b_(?=\S)([^_]*?\S)_\b/g, (_m, a?: string, b?: string) => `<em>${a ?? b}</em>`);
}

/**
 * Renders one line of inline Markdown. `math` turns the TeX between `$…$` into HTML (the
 * exporter passes KaTeX); it is called once per formula.
 */
export function inlineMarkdownToHtml(text: string, math: (tex: string) => string): string {
  let html = "";
  let plain = "";
  let last = 0;
  // A backslash-escaped character waits as NUL code NUL, so emphasis never sees it, and becomes
  // a character reference at the end.
  const flushPlain = () => {
    // biome-ignore lint/suspicious/noControlCharactersInRegex: NUL is the marker (above)
    html += emphasis(escapeHtml(plain)).replace(/\u0000(\d+)\u0000/g, "&#$1;");
    plain = "";
  };
  // biome-ignore lint/suspicious/noControlCharactersInRegex: NUL is the marker: none may come from the text
  const source = text.replace(/\u0000/g, "");
  for (const m of source.matchAll(SPECIAL)) {
    const at = m.index ?? last; // always set by matchAll; typed optional in lib ES2022
    plain += source.slice(last, at);
    last = at + m[0].length;
    if (m[4] !== undefined) {
      plain += `\u0000${m[4].codePointAt(0)}\u0000`;
      continue;
    }
    flushPlain();
    html += m[2] !== undefined ? `<code>${escapeHtml(m[2].trim())}</code>` : math(m[3]!);
  }
  plain += source.slice(last);
  flushPlain();
  return html;
}

/**
 * The same line as plain text (for `<title>` and the navigation links): Markdown marks and
 * the `$` around math removed, TeX kept as written.
 */
export function inlineMarkdownToText(text: string): string {
  return unescapeHtml(inlineMarkdownToHtml(text, escapeHtml).replace(/<[^>]*>/g, ""));
}
