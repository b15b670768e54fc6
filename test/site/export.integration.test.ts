// The whole export on a small hand-made executed notebook: nbconvert (Python) renders the page,
// scripts/site/export.ts rewrites it. Needs `npm run build` (done by `npm test`) and nbconvert.
import { test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { externalReferences } from "../../scripts/site/html";
import { plotlyLoaderHtml } from "../../scripts/site/page";
import { runControlsHtml } from "../../scripts/site/runner-assets";

const root = join(__dirname, "..", "..", "..");
const LIB = `<script data-tsdl-plotly-lib="3.1.2">window.__inlinedLib = true;</script>`;
const PLOT =
  `<div class="tsdl-plot" id="tsdl-plot-ab-1" style="width:100%;max-width:400px;height:300px"></div>` +
  `<script>(function(){function draw(){window.Plotly.newPlot("tsdl-plot-ab-1",[{type:"bar",x:[1],y:[2]}],{height:300});}` +
  ` if(window.Plotly){draw();}else{(window.__tsdlPlotQueue=window.__tsdlPlotQueue||[]).push(draw);}})();</script>`;

const EXERCISES = "## Exercises\n\n1. Print the filter.\n2. Explain the output size.";
const SOLUTIONS = [
  {
    cell_type: "code",
    id: "s1",
    metadata: { tags: ["solution"], jupyter: { source_hidden: true, outputs_hidden: true } },
    execution_count: 4,
    source: "console.log(filterOfTheSolution);",
    outputs: [{ output_type: "stream", name: "stdout", text: "solution-one-printed\n" }],
  },
  { cell_type: "markdown", id: "s2", metadata: { tags: ["solution"], jupyter: { source_hidden: true } }, source: "The size is *smaller*." },
];

function notebook(
  libOutput: string,
  tail: object[] = [{ cell_type: "markdown", id: "m2", metadata: {}, source: EXERCISES }, ...SOLUTIONS],
) {
  const display = (html: string) => ({ output_type: "display_data", data: { "text/html": html, "text/plain": "plot" }, metadata: {} });
  return {
    nbformat: 4,
    nbformat_minor: 5,
    metadata: { kernelspec: { name: "tslab", display_name: "TypeScript (tslab, tsdl-lessons)", language: "typescript" } },
    cells: [
      {
        cell_type: "markdown",
        id: "m1",
        metadata: {},
        source: "# Fixture *lesson*\n\nA filter of size $k$ and `code`.\n\n$$\\frac{n-k}{s}+1$$",
      },
      { cell_type: "code", id: "c1", metadata: {}, execution_count: 1, source: "tsdl.plotlySetup();", outputs: [display(libOutput)] },
      {
        cell_type: "code",
        id: "c2",
        metadata: {},
        execution_count: 2,
        source: "const x: number = 1;\ntsdl.show(plot);",
        outputs: [{ output_type: "stream", name: "stdout", text: "Backend: tfjs · cpu\n" }, display(PLOT)],
      },
      // A check (an accuracy floor): run by the runner, left out of the page.
      {
        cell_type: "code",
        id: "c3",
        metadata: { tags: ["check"] },
        execution_count: 3,
        source: "if (accuracyOfTheFloorCheck < 0.9) throw new Error();",
        outputs: [{ output_type: "stream", name: "stdout", text: "floor-check-passed\n" }],
      },
      ...tail,
    ],
  };
}

function fixture(libOutput = LIB, tail?: object[]) {
  const dir = mkdtempSync(join(tmpdir(), "tsdl-export-"));
  const out = join(dir, "out");
  mkdirSync(join(out, "executed"), { recursive: true });
  writeFileSync(join(out, "executed", "01-fixture.ipynb"), JSON.stringify(notebook(libOutput, tail)));
  const run = { notebook: "01-fixture.ipynb", ok: true, cellsRun: 2, cellsNotRun: 0, seconds: 3.4, backend: "tfjs · cpu" };
  writeFileSync(join(out, "summary.json"), JSON.stringify({ profile: "fast", date: "2026-11-25T13:02:01+0000", notebooks: [run] }));
  return { dir, out, site: join(dir, "site") };
}

function exportSite(out: string, site: string) {
  return spawnSync(process.execPath, [join(root, "build", "scripts", "site", "export.js"), "--out", out, "--site", site], {
    encoding: "utf8",
  });
}

test("export renders a lesson page that loads one shared plotly.js, with math, TS highlighting and navigation, without check cells", () => {
  const f = fixture();
  try {
    const r = exportSite(f.out, f.site);
    assert.equal(r.status, 0, r.stderr);
    const page = readFileSync(join(f.site, "01-fixture.html"), "utf8");
    assert.ok(!page.includes("data-tsdl-plotly-lib") && !page.includes("__inlinedLib"), "the inline plotly.js output is gone");
    const loader = page.indexOf(plotlyLoaderHtml("assets/plotly.min.js"));
    assert.ok(
      loader > page.indexOf("</main>") && loader < page.indexOf("</body>"),
      "plotly.js is loaded by the loader at the end of the body, after the first paint",
    );
    assert.equal(page.split("plotly.min.js").length - 1, 1, "exactly once");
    assert.match(page, /<html lang="en">/);
    assert.match(page, /<body[^>]*>\s*<a class="tsdl-skip" href="#lesson">/, "a skip link first");
    assert.ok(page.includes('<div class="tsdl-plot" id="tsdl-plot-ab-1"'), "the plot output is kept");
    assert.deepEqual(externalReferences(page), [], "nothing outside the site (no require.js, MathJax, CDN)");
    assert.doesNotMatch(page, /mathjax|require(\.min)?\.js/i);
    assert.match(page, /<span class="kd">const<\/span>/, "TypeScript highlighting");
    assert.match(page, /<span class="katex">/, "inline math rendered");
    assert.match(page, /<span class="katex-display">/, "display math rendered");
    assert.match(page, /<link rel="stylesheet" href="assets\/katex\/katex.min.css">/);
    assert.match(page, /<title>Fixture lesson — Convolutional networks in TypeScript<\/title>/);
    // nbconvert 7 re-serialises the page (attributes in alphabetical order), nbconvert 6 does not.
    assert.match(page, /<a class="tsdl-nav-index" (rel="index" href="index.html"|href="index.html" rel="index")>/);
    const index = readFileSync(join(f.site, "index.html"), "utf8");
    assert.match(index, /<a href="01-fixture.html">Fixture <em>lesson<\/em><\/a>/);
    assert.match(index, /A filter of size <span class="katex">.*<\/span> and <code>code<\/code>\./);
    assert.match(index, /3 s/);
    assert.match(index, /profile <b>fast<\/b>/);
    for (const asset of ["plotly.min.js", "tsdl.css", "jupyter/index.css", "jupyter/theme-light.css", "katex/katex.min.css"]) {
      assert.ok(existsSync(join(f.site, "assets", asset)), asset);
    }
    // Run it here: the page loads only the small controls; what the first Run loads is in the site.
    const controls = page.indexOf(runControlsHtml("assets"));
    assert.ok(controls > page.indexOf("</main>") && controls < page.indexOf("</body>"), "the Run controls' script at the end of the body");
    assert.doesNotMatch(
      page,
      /tsdl-runner\.js|mnist-fast\.js|tf\.min\.js|tsdl-wasm\.js/,
      "the runner, MNIST, tfjs and its wasm backend wait for the first Run",
    );
    for (const asset of ["runner/page.js", "runner/tsdl-runner.js", "runner/mnist-fast.js", "tfjs/tf.min.js", "wasm/tsdl-wasm.js"]) {
      assert.ok(existsSync(join(f.site, "assets", asset)), asset);
    }
    assert.match(
      r.stdout,
      /run it here: the pages' controls \d+ kB; on the first Run the runner \d+ kB, MNIST's fast slice [\d.]+ MB, the wasm backend \d+ kB \(shared with the pad\)/,
    );
    // The check cell is not shown: its output is gone, its code only in an inert template for the page's Run all.
    assert.ok(!page.includes("floor-check-passed"), "the check's output is left out");
    assert.equal(page.split("accuracyOfTheFloorCheck").length - 1, 1);
    assert.match(page, /<template class="tsdl-check-cell">if \(accuracyOfTheFloorCheck &lt; 0\.9\) throw new Error\(\);<\/template>/);
    assert.match(
      r.stdout,
      /01-fixture.html +1 plot\(s\) +2 formula\(s\) +highlighting: typescript +1 check cell\(s\) hidden +2 solution\(s\) collapsed/,
    );
    // Worked solutions: each in a closed <details> named by its exercise, code with its output, Markdown rendered.
    const solutions = [...page.matchAll(/<details class="tsdl-solution">\s*<summary>([^<]*)<\/summary>([\s\S]*?)<\/details>/g)];
    assert.deepEqual(
      solutions.map((m) => m[1]),
      ["Solution to exercise 1", "Solution to exercise 2"],
    );
    assert.match(solutions[0]![2]!, /filterOfTheSolution[\s\S]*solution-one-printed/);
    assert.match(solutions[1]![2]!, /The size is <em>smaller<\/em>\./);
    assert.ok(page.indexOf("Print the filter") < page.indexOf('<details class="tsdl-solution">'), "after the exercises");
  } finally {
    rmSync(f.dir, { recursive: true, force: true });
  }
});

test("export refuses a plotly.js output mixed with other content and leaves the old site alone", () => {
  const f = fixture(`<p>hello</p>${LIB}`);
  try {
    mkdirSync(f.site);
    writeFileSync(join(f.site, ".tsdl-site"), "");
    writeFileSync(join(f.site, "index.html"), "old");
    const r = exportSite(f.out, f.site);
    assert.equal(r.status, 1);
    assert.match(r.stderr, /01-fixture.ipynb: cell 1: an output holds plotly.js \(data-tsdl-plotly-lib\) together with other content/);
    assert.equal(readFileSync(join(f.site, "index.html"), "utf8"), "old");
  } finally {
    rmSync(f.dir, { recursive: true, force: true });
  }
});

test("export refuses solutions that do not match the exercises one to one, or that draw a plot, naming the notebook and cell", () => {
  const cases: [object[], RegExp][] = [
    [
      [{ cell_type: "markdown", id: "m2", metadata: {}, source: EXERCISES }, SOLUTIONS[0]!],
      /01-fixture.ipynb: 1 cell\(s\) tagged 'solution' for 2 numbered exercise\(s\)/,
    ],
    [
      [SOLUTIONS[1]!, { cell_type: "markdown", id: "m2", metadata: {}, source: EXERCISES }],
      /01-fixture.ipynb: cell 4: a cell tagged 'solution' comes before the Exercises heading/,
    ],
    [
      [
        { cell_type: "markdown", id: "m2", metadata: {}, source: EXERCISES },
        { ...SOLUTIONS[0]!, outputs: [{ output_type: "display_data", data: { "text/html": PLOT }, metadata: {} }] },
        SOLUTIONS[1]!,
      ],
      /01-fixture.ipynb: cell 5: a solution draws a plot/,
    ],
  ];
  for (const [tail, message] of cases) {
    const f = fixture(LIB, tail);
    try {
      const r = exportSite(f.out, f.site);
      assert.equal(r.status, 1);
      assert.match(r.stderr, message);
    } finally {
      rmSync(f.dir, { recursive: true, force: true });
    }
  }
});

test("export will not replace a folder it did not make, and says what is missing", () => {
  const f = fixture();
  try {
    mkdirSync(f.site);
    writeFileSync(join(f.site, "notes.txt"), "mine");
    const r = exportSite(f.out, f.site);
    assert.equal(r.status, 1);
    assert.match(r.stderr, /is not empty and was not made by this exporter/);
    assert.equal(readFileSync(join(f.site, "notes.txt"), "utf8"), "mine");
    const missing = exportSite(join(f.dir, "nowhere"), f.site);
    assert.equal(missing.status, 1);
    assert.match(missing.stderr, /summary\.json not found: run the lessons first/);
  } finally {
    rmSync(f.dir, { recursive: true, force: true });
  }
});
