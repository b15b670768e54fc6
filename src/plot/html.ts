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
 * - {@link plotHtml}: per plot, a `<figure>` holding a `<div class="tsdl-plot" id="tsdl-plot-…">`
 *   and a script that draws it with window.Plotly at once, or queues the drawing in
 *   window.__tsdlPlotQueue ({@link DRAIN_PLOT_QUEUE} draws the queue).
 *
 * Why text/html and not the `application/vnd.plotly.v1+json` mime type: measured by the team,
 * that output renders nowhere without a Jupyter extension, and not in exported HTML.
 */
import { randomBytes } from "node:crypto";
import { readFileSync } from "node:fs";
import { escapeHtml } from "../display/escape";
import { TITLE_ROOM, type Plot } from "./spec";
import { plotAltText, plotCaption, plotDataTable } from "./text-alternative";

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

/** Draws the plots queued before plotly.js was loaded (also run by the exported site's loader). */
export const DRAIN_PLOT_QUEUE = "(window.__tsdlPlotQueue||[]).splice(0).forEach(function(f){f();});";

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
      DRAIN_PLOT_QUEUE +
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

/** A plot narrower than this (a phone) gets its legend below the chart instead of beside it. */
export const NARROW_PLOT_PX = 640;

// Inline, not a class: the text must stay hidden in Jupyter too, where the site's CSS is absent.
const VISUALLY_HIDDEN =
  "position:absolute;width:1px;height:1px;margin:-1px;padding:0;overflow:hidden;clip:rect(0,0,0,0);white-space:nowrap;border:0";

/**
 * The HTML of one plot: a `<figure>` whose caption is the title (HTML, so it wraps on a narrow
 * screen; plotly is given the layout without it) and what to see, the plot's div (hidden from
 * screen readers: plotly's SVG reads as a stream of tick labels and cell values) followed by its
 * text alternative as a visually hidden paragraph (see text-alternative.ts), the script that draws
 * it (now, or once plotly.js loads) and, for a small heatmap, its numbers as a visually hidden
 * table. Why not role="img" with an aria-label on the div: its toolbar's buttons would be
 * interactive content inside an image (axe-core: nested-interactive, serious). The drawing
 * takes plotly's toolbar buttons out of the tab order (they still show on hover) and, on a narrow
 * plot, puts the legend below the chart and shrinks the images' captions.
 */
export function plotHtml(plot: Plot, id: string = newPlotId()): string {
  if (!/^[A-Za-z][\w-]*$/.test(id)) throw new Error(`plotHtml: id "${id}" must be a letter then letters, digits, - or _`);
  const { title, ...untitled } = plot.layout;
  const layout = title
    ? { ...untitled, height: untitled.height - TITLE_ROOM, margin: { ...untitled.margin, t: Math.max(0, untitled.margin.t - TITLE_ROOM) } }
    : untitled;
  const spec = scriptSafeJson({ data: plot.data, layout, config: plot.config });
  const caption =
    `<figcaption style="text-align:center;font-size:15px;line-height:1.35;margin:0 0 4px">` +
    (title ? `<b>${escapeHtml(title.text)}</b>` : escapeHtml(plotCaption(plot))) +
    (plot.caption ? ` <span>${escapeHtml(plot.caption)}</span>` : "") +
    `</figcaption>`;
  const style = `width:100%;height:${Math.round(layout.height)}px`;
  const table = plotDataTable(plot, ' class="tsdl-plot-data"');
  return (
    `<figure class="tsdl-figure" style="margin:0 0 8px;max-width:${Math.round(plot.maxWidth)}px">` +
    caption +
    `<div class="tsdl-plot" id="${id}" style="${style}" aria-hidden="true"></div>` +
    `<p style="${VISUALLY_HIDDEN}">${escapeHtml(plotAltText(plot))}</p>` +
    `<script>(function(){var s=${spec};function draw(){var g=document.getElementById("${id}"),l=s.layout;` +
    `if(l.showlegend&&g.clientWidth<${NARROW_PLOT_PX}){l=Object.assign({},l,{legend:{orientation:"h",x:0,y:-0.25,yanchor:"top"}});}` +
    // Image captions shrink with the images on a narrow page (down to 9 px), or they overlap.
    `var k=g.clientWidth/${Math.round(plot.maxWidth)};if(l.annotations&&k<1){l=Object.assign({},l,{annotations:l.annotations.map(function(a){` +
    `var f=(a.font&&a.font.size)||12;return Object.assign({},a,{font:{size:Math.max(9,Math.round(f*k))}});})});}` +
    `function untab(){g.querySelectorAll(".modebar-btn").forEach(function(b){b.setAttribute("tabindex","-1");});}` +
    `window.Plotly.newPlot(g,s.data,l,s.config).then(function(){untab();g.on("plotly_afterplot",untab);});}` +
    ` if(window.Plotly){draw();}else{(window.__tsdlPlotQueue=window.__tsdlPlotQueue||[]).push(draw);}})();</script>` +
    // In a hidden div: a table ignores width:1px and would widen the page by its own width.
    (table ? `<div style="${VISUALLY_HIDDEN}">${table}</div>` : "") +
    `</figure>`
  );
}
