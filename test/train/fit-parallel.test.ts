import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import * as tf from "@tensorflow/tfjs";
import { selectBackend } from "../../src/backend/select";
import type { Dataset } from "../../src/data/dataset";
import { cnn } from "../../src/models/cnn";
import { mlp } from "../../src/models/mlp";
import { fit, type FitOptions } from "../../src/train/fit";
import { chooseTrainWorkers, parseTrainWorkers } from "../../src/train/parallel/count";
import { splitRows } from "../../src/train/parallel/pool";
import { squaresDataset } from "./synthetic";

let train: Dataset;

before(async () => {
  await selectBackend();
  train = squaresDataset(240, 1);
});

after(() => train.dispose());

// A narrow CNN with both seeded dropout layers on: its masks must be the whole batch's, sliced.
const small = (): tf.Sequential => cnn({ seed: 3, filters: [8, 16], denseUnits: 32 });
const OPTIONS: FitOptions = { epochs: 2, batchSize: 40, lr: 2e-3, seed: 5, progress: false, augment: {} };

function maxRelativeDiff(a: tf.LayersModel, b: tf.LayersModel): number {
  let worst = 0;
  a.getWeights().forEach((w, i) => {
    const x = w.dataSync();
    const y = b.getWeights()[i]!.dataSync();
    let scale = 1e-3;
    for (let k = 0; k < x.length; k++) scale = Math.max(scale, Math.abs(x[k]!));
    for (let k = 0; k < x.length; k++) worst = Math.max(worst, Math.abs(x[k]! - y[k]!) / scale);
  });
  return worst;
}

test("two workers train the CNN (augmentation and dropout on) to the one-worker result within float rounding", async () => {
  const one = small();
  const two = small();
  const h1 = await fit(one, { train }, { ...OPTIONS, workers: 1 });
  const h2 = await fit(two, { train }, { ...OPTIONS, workers: 2 });
  assert.equal(h1.workers, 1);
  assert.equal(h2.workers, 2);
  // Dropout masks are drawn per step from a seeded stream: a difference in them would show as
  // a difference far above rounding (units switched off in one run and not the other).
  const diff = maxRelativeDiff(one, two);
  assert.ok(diff < 1e-3, `weights differ by ${diff} of their scale`);
  h1.loss.forEach((l, i) => assert.ok(Math.abs(l - h2.loss[i]!) < 1e-4 * Math.max(1, l), `epoch ${i + 1} loss ${l} vs ${h2.loss[i]}`));
  assert.deepEqual(h1.acc, h2.acc);
  // Both runs moved the dropout streams on by the same number of training calls.
  const calls = (m: tf.LayersModel) =>
    m.layers.map((l) => (l as unknown as { trainingCalls?: number }).trainingCalls).filter((c) => c !== undefined);
  assert.deepEqual(calls(two), calls(one));
  assert.ok(calls(one).every((c) => c === 2 * (240 / 40)));
  one.dispose();
  two.dispose();
});

test("a run with workers repeats exactly for the same worker count", async () => {
  const a = small();
  const b = small();
  await fit(a, { train }, { ...OPTIONS, epochs: 1, workers: 3 });
  await fit(b, { train }, { ...OPTIONS, epochs: 1, workers: 3 });
  assert.equal(maxRelativeDiff(a, b), 0);
  a.dispose();
  b.dispose();
});

test("fit with workers leaves the tensor count as it found it and stops its threads", async () => {
  const model = small();
  const start = tf.memory().numTensors;
  const history = await fit(model, { train, validation: train }, { ...OPTIONS, epochs: 1, workers: 2 });
  assert.equal(history.workers, 2);
  assert.equal(tf.memory().numTensors, start);
  model.dispose();
});

test("a worker's failure is an error naming it, not a hang", async () => {
  const model = small();
  const start = tf.memory().numTensors;
  // A transform that changes the batch's shape: the workers' models reject it.
  const bad = (x: tf.Tensor4D) => tf.image.resizeBilinear(x, [14, 14]) as tf.Tensor4D;
  await assert.rejects(
    fit(model, { train }, { ...OPTIONS, epochs: 1, workers: 2, transformBatch: bad }),
    /training worker [12] of 2 failed: Input 0 is incompatible with layer/,
  );
  assert.equal(tf.memory().numTensors, start);
  model.dispose();
});

/** A layer class registered in this thread only: training workers cannot rebuild a model with it. */
class HalveForTest extends tf.layers.Layer {
  static className = "HalveForTest";
  override call(inputs: tf.Tensor | tf.Tensor[]): tf.Tensor {
    return tf.tidy(() => tf.mul(Array.isArray(inputs) ? inputs[0]! : inputs, 0.5));
  }
}
tf.serialization.registerClass(HalveForTest);

test("under auto, a model the workers can't rebuild trains on one worker; asked for workers, it is an error", async (t) => {
  const data = squaresDataset(5_000, 2); // enough work for auto to choose workers
  const build = () => {
    const m = tf.sequential();
    m.add(tf.layers.conv2d({ inputShape: [28, 28, 1], filters: 4, kernelSize: 3, activation: "relu" }));
    m.add(new HalveForTest({}));
    m.add(tf.layers.flatten());
    m.add(tf.layers.dense({ units: 10, activation: "softmax" }));
    return m;
  };
  const options: FitOptions = { epochs: 1, batchSize: 100, lr: 1e-3, seed: 1, progress: false };
  const start = tf.memory().numTensors;
  const fallback = build();
  // Auto asks for more than one worker here, so one worker means the fallback ran; where auto
  // picks one anyway (one core, TSDL_WASM_THREADS=1) there is nothing to fall back from.
  const asked = chooseTrainWorkers("auto", { model: fallback, backend: tf.getBackend(), batchSize: 100, samples: data.size });
  if (asked.count > 1) {
    const history = await fit(fallback, { train: data }, { ...options, workers: "auto" });
    assert.equal(history.workers, 1);
    assert.ok(Number.isFinite(history.epochs[0]!.loss));
  } else {
    t.diagnostic("auto picks one worker on this machine: the fallback half did not run");
  }
  const strict = build();
  await assert.rejects(fit(strict, { train: data }, { ...options, workers: 2 }), /training worker [12] of 2 failed: .*HalveForTest/);
  [fallback, strict].forEach((m) => m.dispose());
  assert.equal(tf.memory().numTensors, start);
  data.dispose();
});

test("bad worker counts are rejected before any work, naming the source", async () => {
  const model = small();
  await assert.rejects(fit(model, { train }, { ...OPTIONS, workers: 0 }), /Bad training worker count 0 \(from fit's workers option\)/);
  await assert.rejects(fit(model, { train }, { ...OPTIONS, workers: "all" as unknown as number }), /expected auto or an integer 1–8/);
  assert.throws(() => parseTrainWorkers("2.5", "TSDL_TRAIN_WORKERS"), /from TSDL_TRAIN_WORKERS/);
  assert.equal(parseTrainWorkers(" AUTO "), "auto");
  assert.equal(parseTrainWorkers("4"), 4);
  model.dispose();
});

test("auto: convolutional networks get a worker per core, dense networks and batch norm one", () => {
  const conv = small();
  const dense = mlp({ seed: 1 });
  const bn = mlp({ seed: 1, batchNorm: true });
  assert.equal(chooseTrainWorkers("auto", { model: conv, backend: "wasm", batchSize: 100, samples: 6000 }, 2, undefined).count, 2);
  assert.equal(
    chooseTrainWorkers("auto", { model: conv, backend: "wasm", batchSize: 100, samples: 6000 }, 2, "1").count,
    1,
    "TSDL_WASM_THREADS=1: one core for this process",
  );
  assert.equal(
    chooseTrainWorkers("auto", { model: conv, backend: "wasm", batchSize: 20, samples: 6000 }, 4, undefined).count,
    1,
    "batches too small to share",
  );
  assert.equal(
    chooseTrainWorkers("auto", { model: conv, backend: "wasm", batchSize: 100, samples: 600 }, 2, undefined).count,
    1,
    "too little work to pay for starting workers",
  );
  assert.equal(chooseTrainWorkers("auto", { model: conv, backend: "tensorflow", batchSize: 100, samples: 6000 }, 2, undefined).count, 1);
  assert.equal(chooseTrainWorkers("auto", { model: dense, backend: "wasm", batchSize: 100, samples: 6000 }, 2, undefined).count, 1);
  const forced = chooseTrainWorkers(2, { model: bn, backend: "wasm", batchSize: 100, samples: 6000 }, 2, undefined);
  assert.equal(forced.count, 1);
  assert.match(forced.reason!, /batch normalisation/);
  // TSDL_TRAIN_WORKERS=2 with --batch-size 1: the second worker would get no rows.
  const idle = chooseTrainWorkers(
    parseTrainWorkers("2", "TSDL_TRAIN_WORKERS"),
    { model: conv, backend: "wasm", batchSize: 1, samples: 6000 },
    2,
    undefined,
  );
  assert.deepEqual(idle, { count: 1, reason: "1 of 2 workers would be idle with batches of 1 image; using 1" });
  assert.equal(chooseTrainWorkers(4, { model: conv, backend: "wasm", batchSize: 3, samples: 6000 }, 4, undefined).count, 3);
  assert.equal(
    chooseTrainWorkers(2, { model: conv, backend: "wasm", batchSize: 2, samples: 6000 }, 2, undefined).reason,
    undefined,
    "one row each: none idle",
  );
  [conv, dense, bn].forEach((m) => m.dispose());
});

test("splitRows shares a batch in order, sizes differing by at most one", () => {
  assert.deepEqual(splitRows(10, 3), [
    { start: 0, size: 4 },
    { start: 4, size: 3 },
    { start: 7, size: 3 },
  ]);
  assert.deepEqual(splitRows(1, 2), [
    { start: 0, size: 1 },
    { start: 1, size: 0 },
  ]);
});

test("a last batch smaller than the worker count: the idle workers keep the dropout streams in step", async () => {
  const odd = squaresDataset(121, 4); // batches of 40, 40, 40 and 1
  const one = small();
  const three = small();
  const options: FitOptions = { ...OPTIONS, epochs: 2 };
  const h1 = await fit(one, { train: odd }, { ...options, workers: 1 });
  const h3 = await fit(three, { train: odd }, { ...options, workers: 3 });
  assert.deepEqual(h3.acc, h1.acc);
  const diff = maxRelativeDiff(one, three);
  assert.ok(diff < 1e-3, `weights differ by ${diff} of their scale`);
  [odd, one, three].forEach((t) => t.dispose());
});
