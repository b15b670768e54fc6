import { test } from "node:test";
import assert from "node:assert/strict";
import { heatmap } from "../../src/plot/heatmap";
import { plotlySetup, show } from "../../src/plot/show";
import { plotlyLibInfo } from "../../src/plot/html";

// Pretend to be inside a tslab kernel: tslab's display calls this hook (see src/display/output.ts).
const jupyter = require("tslab/dist/jupyter") as { lastWriteDisplayData: unknown };

interface Output {
  data: Record<string, string>;
}

function capture(f: () => void): { outputs: Output[]; stdout: string[] } {
  const outputs: Output[] = [];
  const stdout: string[] = [];
  const log = console.log;
  const saved = jupyter.lastWriteDisplayData;
  console.log = (...args: unknown[]) => stdout.push(args.join(" "));
  try {
    f();
  } finally {
    console.log = log;
    jupyter.lastWriteDisplayData = saved;
  }
  return { outputs, stdout };
}

function inFakeKernel(f: () => void): Output[] {
  const outputs: Output[] = [];
  const saved = jupyter.lastWriteDisplayData;
  jupyter.lastWriteDisplayData = (o: Output) => outputs.push(o);
  try {
    f();
  } finally {
    jupyter.lastWriteDisplayData = saved;
  }
  return outputs;
}

const plot = heatmap(
  [
    [1, 2],
    [3, 4],
  ],
  { title: "toy" },
);

// Order matters: the first show() in this process must set plotly up by itself.
test("show: outside Jupyter prints the setup line once, then one text line per plot", () => {
  const first = capture(() => show(plot));
  assert.deepEqual(first.stdout, [
    `[plotly.js ${plotlyLibInfo().version}: plots show as text outside Jupyter]`,
    '[plot: 1 heatmap trace, title "toy"]',
  ]);
  const second = capture(() => show(plot));
  assert.deepEqual(second.stdout, ['[plot: 1 heatmap trace, title "toy"]']);
});

test("in a kernel: plotlySetup shows ONE text/html output holding the library; show one per plot", () => {
  const outputs = inFakeKernel(() => {
    plotlySetup();
    show(plot);
    show(plot);
  });
  assert.equal(outputs.length, 3);
  for (const o of outputs) assert.deepEqual(Object.keys(o.data), ["text/html"]);
  assert.ok(outputs[0]!.data["text/html"]!.startsWith(`<script data-tsdl-plotly-lib="${plotlyLibInfo().version}">`));
  const ids = outputs
    .slice(1)
    .map(
      (o) =>
        /<figure class="tsdl-figure"[^>]*><figcaption[^>]*>.*?<\/figcaption><div class="tsdl-plot" id="(tsdl-plot-[^"]+)"/.exec(
          o.data["text/html"]!,
        )![1],
    );
  assert.equal(new Set(ids).size, 2, "each plot has its own id");
  for (const o of outputs.slice(1))
    assert.equal(o.data["text/html"]!.includes("data-tsdl-plotly-lib"), false, "plots do not carry the library");
});

test("in a kernel: calling plotlySetup again shows the library again (a re-run first cell keeps it)", () => {
  const outputs = inFakeKernel(() => plotlySetup());
  assert.equal(outputs.length, 1);
  assert.match(outputs[0]!.data["text/html"]!, /^<script data-tsdl-plotly-lib=/);
});
