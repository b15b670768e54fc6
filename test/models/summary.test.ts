import { test, before } from "node:test";
import assert from "node:assert/strict";
import * as tf from "@tensorflow/tfjs";
import { cnn } from "../../src/models/cnn";
import { softmaxRegression } from "../../src/models/softmax-regression";
import { buildModel } from "../../src/models/registry";
import { formatShape, layersFrame, modelSummary, summaryText } from "../../src/models/summary";

before(async () => {
  await tf.setBackend("cpu");
});

test("modelSummary: one row per layer with type, output shape and parameters", () => {
  const model = cnn();
  const rows = modelSummary(model);
  assert.deepEqual(
    rows.map((r) => [r.layer, r.type, r.outputShape, r.params]),
    [
      ["conv1", "Conv2D", [null, 28, 28, 32], 320],
      ["pool1", "MaxPooling2D", [null, 14, 14, 32], 0],
      ["conv2", "Conv2D", [null, 14, 14, 64], 18_496],
      ["pool2", "MaxPooling2D", [null, 7, 7, 64], 0],
      ["conv3", "Conv2D", [null, 7, 7, 128], 73_856],
      ["pool3", "MaxPooling2D", [null, 4, 4, 128], 0],
      ["dropout1", "SeededDropout", [null, 4, 4, 128], 0],
      ["flatten", "Flatten", [null, 2048], 0],
      ["dense", "Dense", [null, 128], 262_272],
      ["dropout2", "SeededDropout", [null, 128], 0],
      ["output", "Dense", [null, 10], 1_290],
    ],
  );
  assert.equal(
    rows.reduce((s, r) => s + r.params, 0),
    model.countParams(),
  );
  model.dispose();
});

test("summaryText: aligned table with a total line", () => {
  const model = softmaxRegression();
  const text = summaryText(modelSummary(model));
  assert.deepEqual(text.split("\n"), [
    "layer    type     output shape  params",
    "flatten  Flatten  [null, 784]        0",
    "dense    Dense    [null, 10]     7,850",
    "total params: 7,850",
  ]);
  assert.equal(formatShape([null, 4, 4, 128]), "[null, 4, 4, 128]");
  model.dispose();
});

test("layersFrame is the model summary as a table", () => {
  const model = buildModel("cnn", { seed: 1 });
  try {
    const frame = layersFrame(model);
    assert.deepEqual(frame.columns, ["layer", "type", "output_shape", "params"]);
    assert.equal(frame.height, model.layers.length);
    assert.equal(
      frame
        .getColumn("params")
        .toArray()
        .map(Number)
        .reduce((a, b) => a + b, 0),
      356234,
    );
    assert.deepEqual(frame.row(0), ["conv1", "Conv2D", "[null, 28, 28, 32]", 320]);
  } finally {
    model.dispose();
  }
});
