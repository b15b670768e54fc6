import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import * as tf from "@tensorflow/tfjs";
import { selectBackend, type BackendInfo } from "../../src/backend/select";
import type { Dataset } from "../../src/data/dataset";
import type { DatasetSplits } from "../../src/data/idx-dataset";
import { trainingRecipe } from "../../src/experiments/recipes";
import { sliceRecipe } from "../../src/experiments/slice-recipe";
import {
  checkedTransferFolder,
  checkpointSettings,
  runModel,
  runTraining,
  trainDefaults,
  type TrainRunContext,
  type TrainSettings,
} from "../../src/experiments/train-run";
import { resultPredictions } from "../../src/results/log";
import { saveModel } from "../../src/io/model-files";
import { cnn } from "../../src/models/cnn";
import { checkpointDir, readCheckpointInfo } from "../../src/train/checkpoint";
import { squaresDataset } from "../train/synthetic";

let backend: BackendInfo;
let data: DatasetSplits;

before(async () => {
  backend = await selectBackend("cpu");
  // 20 images of each class in validation: what a fast-profile slice keeps (sliceRecipe's validationPerClass).
  const sets: Dataset[] = [squaresDataset(300, 1), squaresDataset(200, 2), squaresDataset(100, 3)];
  data = {
    train: sets[0]!,
    validation: sets[1]!,
    test: sets[2]!,
    classNames: Array.from({ length: 10 }, (_, i) => `square ${i}`),
    dispose: () => sets.forEach((s) => s.dispose()),
  };
});

after(() => data.dispose());

/** A softmax run on the synthetic squares, the flags' defaults replaced by quick ones. */
function settings(extra: Partial<TrainSettings> = {}): TrainSettings {
  return {
    model: "softmax",
    dataset: "mnist",
    epochs: 2,
    batchSize: 30,
    lr: 0.01,
    optimizer: "adam",
    lrDecay: 1,
    patience: undefined,
    profile: "fast",
    seed: 1,
    out: undefined,
    name: undefined,
    modelOptions: {},
    augment: false,
    overwrite: false,
    resume: false,
    perClass: undefined,
    transferFrom: undefined,
    fineTune: false,
    ...extra,
  };
}

/** Runs `args` on a fresh model, disposed after: the result line. */
async function run(args: TrainSettings, ctx: TrainRunContext) {
  const model = await runModel(args, undefined, ctx.root);
  try {
    return await runTraining(args, model, ctx);
  } finally {
    model.dispose();
  }
}

/** A run's context with its checkpoint in `dir` and its progress lines collected in `lines`. */
function context(dir: string, lines: string[], resume = false): TrainRunContext {
  return {
    root: dir,
    data,
    title: "Squares",
    checkpoint: { dir: checkpointDir(path.join(dir, "m")), epochs: resume ? 1 : undefined },
    base: undefined,
    backend,
    machine: { cores: 2, backendSummary: backend.summary, node: process.version },
    command: "npm run train -- --model softmax",
    log: (line) => lines.push(line),
  };
}

test("trainDefaults: the model's recipe, or with perClass lesson 10's slice recipe; a given seed wins", () => {
  const recipe = trainingRecipe("cnn", "full");
  assert.deepEqual(trainDefaults("cnn", "full", undefined), {
    seed: recipe.seed,
    epochs: recipe.epochs,
    batchSize: recipe.batchSize,
    lr: recipe.lr,
    optimizer: recipe.optimizer,
    lrDecay: recipe.lrDecay,
    patience: undefined,
  });
  assert.equal(trainDefaults("cnn", "full", undefined, 7).seed, 7);
  const slice = sliceRecipe(100, "fast");
  assert.deepEqual(trainDefaults("transfer", "fast", 100), {
    seed: slice.seed,
    epochs: slice.epochs,
    batchSize: slice.batchSize,
    lr: slice.lr,
    optimizer: "adam",
    lrDecay: 1,
    patience: slice.patience,
  });
  assert.equal(trainDefaults("mlp", "fast", 10, 4).seed, 4);
  assert.throws(
    () => trainDefaults("transfer", "fast", undefined),
    /^Error: trainDefaults: a transferred model trains on a labelled slice: give perClass$/,
  );
});

test("runTraining: trains, evaluates, builds the result line, checkpoints every epoch and leaves only the model's tensors", async () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), "tsdl-train-run-"));
  const before = tf.memory().numTensors;
  const lines: string[] = [];
  try {
    const model = await runModel(settings(), undefined, dir);
    try {
      const result = await runTraining(settings(), model, context(dir, lines));
      assert.equal(tf.memory().numTensors, before + model.weights.length, "only the model's weights are new");
      assert.equal(lines[0], "Squares (fast): 300 train, 200 validation, 100 test");
      assert.match(lines[1]!, /^\nModel softmax \(softmax \{\}\):\n/);
      assert.match(lines[2]!, /^\nTest accuracy \d+\.\d\d % \(loss \d\.\d{4}\) on 100 images · training \d+\.\d s · test pass \d+\.\d s$/);
      assert.equal(lines.length, 3);
      assert.equal(result.model, "softmax");
      assert.equal(result.architecture, "softmax");
      assert.equal(result.command, "npm run train -- --model softmax");
      assert.equal(result.epochs, 2);
      assert.equal(result.epochsRequested, 2);
      assert.equal(result.params, 7850);
      assert.equal(result.trainSize, 300);
      assert.equal(result.testSize, 100);
      assert.equal(result.backend, "cpu");
      assert.equal(result.cores, 2);
      assert.equal(result.perClass, undefined);
      assert.equal(result.resumedFromEpoch, undefined);
      assert.ok(result.testAccuracy >= 0.8, `test accuracy ${result.testAccuracy}`);
      assert.equal(resultPredictions(result)?.length, 100);
      const info = readCheckpointInfo(checkpointDir(path.join(dir, "m")));
      assert.equal(info?.epochs, 2, "the state after the last epoch is on disk until the caller removes it");
      assert.deepEqual(info?.settings, JSON.parse(JSON.stringify(checkpointSettings(settings()))));
    } finally {
      model.dispose();
    }
    assert.equal(tf.memory().numTensors, before);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test("runTraining with resume goes on from the checkpoint to the same numbers as a run never stopped", async () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), "tsdl-train-resume-"));
  try {
    const whole = await run(settings(), context(path.join(dir, "whole"), []));
    // The first epoch alone leaves the checkpoint an interruption after it would have left.
    await run(settings({ epochs: 1 }), context(dir, []));
    const lines: string[] = [];
    const resumed = await run(settings({ resume: true }), context(dir, lines, true));
    assert.ok(lines.includes("Resuming after epoch 1 of 2, from m.checkpoint\n"), lines.join("|"));
    assert.equal(resumed.resumedFromEpoch, 1);
    assert.equal(resumed.epochs, 2);
    assert.equal(resumed.testPredictions, whole.testPredictions);
    assert.equal(resumed.testLoss, whole.testLoss);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test("runTraining with perClass: trains on the slice with early stopping on validation accuracy, and keeps no checkpoint", async () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), "tsdl-train-slice-"));
  const lines: string[] = [];
  try {
    const defaults = trainDefaults("softmax", "fast", 5, 3);
    const result = await run(settings({ ...defaults, perClass: 5, lr: 0.01 }), context(dir, lines));
    assert.equal(lines[1], "Training on 5 images per class (50), seed 3; validation: 20 per class");
    assert.equal(result.perClass, 5);
    assert.equal(result.trainSize, 50);
    assert.equal(result.validationSize, 200);
    assert.deepEqual(result.earlyStopping, { monitor: "val_acc", patience: 3 });
    assert.equal(result.epochsRequested, 20);
    assert.ok(result.epochs >= 1 && result.epochs <= 20);
    assert.equal(existsSync(checkpointDir(path.join(dir, "m"))), false);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test("runTraining: a slice larger than a class is named before any training, and no tensor is left", async () => {
  const before = tf.memory().numTensors;
  await assert.rejects(
    run(settings({ ...trainDefaults("softmax", "fast", 31), perClass: 31 }), context(os.tmpdir(), [])),
    /^Error: --per-class 31: the fast-profile Squares training split has 30 images of class 0 \(square 0\); at most 30 per class$/,
  );
  assert.equal(tf.memory().numTensors, before);
});

test("runModel and runTraining with a transfer base: the base frozen under a new head, then fine-tuning kept only if validation rises", async () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), "tsdl-train-transfer-"));
  try {
    // A narrow CNN stands in for the MNIST model: the run is about the plumbing, not the accuracy.
    const saved = cnn({ seed: 2, filters: [4, 8], denseUnits: 16 });
    await saveModel(saved, path.join(dir, "tiny"), {
      metadata: { model: "tiny", dataset: "fashion-mnist", date: "2026-12-01T00:00:00.000Z" },
    });
    saved.dispose();
    const args = settings({
      ...trainDefaults("transfer", "fast", 5),
      model: "transfer",
      transferFrom: "tiny",
      perClass: 5,
      epochs: 2,
      fineTune: true,
    });
    const base = await checkedTransferFolder(args, dir);
    assert.equal(base?.dir, path.join(dir, "tiny"));
    const before = tf.memory().numTensors;
    const model = await runModel(args, base, dir);
    const lines: string[] = [];
    try {
      assert.equal(model.getLayer("conv1").trainable, false, "the base is frozen");
      const result = await runTraining(args, model, { ...context(dir, lines), base });
      const t = result.transfer!;
      assert.equal(result.model, "transfer-tiny-5-per-class-fine-tuned");
      assert.deepEqual([t.from, t.baseModel, t.baseDate, t.fineTuneLr], ["tiny", "tiny", "2026-12-01T00:00:00.000Z", 0.0001]);
      assert.equal(result.epochs, t.headEpochs + t.fineTuneEpochs!);
      assert.equal(t.fineTuned, t.fineTuneValidationAccuracy! > t.headValidationAccuracy);
      assert.equal(result.validationAccuracy, t.fineTuned ? t.fineTuneValidationAccuracy : t.headValidationAccuracy);
      assert.equal(model.getLayer("conv1").trainable, t.fineTuned, "a base kept frozen stays frozen");
      assert.equal(
        lines[2],
        "\nModel transfer-tiny-5-per-class-fine-tuned (tiny's base, frozen, and a new head):\n" + lines[2]!.split(":\n")[1],
      );
      assert.equal(lines[3], "\nFine-tuning every layer at lr 0.0001:");
      assert.match(
        lines[4]!,
        /^Fine-tuning (kept|not kept \(the head's weights are saved\)): validation accuracy \d+\.\d\d % against the head's \d+\.\d\d %$/,
      );
    } finally {
      model.dispose();
    }
    assert.equal(tf.memory().numTensors, before);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
