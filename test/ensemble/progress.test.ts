import { test } from "node:test";
import assert from "node:assert/strict";
import type { DisplayArea } from "../../src/display/output";
import type { EpochLog } from "../../src/train/history";
import { MembersProgress, type PlannedMember } from "../../src/ensemble/progress";
import { describeRecipe, memberRecipe, normalizeRecipe } from "../../src/ensemble/member-recipe";
import { recipeFitOptions } from "../../src/experiments/recipes";

// lr pinned so the expected text does not depend on the fast recipe's tuning.
const RECIPE = memberRecipe("cnn", "fast", { epochs: 2, lr: 0.001 });
const PLAN: PlannedMember[] = [
  { seed: 1, recipe: RECIPE, done: true },
  { seed: 2, recipe: RECIPE, done: false },
  { seed: 3, recipe: RECIPE, done: false },
];

const log = (epoch: number, seconds: number): EpochLog => ({
  epoch,
  loss: 0.5,
  acc: 0.9,
  valLoss: 0.4,
  valAcc: 0.95,
  lr: 0.001,
  seconds,
  samplesPerSecond: 100,
});

test("MembersProgress (lines): says what is loaded, what trains, and how long is left", () => {
  const out: string[] = [];
  const p = new MembersProgress({ members: PLAN, mode: "lines", write: (s) => out.push(s) });
  assert.equal(p.fitMode(), "lines", "fit prints its own epoch lines between the member lines");
  p.begin("results/models/run");
  p.loaded(0, 0.97, 40, "results/models/run/member-1");
  p.startMember(1);
  p.endEpoch(1, log(0, 20));
  p.endEpoch(1, log(1, 10));
  p.endMember(1, 0.9712, 30.04, "results/models/run/member-2");
  assert.deepEqual(out, [
    "Ensemble of 3 members in results/models/run: 1 already trained (loaded, not retrained), training 2.\n",
    "member 1/3 loaded from results/models/run/member-1 · test acc 0.9700 (trained earlier in 40 s)\n",
    "member 2/3 · seed 2 · cnn · 2 epochs · batch 100 · adam, lr 0.001\n",
    // Mean epoch so far 15 s; member 3's 2 epochs are left.
    "member 2/3 done · test acc 0.9712 · 30 s · saved to results/models/run/member-2 · about 30 s to go\n",
  ]);
});

test("MembersProgress (kernel): one table rewritten in place, fit's own display off", () => {
  const shown: { html: string; text: string }[] = [];
  const area: DisplayArea = { html: (html, text) => void shown.push({ html, text }), text: () => undefined };
  const p = new MembersProgress({ members: PLAN, mode: "kernel", area });
  assert.equal(p.fitMode(), "silent");
  p.begin(undefined);
  p.startMember(1);
  p.endEpoch(1, log(0, 12));
  const last = shown.at(-1)!;
  assert.equal(last.text, "member 2/3 · epoch 1/2 · val_acc 0.9500 · 12.0 s/epoch · about 36 s to go");
  assert.match(last.html, /<td[^>]*>2<\/td><td[^>]*>2<\/td><td[^>]*>epoch 1\/2 done · val_acc 0.9500<\/td>/);
  assert.match(last.html, /<td[^>]*>3<\/td><td[^>]*>3<\/td><td[^>]*>waiting<\/td>/);
  assert.equal(shown[0]!.text, "Ensemble of 3 members (not saved): 1 already trained (loaded, not retrained), training 2.");
});

test("MembersProgress: members another process trains are skipped, named, and not counted in the time left", () => {
  const out: string[] = [];
  const shown: string[] = [];
  const plan: PlannedMember[] = [PLAN[0]!, { ...PLAN[1]!, skipped: true }, PLAN[2]!];
  const p = new MembersProgress({ members: plan, mode: "lines", write: (s) => out.push(s) });
  p.begin("run");
  p.loaded(0, 0.97, 40, "run/member-1");
  p.startMember(2);
  p.endEpoch(2, log(0, 20));
  p.endMember(2, 0.98, 40, "run/member-3");
  assert.deepEqual(
    out.filter((line) => !line.startsWith("member 3/3 · seed")),
    [
      "Ensemble of 3 members in run (this run: members 1, 3): 1 already trained (loaded, not retrained), training 1.\n",
      "member 1/3 loaded from run/member-1 · test acc 0.9700 (trained earlier in 40 s)\n",
      "member 3/3 done · test acc 0.9800 · 40 s · saved to run/member-3\n",
    ],
  );
  const area: DisplayArea = { html: (html) => void shown.push(html), text: () => undefined };
  const k = new MembersProgress({ members: plan, mode: "kernel", area });
  k.begin(undefined);
  assert.match(shown.at(-1)!, /<td[^>]*>2<\/td><td[^>]*>2<\/td><td[^>]*>skipped<\/td>/);
});

test("MembersProgress (silent) shows nothing", () => {
  const out: string[] = [];
  const p = new MembersProgress({ members: PLAN, mode: "silent", write: (s) => out.push(s) });
  p.begin("x");
  p.startMember(1);
  p.endMember(1, 0.9, 1, "x");
  assert.deepEqual(out, []);
});

test("member recipes: from the training recipes, normalised, to fit options and text", () => {
  assert.deepEqual(memberRecipe("cnn", "full"), { model: "cnn", epochs: 15, batchSize: 100, lr: 0.001, lrDecay: 0.85, optimizer: "adam" });
  const aug = memberRecipe("cnn", "full", { augment: { maxRotationDeg: 5 }, epochs: 20 });
  assert.equal(describeRecipe(aug), "cnn · 20 epochs · batch 100 · adam, lr 0.001 × 0.85 per epoch · augmented");
  assert.deepEqual(normalizeRecipe(aug).augment, { maxShift: 2.8, maxRotationDeg: 5, scaleRange: [0.9, 1.1], maxShearDeg: 0 });
  assert.deepEqual(recipeFitOptions(aug, 4), {
    epochs: 20,
    batchSize: 100,
    lr: 0.001,
    optimizer: "adam",
    seed: 4,
    schedule: { kind: "exponential", decay: 0.85 },
    augment: { maxRotationDeg: 5 },
  });
  assert.throws(() => memberRecipe("cnn", "full", { lrDecay: 2 }), /member recipe: recipe: lrDecay must be in \(0, 1\], got 2/);
  assert.throws(() => memberRecipe("cnn", "medium" as "full"), /Unknown LESSON_PROFILE "medium"/);
});
