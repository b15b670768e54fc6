import { test } from "node:test";
import assert from "node:assert/strict";
import { accuracyFloor, ACCURACY_FLOORS } from "../../src/experiments/floors";
import { trainingRecipe } from "../../src/experiments/recipes";
import type { ModelName } from "../../src/models/registry";
import { readResultLines, type ResultLine } from "../../src/results/log";

test("accuracyFloor: the floor of a model, none for a model without one, a clear error for an unknown name", () => {
  assert.equal(accuracyFloor("cnn", "full"), ACCURACY_FLOORS.mnist.full.cnn);
  assert.equal(accuracyFloor("cnn", "fast", "fashion-mnist"), ACCURACY_FLOORS["fashion-mnist"].fast.cnn);
  assert.equal(accuracyFloor("mlp", "full"), undefined);
  assert.throws(() => accuracyFloor("resnet" as ModelName, "full"), /resnet/);
  assert.throws(() => accuracyFloor("cnn", "slow" as "full"), /slow/);
  assert.throws(() => accuracyFloor("cnn", "full", "cifar" as "mnist"), /dataset "?cifar/);
  // A full-profile floor is never below the fast one: more data and epochs must not be allowed to do worse.
  for (const [dataset, floors] of Object.entries(ACCURACY_FLOORS)) {
    for (const [model, full] of Object.entries(floors.full)) {
      const fast = floors.fast[model as ModelName];
      if (fast !== undefined) assert.ok(full >= fast, `${dataset} ${model}: full floor ${full} < fast ${fast}`);
    }
  }
});

/** The logged full-profile runs of a lesson model trained with its lesson recipe, unchanged (no options, augmentation or slice). */
function lessonRuns(lines: readonly ResultLine[], model: ModelName, dataset: string): ResultLine[] {
  const recipe = trainingRecipe(model, "full");
  return lines.filter(
    (l) =>
      l.profile === "full" &&
      (l.dataset ?? "mnist") === dataset &&
      (l.architecture ?? l.model) === model &&
      Object.keys(l.modelOptions ?? {}).length === 0 &&
      !l.augment &&
      l.perClass === undefined &&
      l.transfer === undefined &&
      l.epochs === recipe.epochs &&
      l.lr === recipe.lr &&
      l.lrDecay === recipe.lrDecay &&
      (l.batchSize ?? recipe.batchSize) === recipe.batchSize,
  );
}

// The lessons' fast runs in CI cannot check their full-profile claims (hours per lesson); the committed log can.
const log = readResultLines();

test("the full profile's floors (lessons 6 and 10) hold for every logged full-profile run of the lesson recipes", () => {
  let checked = 0;
  for (const [dataset, floors] of Object.entries(ACCURACY_FLOORS)) {
    for (const [model, floor] of Object.entries(floors.full)) {
      const runs = lessonRuns(log, model as ModelName, dataset);
      assert.ok(runs.length > 0, `no logged full-profile run of ${model} on ${dataset}: its floor is unchecked`);
      for (const r of runs) {
        assert.ok(
          r.testAccuracy >= floor,
          `${r.model} (seed ${r.seed}, ${r.date}) ${r.testAccuracy} is below its full floor ${floor}: ${r.command}`,
        );
        checked++;
      }
    }
  }
  assert.ok(checked >= 3);
});

test("lesson 6's full-profile claim: every logged lesson CNN beats every logged lesson MLP on MNIST's test set", () => {
  // Lesson 6's check asserts fixed > broken, which on one test set is the same as a higher accuracy.
  const [cnns, mlps] = [lessonRuns(log, "cnn", "mnist"), lessonRuns(log, "mlp", "mnist")];
  assert.ok(cnns.length > 0 && mlps.length > 0, "the log has no lesson CNN or MLP on MNIST");
  for (const c of cnns)
    for (const m of mlps) assert.ok(c.testAccuracy > m.testAccuracy, `${c.model} ${c.testAccuracy} vs ${m.model} ${m.testAccuracy}`);
});

test("lesson 7's full-profile claim: the worst seed of the 3-layer MLP beats softmax regression by more than 2 standard errors", () => {
  const shallow = log.filter((l) => l.profile === "full" && l.model === "ladder-mlp-3");
  const softmax = lessonRuns(log, "softmax", "mnist");
  assert.ok(shallow.length >= 3 && softmax.length > 0, "the log lacks the 3-layer MLP's seeds or softmax regression");
  const mean = softmax.reduce((s, l) => s + l.testAccuracy, 0) / softmax.length;
  const se = Math.sqrt((mean * (1 - mean)) / softmax[0]!.testSize!);
  const worst = Math.min(...shallow.map((l) => l.testAccuracy));
  assert.ok(worst > mean + 2 * se, `3-layer MLP worst seed ${worst}, softmax ${mean} ± ${se}`);
});
