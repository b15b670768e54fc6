/**
 * Math on the exported pages, rendered at export time with KaTeX: pages need only a stylesheet
 * and fonts, no script, and look the same in every browser.
 *
 * Why not MathJax like nbconvert: nbconvert's page loads it from /usr/share/javascript (Debian)
 * or a CDN, both unreachable from a copied site; a working MathJax 2 subset is about 1.3 MB of
 * scripts and fonts fetched piece by piece at run time, while KaTeX's CSS and woff2 fonts are
 * about 290 kB (measured: katex 0.19.1), loaded only by pages that show math.
 *
 * render_pages.py marks each formula as `<tsdl-math data-display="inline|block">TeX</tsdl-math>`
 * (TeX HTML-escaped, so the mark never contains `<`); {@link renderMathMarks} replaces the marks.
 */
import katex from "katex";
import { dirname, join } from "node:path";
import { unescapeHtml } from "./html";

const MARK = /<tsdl-math data-display="(inline|block)">([^<]*)<\/tsdl-math>/g;

/** Renders one formula; throws KaTeX's ParseError (with the position) for TeX it cannot read. */
export function texToHtml(tex: string, display: boolean): string {
  return katex.renderToString(tex, { displayMode: display, throwOnError: true, output: "htmlAndMathml" });
}

/** A page with its math rendered, how many formulas it had, and the ones KaTeX refused. */
export interface MathResult {
  readonly html: string;
  readonly count: number;
  readonly errors: readonly string[];
}

/**
 * Replaces every math mark in `html` by KaTeX's rendering. A formula KaTeX cannot read stays
 * visible as its TeX source (in a `tsdl-math-error` span) and is listed in `errors`.
 */
export function renderMathMarks(html: string): MathResult {
  let count = 0;
  const errors: string[] = [];
  const out = html.replace(MARK, (_m, kind: string, escaped: string) => {
    count += 1;
    const tex = unescapeHtml(escaped);
    try {
      return texToHtml(tex, kind === "block");
    } catch (err) {
      errors.push(`${kind === "block" ? "$$" : "$"}${tex}${kind === "block" ? "$$" : "$"}: ${(err as Error).message}`);
      return `<span class="tsdl-math-error">${escaped}</span>`;
    }
  });
  return { html: out, count, errors };
}

/** KaTeX's stylesheet and its fonts folder in node_modules (the site copies them to assets/). */
export function katexAssets(): { readonly css: string; readonly fonts: string; readonly version: string } {
  const css = require.resolve("katex/dist/katex.min.css");
  return { css, fonts: join(dirname(css), "fonts"), version: katex.version };
}
