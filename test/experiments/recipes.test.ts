import { test } from "node:test";
import assert from "node:assert/strict";
import { parseTrainArgs } from "../../scripts/cli/train-args";
import { MODEL_NAMES, type ModelName } from "../../src/models/registry";
import type { LessonProfile } from "../../src/profile";
import {
  checkRecipe,
  recipeFitOptions,
  recipeText,
  trainingRecipe,
  TRAINING_RECIPES,
  type TrainingRecipe,
} from "../../src/experiments/recipes";

const PROFILES: readonly LessonProfile[] = ["fast", "full"];

test("every model has a recipe in every profile, with sensible numbers", () => {
  for (const profile of PROFILES) {
    assert.deepEqual(Object.keys(TRAINING_RECIPES[profile]).sort(), [...MODEL_NAMES].sort(), profile);
    for (const model of MODEL_NAMES) {
      const r = trainingRecipe(model, profile);
      const what = `${model}/${profile}`;
      assert.ok(Number.isInteger(r.epochs) && r.epochs >= 1, `${what} epochs ${r.epochs}`);
      assert.ok(Number.isInteger(r.batchSize) && r.batchSize >= 1, `${what} batchSize ${r.batchSize}`);
      assert.ok(r.lr > 0 && r.lr < 1, `${what} lr ${r.lr}`);
      assert.ok(r.lrDecay > 0 && r.lrDecay <= 1, `${what} lrDecay ${r.lrDecay}`);
      assert.ok(Number.isSafeInteger(r.seed), `${what} seed ${r.seed}`);
      assert.doesNotThrow(() => checkRecipe(r), what);
      // The fast profile is the quick look: never more epochs than the full one.
      assert.ok(r.epochs <= trainingRecipe(model, "full").epochs, `${what} has more epochs than full`);
    }
  }
});

test("full-profile recipes are those of the committed results", () => {
  const expected: Record<ModelName, TrainingRecipe> = {
    softmax: { epochs: 10, batchSize: 100, lr: 0.001, lrDecay: 1, optimizer: "adam", seed: 1 },
    mlp: { epochs: 12, batchSize: 100, lr: 0.001, lrDecay: 0.85, optimizer: "adam", seed: 1 },
    cnn: { epochs: 15, batchSize: 100, lr: 0.001, lrDecay: 0.85, optimizer: "adam", seed: 1 },
    "deep-cnn": { epochs: 15, batchSize: 100, lr: 0.001, lrDecay: 0.85, optimizer: "adam", seed: 1 },
  };
  for (const model of MODEL_NAMES) assert.deepEqual({ ...trainingRecipe(model, "full") }, expected[model], model);
});

test("recipes cannot be changed by accident: edit a copy instead", () => {
  const r = trainingRecipe("cnn", "full");
  assert.throws(() => {
    (r as { epochs: number }).epochs = 1;
  }, TypeError);
  assert.throws(() => {
    (TRAINING_RECIPES.full as Record<string, unknown>)["cnn"] = undefined;
  }, TypeError);
  assert.equal(trainingRecipe("cnn", "full").epochs, 15);
  const longer = { ...r, epochs: 20 };
  assert.equal(longer.epochs, 20);
});

test("unknown models and profiles are named", () => {
  assert.throws(() => trainingRecipe("vgg" as ModelName, "fast"), /Unknown model "vgg": expected one of softmax, mlp, cnn, deep-cnn/);
  assert.throws(() => trainingRecipe("cnn", "huge" as LessonProfile), /Unknown LESSON_PROFILE "huge": expected "fast" or "full"/);
});

test("recipeFitOptions: an exponential schedule only when the rate decays", () => {
  assert.deepEqual(recipeFitOptions(trainingRecipe("cnn", "full"), 1), {
    epochs: 15,
    batchSize: 100,
    lr: 0.001,
    optimizer: "adam",
    seed: 1,
    schedule: { kind: "exponential", decay: 0.85 },
  });
  const constant = recipeFitOptions(trainingRecipe("softmax", "full"), 1);
  assert.equal("schedule" in constant, false);
  assert.equal(constant.epochs, 10);
});

test("checkRecipe names the bad field of a hand-made recipe", () => {
  const r = trainingRecipe("cnn", "fast");
  assert.throws(() => checkRecipe({ ...r, epochs: 0 }), /recipe: epochs must be an integer ≥ 1, got 0/);
  assert.throws(() => checkRecipe({ ...r, epochs: 2.5 }), /epochs must be an integer/);
  assert.throws(() => checkRecipe({ ...r, batchSize: -1 }), /recipe: batchSize must be an integer ≥ 1, got -1/);
  assert.throws(() => checkRecipe({ ...r, lr: 0 }), /recipe: lr must be a positive number, got 0/);
  assert.throws(() => checkRecipe({ ...r, lrDecay: 1.2 }), /recipe: lrDecay must be in \(0, 1\], got 1.2/);
  assert.throws(() => checkRecipe({ ...r, seed: 0.5 }), /recipe: seed must be an integer, got 0.5/);
  assert.throws(
    () => checkRecipe({ ...r, optimizer: "adamw" as "adam" }),
    /unknown optimizer "adamw": expected one of adam, sgd, momentum, rmsprop/,
  );
  assert.throws(() => recipeFitOptions({ ...r, lr: NaN }, r.seed), /recipe: lr must be a positive number, got NaN/);
});

test("recipeText says epochs, batch, optimizer, rate and decay", () => {
  assert.equal(recipeText(trainingRecipe("cnn", "full")), "15 epochs · batch 100 · adam, lr 0.001 × 0.85 per epoch · seed 1");
  assert.equal(recipeText({ ...trainingRecipe("softmax", "full"), epochs: 1 }), "1 epoch · batch 100 · adam, lr 0.001 · seed 1");
});

test("npm run train: settings not given come from the recipe, explicit flags win", () => {
  for (const profile of PROFILES) {
    for (const model of MODEL_NAMES) {
      const args = parseTrainArgs(["--model", model, "--profile", profile]);
      assert.notEqual(args, "help");
      if (args === "help") continue;
      const r = trainingRecipe(model, profile);
      assert.deepEqual(
        { epochs: args.epochs, batchSize: args.batchSize, lr: args.lr, lrDecay: args.lrDecay, optimizer: args.optimizer, seed: args.seed },
        { ...r },
        `${model}/${profile}`,
      );
    }
  }
  const args = parseTrainArgs([
    "--model",
    "cnn",
    "--profile",
    "full",
    "--epochs",
    "2",
    "--lr",
    "0.01",
    "--lr-decay",
    "1",
    "--batch-size",
    "50",
    "--seed",
    "3",
  ]);
  assert.notEqual(args, "help");
  if (args !== "help") {
    assert.deepEqual([args.epochs, args.lr, args.lrDecay, args.batchSize, args.seed], [2, 0.01, 1, 50, 3]);
  }
  assert.throws(() => parseTrainArgs(["--profile", "full"]), /--model is required/);
});
