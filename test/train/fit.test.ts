import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import * as tf from "@tensorflow/tfjs";
import { selectBackend } from "../../src/backend/select";
import type { Dataset } from "../../src/data/dataset";
import { evaluate } from "../../src/eval/evaluate";
import { cnn } from "../../src/models/cnn";
import { softmaxRegression } from "../../src/models/softmax-regression";
import { fit, type FitOptions } from "../../src/train/fit";
import type { EpochLog } from "../../src/train/history";
import { squaresDataset } from "./synthetic";

let train: Dataset;
let validation: Dataset;

before(async () => {
  await selectBackend(); // what training really runs on (wasm here)
  train = squaresDataset(300, 1);
  validation = squaresDataset(200, 2);
});

after(() => {
  train.dispose();
  validation.dispose();
});

const QUIET = { progress: false } as const;

function kernelValues(model: tf.LayersModel): Float32Array {
  return model.getWeights()[0]!.dataSync() as Float32Array;
}

function maxAbsDiff(a: Float32Array, b: Float32Array): number {
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i]! - b[i]!));
  return m;
}

test("fit learns the synthetic task: ≥ 90 % train and validation accuracy from chance", async () => {
  const model = softmaxRegression({ seed: 1 });
  const untrained = evaluate(model, validation).accuracy;
  assert.ok(untrained < 0.5, `untrained accuracy ${untrained} should be near chance`);
  const history = await fit(model, { train, validation }, { epochs: 5, batchSize: 32, lr: 0.01, ...QUIET });
  assert.equal(history.loss.length, 5);
  assert.ok(history.acc.at(-1)! >= 0.9, `train accuracy ${history.acc.at(-1)}`);
  assert.ok(history.valAcc.at(-1)! >= 0.9, `validation accuracy ${history.valAcc.at(-1)}`);
  assert.ok(history.loss.at(-1)! < history.loss[0]!, "loss goes down");
  assert.ok(Math.abs(evaluate(model, validation).accuracy - history.valAcc.at(-1)!) < 1e-9, "valAcc is evaluate's accuracy");
  assert.deepEqual(history.lr, [0.01, 0.01, 0.01, 0.01, 0.01]);
  assert.ok(history.seconds.every((s) => s > 0));
  assert.equal(history.stoppedEarly, false);
  model.dispose();
});

test("fit trains the lessons' CNN on the synthetic task (wasm/tensorflow only: cpu is too slow)", async (t) => {
  // Decided here, not in the test's options: those are read at file load, before before() has
  // started a backend, when tf.getBackend() is still undefined.
  if (tf.getBackend() === "cpu") {
    t.skip("the cpu backend needs ~30 s per CNN batch");
    return;
  }
  const model = cnn({ seed: 1 });
  const history = await fit(model, { train, validation }, { epochs: 3, batchSize: 32, lr: 0.002, ...QUIET });
  assert.ok(history.valAcc.at(-1)! >= 0.9, `validation accuracy ${history.valAcc.join(", ")}`);
  model.dispose();
});

test("same seeds give the same run", async () => {
  const run = async () => {
    const model = softmaxRegression({ seed: 3 });
    const h = await fit(model, { train }, { epochs: 2, batchSize: 50, lr: 0.01, seed: 7, ...QUIET });
    model.dispose();
    return h.loss;
  };
  assert.deepEqual(await run(), await run());
});

test("same seeds give the same run, dropout masks included (CNN)", async () => {
  const small = squaresDataset(200, 5);
  const run = async (seed: number) => {
    const model = cnn({ seed });
    const h = await fit(model, { train: small }, { epochs: 1, batchSize: 50, lr: 0.002, seed: 7, ...QUIET });
    const weights = model.getWeights().map((w) => Array.from(w.dataSync()));
    model.dispose();
    return { loss: h.loss, weights };
  };
  const [a, b, other] = [await run(1), await run(1), await run(2)];
  assert.deepEqual(b.loss, a.loss);
  assert.deepEqual(b.weights, a.weights);
  assert.notDeepEqual(other.loss, a.loss);
  small.dispose();
});

test("the schedule sets the optimizer's learning rate each epoch", async () => {
  const model = softmaxRegression({ seed: 1 });
  const start = kernelValues(model);
  const snapshots: Float32Array[] = [];
  const history = await fit(
    model,
    { train },
    {
      epochs: 3,
      batchSize: 50,
      lr: 0.05,
      // Epoch 1 runs at a learning rate so small that Adam (steps ≈ lr) cannot move the weights.
      schedule: { kind: "custom", rate: (e, base) => (e === 1 ? 1e-9 : base) },
      onEpoch: () => void snapshots.push(kernelValues(model)),
      ...QUIET,
    },
  );
  assert.deepEqual(history.lr, [0.05, 1e-9, 0.05]);
  assert.ok(maxAbsDiff(start, snapshots[0]!) > 1e-2, "epoch 0 moved the weights");
  assert.ok(maxAbsDiff(snapshots[0]!, snapshots[1]!) < 1e-6, "epoch 1 (lr 1e-9) did not");
  assert.ok(maxAbsDiff(snapshots[1]!, snapshots[2]!) > 1e-3, "epoch 2 moved them again");
  model.dispose();

  const decayed = softmaxRegression({ seed: 1 });
  const h = await fit(
    decayed,
    { train },
    { epochs: 3, batchSize: 100, lr: 0.01, optimizer: "sgd", schedule: { kind: "exponential", decay: 0.5 }, ...QUIET },
  );
  assert.deepEqual(h.lr, [0.01, 0.005, 0.0025]);
  decayed.dispose();
});

test("early stopping stops after `patience` epochs without improvement and can restore the best weights", async () => {
  const model = softmaxRegression({ seed: 1 });
  const snapshots: Float32Array[] = [];
  const history = await fit(
    model,
    { train, validation },
    {
      epochs: 10,
      batchSize: 50,
      lr: 0.01,
      // No later epoch can beat epoch 0 by 2 (accuracy is at most 1): the run stops at epoch 1.
      earlyStopping: { patience: 1, monitor: "val_acc", minDelta: 2, restoreBestWeights: true },
      onEpoch: () => void snapshots.push(kernelValues(model)),
      ...QUIET,
    },
  );
  assert.equal(history.loss.length, 2);
  assert.equal(history.stoppedEarly, true);
  assert.equal(history.bestEpoch, 0);
  assert.equal(history.restoredBestWeights, true);
  assert.ok(maxAbsDiff(snapshots[0]!, snapshots[1]!) > 1e-3);
  assert.deepEqual(kernelValues(model), snapshots[0], "weights are those of epoch 0 again");
  model.dispose();
});

test("no tensor leaks: constant count during training, back to the start after fit and after a failure", async () => {
  const model = softmaxRegression({ seed: 1 });
  const start = tf.memory().numTensors;
  // Adam's state in tensors, disposed at the end: its two running β powers. (The fused Adam keeps
  // the moments in its own flat buffer; they become tensors only when a checkpoint reads them.)
  const adamState = 2;
  const during: number[] = [];
  const options: FitOptions = {
    epochs: 3,
    batchSize: 64,
    lr: 0.01,
    onEpoch: () => void during.push(tf.memory().numTensors),
    ...QUIET,
  };
  await fit(model, { train, validation }, options);
  assert.deepEqual(during, [start + adamState, start + adamState, start + adamState]);
  assert.equal(tf.memory().numTensors, start);

  await assert.rejects(
    fit(
      model,
      { train },
      {
        ...options,
        onEpoch: () => {
          throw new Error("boom");
        },
      },
    ),
    /boom/,
  );
  assert.equal(tf.memory().numTensors, start, "a failed fit cleans up too");
  model.dispose();
});

test("bad options and mismatched data fail before training, with clear errors", async () => {
  const model = softmaxRegression();
  const ok: FitOptions = { epochs: 1, batchSize: 10, lr: 0.01, ...QUIET };
  await assert.rejects(fit(model, { train }, { ...ok, epochs: 0 }), /epochs must be an integer ≥ 1, got 0/);
  await assert.rejects(fit(model, { train }, { ...ok, batchSize: 2.5 }), /batchSize must be an integer ≥ 1/);
  await assert.rejects(fit(model, { train }, { ...ok, lr: -1 }), /gave learning rate -1/);
  await assert.rejects(
    fit(model, { train }, { ...ok, optimizer: "adamw" } as unknown as FitOptions),
    /fit: unknown optimizer "adamw": expected one of /,
  );
  await assert.rejects(fit(model, { train }, { ...ok, learningRate: 0.1 } as unknown as FitOptions), /unknown option "learningRate"/);
  await assert.rejects(
    fit(model, { train }, { ...ok, earlyStopping: { patience: 2 } }),
    /earlyStopping monitors val_loss, which needs data.validation/,
  );
  const small = { xs: tf.zeros([4, 14, 14, 1]) as tf.Tensor4D, ys: tf.zeros([4, 10]) as tf.Tensor2D, size: 4 };
  await assert.rejects(
    fit(model, { train: small }, ok),
    /train set: Inputs of shape \[4, 14, 14, 1\] do not fit the model's input \[batch, 28, 28, 1\]/,
  );
  const fiveClasses = { xs: tf.zeros([4, 28, 28, 1]) as tf.Tensor4D, ys: tf.zeros([4, 5]) as tf.Tensor2D, size: 4 };
  await assert.rejects(fit(model, { train: fiveClasses }, ok), /train targets have 5 columns but the model predicts 10 classes/);
  const logits = tf.sequential({
    layers: [tf.layers.flatten({ inputShape: [28, 28, 1] }), tf.layers.dense({ units: 10, name: "logits" })],
  });
  await assert.rejects(fit(logits, { train }, ok), /Expected the model to end in softmax/);
  logits.dispose();
  tf.dispose([small.xs, small.ys, fiveClasses.xs, fiveClasses.ys]);
  model.dispose();
});

test("onEpoch receives each epoch's log", async () => {
  const model = softmaxRegression({ seed: 1 });
  const logs: EpochLog[] = [];
  const history = await fit(
    model,
    { train, validation },
    { epochs: 2, batchSize: 100, lr: 0.01, onEpoch: (l) => void logs.push(l), ...QUIET },
  );
  assert.deepEqual(
    logs.map((l) => l.epoch),
    [0, 1],
  );
  assert.deepEqual(logs, history.epochs);
  assert.deepEqual(
    history.valLoss,
    logs.map((l) => l.valLoss),
  );
  model.dispose();
});
