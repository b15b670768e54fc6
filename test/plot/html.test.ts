import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { escapeHtml } from "../../src/display/escape";
import { NARROW_PLOT_PX, escapeInlineScript, newPlotId, plotHtml, plotlyLibHtml, plotlyLibInfo, scriptSafeJson } from "../../src/plot/html";
import { TITLE_ROOM } from "../../src/plot/spec";
import { heatmap } from "../../src/plot/heatmap";
import { linePlot } from "../../src/plot/charts";

const HOSTILE = 'a </script><script>alert(1)</script> <!-- & \u2028 "quoted"';

/** Extracts the JSON spec from a plot's script (the contract: `var s=<JSON>;function draw(){`). */
function specOf(html: string): unknown {
  const m = /var s=(.*?);function draw\(\)\{/.exec(html);
  assert.ok(m, "spec assignment present");
  return JSON.parse(m[1]!);
}

test("plotHtml: a figure with the title as caption, the div with its text alternative, the drawing script", () => {
  const plot = linePlot([{ name: "train", x: [1, 2], y: [0.5, 0.25] }], { title: "toy", caption: "it falls", xTitle: "epoch" });
  const html = plotHtml(plot, "tsdl-plot-test-1");
  const height = plot.layout.height - TITLE_ROOM;
  assert.ok(html.startsWith(`<figure class="tsdl-figure" style="margin:0 0 8px;max-width:${plot.maxWidth}px"><figcaption `));
  assert.match(html, /<figcaption [^>]*><b>toy<\/b> <span>it falls<\/span><\/figcaption>/);
  assert.ok(
    html.includes(
      `<div class="tsdl-plot" id="tsdl-plot-test-1" style="width:100%;height:${height}px" aria-hidden="true"></div>` +
        `<p style="position:absolute;width:1px;height:1px;margin:-1px;padding:0;overflow:hidden;clip:rect(0,0,0,0);white-space:nowrap;border:0">` +
        `Line chart against epoch. train: 0.5 at 1 to 0.25 at 2.</p>`,
    ),
  );
  assert.ok(html.includes('function draw(){var g=document.getElementById("tsdl-plot-test-1"),l=s.layout;'));
  assert.ok(html.includes('setAttribute("tabindex","-1")'), "toolbar buttons leave the tab order");
  assert.ok(html.includes(`g.clientWidth<${NARROW_PLOT_PX}`), "legend below the chart on a narrow plot");
  assert.ok(
    html.endsWith(
      " if(window.Plotly){draw();}else{(window.__tsdlPlotQueue=window.__tsdlPlotQueue||[]).push(draw);}})();</script></figure>",
    ),
  );
  // plotly gets the layout without the title (the caption shows it) and without its room.
  const { title, ...untitled } = plot.layout;
  assert.equal(title?.text, "toy");
  const layout = { ...untitled, height, margin: { ...untitled.margin, t: untitled.margin.t - TITLE_ROOM } };
  assert.deepEqual(specOf(html), { data: plot.data, layout, config: plot.config });
  assert.throws(() => plotHtml(plot, 'x" onload="alert(1)'), /must be a letter then letters, digits/);
});

test("plotHtml: an untitled plot is captioned by its kind; a small heatmap carries its numbers as a hidden table", () => {
  const untitled = plotHtml(linePlot([{ name: "a", x: [0], y: [1] }], { yTitle: "loss" }), "p1");
  assert.match(untitled, /<figcaption [^>]*>Line chart of loss<\/figcaption>/);
  const html = plotHtml(
    heatmap(
      [
        [1, 2],
        [3, 4],
      ],
      { x: ["p0", "p1"], y: ["t0", "t1"] },
    ),
    "p2",
  );
  assert.match(
    html,
    /<\/script><div style="position:absolute;width:1px;height:1px;[^"]*"><table class="tsdl-plot-data"><caption>Heatmap, 2 rows by 2 columns: the values<\/caption>/,
  );
  assert.ok(html.includes('<tr><th scope="row">t1</th><td>3</td><td>4</td></tr></table></div></figure>'));
  assert.equal(untitled.includes("<table"), false, "no table for a line chart");
});

test("plotHtml: the JSON cannot end the script, whatever the titles say, and parses back unchanged", () => {
  const plot = linePlot([{ name: HOSTILE, x: [1], y: [2] }], { title: HOSTILE });
  const html = plotHtml(plot);
  // Exactly one "</script" (the real end) and no "<!--" in the whole output.
  assert.equal(html.match(/<\/script/gi)!.length, 1);
  assert.equal(html.includes("<!--"), false);
  // U+2028 ends a line in older JavaScript: none in the script (the caption's text may hold one).
  assert.equal(/<script>[\s\S]*<\/script>/.exec(html)![0].includes("\u2028"), false);
  const spec = specOf(html) as { data: { name: string }[] };
  assert.equal(spec.data[0]!.name, HOSTILE);
  assert.ok(html.includes(`<b>${escapeHtml(HOSTILE)}</b>`), "the title, escaped, in the caption");
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
  assert.ok(
    html.endsWith("\n}finally{window.define=d;}})();\n(window.__tsdlPlotQueue||[]).splice(0).forEach(function(f){f();});</script>"),
  );
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
  // biome-ignore lint/security/noGlobalEval: reading the escaped text as JavaScript is the check
  assert.equal(eval(escapeInlineScript('"</script><!--"')), "</script><!--");
  // biome-ignore lint/security/noGlobalEval: reading the escaped text as JavaScript is the check
  assert.equal(new RegExp(eval(escapeInlineScript('"<\\/script"'))).source, "<\\/script");
});
