/**
 * What the exporter changes on each rendered lesson page so that every reader can use it: the
 * page's language, wide tables in keyboard-scrollable regions, and plotly.js loaded after the
 * first paint instead of blocking it.
 */
import { DRAIN_PLOT_QUEUE } from "../../src/plot/html";
import { escapeHtml } from "./html";

/** Sets `lang` on the page's `<html>` tag (nbconvert writes none). Throws when there is no `<html>` tag. */
export function setLang(html: string, lang: string): string {
  if (!/^[a-z]{2,3}(-[A-Za-z0-9]+)*$/.test(lang)) throw new Error(`setLang: "${lang}" is not a language tag`);
  const m = /<html\b([^>]*)>/i.exec(html);
  if (!m) throw new Error("setLang: the page has no <html> tag");
  const attributes = m[1]!.replace(/\s+lang\s*=\s*("[^"]*"|'[^']*'|[^\s>]+)/i, "");
  return html.slice(0, m.index) + `<html lang="${lang}"${attributes}>` + html.slice(m.index + m[0].length);
}

/** Inserts `snippet` just before `</body>`; throws unless the page has exactly one. */
export function addToBodyEnd(html: string, snippet: string): string {
  const at = html.indexOf("</body>");
  if (at < 0 || html.indexOf("</body>", at + 1) >= 0) throw new Error("addToBodyEnd: the page must have exactly one </body>");
  return html.slice(0, at) + snippet + "\n" + html.slice(at);
}

// Tables a reader sees: output tables (tsdl's showTable) and Markdown tables. A plot's visually
// hidden data table (class tsdl-plot-data, see src/plot/html.ts) is not one of them.
const VISIBLE_TABLE = /<table\b(?![^>]*tsdl-plot-data)[^>]*>[\s\S]*?<\/table\s*>/gi;

/**
 * Wraps every visible table in a region that scrolls sideways when the table is wider than the
 * screen: focusable (tabindex=0), so a keyboard can scroll it, and named after the table's caption
 * so a screen reader says what it is. The CSS (tsdl.css, .tsdl-table-scroll) draws the cue.
 */
export function wrapTables(html: string): { html: string; count: number } {
  let count = 0;
  const out = html.replace(VISIBLE_TABLE, (table) => {
    count += 1;
    const caption = /<caption\b[^>]*>([\s\S]*?)<\/caption>/i
      .exec(table)?.[1]
      ?.replace(/<[^>]*>/g, "")
      .trim();
    const label = caption ? `Table ${count}: ${caption}` : `Table ${count}`; // numbered: region names must differ
    return `<div class="tsdl-table-scroll" role="region" tabindex="0" aria-label="${label.replace(/"/g, "&quot;")}">${table}</div>`;
  });
  return { html: out, count };
}

/** How long a page that has not painted waits before it loads plotly.js anyway. */
export const PLOTLY_FALLBACK_MS = 3000;

/**
 * The script that loads plotly.js once the page has been painted (a script in the head would
 * hold the first paint until its 4.7 MB have been parsed and run), then draws the plots that
 * queued themselves meanwhile (src/plot/html.ts). `src` is the library's path relative to the page.
 */
export function plotlyLoaderHtml(src: string): string {
  // The browser's own first-contentful-paint entry says the page has been painted (one animation
  // frame is not enough: Chromium fetched plotly before a short lesson's first paint). A page that
  // never paints (a background tab) still gets its plots after PLOTLY_FALLBACK_MS.
  return (
    `<script>(function(){var done=false;function load(){if(done)return;done=true;var s=document.createElement("script");s.src="${escapeHtml(src)}";` +
    `s.onload=function(){${DRAIN_PLOT_QUEUE}};document.body.appendChild(s);}` +
    `function painted(es){return es.some(function(e){return e.name==="first-contentful-paint";});}` +
    `setTimeout(load,${PLOTLY_FALLBACK_MS});` +
    `if(painted(performance.getEntriesByType("paint")))return setTimeout(load,0);` +
    `try{new PerformanceObserver(function(l,o){if(painted(l.getEntries())){o.disconnect();setTimeout(load,0);}}).observe({type:"paint",buffered:true});}` +
    `catch(e){requestAnimationFrame(function(){setTimeout(load,0);});}})();</script>`
  );
}
