import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import * as tf from "@tensorflow/tfjs";
import { selectBackend } from "../../src/backend/select";
import type { Dataset } from "../../src/data/dataset";
import { cnn } from "../../src/models/cnn";
import { mlp } from "../../src/models/mlp";
import { softmaxRegression } from "../../src/models/softmax-regression";
import { fit, type FitOptions } from "../../src/train/fit";
import type { History } from "../../src/train/history";
import { OPTIMIZER_NAMES } from "../../src/train/optimizer";
import type { TrainingState } from "../../src/train/training-state";
import { squaresDataset } from "./synthetic";

let train: Dataset;
let validation: Dataset;

before(async () => {
  await selectBackend();
  train = squaresDataset(300, 1);
  validation = squaresDataset(100, 2);
});

after(() => {
  train.dispose();
  validation.dispose();
});

/** A small model with every kind of state a run carries: seeded dropout masks and batch-norm statistics. */
const build = () => mlp({ hidden: [32, 16], dropout: 0.3, batchNorm: true, seed: 1 });

/** Three epochs with everything that draws or accumulates: augmentation, a decaying schedule. */
const OPTIONS: FitOptions = {
  epochs: 3,
  batchSize: 16, // 19 steps an epoch: tfjs's own Adam.setWeights would be off here (see optimizer.test.ts)
  lr: 0.01,
  seed: 4,
  augment: {},
  schedule: { kind: "exponential", decay: 0.8 },
  progress: false,
};

/** What must come out the same: every weight bit and every number of the history but the times. */
function outcome(model: tf.LayersModel, history: History) {
  return {
    weights: model.getWeights().map((w) => Array.from(w.dataSync())),
    epochs: history.epochs.map(({ seconds: _s, samplesPerSecond: _r, ...numbers }) => numbers),
    stoppedEarly: history.stoppedEarly,
    bestEpoch: history.bestEpoch,
    restoredBestWeights: history.restoredBestWeights,
  };
}

/** The state after `epochs` epochs of a run that is then stopped by an error (as a crash would). */
async function interruptedAfter(epochs: number, options: FitOptions): Promise<TrainingState> {
  const model = build();
  let saved: TrainingState | undefined;
  await assert.rejects(
    fit(
      model,
      { train, validation },
      {
        ...options,
        onState: (state) => {
          saved = state;
          if (state.logs.length === epochs) throw new Error("interrupted");
        },
      },
    ),
    /interrupted/,
  );
  model.dispose();
  assert.ok(saved);
  return saved;
}

async function uninterrupted(options: FitOptions) {
  const model = build();
  const history = await fit(model, { train, validation }, options);
  const result = outcome(model, history);
  model.dispose();
  return result;
}

async function resumed(state: TrainingState, options: FitOptions) {
  const model = build();
  const history = await fit(model, { train, validation }, { ...options, resumeFrom: state });
  const result = outcome(model, history);
  model.dispose();
  return result;
}

for (const optimizer of OPTIMIZER_NAMES) {
  test(`${optimizer}: stopped after epoch 1 and resumed, a run ends bit for bit as one never stopped`, async () => {
    const start = tf.memory().numTensors;
    const options = { ...OPTIONS, optimizer };
    const whole = await uninterrupted(options);
    const state = await interruptedAfter(1, options);
    assert.equal(state.logs.length, 1);
    assert.equal(state.optimizer, optimizer);
    assert.ok(state.augmentRandom !== null, "the augmentation stream's place is kept");
    assert.equal(state.dropoutCalls.length, 2, "both dropout layers' counters are kept");
    assert.ok(
      state.dropoutCalls.every((n) => n === Math.ceil(300 / 16)),
      "one training call per batch",
    );
    const again = await resumed(state, options);
    assert.deepEqual(again, whole);
    assert.equal(tf.memory().numTensors, start, "no tensor leaked");
  });
}

test("early stopping with restoreBestWeights resumes with its patience used and its best weights", async () => {
  const start = tf.memory().numTensors;
  // A learning rate this high makes validation loss go up and down: early stopping has work to do.
  const options: FitOptions = { ...OPTIONS, epochs: 6, lr: 0.3, earlyStopping: { patience: 2, restoreBestWeights: true } };
  const whole = await uninterrupted(options);
  const state = await interruptedAfter(2, options);
  assert.ok(state.earlyStopping !== null);
  assert.ok(
    state.specs.some((s) => s.name.startsWith("best/")),
    "the best epoch's weights are kept",
  );
  assert.deepEqual(await resumed(state, options), whole);
  assert.equal(tf.memory().numTensors, start, "no tensor leaked");
});

test("a state that does not fit the options or the model is refused before any training", async () => {
  const state = await interruptedAfter(1, OPTIONS);
  const start = tf.memory().numTensors;
  const model = build();
  let epochs = 0;
  const attempt = (options: Partial<FitOptions>, m: tf.LayersModel = model) =>
    fit(m, { train, validation }, { ...OPTIONS, onEpoch: () => void epochs++, resumeFrom: state, ...options });
  const { augment: _a, ...withoutAugment } = OPTIONS;
  await assert.rejects(
    fit(model, { train, validation }, { ...withoutAugment, resumeFrom: state }),
    /fit: resumeFrom comes from a run with augmentation, but these options have no augmentation/,
  );
  await assert.rejects(attempt({ optimizer: "sgd" }), /fit: resumeFrom comes from a run with adam, but these options ask for sgd/);
  await assert.rejects(
    attempt({ earlyStopping: { patience: 1 } }),
    /comes from a run without early stopping, but these options have early stopping/,
  );
  await assert.rejects(attempt({ transformBatch: (x) => x.clone() }), /onState and resumeFrom do not combine with transformBatch/);
  await assert.rejects(
    attempt({ resumeFrom: { ...state, logs: [...state.logs, ...state.logs, ...state.logs, ...state.logs] } }),
    /fit: resumeFrom has 4 epochs done, but this run trains 3/,
  );
  await assert.rejects(attempt({ resumeFrom: { logs: [] } as never }), /fit: resumeFrom must be a training state reported by onState/);
  const other = softmaxRegression({ seed: 1 });
  await assert.rejects(attempt({}, other), /fit: resumeFrom holds 12 model weights, this model has 2/);
  other.dispose();
  const narrower = mlp({ hidden: [16, 16], dropout: 0.3, batchNorm: true, seed: 1 });
  await assert.rejects(attempt({}, narrower), /shape/);
  narrower.dispose();
  assert.equal(epochs, 0, "no epoch was trained");
  model.dispose();
  assert.equal(tf.memory().numTensors, start, "no tensor leaked");
});

test("with two training workers too, a resumed run ends bit for bit as one never stopped", async () => {
  const start = tf.memory().numTensors;
  const small = () => cnn({ seed: 2, filters: [4, 8], denseUnits: 16 });
  const options: FitOptions = { ...OPTIONS, epochs: 2, batchSize: 30, workers: 2 };
  const one = small();
  const whole = outcome(one, await fit(one, { train, validation }, options));
  let saved: TrainingState | undefined;
  const stopped = small();
  await assert.rejects(
    fit(
      stopped,
      { train, validation },
      {
        ...options,
        onState: (state) => {
          saved = state;
          throw new Error("interrupted");
        },
      },
    ),
    /interrupted/,
  );
  const again = small();
  const history = await fit(again, { train, validation }, { ...options, resumeFrom: saved! });
  assert.equal(history.workers, 2);
  assert.deepEqual(outcome(again, history), whole);
  [one, stopped, again].forEach((m) => m.dispose());
  assert.equal(tf.memory().numTensors, start, "no tensor leaked");
});
