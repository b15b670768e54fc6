/**
 * Small HTML helpers for the exported site: escaping, adding to a page's head, and finding
 * references that would leave the site (the site must work offline, from any folder).
 */
import { escapeHtml } from "../../src/display/escape";

// Re-exported so the site's modules keep importing all their HTML helpers from here; the one
// definition lives in the library, shared with its tables, so notebook and site escape alike.
export { escapeHtml };

/** Reverses the escapes that Python's html.escape(quote=False) and {@link escapeHtml} make. */
export function unescapeHtml(text: string): string {
  return text
    .replace(/&lt;/g, "<")
    .replace(/&gt;/g, ">")
    .replace(/&quot;/g, '"')
    .replace(/&#39;|&#x27;/g, "'")
    .replace(/&amp;/g, "&");
}

/**
 * Inserts `snippet` just before `</head>`. Throws if the page has no `</head>` (or several):
 * then it is not one of our pages and guessing a place would be wrong.
 */
export function addToHead(html: string, snippet: string): string {
  const at = html.indexOf("</head>");
  if (at < 0 || html.indexOf("</head>", at + 1) >= 0) {
    throw new Error("addToHead: the page must have exactly one </head>");
  }
  return html.slice(0, at) + snippet + "\n" + html.slice(at);
}

/** One reference found by {@link externalReferences}: where it was and what it points to. */
export interface ExternalReference {
  /** Where it was: `<img src>`, `<link href>`, `url()`, `@import`… */
  readonly kind: string;
  readonly url: string;
}

// Attributes that make the browser fetch something (an <a>/<area> href is a link the reader may
// follow, not a request, so it may point anywhere).
const TAG = /<([a-zA-Z][\w:-]*)((?:\s+[^\s"'>/=]+(?:\s*=\s*(?:"[^"]*"|'[^']*'|[^\s"'=<>`]+))?)*)\s*\/?>/g;
const ATTRIBUTE = /\s([^\s"'>/=]+)(?:\s*=\s*("([^"]*)"|'([^']*)'|([^\s"'=<>`]+)))?/g;
const FETCHING = new Set(["src", "href", "srcset", "poster", "data", "action", "formaction"]);
const CSS_URL = /url\(\s*("([^"]*)"|'([^']*)'|([^)'"\s]*))\s*\)/gi;
const CSS_IMPORT = /@import\s+("([^"]*)"|'([^']*)')/gi;

/**
 * True for a URL that stays on the site: a relative path, a fragment, or inline data. Anything
 * with a scheme (http:, file:, …), protocol-relative (`//host`) or site-absolute (`/x`, which
 * breaks when the site is opened from a folder or served under a sub-path) is external.
 */
export function isLocalUrl(url: string): boolean {
  const u = unescapeHtml(url.trim());
  if (u === "" || u.startsWith("#")) return true;
  if (/^data:/i.test(u) || /^blob:/i.test(u)) return true;
  if (u.startsWith("/") || u.startsWith("\\")) return false;
  return !/^[a-z][a-z0-9+.-]*:/i.test(u);
}

/**
 * References in a page (HTML with inline CSS, or a CSS file) that make the browser fetch from
 * outside the site. A static check: it reads tag attributes and CSS url()/@import, not URLs
 * that scripts build — the browser test catches those by watching the requests.
 *
 * Content of `<script>` elements is skipped: plot specs and plotly.js itself hold URL strings
 * (the SVG namespace, plotly's docs) that nothing fetches.
 */
export function externalReferences(text: string): ExternalReference[] {
  const withoutScripts = text.replace(/(<script\b[^>]*>)[\s\S]*?(<\/script\s*>)/gi, "$1$2");
  const found: ExternalReference[] = [];
  for (const tag of withoutScripts.matchAll(TAG)) {
    const element = tag[1]!.toLowerCase();
    for (const m of (tag[2] ?? "").matchAll(ATTRIBUTE)) {
      const name = m[1]!.toLowerCase();
      if (!FETCHING.has(name) || (name === "href" && (element === "a" || element === "area"))) continue;
      const value = m[3] ?? m[4] ?? m[5] ?? "";
      const urls = name === "srcset" ? value.split(",").map((part) => part.trim().split(/\s+/)[0] ?? "") : [value];
      for (const url of urls) if (!isLocalUrl(url)) found.push({ kind: `<${element} ${name}>`, url });
    }
  }
  for (const m of withoutScripts.matchAll(CSS_URL)) {
    const url = m[2] ?? m[3] ?? m[4] ?? "";
    if (!isLocalUrl(url)) found.push({ kind: "url()", url });
  }
  for (const m of withoutScripts.matchAll(CSS_IMPORT)) {
    const url = m[2] ?? m[3] ?? "";
    if (!isLocalUrl(url)) found.push({ kind: "@import", url });
  }
  return found;
}
