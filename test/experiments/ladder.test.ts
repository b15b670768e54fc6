import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import * as tf from "@tensorflow/tfjs";
import type { Dataset } from "../../src/data/dataset";
import { accuracyWithError } from "../../src/eval/compare";
import { mlp } from "../../src/models/mlp";
import { softmaxRegression } from "../../src/models/softmax-regression";
import { armTable, describeRung, trainArm, trainRung, type Rung, type RungData } from "../../src/experiments/ladder";
import { squaresDataset } from "../train/synthetic";

let data: RungData & { dispose(): void };

before(async () => {
  await tf.setBackend("cpu");
  const sets: Dataset[] = [squaresDataset(200, 1), squaresDataset(50, 2), squaresDataset(100, 3)];
  data = { train: sets[0]!, validation: sets[1]!, test: sets[2]!, dispose: () => sets.forEach((s) => s.dispose()) };
});

after(() => data.dispose());

const QUICK = { epochs: 2, batchSize: 25, lr: 0.01, seed: 1, progress: false } as const;

test("trainRung trains, scores on the test set, disposes the model and leaves no tensors", async () => {
  const start = tf.memory().numTensors;
  const model = softmaxRegression({ seed: 1 });
  const rung = await trainRung("softmax", model, data, QUICK);
  assert.equal(tf.memory().numTensors, start, "the model and everything else are disposed");
  assert.equal(rung.params, 7850);
  assert.equal(rung.history.epochs.length, 2);
  assert.equal(rung.predictions.length, 100);
  assert.deepEqual(rung.test, accuracyWithError(data.test.labels, rung.predictions));
  assert.ok(rung.test.accuracy > 0.5, `the synthetic task is learnable: ${rung.test.accuracy}`);
  assert.match(describeRung(rung), /^softmax: \d+\.\d\d ± \d+\.\d\d % on 100 test images · 7,850 params · 2 epochs in \d+ s$/);
  // Same model, seed and options: the same predictions (the ladder's rungs are reproducible).
  const again = await trainRung("softmax again", softmaxRegression({ seed: 1 }), data, QUICK);
  assert.deepEqual(again.predictions, rung.predictions);
});

test("describeRung says '1 epoch' for a one-epoch rung (lesson 7 trains its 2-conv CNN for one)", async () => {
  const rung = await trainRung("softmax", softmaxRegression({ seed: 1 }), data, { ...QUICK, epochs: 1 });
  assert.match(describeRung(rung), / · 7,850 params · 1 epoch in \d+ s$/);
});

test("trainRung disposes the model when training fails, and names a bad label", async () => {
  const start = tf.memory().numTensors;
  await assert.rejects(
    trainRung("bad", mlp({ hidden: [4], dropout: 0 }), data, { ...QUICK, epochs: 0 }),
    /epochs must be an integer ≥ 1, got 0/,
  );
  await assert.rejects(trainRung("", softmaxRegression(), data, QUICK), /label must be a non-empty string/);
  assert.equal(tf.memory().numTensors, start);
});

/** A rung with given predictions (the fields the table and sentence read). */
function fakeRung(label: string, predictions: number[], labels: number[]): Rung {
  const history = { epochs: [{}, {}, {}] } as unknown as Rung["history"];
  return {
    label,
    params: 10,
    seconds: 1.4,
    history,
    predictions: Int32Array.from(predictions),
    test: accuracyWithError(labels, predictions),
  };
}

test("armTable: one row per arm, its seeds, mean and spread", () => {
  const labels = [0, 1, 2, 3];
  const a = fakeRung("plain", [0, 1, 0, 0], labels); // right on 0, 1
  const b = fakeRung("augmented", [0, 0, 2, 3], labels); // right on 0, 2, 3
  const arms = [
    {
      label: "plain",
      runs: [
        { ...a, seed: 1 },
        { ...fakeRung("plain", [0, 1, 2, 0], labels), seed: 2 },
      ],
    },
    { label: "augmented", runs: [{ ...b, seed: 1 }] },
  ];
  const df = armTable(arms);
  assert.deepEqual(df.columns, ["arm", "seeds", "test accuracy (%)", "sd over seeds (%)", "epochs", "seconds per run", "params"]);
  assert.deepEqual(df.getColumn("arm").toArray(), ["plain", "augmented"]);
  assert.deepEqual(df.getColumn("seeds").toArray(), [2, 1]);
  assert.deepEqual(df.getColumn("test accuracy (%)").toArray(), [62.5, 75]);
  const sd = df.getColumn("sd over seeds (%)").toArray();
  assert.ok(Math.abs(Number(sd[0]) - Math.sqrt(2 * 12.5 ** 2)) < 1e-9, `sd ${sd[0]}`);
  assert.equal(sd[1], null);
  assert.deepEqual(df.getColumn("epochs").toArray(), [3, 3]);
  assert.deepEqual(df.getColumn("seconds per run").toArray(), [1, 1]);
  assert.throws(() => armTable([]), /at least one run/);
});

test("trainArm trains one rung per seed, each with its seed, and leaves no tensors", async () => {
  const start = tf.memory().numTensors;
  const arm = await trainArm("softmax", (seed) => softmaxRegression({ seed }), data, QUICK, [3, 4]);
  assert.deepEqual(
    arm.runs.map((r) => [r.seed, r.label]),
    [
      [3, "softmax · seed 3"],
      [4, "softmax · seed 4"],
    ],
  );
  // Another seed is another model: other initial weights and batch order.
  assert.notDeepEqual(arm.runs[0]!.history.loss, arm.runs[1]!.history.loss);
  // Options built per seed, and no validation passes without validation data: the same model for seed 3.
  const again = await trainArm(
    "softmax",
    (seed) => softmaxRegression({ seed }),
    { train: data.train, test: data.test },
    (seed) => ({ ...QUICK, seed: seed + 100 }),
    [3],
  );
  assert.deepEqual(Array.from(again.runs[0]!.predictions), Array.from(arm.runs[0]!.predictions));
  assert.deepEqual(again.runs[0]!.history.valAcc, []);
  assert.equal(tf.memory().numTensors, start);
  await assert.rejects(
    trainArm("softmax", (seed) => softmaxRegression({ seed }), data, QUICK, [1, 1]),
    /seeds must be distinct integers/,
  );
  await assert.rejects(trainArm("softmax", null as never, data, QUICK, [1]), /build must be a function/);
});
