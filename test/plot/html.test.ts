import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { escapeInlineScript, newPlotId, plotHtml, plotlyLibHtml, plotlyLibInfo, scriptSafeJson } from "../../src/plot/html";
import { heatmap } from "../../src/plot/heatmap";
import { linePlot } from "../../src/plot/charts";

const HOSTILE = 'a </script><script>alert(1)</script> <!-- & \u2028 "quoted"';

/** Extracts the JSON spec from a plot's script (the contract: `var s=<JSON>;function draw(){`). */
function specOf(html: string): unknown {
  const m = /var s=(.*?);function draw\(\)\{/.exec(html);
  assert.ok(m, "spec assignment present");
  return JSON.parse(m[1]!);
}

test("plotHtml: one div.tsdl-plot with the contract's id, style and drawing script", () => {
  const plot = heatmap([[1, 2], [3, 4]], { title: "toy" });
  const html = plotHtml(plot, "tsdl-plot-test-1");
  assert.match(
    html,
    /^<div class="tsdl-plot" id="tsdl-plot-test-1" style="width:100%;max-width:\d+px;height:\d+px"><\/div><script>\(function\(\)\{var s=/,
  );
  assert.ok(html.includes(`height:${plot.layout.height}px`));
  assert.ok(html.includes(`max-width:${plot.maxWidth}px`));
  assert.ok(html.includes('function draw(){window.Plotly.newPlot("tsdl-plot-test-1",s.data,s.layout,s.config);}'));
  assert.ok(
    html.endsWith(" if(window.Plotly){draw();}else{(window.__tsdlPlotQueue=window.__tsdlPlotQueue||[]).push(draw);}})();</script>"),
  );
  assert.deepEqual(specOf(html), { data: plot.data, layout: plot.layout, config: plot.config });
  assert.throws(() => plotHtml(plot, 'x" onload="alert(1)'), /must be a letter then letters, digits/);
});

test("plotHtml: the JSON cannot end the script, whatever the titles say, and parses back unchanged", () => {
  const plot = linePlot([{ name: HOSTILE, x: [1], y: [2] }], { title: HOSTILE });
  const html = plotHtml(plot);
  // Exactly one "</script" (the real end) and no "<!--" in the whole output.
  assert.equal(html.match(/<\/script/gi)!.length, 1);
  assert.equal(html.includes("<!--"), false);
  assert.equal(html.includes("\u2028"), false);
  const spec = specOf(html) as { layout: { title: { text: string } }; data: { name: string }[] };
  assert.equal(spec.layout.title.text, HOSTILE);
  assert.equal(spec.data[0]!.name, HOSTILE);
  assert.equal(JSON.parse(scriptSafeJson(HOSTILE)), HOSTILE);
});

test("newPlotId / plotHtml: ids are unique and carry a per-process token", () => {
  const ids = new Set(Array.from({ length: 1000 }, () => newPlotId()));
  assert.equal(ids.size, 1000);
  for (const id of ids) assert.match(id, /^tsdl-plot-[0-9a-f]{8}-\d+$/);
  const plot = heatmap([[1]]);
  const a = /id="([^"]+)"/.exec(plotHtml(plot))![1];
  const b = /id="([^"]+)"/.exec(plotHtml(plot))![1];
  assert.notEqual(a, b);
});

test("plotlyLibHtml: one script tagged with the plotly version, define hidden while plotly runs, queue drained", () => {
  const { version, path } = plotlyLibInfo();
  const pkg = JSON.parse(readFileSync(require.resolve("plotly.js-dist-min/package.json"), "utf8")) as { version: string };
  assert.equal(version, pkg.version);
  const html = plotlyLibHtml();
  assert.ok(html.startsWith(`<script data-tsdl-plotly-lib="${version}">(function(){var d=window.define;window.define=undefined;try{\n`));
  assert.ok(html.endsWith("\n}finally{window.define=d;}})();\n(window.__tsdlPlotQueue||[]).splice(0).forEach(function(f){f();});</script>"));
  assert.equal(html.match(/<script/gi)!.length, 1, "one script element");
  assert.equal(html.match(/<\/script/gi)!.length, 1, "nothing inside ends the script early");
  const source = readFileSync(path, "utf8");
  assert.ok(html.length >= source.length, "the whole library is inlined");
  assert.ok(html.includes(source.slice(0, 2000)), "starts with plotly's own header");
  assert.equal(plotlyLibHtml(), html, "built once per process");
});

test("escapeInlineScript: </script (any case) and <!-- are neutralised; other text is untouched", () => {
  assert.equal(escapeInlineScript('x="</script>";y="</SCRIPT>"'), 'x="<\\/script>";y="<\\/SCRIPT>"');
  assert.equal(escapeInlineScript("a<!--b"), "a<\\!--b");
  assert.equal(escapeInlineScript("if (a < b) c = '</div>'"), "if (a < b) c = '</div>'");
  // Both rewrites mean the same string in JavaScript.
  assert.equal(eval(escapeInlineScript('"</script><!--"')), "</script><!--");
  assert.equal(new RegExp(eval(escapeInlineScript('"<\\/script"'))).source, "<\\/script");
});
