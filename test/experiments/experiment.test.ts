import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import * as tf from "@tensorflow/tfjs";
import { selectBackend } from "../../src/backend/select";
import type { Dataset } from "../../src/data/dataset";
import { perClassAccuracy } from "../../src/eval/per-class";
import {
  describeRun,
  perClassFrame,
  resultsFrame,
  trainAndEvaluate,
  type ExperimentData,
  type ExperimentRun,
} from "../../src/experiments/experiment";
import type { TrainingRecipe } from "../../src/experiments/recipes";
import { squaresDataset } from "../train/synthetic";

let data: ExperimentData & { dispose(): void };

before(async () => {
  await selectBackend();
  const sets: Dataset[] = [squaresDataset(300, 1), squaresDataset(100, 2), squaresDataset(200, 3)];
  data = { train: sets[0]!, validation: sets[1]!, test: sets[2]!, dispose: () => sets.forEach((s) => s.dispose()) };
});

after(() => data.dispose());

// Softmax regression learns the synthetic task in a few epochs at this rate (see fit.test.ts).
const QUICK: TrainingRecipe = { epochs: 3, batchSize: 32, lr: 0.01, lrDecay: 0.9, optimizer: "adam", seed: 1 };

test("trainAndEvaluate trains, evaluates on the test set and leaves only the model's tensors", async () => {
  const before = tf.memory().numTensors;
  const run = await trainAndEvaluate("softmax", data, QUICK, { progress: false });
  try {
    assert.equal(run.name, "softmax");
    assert.equal(run.params, 7850);
    assert.equal(run.history.epochs.length, 3);
    assert.deepEqual(
      run.history.lr.map((x) => +x.toFixed(6)),
      [0.01, 0.009, 0.0081],
      "the recipe's decay is applied",
    );
    assert.ok(run.test.accuracy >= 0.9, `test accuracy ${run.test.accuracy}`);
    assert.equal(run.test.size, 200);
    assert.equal(run.test.predictions.length, 200);
    assert.equal(run.backend, tf.getBackend());
    assert.ok(run.seconds > 0 && Math.abs(run.secondsPerEpoch * 3 - run.seconds) < 1e-9);
    assert.ok(run.seconds >= run.history.seconds.reduce((a, b) => a + b, 0) - 1e-6, "fit's time covers its epochs");
    assert.equal(tf.memory().numTensors, before + run.model.weights.length, "only the model's weights are new");
    assert.match(
      describeRun(run),
      /^softmax: 7,850 params · 3 epochs in \d+\.\d s \(\d+\.\d s\/epoch, \w+\) · test accuracy \d+\.\d\d % on 200 images$/,
    );
  } finally {
    run.dispose();
  }
  assert.equal(tf.memory().numTensors, before);
});

test("the same recipe and seed give the same run", async () => {
  const a = await trainAndEvaluate("softmax", data, QUICK, { progress: false });
  const b = await trainAndEvaluate("softmax", data, QUICK, { progress: false });
  try {
    assert.deepEqual(a.history.loss, b.history.loss);
    assert.deepEqual(a.test.predictions, b.test.predictions);
  } finally {
    a.dispose();
    b.dispose();
  }
});

test("model options reach the builder, typed by model name", async () => {
  const recipe = { ...QUICK, epochs: 1 };
  const run = await trainAndEvaluate("mlp", data, recipe, { model: { hidden: [16], dropout: 0 }, progress: false });
  try {
    assert.equal(run.params, 784 * 16 + 16 + 16 * 10 + 10);
  } finally {
    run.dispose();
  }
});

test("bad input fails before any training, naming the problem, and leaks nothing", async () => {
  const before = tf.memory().numTensors;
  await assert.rejects(trainAndEvaluate("softmax", data, { ...QUICK, epochs: 0 }), /recipe: epochs must be an integer ≥ 1, got 0/);
  await assert.rejects(trainAndEvaluate("vgg" as "cnn", data, QUICK), /Unknown model "vgg"/);
  await assert.rejects(
    trainAndEvaluate("softmax", data, QUICK, { quiet: true } as unknown as { progress: false }),
    /trainAndEvaluate: unknown option "quiet" \(expected one of model, progress\)/,
  );
  await assert.rejects(trainAndEvaluate("mlp", data, QUICK, { model: { dropout: 1.5 } }), /mlp: dropout must be in \[0, 1\), got 1.5/);
  // A failure inside fit (targets of the wrong width) disposes the model it built.
  const wide = { ...data.test, ys: tf.zeros([200, 11]) as tf.Tensor2D };
  await assert.rejects(
    trainAndEvaluate("softmax", { ...data, train: wide }, QUICK, { progress: false }),
    /fit: train targets have 11 columns but the model predicts 10 classes/,
  );
  wide.ys.dispose();
  assert.equal(tf.memory().numTensors, before);
});

/** A run with known predictions, for the table builders (no training needed). */
function fakeRun(name: "softmax" | "cnn", predictions: number[], seconds: number): ExperimentRun {
  const labels = data.test.labels;
  const correct = predictions.filter((p, i) => p === labels[i]).length;
  return {
    name,
    model: undefined as unknown as tf.Sequential,
    recipe: QUICK,
    history: { epochs: [{}, {}] } as unknown as ExperimentRun["history"],
    params: name === "cnn" ? 356234 : 7850,
    seconds,
    secondsPerEpoch: seconds / 2,
    backend: "cpu",
    test: {
      predictions: Int32Array.from(predictions),
      confidences: new Float32Array(predictions.length),
      numClasses: 10,
      accuracy: correct / predictions.length,
      loss: 0,
      size: predictions.length,
    },
    dispose: () => undefined,
  };
}

test("resultsFrame and perClassFrame tabulate the runs", () => {
  const labels = Array.from(data.test.labels);
  const perfect = fakeRun("cnn", labels, 12.34);
  const shifted = fakeRun(
    "softmax",
    labels.map((y, i) => (i % 4 === 0 ? (y + 1) % 10 : y)),
    3.21,
  );
  const results = resultsFrame([shifted, perfect]);
  assert.deepEqual(results.columns, ["model", "params", "epochs", "seconds", "test_accuracy"]);
  assert.deepEqual(results.getColumn("model").toArray(), ["softmax", "cnn"]);
  assert.deepEqual(results.getColumn("params").toArray().map(Number), [7850, 356234]);
  assert.deepEqual(results.getColumn("epochs").toArray(), [2, 2]);
  assert.deepEqual(results.getColumn("seconds").toArray(), [3, 12]);
  assert.deepEqual(results.getColumn("test_accuracy").toArray(), [0.75, 1]);

  const perClass = perClassFrame([shifted, perfect], data.test.labels);
  assert.deepEqual(perClass.columns, ["digit", "softmax", "cnn"]);
  assert.deepEqual(perClass.getColumn("digit").toArray(), [0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
  assert.deepEqual(perClass.getColumn("cnn").toArray(), new Array(10).fill(1));
  const expected = perClassAccuracy(data.test.labels, shifted.test.predictions, 10).map((c) => c.accuracy);
  assert.deepEqual(perClass.getColumn("softmax").toArray(), expected);
  assert.ok(
    expected.some((a) => a < 1),
    "the shifted predictions make some class wrong",
  );

  assert.throws(() => resultsFrame([]), /resultsFrame: no runs given/);
  assert.throws(() => perClassFrame([perfect, perfect], data.test.labels), /perClassFrame: model "cnn" appears twice/);
  assert.throws(() => perClassFrame([perfect], [1, 2, 3]), /labels has 3 entries but predictions has 200/);
});
