import { before, test } from "node:test";
import assert from "node:assert/strict";
import * as tf from "@tensorflow/tfjs";
import { labelledSlice, sliceFitOptions, sliceRecipe } from "../../src/experiments/slice-recipe";
import { squaresDataset } from "../train/synthetic";

before(async () => {
  await tf.setBackend("cpu");
});

test("sliceRecipe: lesson 10's settings by slice size and profile", () => {
  assert.deepEqual(sliceRecipe(10, "fast"), {
    perClass: 10,
    epochs: 20,
    batchSize: 10,
    lr: 0.001,
    fineTuneLr: 0.0001,
    patience: 3,
    validationPerClass: 20,
    seed: 1,
  });
  const full = sliceRecipe(100, "full", 4);
  assert.deepEqual(
    [full.epochs, full.batchSize, full.validationPerClass, full.seed],
    [6, 100, undefined, 4],
    "larger slices: 6 epochs, batch 100, the whole validation split in the full profile",
  );
  assert.equal(sliceRecipe(1000, "full").batchSize, 100);
  assert.equal(sliceRecipe(5, "fast").batchSize, 10);
  assert.ok(Object.isFrozen(full));
  assert.throws(() => sliceRecipe(0, "fast"), /sliceRecipe: perClass must be an integer ≥ 1, got 0/);
  assert.throws(() => sliceRecipe(10, "huge" as never), /expected "fast" or "full"/);
  assert.throws(() => sliceRecipe(10, "fast", 1.5), /sliceRecipe: seed must be an integer, got 1.5/);
});

test("sliceFitOptions: each phase stops early on validation accuracy, keeping its best epoch; fine-tuning at a tenth of the rate", () => {
  const recipe = sliceRecipe(100, "fast");
  const early = { patience: 3, monitor: "val_acc", restoreBestWeights: true };
  assert.deepEqual(sliceFitOptions(recipe, "train"), { epochs: 6, batchSize: 100, lr: 0.001, seed: 1, earlyStopping: early });
  assert.deepEqual(sliceFitOptions(recipe, "fine-tune"), { epochs: 6, batchSize: 100, lr: 0.0001, seed: 1, earlyStopping: early });
  assert.throws(() => sliceFitOptions(recipe, "head" as never), /phase must be "train" or "fine-tune", got head/);
});

test("labelledSlice: n images of every class and a validation slice, or the whole validation split; no leak", () => {
  const data = { train: squaresDataset(200, 1), validation: squaresDataset(100, 2) };
  const start = tf.memory().numTensors;
  const fast = labelledSlice(data, { ...sliceRecipe(3, "fast"), validationPerClass: 4 });
  const counts = (labels: Int32Array) => Array.from({ length: 10 }, (_, c) => labels.filter((y) => y === c).length);
  assert.deepEqual(counts(fast.train.labels), new Array(10).fill(3));
  assert.deepEqual(counts(fast.validation.labels), new Array(10).fill(4));
  fast.dispose();
  const full = labelledSlice(data, sliceRecipe(3, "full"));
  assert.equal(full.validation, data.validation, "the full profile validates on the whole split");
  assert.equal(full.train.size, 30);
  full.dispose();
  assert.equal(tf.memory().numTensors, start, "dispose frees the copies only");
  assert.equal(data.validation.xs.isDisposed, false);
  assert.throws(() => labelledSlice(data, sliceRecipe(21, "full")), /class 0 has 20 examples, fewer than perClass 21/);
  assert.throws(() => labelledSlice(data, { ...sliceRecipe(3, "fast"), validationPerClass: 11 }), /fewer than perClass 11/);
  assert.equal(tf.memory().numTensors, start, "a failed slice leaves nothing behind");
  data.train.dispose();
  data.validation.dispose();
});
