import { test, before } from "node:test";
import assert from "node:assert/strict";
import * as tf from "@tensorflow/tfjs";
import { evaluate } from "../../src/eval/evaluate";
import { predictClasses } from "../../src/eval/predict";

before(async () => {
  // Exact small numbers: the pure-JS backend.
  await tf.setBackend("cpu");
});

/**
 * A 3-class "model" whose logits are 2·x for inputs x of shape [3]: softmax(2x). Its outputs
 * are easy to compute by hand.
 */
function handModel(): tf.Sequential {
  const model = tf.sequential();
  model.add(tf.layers.dense({ inputShape: [3], units: 3, activation: "softmax", useBias: false }));
  model.setWeights([tf.mul(tf.eye(3), 2)]);
  return model;
}

function softmax(row: number[]): number[] {
  const e = row.map((v) => Math.exp(2 * v));
  const s = e.reduce((a, b) => a + b, 0);
  return e.map((v) => v / s);
}

const X = [
  [1, 0, 0],
  [0, 3, 0],
  [0, 0, 1],
  [2, 0, 0],
  [0, 1, 0.5],
];
const LABELS = [0, 1, 1, 0, 2]; // examples 2 and 4 are wrong (predicted 2 and 1)

function dataset() {
  const labels = Int32Array.from(LABELS);
  return {
    xs: tf.tensor2d(X),
    ys: tf.oneHot(tf.tensor1d(labels, "int32"), 3).toFloat() as tf.Tensor2D,
    labels,
    size: X.length,
  };
}

test("evaluate: accuracy, loss, predictions and confidences match a hand computation", () => {
  const model = handModel();
  const ds = dataset();
  const start = tf.memory().numTensors;
  const result = evaluate(model, ds, { batchSize: 2, probabilities: true });
  assert.equal(tf.memory().numTensors, start, "evaluate leaves no tensors behind");

  const probs = X.map(softmax);
  const expectedPred = probs.map((p) => p.indexOf(Math.max(...p)));
  assert.deepEqual([...result.predictions], expectedPred);
  assert.deepEqual([...result.predictions], [0, 1, 2, 0, 1]);
  assert.equal(result.accuracy, 3 / 5);
  const expectedLoss = -LABELS.reduce((s, y, i) => s + Math.log(probs[i]![y]!), 0) / X.length;
  assert.ok(Math.abs(result.loss - expectedLoss) < 1e-5, `loss ${result.loss} vs ${expectedLoss}`);
  result.confidences.forEach((c, i) => assert.ok(Math.abs(c - Math.max(...probs[i]!)) < 1e-6));
  assert.equal(result.probabilities!.length, 15);
  assert.ok(Math.abs(result.probabilities![4]! - probs[1]![1]!) < 1e-6);
  assert.equal(result.size, 5);
  assert.equal(result.numClasses, 3);

  // The batch size changes nothing but speed.
  const whole = evaluate(model, ds, { batchSize: 100 });
  assert.deepEqual(whole.predictions, result.predictions);
  assert.ok(Math.abs(whole.loss - result.loss) < 1e-6);
  assert.equal(whole.probabilities, undefined, "full probabilities only when asked for");
  tf.dispose([ds.xs, ds.ys]);
  model.dispose();
});

test("predictClasses: the same predictions without labels", () => {
  const model = handModel();
  const xs = tf.tensor2d(X);
  const start = tf.memory().numTensors;
  const p = predictClasses(model, xs, { batchSize: 3 });
  assert.equal(tf.memory().numTensors, start);
  assert.deepEqual([...p.predictions], [0, 1, 2, 0, 1]);
  assert.equal(p.confidences.length, 5);
  xs.dispose();
  model.dispose();
});

test("evaluate rejects inputs and targets that do not fit the model", () => {
  const model = handModel();
  const ds = dataset();
  const wrongXs = tf.zeros([5, 4]);
  assert.throws(() => evaluate(model, { ...ds, xs: wrongXs }), /Inputs of shape \[5, 4\] do not fit the model's input \[batch, 3\]/);
  const wrongYs = tf.zeros([5, 10]) as tf.Tensor2D;
  assert.throws(() => evaluate(model, { ...ds, ys: wrongYs }), /Targets of shape \[5, 10\] do not match 5 inputs and 3 classes/);
  assert.throws(() => evaluate(model, { ...ds, labels: Int32Array.from([0, 1, 7, 0, 2]) }), /labels\[2\] = 7 is not a class in 0…2/);
  assert.throws(() => evaluate(model, { ...ds, size: 4 }), /dataset size 4 but xs has 5 rows/);
  assert.throws(() => evaluate(model, ds, { batchSize: 0 }), /batchSize must be a positive integer, got 0/);
  const logits = tf.sequential({ layers: [tf.layers.dense({ inputShape: [3], units: 3, name: "logits" })] });
  assert.throws(() => evaluate(logits, ds), /Expected the model to end in softmax .* last layer "logits" has activation "linear"/);
  logits.dispose();
  tf.dispose([ds.xs, ds.ys, wrongXs, wrongYs]);
  model.dispose();
});
