// Stopping fit between batches: its `signal` option, and the kernel's interrupt signal on globalThis
// (how the notebook's Stop button reaches a training run; test/kernel/ checks it in a real kernel).
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { getEventListeners } from "node:events";
import * as tf from "@tensorflow/tfjs";
import { selectBackend } from "../../src/backend/select";
import type { Dataset } from "../../src/data/dataset";
import { cnn } from "../../src/models/cnn";
import { fit, type FitOptions } from "../../src/train/fit";
import { KERNEL_INTERRUPT_KEY, TrainingInterruptedError } from "../../src/train/interrupt";
import { squaresDataset } from "./synthetic";

let train: Dataset;

before(async () => {
  await selectBackend();
  train = squaresDataset(60, 1);
});

after(() => train.dispose());

const small = (): tf.Sequential => cnn({ seed: 3, filters: [4, 8], denseUnits: 16 });
// 60 images in batches of 10: 6 batches an epoch.
const OPTIONS: FitOptions = { epochs: 5, batchSize: 10, lr: 2e-3, seed: 5, progress: false };

/** A transformBatch that aborts `controller` while batch `at` (counted over the whole run from 0) trains. */
function abortAt(controller: AbortController, at: number, seen: { listeners: number[] } = { listeners: [] }) {
  let calls = 0;
  return (x: tf.Tensor4D): tf.Tensor4D => {
    seen.listeners.push(getEventListeners(controller.signal, "abort").length);
    if (calls++ === at) controller.abort();
    return x.clone();
  };
}

// With workers, the batch in flight is applied before fit stops: test/kernel/ interrupts a run on two.
test("an aborted signal stops fit between batches, the model keeps its weights and stays usable", async () => {
  const model = small();
  const initial = model.getWeights().map((w) => w.dataSync().slice());
  const start = tf.memory().numTensors;
  const controller = new AbortController();
  // Batch 8 of the run is epoch 2's third batch: it trains, then fit stops before the fourth.
  const run = fit(
    model,
    { train, validation: train },
    { ...OPTIONS, workers: 1, signal: controller.signal, transformBatch: abortAt(controller, 8) },
  );
  const err = await run.then(
    () => assert.fail("fit finished"),
    (e: unknown) => e,
  );
  assert.ok(err instanceof TrainingInterruptedError, String(err));
  assert.equal(err.message, "fit: training interrupted in epoch 2 of 5, after batch 3 of 6; the model keeps the weights it had then");
  assert.equal(err.name, "TrainingInterruptedError");
  assert.match(String(err.stack), /^TrainingInterruptedError: fit: training interrupted/);
  assert.deepEqual([err.epochsDone, err.batchesDone], [1, 3]);
  assert.equal(err.history.epochs.length, 1, "the finished epoch's log comes with the error");
  assert.equal(err.history.valAcc.length, 1);
  assert.equal(err.history.workers, 1);
  // Everything fit made is freed.
  assert.equal(tf.memory().numTensors, start);
  assert.ok(
    model.getWeights().some((w, i) => w.dataSync().some((v, k) => v !== initial[i]![k])),
    "the model trained",
  );
  const p = tf.tidy(() => (model.predict(train.xs) as tf.Tensor).sum(1).dataSync());
  p.forEach((s) => assert.ok(Math.abs(s - 1) < 1e-4));
  model.dispose();
});

test("with no signal given, fit listens to the kernel's interrupt signal on globalThis while it runs", async () => {
  const controller = new AbortController();
  const global = globalThis as Record<symbol, unknown>;
  global[KERNEL_INTERRUPT_KEY] = controller.signal;
  const model = small();
  try {
    const seen = { listeners: [] as number[] };
    await assert.rejects(fit(model, { train }, { ...OPTIONS, workers: 1, transformBatch: abortAt(controller, 0, seen) }), {
      name: "TrainingInterruptedError",
      message: "fit: training interrupted in epoch 1 of 5, after batch 1 of 6; the model keeps the weights it had then",
    });
    // The kernel waits for a cell whose work listens (it will stop on its own), and only for such a cell.
    assert.deepEqual(seen.listeners, [1]);
    assert.equal(getEventListeners(controller.signal, "abort").length, 0, "fit removes its listener");
    // An unaborted kernel signal changes nothing.
    global[KERNEL_INTERRUPT_KEY] = new AbortController().signal;
    const history = await fit(model, { train }, { ...OPTIONS, epochs: 1, workers: 1 });
    assert.equal(history.epochs.length, 1);
  } finally {
    delete global[KERNEL_INTERRUPT_KEY];
    model.dispose();
  }
});

test("a signal aborted before fit starts stops it before its first batch; a signal that is not an AbortSignal is refused", async () => {
  const model = small();
  const start = tf.memory().numTensors;
  await assert.rejects(fit(model, { train }, { ...OPTIONS, signal: AbortSignal.abort() }), {
    message: "fit: training interrupted before its first batch; the model keeps the weights it had then",
  });
  assert.equal(tf.memory().numTensors, start);
  await assert.rejects(fit(model, { train }, { ...OPTIONS, signal: { aborted: true } as unknown as AbortSignal }), {
    message: "fit: signal must be an AbortSignal, got [object Object]",
  });
  model.dispose();
});
