// Lesson 5 writes softmax regression, its loss and its training loop in cells the learner reads;
// the library has the same model (softmaxRegression), loss (crossEntropy) and loop (fit). These
// tests run the cells' own source (found by their tags, compiled with TypeScript) against the
// library, so that the lesson never drifts from the code it says it explains.
import { test, before } from "node:test";
import assert from "node:assert/strict";
import * as tf from "@tensorflow/tfjs";
import { forEachBatch } from "../../src/data/batches";
import { crossEntropy as libraryCrossEntropy } from "../../src/eval/loss";
import { softmaxRegression } from "../../src/models/softmax-regression";
import { fit } from "../../src/train/fit";
import { squaresDataset } from "../train/synthetic";
import { runCells, taggedCell } from "./notebooks";

const NOTEBOOK = "05-softmax-and-optimizers.ipynb";
const MODEL_TAG = "softmax-from-scratch";
const LOOP_TAG = "softmax-training-loop";

interface Model {
  W: tf.Variable;
  b: tf.Variable;
  predict(X: tf.Tensor): tf.Tensor;
  dispose(): void;
}

interface LessonCode {
  softmax(logits: tf.Tensor): tf.Tensor;
  crossEntropy(y: tf.Tensor, p: tf.Tensor): tf.Scalar;
  newSoftmaxModel(): Model;
  train(model: Model, lr: number, epochs: number, rule?: string, log?: boolean): Promise<number[]>;
  batchSize: number;
}

/**
 * Compiles the tagged cells as one script and runs it with what the notebook gives them: `tf`,
 * `tsdl` (only the helpers the cells call) and `data` (the training set the loop reads).
 */
function lessonCode(data: unknown): LessonCode {
  const source = [MODEL_TAG, LOOP_TAG].map((tag) => taggedCell(NOTEBOOK, tag)).join("\n");
  const names = ["softmax", "crossEntropy", "newSoftmaxModel", "train", "batchSize"];
  return runCells(source, { tf, tsdl: { forEachBatch }, data }, names) as unknown as LessonCode;
}

function maxAbsDiff(a: tf.Tensor, b: tf.Tensor): number {
  return tf.tidy(() => tf.max(tf.abs(tf.sub(a, b))).dataSync()[0]!);
}

before(async () => {
  await tf.setBackend("cpu");
});

test("the lesson's softmax is tf.softmax, and stays finite for huge logits", () => {
  const start = tf.memory().numTensors;
  const lesson = lessonCode(undefined);
  tf.tidy(() => {
    const logits = tf.tensor2d([
      [1, 2, 3, 4],
      [1000, 0, -1000, 5],
      [-3, -3, -3, -3],
    ]);
    const p = lesson.softmax(logits);
    assert.ok(maxAbsDiff(p, tf.softmax(logits)) < 1e-6);
    assert.ok(p.dataSync().every(Number.isFinite));
  });
  assert.equal(tf.memory().numTensors, start);
});

test("the lesson's cross-entropy is the mean of the library's loss (away from its clipping)", () => {
  const start = tf.memory().numTensors;
  const lesson = lessonCode(undefined);
  tf.tidy(() => {
    const y = tf.oneHot(tf.tensor1d([0, 3, 9, 4], "int32"), 10) as tf.Tensor2D;
    const p = tf.softmax(tf.randomNormal([4, 10], 0, 2, "float32", 5)) as tf.Tensor2D;
    const ours = lesson.crossEntropy(y, p).dataSync()[0]!;
    const library = tf.mean(libraryCrossEntropy(y, p)).dataSync()[0]!;
    assert.ok(Math.abs(ours - library) < 1e-5, `lesson ${ours} vs library ${library}`);
    // One-hot labels pick out −log p of the true class.
    const byHand = [0, 3, 9, 4].reduce((sum, k, i) => sum - Math.log(p.arraySync()[i]![k]!), 0) / 4;
    assert.ok(Math.abs(ours - byHand) < 1e-5, `lesson ${ours} vs by hand ${byHand}`);
  });
  assert.equal(tf.memory().numTensors, start);
});

test("the lesson's model is tsdl.softmaxRegression: same weight shapes, same predictions for the same weights", () => {
  const start = tf.memory().numTensors;
  const lesson = lessonCode(undefined);
  const ours = lesson.newSoftmaxModel();
  const library = softmaxRegression({ seed: 3 });
  const [kernel, bias] = library.getWeights();
  assert.deepEqual(ours.W.shape, kernel!.shape);
  assert.deepEqual(ours.b.shape, bias!.shape);
  assert.equal(ours.W.size + ours.b.size, library.countParams());
  assert.equal(
    tf.tidy(() => tf.sum(tf.abs(ours.W)).dataSync()[0]),
    0,
    "the lesson's weights start at zero",
  );
  const randomBias = tf.randomNormal([10], 0, 1, "float32", 4);
  ours.W.assign(kernel!);
  ours.b.assign(randomBias);
  library.setWeights([kernel!, randomBias]);
  randomBias.dispose();
  const ds = squaresDataset(20, 7);
  tf.tidy(() => {
    assert.ok(maxAbsDiff(ours.predict(ds.xs), library.predict(ds.xs) as tf.Tensor) < 1e-5);
  });
  ds.dispose();
  ours.dispose();
  library.dispose();
  assert.equal(tf.memory().numTensors, start);
});

test("the lesson's SGD loop takes the same steps as tsdl.fit with optimizer sgd", async () => {
  const start = tf.memory().numTensors;
  const train = squaresDataset(100, 11);
  const lesson = lessonCode({ train });
  // One batch per epoch (the cell's batchSize), so the order of the examples cannot matter.
  assert.equal(lesson.batchSize, train.size);
  const ours = lesson.newSoftmaxModel();
  const losses = await lesson.train(ours, 0.5, 3, "sgd", false);
  assert.equal(losses.length, 3);
  assert.ok(losses[2]! < losses[0]!, `the loss should fall: ${losses}`);

  const library = softmaxRegression({ seed: 1 });
  const zeros = library.getWeights().map((w) => tf.zerosLike(w));
  library.setWeights(zeros);
  tf.dispose(zeros);
  const history = await fit(library, { train }, { epochs: 3, batchSize: lesson.batchSize, lr: 0.5, optimizer: "sgd", progress: false });
  const [kernel, bias] = library.getWeights();
  assert.ok(maxAbsDiff(ours.W, kernel!) < 1e-5, "W after three SGD steps");
  assert.ok(maxAbsDiff(ours.b, bias!) < 1e-5, "b after three SGD steps");
  history.epochs.forEach((e, i) => assert.ok(Math.abs(e.loss - losses[i]!) < 1e-4, `epoch ${i} loss: fit ${e.loss}, lesson ${losses[i]}`));

  ours.dispose();
  library.dispose();
  train.dispose();
  assert.equal(tf.memory().numTensors, start);
});

test("the lesson's loop leaves no tensors behind with momentum and Adam either", async () => {
  const train = squaresDataset(100, 12);
  const lesson = lessonCode({ train });
  const start = tf.memory().numTensors;
  for (const rule of ["momentum", "adam"]) {
    const model = lesson.newSoftmaxModel();
    const losses = await lesson.train(model, 0.01, 2, rule, false);
    assert.ok(losses.every(Number.isFinite), `${rule}: ${losses}`);
    model.dispose();
    assert.equal(tf.memory().numTensors, start, `${rule} leaked tensors`);
  }
  train.dispose();
});
