/**
 * The HTML that puts plots on a page — a contract shared with the site exporter, which removes
 * the `data-tsdl-plotly-lib` script from exported pages and loads one shared plotly.min.js in
 * the page head instead:
 *
 * - {@link plotlyLibHtml}: ONE `<script data-tsdl-plotly-lib="VERSION">` holding plotly.min.js,
 *   shown once per notebook (offline: no CDN). It hides require.js's `define` while plotly's
 *   UMD header runs — classic Notebook 6 has require.js, and plotly would register itself as an
 *   anonymous AMD module instead of setting window.Plotly — then draws the plots that were
 *   queued because they were displayed before the library arrived.
 * - {@link plotHtml}: per plot, a `<div class="tsdl-plot" id="tsdl-plot-…">` and a script that
 *   draws it with window.Plotly at once, or queues the drawing in window.__tsdlPlotQueue.
 *
 * Why text/html and not the `application/vnd.plotly.v1+json` mime type: measured by the team,
 * that output renders nowhere without a Jupyter extension, and not in exported HTML.
 */
import { randomBytes } from "node:crypto";
import { readFileSync } from "node:fs";
import { escapeHtml } from "../display/escape";
import type { Plot } from "./spec";

/** Where the bundled plotly.js lives and its version (read from its package.json). */
export function plotlyLibInfo(): { readonly path: string; readonly version: string } {
  const pkgJson = require.resolve("plotly.js-dist-min/package.json");
  const pkg = JSON.parse(readFileSync(pkgJson, "utf8")) as { version?: unknown };
  if (typeof pkg.version !== "string") throw new Error(`plotly.js-dist-min: no version in ${pkgJson}`);
  return { path: require.resolve("plotly.js-dist-min"), version: pkg.version };
}

/**
 * Makes JavaScript source safe inside an inline `<script>`: the HTML parser ends a script at
 * the first `</script` whatever the JS means there, and `<!--` can switch it into an "escaped"
 * state. `<\/script` and `<\!--` mean the same in JS strings, regexes and comments.
 */
export function escapeInlineScript(js: string): string {
  return js.replace(/<\/(script)/gi, "<\\/$1").replace(/<!--/g, "<\\!--");
}

/**
 * JSON that can sit inside an inline `<script>`: `<`, `>` and `&` become \u escapes (so no
 * `</script>` or `<!--` can appear) and so do U+2028/U+2029. The value parses back unchanged.
 */
export function scriptSafeJson(value: unknown): string {
  return JSON.stringify(value)
    .replace(/</g, "\\u003c")
    .replace(/>/g, "\\u003e")
    .replace(/&/g, "\\u0026")
    .replace(/\u2028/g, "\\u2028")
    .replace(/\u2029/g, "\\u2029");
}

const DRAIN_QUEUE = "(window.__tsdlPlotQueue||[]).splice(0).forEach(function(f){f();});";

let libHtmlCache: string | undefined;

/** The one `<script data-tsdl-plotly-lib>` output that defines window.Plotly (about 4.8 MB). */
export function plotlyLibHtml(): string {
  if (libHtmlCache === undefined) {
    const { path, version } = plotlyLibInfo();
    const source = escapeInlineScript(readFileSync(path, "utf8"));
    libHtmlCache =
      `<script data-tsdl-plotly-lib="${escapeHtml(version)}">` +
      "(function(){var d=window.define;window.define=undefined;try{\n" +
      source +
      "\n}finally{window.define=d;}})();\n" +
      DRAIN_QUEUE +
      "</script>";
  }
  return libHtmlCache;
}

// A random token per kernel process: ids must stay unique on a page that keeps outputs from an
// earlier kernel session (a counter alone restarts at 1 after a kernel restart).
const processToken = randomBytes(4).toString("hex");
let counter = 0;

/** A page-unique element id for the next plot: `tsdl-plot-<process token>-<n>`. */
export function newPlotId(): string {
  counter += 1;
  return `tsdl-plot-${processToken}-${counter}`;
}

/** The HTML of one plot: its div and the script that draws it (now, or once plotly.js loads). */
export function plotHtml(plot: Plot, id: string = newPlotId()): string {
  if (!/^[A-Za-z][\w-]*$/.test(id)) throw new Error(`plotHtml: id "${id}" must be a letter then letters, digits, - or _`);
  const spec = scriptSafeJson({ data: plot.data, layout: plot.layout, config: plot.config });
  const style = `width:100%;max-width:${Math.round(plot.maxWidth)}px;height:${Math.round(plot.layout.height)}px`;
  return (
    `<div class="tsdl-plot" id="${id}" style="${style}"></div>` +
    `<script>(function(){var s=${spec};` +
    `function draw(){window.Plotly.newPlot("${id}",s.data,s.layout,s.config);}` +
    ` if(window.Plotly){draw();}else{(window.__tsdlPlotQueue=window.__tsdlPlotQueue||[]).push(draw);}})();</script>`
  );
}
