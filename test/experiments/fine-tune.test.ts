import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import * as tf from "@tensorflow/tfjs";
import type { Dataset } from "../../src/data/dataset";
import { bestValidationAccuracy, fineTune } from "../../src/experiments/fine-tune";
import { fit } from "../../src/train/fit";
import type { History } from "../../src/train/history";
import { squaresDataset } from "../train/synthetic";

let train: Dataset;
let validation: Dataset;

before(async () => {
  await tf.setBackend("cpu");
  train = squaresDataset(200, 1);
  validation = squaresDataset(100, 2);
});

after(() => {
  train.dispose();
  validation.dispose();
});

const OPTIONS = { epochs: 2, batchSize: 25, lr: 0.01, seed: 1, progress: false } as const;

/** A frozen "base" (one dense layer) under a trainable head, the head trained once. */
async function headTrained(): Promise<{ model: tf.Sequential; head: History }> {
  const model = tf.sequential({
    layers: [
      tf.layers.flatten({ inputShape: [28, 28, 1] }),
      tf.layers.dense({ units: 16, activation: "relu", trainable: false, kernelInitializer: tf.initializers.glorotUniform({ seed: 1 }) }),
      tf.layers.dense({ units: 10, activation: "softmax", kernelInitializer: tf.initializers.glorotUniform({ seed: 2 }) }),
    ],
  });
  const head = await fit(model, { train, validation }, OPTIONS);
  return { model, head };
}

const values = (model: tf.LayersModel) => model.getWeights().map((w) => Array.from(w.dataSync()));

test("fineTune: a run that does not beat the head goes back to the head's weights, frozen as before", async () => {
  const { model, head } = await headTrained();
  const before = values(model);
  const tensors = tf.memory().numTensors;
  const unbeatable = { ...head, valAcc: [1.01], bestEpoch: undefined }; // no run can beat it
  const { tuned, kept } = await fineTune(model, { train, validation }, OPTIONS, unbeatable);
  assert.equal(kept, false);
  assert.equal(tuned.loss.length, 2);
  assert.deepEqual(
    model.layers.map((l) => l.trainable),
    [true, false, true],
  );
  assert.deepEqual(values(model), before, "the head's weights, bit for bit");
  assert.equal(tf.memory().numTensors, tensors);
  model.dispose();
});

test("fineTune: a run that beats the head is kept, with every layer trained", async () => {
  const { model, head } = await headTrained();
  const baseBefore = Array.from(model.layers[1]!.getWeights()[0]!.dataSync());
  const { tuned, kept } = await fineTune(model, { train, validation }, OPTIONS, { ...head, valAcc: [0], bestEpoch: undefined });
  assert.equal(kept, true);
  assert.ok(bestValidationAccuracy(tuned) > 0);
  assert.ok(model.layers.every((l) => l.trainable));
  assert.notDeepEqual(Array.from(model.layers[1]!.getWeights()[0]!.dataSync()), baseBefore, "the base trained too");
  model.dispose();
});

test("bestValidationAccuracy: the restored epoch's under early stopping, else the last; none is an error", () => {
  const h = (valAcc: number[], bestEpoch?: number) => ({ valAcc, bestEpoch }) as unknown as History;
  assert.equal(bestValidationAccuracy(h([0.5, 0.9, 0.7], 1)), 0.9);
  assert.equal(bestValidationAccuracy(h([0.5, 0.9, 0.7])), 0.7);
  assert.throws(() => bestValidationAccuracy(h([])), /no validation accuracy/);
});
