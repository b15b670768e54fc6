import { test } from "node:test";
import assert from "node:assert/strict";
import {
  compareAcrossSeeds,
  loggedArm,
  onSharedSeeds,
  seedVerdict,
  studentTQuantile975,
  studentTwoSidedP,
  verdictAgreement,
  type SeedRun,
} from "../../src/eval/seeds";

test("studentTwoSidedP matches published t tables", () => {
  // Two-sided 5 % critical values (any statistics textbook's t table).
  const table: Array<[number, number]> = [
    [1, 12.706],
    [2, 4.303],
    [3, 3.182],
    [4, 2.776],
    [5, 2.571],
    [10, 2.228],
    [30, 2.042],
  ];
  for (const [df, t] of table) {
    assert.ok(Math.abs(studentTwoSidedP(t, df) - 0.05) < 2e-4, `df ${df}: p(${t}) = ${studentTwoSidedP(t, df)}`);
    assert.ok(Math.abs(studentTQuantile975(df) - t) < 2e-3, `df ${df}: quantile ${studentTQuantile975(df)}`);
  }
  // df 1 is the Cauchy distribution: P(|T| ≥ 1) = 1/2; t = 0 gives p = 1; symmetric in t.
  assert.ok(Math.abs(studentTwoSidedP(1, 1) - 0.5) < 1e-12);
  assert.equal(studentTwoSidedP(0, 4), 1);
  assert.equal(studentTwoSidedP(-2.5, 7), studentTwoSidedP(2.5, 7));
  assert.equal(studentTwoSidedP(Infinity, 3), 0);
  assert.throws(() => studentTwoSidedP(1, 0), /df must be an integer ≥ 1/);
  assert.throws(() => studentTwoSidedP(1, 2.5), /df must be an integer ≥ 1/);
  assert.throws(() => studentTwoSidedP(NaN, 2), /t is NaN/);
});

/** Predictions for 100 images labelled 0 with `correct` of them right (the rest answer 1). */
function run(seed: number, correct: number): SeedRun {
  return { seed, predictions: Array.from({ length: 100 }, (_, i) => (i < correct ? 0 : 1)) };
}
const labels = new Array(100).fill(0);

test("compareAcrossSeeds: a consistent gain beyond the seed spread is a verdict for B", () => {
  const a = { label: "plain", runs: [run(1, 80), run(2, 82), run(3, 81)] };
  const b = { label: "augmented", runs: [run(3, 90), run(1, 89), run(2, 92)] }; // seed order differs: paired by seed
  const c = compareAcrossSeeds(labels, a, b);
  assert.deepEqual(c.a.seeds, [1, 2, 3]);
  assert.deepEqual(
    c.differences.map((d) => Math.round(100 * d)),
    [9, 10, 9],
  );
  assert.ok(Math.abs(c.a.mean - 0.81) < 1e-12);
  assert.ok(Math.abs(c.a.sd - 0.01) < 1e-12);
  assert.equal(c.better, "b");
  assert.ok(c.interval[0] > 0 && c.pValue < 0.01);
  // Each seed's paired count: B fixes the images A missed, breaks none.
  assert.deepEqual(
    c.perSeed.map((s) => [s.fixed, s.broken]),
    [
      [9, 0],
      [10, 0],
      [9, 0],
    ],
  );
  const text = seedVerdict(c);
  assert.match(text, /^Across 3 seeds: augmented 90\.33 ± 1\.53 % vs plain 81\.00 ± 1\.00 %/);
  assert.match(text, /augmented does better\./);
  assert.match(text, /seed 1: fixes 9, breaks 0 \(McNemar p = 0\.004, these two models differ\)/);
});

test("compareAcrossSeeds: differences that change sign are undecided, and the sentence says so", () => {
  const a = { label: "3 layers", runs: [run(1, 80), run(2, 85), run(3, 83)] };
  const b = { label: "5 layers", runs: [run(1, 84), run(2, 83), run(3, 84)] };
  const c = compareAcrossSeeds(labels, a, b);
  assert.equal(c.better, "undecided");
  assert.ok(c.interval[0] < 0 && c.interval[1] > 0);
  assert.match(seedVerdict(c), /these runs do not show which recipe is better/);
  // The mirror image: A against B gives the opposite difference and the same p.
  const back = compareAcrossSeeds(labels, b, a);
  assert.ok(Math.abs(back.meanDifference + c.meanDifference) < 1e-12);
  assert.ok(Math.abs(back.pValue - c.pValue) < 1e-12);
});

test("verdictAgreement says when two comparisons of the same recipes disagree", () => {
  const a = { label: "A", runs: [run(1, 80), run(2, 82), run(3, 81)] };
  const better = compareAcrossSeeds(labels, a, { label: "B", runs: [run(1, 90), run(2, 91), run(3, 92)] });
  const unclear = compareAcrossSeeds(labels, a, { label: "B", runs: [run(1, 79), run(2, 84), run(3, 81)] });
  assert.equal(verdictAgreement(better, better, "The full profile"), "The full profile agrees with this run: B better.");
  assert.match(
    verdictAgreement(better, unclear, "The full profile"),
    /^The full profile disagrees with this run: this run finds B better, against no winner there/,
  );
});

test("compareAcrossSeeds refuses what it cannot compare", () => {
  const a = { label: "A", runs: [run(1, 80), run(2, 82)] };
  assert.throws(
    () => compareAcrossSeeds(labels, { label: "A", runs: [run(1, 80)] }, { label: "B", runs: [run(1, 90)] }),
    /needs at least 2/,
  );
  assert.throws(() => compareAcrossSeeds(labels, a, { label: "B", runs: [run(1, 90), run(3, 90)] }), /must share their seeds/);
  assert.throws(() => compareAcrossSeeds(labels, a, { label: "B", runs: [run(1, 90), run(1, 90)] }), /appears twice/);
  assert.throws(() => compareAcrossSeeds(labels.slice(1), a, a), /labels has 99 entries/);
  assert.throws(() => compareAcrossSeeds(labels, a, null as never), /an arm is/);
});

test("loggedArm: one run per seed from the log, the latest line of a seed, only lines with predictions", () => {
  const line = (seed: number | undefined, date: string, predictions: string | undefined, model = "ladder-cnn") =>
    ({
      model,
      profile: "full",
      backend: "wasm",
      epochs: 15,
      seconds: 1,
      testAccuracy: 0.5,
      date,
      command: `train --seed ${seed}`,
      seed,
      testPredictions: predictions,
    }) as never;
  const lines = [
    line(2, "2026-12-02T10:00:00Z", "0101"),
    line(1, "2026-12-02T10:00:00Z", "0000"),
    line(2, "2026-12-07T10:00:00Z", "1111"), // a later run of seed 2 counts
    line(3, "2026-12-07T10:00:00Z", undefined), // no predictions: cannot be paired
    line(undefined, "2026-12-07T10:00:00Z", "1111"), // no seed
    line(4, "2026-12-07T10:00:00Z", "1111", "ladder-cnn-aug"),
  ];
  const arm = loggedArm("CNN", lines, (l) => l.model === "ladder-cnn");
  assert.equal(arm.label, "CNN");
  assert.deepEqual(
    arm.runs.map((r) => [r.seed, Array.from(r.predictions).join("")]),
    [
      [1, "0000"],
      [2, "1111"],
    ],
  );
  assert.deepEqual(
    arm.lines.map((l) => l.command),
    ["train --seed 1", "train --seed 2"],
  );
});

test("onSharedSeeds: both arms keep only the seeds the other has, in their own order", () => {
  const run = (seed: number) => ({ seed, predictions: [seed] });
  const [a, b] = onSharedSeeds({ label: "a", runs: [run(1), run(2), run(3)] }, { label: "b", runs: [run(3), run(4), run(1)] });
  assert.deepEqual(
    a.runs.map((r) => r.seed),
    [1, 3],
  );
  assert.deepEqual(
    b.runs.map((r) => r.seed),
    [3, 1],
  );
  assert.deepEqual([a.label, b.label], ["a", "b"]);
  const [none] = onSharedSeeds({ label: "a", runs: [run(1)] }, { label: "b", runs: [] });
  assert.equal(none.runs.length, 0);
});
