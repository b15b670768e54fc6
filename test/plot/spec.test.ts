import { before, test } from "node:test";
import assert from "node:assert/strict";
import * as tf from "@tensorflow/tfjs";
import { imageGrid, MAX_GRID_IMAGES, wrapTitle } from "../../src/plot/image-grid";
import { heatmap } from "../../src/plot/heatmap";
import { barChart, linePlot } from "../../src/plot/charts";
import { colorStops, describePlot, type HeatmapTrace, roundForPlot } from "../../src/plot/spec";
import { swapaxes } from "../../src/tensor/swapaxes";

before(async () => {
  assert.equal(await tf.setBackend("cpu"), true);
});

function heat(t: unknown): HeatmapTrace {
  assert.equal((t as HeatmapTrace).type, "heatmap");
  return t as HeatmapTrace;
}

test("imageGrid: N×H×W×1 → one heatmap per image, z rows = image rows, in subplots x, x2, …", () => {
  const before = tf.memory().numTensors;
  // image i, pixel (r, c) = 100·i + 10·r + c: every value says where it came from
  const images = tf.tidy(() =>
    tf
      .range(0, 3)
      .reshape([3, 1, 1, 1])
      .mul(100)
      .add(tf.range(0, 2).reshape([1, 2, 1, 1]).mul(10))
      .add(tf.range(0, 4).reshape([1, 1, 4, 1])),
  );
  assert.deepEqual(images.shape, [3, 2, 4, 1]);
  const plot = imageGrid(images, { titles: ["a", "b", "c"], title: "three", columns: 2 });
  assert.equal(plot.data.length, 3);
  plot.data.forEach((t, i) => {
    const h = heat(t);
    assert.deepEqual(
      h.z,
      [0, 1].map((r) => [0, 1, 2, 3].map((c) => 100 * i + 10 * r + c)),
    );
    assert.equal(h.xaxis, i === 0 ? "x" : `x${i + 1}`);
    assert.equal(h.yaxis, i === 0 ? "y" : `y${i + 1}`);
    assert.deepEqual(h.colorscale, colorStops("gray"));
    assert.equal(h.showscale, false);
    assert.equal(h.name, ["a", "b", "c"][i]);
  });
  const L = plot.layout;
  assert.deepEqual(L.title, { text: "three" });
  for (const k of ["", "2", "3"]) {
    const y = L[`yaxis${k}` as "yaxis"]!;
    const x = L[`xaxis${k}` as "xaxis"]!;
    assert.equal(y.autorange, "reversed", "row 0 at the top");
    assert.equal(y.scaleanchor, `x${k}`, "square pixels");
    assert.equal(x.showticklabels, false);
    assert.equal(y.showticklabels, false);
    assert.equal(x.anchor, `y${k}`);
  }
  // 2 columns: images 0 and 1 side by side, image 2 below image 0
  const dom = (a: string) => L[a as "xaxis"]!.domain!;
  assert.deepEqual(dom("xaxis3"), dom("xaxis"));
  assert.ok(dom("xaxis2")[0] > dom("xaxis")[1]);
  assert.ok(dom("yaxis3")[1] < dom("yaxis")[0], "second row below the first");
  for (const a of ["xaxis", "xaxis2", "xaxis3", "yaxis", "yaxis2", "yaxis3"]) {
    const [lo, hi] = dom(a);
    assert.ok(lo >= 0 && hi <= 1 && lo < hi, `${a} domain inside the paper: ${lo}..${hi}`);
  }
  assert.deepEqual(
    L.annotations!.map((a) => a.text),
    ["a", "b", "c"],
  );
  images.dispose();
  assert.equal(tf.memory().numTensors, before);
});

test("imageGrid: N×H×W is the same as N×H×W×1; from 'channels' matches swapaxes(…, 0, 3)", () => {
  const before = tf.memory().numTensors;
  const maps = tf.randomUniform([1, 5, 6, 4], -2, 2, "float32", 3) as tf.Tensor4D;
  const viaOption = imageGrid(maps, { from: "channels" });
  const swapped = swapaxes(maps, 0, 3);
  const viaSwap = imageGrid(swapped);
  const squeezed = swapped.squeeze([3]);
  const via3d = imageGrid(squeezed);
  assert.equal(viaOption.data.length, 4);
  assert.deepEqual(viaOption.data, viaSwap.data);
  assert.deepEqual(via3d.data, viaSwap.data);
  const hwc = maps.squeeze([0]);
  assert.deepEqual(imageGrid(hwc, { from: "channels" }).data, viaSwap.data);
  // and the values are channel k of the input, rounded for display
  const channel2 = tf.tidy(() => maps.slice([0, 0, 0, 2], [1, 5, 6, 1]).reshape([5, 6]).arraySync() as number[][]);
  assert.deepEqual(
    heat(viaOption.data[2]).z,
    channel2.map((r) => r.map(roundForPlot)),
  );
  tf.dispose([maps, swapped, squeezed, hwc]);
  assert.equal(tf.memory().numTensors, before);
});

test("imageGrid: sharedScale sets one zmin/zmax; default leaves each image its own range", () => {
  const before = tf.memory().numTensors;
  const t = tf.tensor3d([[[0, 1]], [[5, 10]]]);
  const shared = imageGrid(t, { sharedScale: true });
  for (const d of shared.data) assert.deepEqual([heat(d).zmin, heat(d).zmax], [0, 10]);
  const own = imageGrid(t);
  for (const d of own.data) assert.deepEqual([heat(d).zmin, heat(d).zmax], [undefined, undefined]);
  t.dispose();
  assert.equal(tf.memory().numTensors, before);
});

test("imageGrid: zeroCentered puts 0 in the middle of signed images only", () => {
  const before = tf.memory().numTensors;
  const t = tf.tensor3d([[[-1, 3]], [[2, 5]], [[-4, 2]]]);
  const own = imageGrid(t, { zeroCentered: true });
  assert.deepEqual(
    own.data.map((d) => [heat(d).zmin, heat(d).zmax]),
    [
      [-3, 3],
      [undefined, undefined],
      [-4, 4],
    ],
  );
  const shared = imageGrid(t, { zeroCentered: true, sharedScale: true });
  for (const d of shared.data) assert.deepEqual([heat(d).zmin, heat(d).zmax], [-5, 5]);
  t.dispose();
  assert.equal(tf.memory().numTensors, before);
});

test("imageGrid: ambiguous or wrong shapes and options are clear errors; nothing leaks", () => {
  const before = tf.memory().numTensors;
  const one = tf.zeros([28, 28, 1]);
  const rgbBatch = tf.zeros([2, 4, 4, 3]);
  const batch = tf.zeros([2, 4, 4, 1]);
  const many = tf.zeros([MAX_GRID_IMAGES + 1, 2, 2]);
  assert.throws(() => imageGrid(one), /\[28, 28, 1\] looks like one H×W×1 image/);
  assert.throws(() => imageGrid(rgbBatch), /must have C = 1/);
  assert.throws(() => imageGrid(batch, { from: "channels" }), /expects one image.*a batch/);
  assert.throws(() => imageGrid(batch, { titles: ["only one"] }), /1 titles for 2 images/);
  assert.throws(() => imageGrid(batch, { columns: 0 }), /columns must be a positive integer/);
  assert.throws(() => imageGrid(batch, { colorscale: "viridis" as "gray" }), /Unknown colorscale "viridis"/);
  assert.throws(() => imageGrid(batch, { from: "pixels" as "images" }), /unknown from "pixels"/);
  assert.throws(() => imageGrid(many), /too many for one figure/);
  assert.throws(() => imageGrid([[1]] as unknown as tf.Tensor), /expected a tf.Tensor/);
  tf.dispose([one, rgbBatch, batch, many]);
  assert.equal(tf.memory().numTensors, before);
});

test("heatmap: values, labels, row 0 on top, cell text only when asked", () => {
  const before = tf.memory().numTensors;
  const m = [
    [5, 6, 6],
    [8, 9, 9],
  ];
  const plain = heatmap(m, { title: "pooled" });
  const t = heat(plain.data[0]);
  assert.deepEqual(t.z, m);
  assert.deepEqual(t.x, ["0", "1", "2"]);
  assert.deepEqual(t.y, ["0", "1"]);
  assert.equal(t.texttemplate, undefined);
  assert.equal(plain.layout.yaxis!.autorange, "reversed");
  const cm = heatmap(m, { x: ["a", "b", "c"], y: ["p", "q"], showValues: true, xTitle: "predicted", yTitle: "true" });
  const c = heat(cm.data[0]);
  assert.deepEqual(
    [c.x, c.y],
    [
      ["a", "b", "c"],
      ["p", "q"],
    ],
  );
  assert.equal(c.texttemplate, "%{z}", "integers shown as they are");
  assert.deepEqual(cm.layout.xaxis!.title, { text: "predicted" });
  assert.equal(heat(heatmap([[0.5, 1]], { showValues: true }).data[0]).texttemplate, "%{z:.2f}");
  const tensor = tf.tensor2d(m);
  assert.deepEqual(heat(heatmap(tensor).data[0]).z, m);
  assert.throws(() => heatmap(m, { x: ["a"] }), /1 x labels for 3 columns/);
  assert.throws(() => heatmap(m, { y: ["p", "p"] }), /labels must be distinct/);
  assert.throws(() => heatmap([[1], [2, 3]]), /row 1 has 2 values/);
  tensor.dispose();
  assert.equal(tf.memory().numTensors, before);
});

test("linePlot / barChart: one trace per series with its numbers; mismatched lengths are errors", () => {
  const p = linePlot(
    [
      { name: "train", x: [1, 2, 3], y: [0.9, 0.5, 0.3] },
      { name: "test", x: [1, 2, 3], y: [1.0, 0.6, NaN] },
    ],
    { title: "Loss", xTitle: "epoch", yTitle: "loss", logY: true },
  );
  assert.deepEqual(
    p.data.map((t) => t.name),
    ["train", "test"],
  );
  assert.deepEqual(p.data[1]!.y, [1.0, 0.6, null], "NaN becomes a gap");
  assert.equal(p.layout.yaxis!.type, "log");
  assert.equal(p.layout.showlegend, true);
  assert.deepEqual(p.layout.xaxis!.title, { text: "epoch" });
  assert.equal(describePlot(p), '[plot: 2 scatter traces, title "Loss"]');
  assert.throws(() => linePlot([{ name: "bad", x: [1, 2], y: [1] }]), /"bad" has 2 x values but 1 y values/);
  assert.throws(() => linePlot([]), /at least one series/);
  const b = barChart([{ name: "count", x: ["0", "1"], y: [3, 4] }], { title: "Digits" });
  assert.deepEqual([b.data[0]!.type, b.data[0]!.x, b.data[0]!.y], ["bar", ["0", "1"], [3, 4]]);
  assert.equal(b.layout.xaxis!.type, "category");
  assert.throws(() => barChart([{ name: "c", x: [1], y: [1] }], { logY: true }), /logY is not supported/);
});

test("describePlot: the text shown outside Jupyter names trace kinds and the title", () => {
  const t = tf.zeros([2, 3, 3]);
  assert.equal(describePlot(imageGrid(t)), "[plot: 2 heatmap traces]");
  assert.equal(describePlot(heatmap([[1]], { title: "x" })), '[plot: 1 heatmap trace, title "x"]');
  t.dispose();
});

test("imageGrid of zero images says so (not a complaint about columns)", () => {
  const none = tf.zeros([0, 28, 28, 1]);
  assert.throws(() => imageGrid(none), /imageGrid: no images to show \(shape \[0, 28, 28, 1\]\)/);
  none.dispose();
});

test("imageGrid: long captions wrap at spaces into lines that fit their image, and the rows make room for them", () => {
  assert.deepEqual(wrapTitle("Shirt→T-shirt/top (0.93)", 18), ["Shirt→T-shirt/top", "(0.93)"]);
  assert.deepEqual(wrapTitle("a  b c", 3), ["a b", "c"]);
  assert.deepEqual(wrapTitle("unbreakable-word x", 4), ["unbreakable-word", "x"]);
  const images = tf.zeros([2, 4, 4]);
  try {
    const short = imageGrid(images, { titles: ["a", "b"], cellSize: 100 });
    const long = imageGrid(images, { titles: ["Shirt→T-shirt/top (0.93)", "b"], cellSize: 100 });
    assert.deepEqual(
      long.layout.annotations!.map((a) => a.text),
      ["Shirt→T-shirt/top<br>(0.93)", "b"],
    );
    assert.equal(long.layout.height - short.layout.height, 15, "one more caption line, 15 px");
  } finally {
    images.dispose();
  }
});
