import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import * as tf from "@tensorflow/tfjs";
import { selectBackend } from "../../src/backend/select";
import { makeDataset, type Dataset } from "../../src/data/dataset";
import { evaluate } from "../../src/eval/evaluate";
import { crossEntropy } from "../../src/eval/loss";
import { predictClasses } from "../../src/eval/predict";
import { cnn } from "../../src/models/cnn";
import { softmaxRegression } from "../../src/models/softmax-regression";
import { firstNonFiniteRow } from "../../src/tensor/finite";
import { fit, type FitOptions } from "../../src/train/fit";
import { squaresDataset } from "./synthetic";

let train: Dataset;

before(async () => {
  await selectBackend();
  train = squaresDataset(240, 1);
});

after(() => train.dispose());

const OPTIONS: FitOptions = { epochs: 2, batchSize: 40, lr: 1e-2, seed: 5, progress: false, workers: 1 };

/** `ds` with one value of row `row` of its images (or targets) replaced by `value`. */
function spoiled(ds: Dataset, row: number, value: number, field: "xs" | "ys" = "xs"): Dataset {
  const values = ds[field].dataSync().slice();
  values[row * (ds[field].size / ds.size) + 3] = value;
  const xs = field === "xs" ? tf.tensor4d(values, ds.xs.shape) : ds.xs.clone();
  const ys = field === "ys" ? tf.tensor2d(values, ds.ys.shape) : ds.ys.clone();
  return makeDataset(xs, ys, ds.labels.slice());
}

test("firstNonFiniteRow: -1 for finite data, else the first row holding NaN or ±Infinity", () => {
  const before = tf.memory().numTensors;
  assert.equal(firstNonFiniteRow(train.xs), -1);
  const big = tf.tensor2d([
    [1e38, -1e38],
    [0, 0],
  ]);
  assert.equal(firstNonFiniteRow(big), -1, "large but finite");
  for (const v of [NaN, Infinity, -Infinity]) {
    const t = tf.tensor2d([
      [0, 1],
      [2, 3],
      [4, v],
      [v, 0],
    ]);
    assert.equal(firstNonFiniteRow(t), 2, String(v));
    t.dispose();
  }
  const ints = tf.tensor1d([1, 2], "int32");
  assert.equal(firstNonFiniteRow(ints), -1);
  tf.dispose([big, ints]);
  assert.equal(tf.memory().numTensors, before);
});

test("crossEntropy: NaN probabilities give NaN on this backend too (wasm's clip would give 16.1181), finite ones the usual value", () => {
  const [loss, grad, plain] = tf.tidy(() => {
    const y = tf.tensor2d([
      [1, 0],
      [0, 1],
    ]);
    const p = tf.tensor2d([
      [NaN, NaN],
      [0.25, 0.75],
    ]);
    const q = tf.tensor2d([
      [0.5, 0.5],
      [0.25, 0.75],
    ]);
    const g = tf.grad((t: tf.Tensor) => tf.sum(crossEntropy(y, t as tf.Tensor2D)))(q);
    const h = tf.grad((t: tf.Tensor) => tf.sum(tf.metrics.categoricalCrossentropy(y, t as tf.Tensor2D)))(q);
    return [crossEntropy(y, p).dataSync(), g.dataSync(), h.dataSync()];
  });
  assert.ok(Number.isNaN(loss[0]), `${tf.getBackend()}: ${loss[0]}`);
  assert.ok(Math.abs(loss[1]! + Math.log(0.75)) < 1e-6);
  // The added 0 × sum leaves the gradient of finite rows exactly as tfjs's own formula gives it.
  assert.deepEqual(grad, plain);
});

test("fit refuses non-finite images or targets at the door, naming the set and the row, before any training", async () => {
  const model = softmaxRegression({ seed: 1 });
  const weights = model.getWeights().map((w) => w.dataSync().slice());
  const nan = spoiled(train, 17, NaN);
  const inf = spoiled(train, 5, Infinity);
  const targets = spoiled(train, 9, NaN, "ys");
  const before = tf.memory().numTensors;
  try {
    await assert.rejects(
      fit(model, { train: nan }, OPTIONS),
      /^Error: fit: the train set's images hold NaN or infinite values \(first in row 17\)/,
    );
    await assert.rejects(
      fit(model, { train, validation: inf }, OPTIONS),
      /fit: the validation set's images hold NaN or infinite values \(first in row 5\)/,
    );
    await assert.rejects(
      fit(model, { train: targets }, OPTIONS),
      /fit: the train set's targets hold NaN or infinite values \(first in row 9\)/,
    );
    assert.equal(tf.memory().numTensors, before, "nothing leaked");
    model.getWeights().forEach((w, i) => assert.deepEqual(w.dataSync(), weights[i], "no training happened"));
  } finally {
    [nan, inf, targets].forEach((d) => d.dispose());
    model.dispose();
  }
});

/** A transform that spoils batch `k` (1-based) of the run with NaN: a loss that turns NaN mid-training. */
function nanAtBatch(k: number): (x: tf.Tensor4D) => tf.Tensor4D {
  let calls = 0;
  return (x) => (++calls === k ? tf.mul(x, NaN) : x.clone());
}

test("a NaN loss during training stops fit with an error naming the epoch and batch", async () => {
  const model = softmaxRegression({ seed: 1 });
  const before = tf.memory().numTensors;
  try {
    // Batch 3 of 6 in epoch 1: on the main thread the loss is summed on the device, so it is
    // seen at the epoch's read-back (no extra read per batch), and the epoch log is never written.
    const logged: number[] = [];
    await assert.rejects(
      fit(model, { train }, { ...OPTIONS, transformBatch: nanAtBatch(3), onEpoch: (log) => void logged.push(log.loss) }),
      /^Error: fit: the loss became NaN in epoch 1, at or before batch 6 of 6; training stopped/,
    );
    assert.deepEqual(logged, [], "no epoch was logged with a NaN loss");
    assert.equal(tf.memory().numTensors, before, "nothing leaked");
    const fresh = softmaxRegression({ seed: 1 });
    await assert.rejects(
      fit(fresh, { train }, { ...OPTIONS, transformBatch: nanAtBatch(8) }),
      /the loss became NaN in epoch 2, at or before batch 6 of 6/,
    );
    fresh.dispose();
  } finally {
    model.dispose();
  }
});

test("weights gone NaN stop fit even where the loss stays finite (a CNN on wasm: relu maps NaN to 0)", async () => {
  const model = cnn({ seed: 3, filters: [4, 8], denseUnits: 16 });
  const before = tf.memory().numTensors;
  try {
    await assert.rejects(
      fit(model, { train }, { ...OPTIONS, transformBatch: nanAtBatch(3) }),
      /fit: the (loss became NaN in epoch 1, at or before batch 6 of 6|weights became NaN or infinite in epoch 1 \(.+\)); training stopped/,
    );
    assert.equal(tf.memory().numTensors, before, "nothing leaked");
  } finally {
    model.dispose();
  }
});

test("with two workers: a NaN loss names its batch exactly (it arrives as a number), NaN weights their epoch", async () => {
  const model = softmaxRegression({ seed: 1 });
  const conv = cnn({ seed: 3, filters: [4, 8], denseUnits: 16 });
  try {
    // Workers take a dense network when asked to; its loss carries the NaN.
    await assert.rejects(
      fit(model, { train }, { ...OPTIONS, workers: 2, transformBatch: nanAtBatch(3) }),
      /the loss became NaN in epoch 1, batch 3 of 6; training stopped/,
    );
    await assert.rejects(
      fit(conv, { train }, { ...OPTIONS, workers: 2, transformBatch: nanAtBatch(3) }),
      /fit: the (loss became NaN in epoch 1, batch 3 of 6|weights became NaN or infinite in epoch 1 \(.+\)); training stopped/,
    );
  } finally {
    model.dispose();
    conv.dispose();
  }
});

test("predictClasses and evaluate refuse NaN images instead of answering class 0", () => {
  const model = softmaxRegression({ seed: 1 });
  const nan = spoiled(train, 4, NaN);
  const before = tf.memory().numTensors;
  try {
    assert.throws(() => predictClasses(model, nan.xs), /predict: the images hold NaN or infinite values \(first in row 4\)/);
    assert.throws(() => evaluate(model, nan), /predict: the images hold NaN or infinite values \(first in row 4\)/);
    assert.equal(predictClasses(model, train.xs).predictions.length, 240, "finite images: answered");
    assert.equal(tf.memory().numTensors, before);
  } finally {
    nan.dispose();
    model.dispose();
  }
});
