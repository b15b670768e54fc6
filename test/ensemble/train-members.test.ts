import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import * as tf from "@tensorflow/tfjs";
import { mkdtempSync, rmSync, statSync, unlinkSync, writeFileSync, existsSync } from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { selectBackend } from "../../src/backend/select";
import type { Dataset } from "../../src/data/dataset";
import { ensembleReport } from "../../src/ensemble/report";
import { MEMBER_JSON, memberDir, memberResultFields, readMemberRecord } from "../../src/ensemble/run-folder";
import { trainMembers, type EnsembleMember, type TrainMembersOptions } from "../../src/ensemble/train-members";
import type { MemberRecipe } from "../../src/ensemble/member-recipe";
import { squaresDataset } from "../train/synthetic";

let train: Dataset;
let validation: Dataset;
let testSet: Dataset;
const dirs: string[] = [];

before(async () => {
  await selectBackend();
  // Few training images and a short run: weak members that make different mistakes.
  train = squaresDataset(60, 11);
  validation = squaresDataset(50, 12);
  testSet = squaresDataset(400, 13);
});

after(() => {
  train.dispose();
  validation.dispose();
  testSet.dispose();
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

function tempDir(): string {
  const d = mkdtempSync(path.join(os.tmpdir(), "tsdl-members-"));
  dirs.push(d);
  return path.join(d, "run");
}

/** A small MLP without dropout (so that training repeats exactly): 784 → 16 → 10, 2 epochs. */
const TINY: MemberRecipe = {
  model: "mlp",
  modelOptions: { hidden: [16], dropout: 0 },
  epochs: 2,
  batchSize: 10,
  lr: 0.01,
  lrDecay: 1,
  optimizer: "adam",
};

const data = () => ({ train, validation, test: testSet });

test("an ensemble of tiny members beats its mean member, and its log loss is at most their mean", async () => {
  const start = tf.memory().numTensors;
  const run = await trainMembers(data(), { recipe: TINY, members: 5, progress: false });
  const report = ensembleReport(
    run.members.map((m) => m.outputs),
    testSet.labels,
  );
  console.log(
    `members ${report.memberAccuracies.map((a) => a.toFixed(3)).join(" ")} · mean ${report.meanMemberAccuracy.toFixed(4)} · ` +
      `average ${report.average.accuracy.toFixed(4)} · vote ${report.vote.accuracy.toFixed(4)} · agreement ${report.agreement.mean.toFixed(3)}`,
  );
  assert.equal(run.trained, 5);
  assert.equal(run.loaded, 0);
  assert.deepEqual(
    run.members.map((m) => m.seed),
    [1, 2, 3, 4, 5],
  );
  assert.ok(report.agreement.mean < 1, "members with different seeds disagree somewhere");
  assert.ok(report.average.accuracy > report.meanMemberAccuracy, "the averaged ensemble beats the mean member");
  // Always true for averaged probabilities (−log is convex): the ensemble's cross-entropy is at
  // most the members' mean cross-entropy.
  const logLoss = (p: ArrayLike<number>) => {
    let sum = 0;
    testSet.labels.forEach((y, i) => (sum += -Math.log(Math.max(p[i * 10 + y]!, 1e-7))));
    return sum / testSet.size;
  };
  const memberLoss = run.members.map((m) => logLoss(m.outputs.probabilities));
  assert.ok(logLoss(report.average.probabilities) <= memberLoss.reduce((a, b) => a + b, 0) / memberLoss.length);
  // Each member's accuracy is the one its record reports.
  run.members.forEach((m, k) => assert.equal(m.testAccuracy, report.memberAccuracies[k]));
  run.dispose();
  assert.equal(tf.memory().numTensors, start, "dispose() frees everything");
});

test("memberResultFields: a member's record without its recipe, test size and workers, for the result line", () => {
  const record = {
    member: 2,
    seed: 3,
    recipe: TINY,
    epochs: 4,
    seconds: 12.5,
    validationAccuracy: null,
    testAccuracy: 0.91,
    testSize: 200,
    backend: "cpu",
    trainWorkers: 1,
    date: "2026-12-07T09:00:00.000Z",
  } as const;
  assert.deepEqual(memberResultFields(record), {
    member: 2,
    seed: 3,
    epochs: 4,
    seconds: 12.5,
    validationAccuracy: null,
    testAccuracy: 0.91,
    backend: "cpu",
    date: "2026-12-07T09:00:00.000Z",
  });
});

test("resume: finished members are loaded, not retrained; a half-written member is retrained", async () => {
  const dir = tempDir();
  const options: TrainMembersOptions = { recipe: { ...TINY, epochs: 1 }, members: 2, dir, progress: false };
  const first = await trainMembers(data(), options);
  assert.deepEqual(
    first.members.map((m) => m.loaded),
    [false, false],
  );
  const firstWeights = first.members.map((m) => m.model.getWeights()[0]!.dataSync().slice());
  const record = await readMemberRecord(memberDir(dir, 1));
  assert.equal(record?.member, 2);
  assert.equal(record?.seed, 2);
  assert.equal(record?.testSize, 400);
  assert.equal(record?.testAccuracy, first.members[1]!.testAccuracy);
  first.dispose();
  const written = statSync(path.join(memberDir(dir, 0), "weights.bin")).mtimeMs;

  // The run is asked for 3 members now: 1 and 2 come from disk, only 3 trains.
  const seen: EnsembleMember[] = [];
  const second = await trainMembers(data(), { ...options, members: 3, onMember: (m) => void seen.push(m) });
  assert.deepEqual(
    second.members.map((m) => m.loaded),
    [true, true, false],
  );
  assert.equal(second.trained, 1);
  assert.equal(second.loaded, 2);
  assert.deepEqual(
    seen.map((m) => m.member),
    [1, 2, 3],
  );
  second.members
    .slice(0, 2)
    .forEach((m, k) => assert.deepEqual(m.model.getWeights()[0]!.dataSync(), firstWeights[k], `member ${k + 1} is the saved one`));
  assert.equal(second.members[0]!.history, undefined, "a loaded member has no new history");
  assert.equal(statSync(path.join(memberDir(dir, 0), "weights.bin")).mtimeMs, written, "member 1 was not rewritten");
  assert.ok(Math.abs(second.seconds - second.members.reduce((s, m) => s + m.seconds, 0)) < 1e-9);
  second.dispose();

  // Simulate a run killed while saving member 3: its model files are there, member.json is not.
  unlinkSync(path.join(memberDir(dir, 2), MEMBER_JSON));
  const third = await trainMembers(data(), { ...options, members: 3 });
  assert.deepEqual(
    third.members.map((m) => m.loaded),
    [true, true, false],
    "member 3 is retrained",
  );
  assert.ok(existsSync(path.join(memberDir(dir, 2), MEMBER_JSON)), "and now marked finished");
  third.dispose();
});

test("only: two calls train disjoint members of one run folder; a third loads them all", async () => {
  const dir = tempDir();
  const options: TrainMembersOptions = { recipe: { ...TINY, epochs: 1 }, members: 3, dir, progress: false };
  const start = tf.memory().numTensors;
  // As two processes would, one per core (run here one after the other).
  const odd = await trainMembers(data(), { ...options, only: [3, 1] });
  assert.deepEqual(
    odd.members.map((m) => [m.member, m.seed, m.loaded]),
    [
      [1, 1, false],
      [3, 3, false],
    ],
  );
  assert.ok(!existsSync(memberDir(dir, 1)), "member 2 is left alone");
  odd.dispose();
  const even = await trainMembers(data(), { ...options, only: [2] });
  assert.deepEqual(
    even.members.map((m) => [m.member, m.seed, m.loaded]),
    [[2, 2, false]],
  );
  const evenWeights = even.members[0]!.model.getWeights()[0]!.dataSync().slice();
  even.dispose();
  const all = await trainMembers(data(), options);
  assert.deepEqual(
    all.members.map((m) => m.loaded),
    [true, true, true],
  );
  assert.deepEqual(all.members[1]!.model.getWeights()[0]!.dataSync(), evenWeights);
  all.dispose();
  assert.equal(tf.memory().numTensors, start);
  await assert.rejects(trainMembers(data(), { ...options, only: [4] }), /only lists member 4, but members are numbered 1–3/);
  await assert.rejects(trainMembers(data(), { ...options, only: [] }), /only must list at least one member number/);
});

test("resume refuses a run folder trained another way, and a corrupt record", async () => {
  const dir = tempDir();
  const options: TrainMembersOptions = { recipe: { ...TINY, epochs: 1 }, members: 1, dir, progress: false };
  (await trainMembers(data(), options)).dispose();
  const start = tf.memory().numTensors;
  await assert.rejects(
    trainMembers(data(), { ...options, recipe: { ...TINY, epochs: 2 } }),
    /holds a member trained with seed 1 and recipe .*"epochs":1.* but this run asks for seed 1 and recipe .*"epochs":2/,
  );
  await assert.rejects(trainMembers(data(), { ...options, seed: 7 }), /trained with seed 1 .* asks for seed 7/);
  writeFileSync(path.join(memberDir(dir, 0), MEMBER_JSON), "{ half");
  await assert.rejects(trainMembers(data(), options), /member-1\/member.json is not valid JSON .* delete the folder to retrain/);
  writeFileSync(path.join(memberDir(dir, 0), MEMBER_JSON), JSON.stringify({ member: 1, seed: 1 }));
  await assert.rejects(trainMembers(data(), options), /lacks recipe, epochs, seconds/);
  assert.equal(tf.memory().numTensors, start, "nothing is left behind by a refused run");
});

test("different architectures per member, and bad plans fail before training", async () => {
  const recipes: MemberRecipe[] = [
    { ...TINY, epochs: 1 },
    { model: "softmax", epochs: 1, batchSize: 10, lr: 0.01, lrDecay: 1, optimizer: "adam" },
  ];
  const run = await trainMembers(data(), { recipes, progress: false });
  assert.deepEqual(
    run.members.map((m) => m.recipe.model),
    ["mlp", "softmax"],
  );
  assert.deepEqual(
    run.members.map((m) => m.model.name.startsWith("softmax")),
    [false, true],
  );
  run.dispose();

  await assert.rejects(trainMembers(data(), { recipe: TINY, members: 0 }), /members must be an integer ≥ 1, got 0/);
  await assert.rejects(
    trainMembers(data(), { recipe: { ...TINY, epochs: 0 }, members: 1 }),
    /recipe: epochs must be an integer ≥ 1, got 0/,
  );
  await assert.rejects(
    trainMembers(data(), { recipe: { ...TINY, augment: { flip: true } as object }, members: 1 }),
    /augment option "flip" is not supported/,
  );
  await assert.rejects(trainMembers(data(), { recipes: [] }), /recipes must list at least one recipe/);
  await assert.rejects(
    trainMembers(data(), { recipe: TINY, members: 1, epochs: 3 } as unknown as TrainMembersOptions),
    /unknown option "epochs"/,
  );
  await assert.rejects(
    trainMembers(data(), { recipe: { ...TINY, modelOptions: { seed: 3 } } as unknown as MemberRecipe, members: 1 }),
    /modelOptions must not set a seed/,
  );
  // @ts-expect-error: a cnn has no `hidden` option — the recipe type says so at compile time.
  const wrong: MemberRecipe = { ...TINY, model: "cnn", modelOptions: { hidden: [3] } };
  assert.ok(wrong);
});
