import { test } from "node:test";
import assert from "node:assert/strict";
import { addToBodyEnd, PLOTLY_FALLBACK_MS, plotlyLoaderHtml, setLang, wrapTables } from "../../scripts/site/page";
import { DRAIN_PLOT_QUEUE } from "../../src/plot/html";

test("setLang: sets or replaces the language of the <html> tag, keeps its other attributes", () => {
  assert.equal(setLang("<!DOCTYPE html>\n<html>\n<head>", "en"), '<!DOCTYPE html>\n<html lang="en">\n<head>');
  assert.equal(setLang('<html class="x" lang="de">', "en"), '<html lang="en" class="x">');
  assert.throws(() => setLang("<body>", "en"), /no <html> tag/);
  assert.throws(() => setLang("<html>", 'en" onload="x'), /not a language tag/);
});

test("addToBodyEnd: before the one </body>, else an error", () => {
  assert.equal(addToBodyEnd("<body><p>x</p></body>", "<script></script>"), "<body><p>x</p><script></script>\n</body>");
  assert.throws(() => addToBodyEnd("<body>", "x"), /exactly one <\/body>/);
});

test("wrapTables: visible tables in a named, focusable scroll region; a plot's hidden table left alone", () => {
  const html =
    '<table class="tsdl-table"><caption>Runs &amp; "seeds"</caption><tr><td>1</td></tr></table>' +
    "<table><tr><td>md</td></tr></table>" +
    '<table class="tsdl-plot-data"><caption>hidden</caption></table>';
  const r = wrapTables(html);
  assert.equal(r.count, 2);
  assert.equal(
    r.html,
    '<div class="tsdl-table-scroll" role="region" tabindex="0" aria-label="Table 1: Runs &amp; &quot;seeds&quot;"><table class="tsdl-table"><caption>Runs &amp; "seeds"</caption><tr><td>1</td></tr></table></div>' +
      '<div class="tsdl-table-scroll" role="region" tabindex="0" aria-label="Table 2"><table><tr><td>md</td></tr></table></div>' +
      '<table class="tsdl-plot-data"><caption>hidden</caption></table>',
  );
});

test("plotlyLoaderHtml: loads the library after the first contentful paint (or a fallback delay), once, then draws the queued plots", () => {
  const html = plotlyLoaderHtml("assets/plotly.min.js");
  assert.ok(html.includes('s.src="assets/plotly.min.js"'));
  assert.ok(html.includes(`s.onload=function(){${DRAIN_PLOT_QUEUE}}`));
  assert.ok(html.includes('observe({type:"paint",buffered:true})'));
  assert.ok(html.includes(`setTimeout(load,${PLOTLY_FALLBACK_MS})`));
  assert.ok(html.includes("if(done)return;done=true;"));
  assert.equal(html.match(/<script/g)!.length, 1);
});
