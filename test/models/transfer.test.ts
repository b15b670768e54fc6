import { before, test } from "node:test";
import assert from "node:assert/strict";
import * as tf from "@tensorflow/tfjs";
import { cnn } from "../../src/models/cnn";
import { deepCnn } from "../../src/models/deep-cnn";
import { mlp } from "../../src/models/mlp";
import { transferModel } from "../../src/models/transfer";
import { fit } from "../../src/train/fit";
import { squaresDataset } from "../train/synthetic";

before(async () => {
  await tf.setBackend("cpu");
});

const values = (model: tf.LayersModel, layer: string) =>
  model
    .getLayer(layer)
    .getWeights()
    .map((w) => Array.from(w.dataSync()));

test("transferModel: the CNN's base with its weights, frozen, under a new head seeded like the CNN's", () => {
  const start = tf.memory().numTensors;
  const base = cnn({ seed: 3 });
  const model = transferModel(base, { seed: 1 });
  assert.deepEqual(
    model.layers.map((l) => [l.name, l.getClassName(), l.trainable]),
    [
      ["conv1", "Conv2D", false],
      ["pool1", "MaxPooling2D", false],
      ["conv2", "Conv2D", false],
      ["pool2", "MaxPooling2D", false],
      ["conv3", "Conv2D", false],
      ["pool3", "MaxPooling2D", false],
      ["flatten", "Flatten", true],
      ["new_dense", "Dense", true],
      ["new_output", "Dense", true],
    ],
  );
  // The CNN without its two dropout layers: the same 356,234 weights, of which the head's train.
  assert.equal(model.countParams(), 356_234);
  assert.equal(
    model.trainableWeights.reduce((n, w) => n + tf.util.sizeFromShape(w.shape as number[]), 0),
    262_272 + 1_290,
  );
  assert.deepEqual(model.outputs[0]!.shape, [null, 10]);
  for (const conv of ["conv1", "conv2", "conv3"]) assert.deepEqual(values(model, conv), values(base, conv), `${conv} copied`);
  // Same seed, same head start as a CNN trained from scratch: only the base differs.
  const scratch = cnn({ seed: 1 });
  assert.deepEqual(values(model, "new_dense"), values(scratch, "dense"));
  assert.deepEqual(values(model, "new_output"), values(scratch, "output"));
  const other = transferModel(base, { seed: 2 });
  assert.notDeepEqual(values(other, "new_dense"), values(model, "new_dense"));
  other.dispose();
  scratch.dispose();
  base.dispose(); // the copy keeps its own weights
  const p = tf.tidy(() => (model.predict(tf.ones([2, 28, 28, 1])) as tf.Tensor).sum(1).arraySync() as number[]);
  p.forEach((s) => assert.ok(Math.abs(s - 1) < 1e-5));
  model.dispose();
  assert.equal(tf.memory().numTensors, start);
});

test("transferModel: training changes the head only; freeze: false trains the base too; the base itself never changes", async () => {
  const data = squaresDataset(40, 1);
  const base = cnn({ seed: 3, filters: [4, 8], denseUnits: 16 });
  const before = values(base, "conv1");
  const start = tf.memory().numTensors;
  for (const freeze of [true, false]) {
    const model = transferModel(base, { seed: 1, freeze });
    const head = values(model, "new_dense");
    await fit(model, { train: data }, { epochs: 1, batchSize: 20, lr: 0.01, progress: false });
    assert.equal(JSON.stringify(values(model, "conv1")) === JSON.stringify(before), freeze, `freeze ${freeze}: conv1`);
    assert.notDeepEqual(values(model, "new_dense"), head, "the head trains");
    model.dispose();
  }
  assert.equal(tf.memory().numTensors, start, "no tensors left behind");
  assert.deepEqual(values(base, "conv1"), before, "the base model is untouched");
  base.dispose();
  data.dispose();
});

test("transferModel: a deep CNN's base (padding layers and all) with the head seeded after its six convolutions", () => {
  const base = deepCnn({ seed: 2 });
  const model = transferModel(base, { seed: 5 });
  assert.deepEqual(
    model.layers.slice(0, -3).map((l) => l.name),
    base.layers
      .slice(
        0,
        base.layers.findIndex((l) => l.name === "flatten"),
      )
      .map((l) => l.name),
  );
  assert.ok(model.layers.some((l) => l.getClassName() === "ZeroPadding2D"));
  const dense = tf.initializers.glorotUniform({ seed: 5 * 1000 + 7 }).apply([1024, 128]);
  assert.deepEqual(values(model, "new_dense")[0], Array.from(dense.dataSync()));
  dense.dispose();
  model.dispose();
  base.dispose();
});

test("transferModel: a base that cannot serve and bad options are named", () => {
  const start = tf.memory().numTensors;
  const base = cnn({ seed: 1, filters: [4], denseUnits: 8 });
  assert.throws(() => transferModel(base, { sede: 1 } as never), /transferModel: unknown option "sede"/);
  assert.throws(() => transferModel(base, { seed: 1.5 }), /transferModel: seed must be an integer, got 1.5/);
  assert.throws(() => transferModel(base, { freeze: "yes" } as never), /transferModel: freeze must be true or false, got "yes"/);
  assert.throws(() => transferModel({} as never), /transferModel: base must be a tf.LayersModel/);
  base.dispose();

  const dense = mlp({ seed: 1, hidden: [8] });
  assert.throws(() => transferModel(dense), /the base model "mlp" has no convolution before its Flatten/);
  dense.dispose();

  const colour = tf.sequential({
    name: "colour",
    layers: [
      tf.layers.conv2d({ inputShape: [32, 32, 3], filters: 2, kernelSize: 3 }),
      tf.layers.flatten(),
      tf.layers.dense({ units: 10, activation: "softmax" }),
    ],
  });
  assert.throws(() => transferModel(colour), /the base model "colour" takes \[32,32,3\] inputs, not 28×28×1 images/);
  colour.dispose();

  const pooled = tf.sequential({
    name: "pooled",
    layers: [
      tf.layers.conv2d({ inputShape: [28, 28, 1], filters: 2, kernelSize: 3 }),
      tf.layers.globalAveragePooling2d({}),
      tf.layers.dense({ units: 10, activation: "softmax" }),
    ],
  });
  assert.throws(() => transferModel(pooled), /the base model "pooled" has no Flatten layer/);
  pooled.dispose();

  const input = tf.input({ shape: [28, 28, 1] });
  const out = tf.layers
    .dense({ units: 10, activation: "softmax" })
    .apply(tf.layers.flatten().apply(tf.layers.conv2d({ filters: 2, kernelSize: 3 }).apply(input))) as tf.SymbolicTensor;
  const functional = tf.model({ inputs: input, outputs: out, name: "functional" });
  assert.throws(() => transferModel(functional), /the base model "functional" is not a tf.Sequential/);
  functional.dispose();
  assert.equal(tf.memory().numTensors, start);
});
