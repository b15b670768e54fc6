import { test, before } from "node:test";
import assert from "node:assert/strict";
import * as tf from "@tensorflow/tfjs";
import { errorOverlap, meanPairwiseAgreement, pairwiseAgreement } from "../../src/ensemble/agreement";
import { argmaxRows, averageProbabilities, majorityVote, maxRows, type MemberProbabilities } from "../../src/ensemble/combine";
import { ensembleReport, memberProbabilities } from "../../src/ensemble/report";
import { accuracyByKTable, ensembleTable, errorOverlapTable } from "../../src/ensemble/tables";
import { evaluate } from "../../src/eval/evaluate";

before(async () => {
  // Exact small numbers: the pure-JS backend.
  await tf.setBackend("cpu");
});

/** A member from rows of probabilities (3 classes; all values are exact binary fractions). */
const member = (rows: number[][]): MemberProbabilities => ({ probabilities: Float32Array.from(rows.flat()), numClasses: 3 });

test("averageProbabilities is the mean table; argmaxRows breaks ties by the lowest class", () => {
  const a = member([
    [0.5, 0.25, 0.25],
    [0.5, 0.5, 0],
  ]);
  const b = member([
    [0, 1, 0],
    [0, 0.5, 0.5],
  ]);
  assert.deepEqual([...averageProbabilities([a, b])], [0.25, 0.625, 0.125, 0.25, 0.5, 0.25]);
  assert.deepEqual([...argmaxRows(a.probabilities, 3)], [0, 0], "row 2 ties 0 and 1: class 0");
  assert.deepEqual([...argmaxRows([0, 0.5, 0.5], 3)], [1]);
  assert.deepEqual([...maxRows([0.25, 0.625, 0.125], 3)], [0.625]);
  assert.deepEqual([...averageProbabilities([a])], Array.from(a.probabilities), "one member: its own table");
});

test("majorityVote: the most votes win, even against the averaged probabilities", () => {
  // Two members are lukewarm about class 0, one is sure of class 1: the average says 1, the vote 0.
  const members = [member([[0.5, 0.25, 0.25]]), member([[0.5, 0.25, 0.25]]), member([[0, 1, 0]])];
  const averaged = averageProbabilities(members);
  assert.deepEqual([...argmaxRows(averaged, 3)], [1]);
  const votes = members.map((m) => argmaxRows(m.probabilities, 3));
  assert.deepEqual(majorityVote(votes, averaged, 3), { predictions: Int32Array.from([0]), ties: 0 });
});

test("majorityVote ties: averaged probability among the tied classes, then the lowest class", () => {
  // Image 0: 1 vote each for 0 and 2; the average prefers 2.
  // Image 1: 2 votes each for 0 and 1; the average prefers 1.
  // Image 2: 2 votes each for 0 and 1 with equal averages (0.25); class 2 has the highest
  //          average (0.5) but no votes in the tie: the lowest tied class, 0, wins.
  const votes = [Int32Array.from([0, 0, 0]), Int32Array.from([2, 0, 0]), Int32Array.from([2, 1, 1]), Int32Array.from([0, 1, 1])];
  const averaged = Float64Array.from([0.375, 0.0625, 0.5625, 0.375, 0.5, 0.125, 0.25, 0.25, 0.5]);
  // Members 1–2 only, for image 0's two-way tie:
  assert.deepEqual(
    [
      ...majorityVote(
        votes.slice(0, 2).map((v) => v.slice(0, 1)),
        averaged.slice(0, 3),
        3,
      ).predictions,
    ],
    [2],
  );
  const result = majorityVote(
    votes.map((v) => v.slice(1)),
    averaged.slice(3),
    3,
  );
  assert.deepEqual([...result.predictions], [1, 0]);
  assert.equal(result.ties, 2);
});

test("pairwise agreement and error overlap, counted by hand", () => {
  const labels = [0, 1, 2, 0, 1];
  const p1 = [0, 1, 2, 1, 2]; // wrong on 3, 4
  const p2 = [0, 1, 0, 1, 1]; // wrong on 2, 3
  const p3 = [0, 2, 2, 1, 1]; // wrong on 1, 3
  const table = pairwiseAgreement([p1, p2, p3]);
  // p1–p2 agree on images 0, 1, 3; p1–p3 on 0, 2, 3; p2–p3 on 0, 3, 4.
  assert.deepEqual(table, [
    [1, 0.6, 0.6],
    [0.6, 1, 0.6],
    [0.6, 0.6, 1],
  ]);
  assert.ok(Math.abs(meanPairwiseAgreement(table) - 0.6) < 1e-12);
  assert.ok(Number.isNaN(meanPairwiseAgreement(pairwiseAgreement([p1]))), "one member has no pairs");
  const overlap = errorOverlap([p1, p2, p3], labels, 3);
  assert.deepEqual([...overlap.wrongCounts], [0, 1, 1, 3, 1]);
  assert.deepEqual(overlap.histogram, [1, 3, 0, 1]);
  assert.equal(overlap.allWrong, 1, "image 3 fools every member");
  assert.equal(overlap.anyWrong, 4);

  // The same members as one-hot probability tables: the ensemble fixes the images a minority misses.
  const oneHot = (p: number[]) => ({ probabilities: p.flatMap((c) => [0, 1, 2].map((k) => (k === c ? 1 : 0))), numClasses: 3 });
  const report = ensembleReport([p1, p2, p3].map(oneHot), labels);
  const rows = errorOverlapTable(report, labels);
  assert.deepEqual(rows.getColumn("images").toArray(), [1, 3, 0, 1]);
  assert.deepEqual(
    rows.getColumn("average right").toArray(),
    [1, 3, 0, 0],
    "all 3 images one member misses are fixed; the one all miss is not",
  );
  assert.deepEqual(rows.getColumn("vote right").toArray(), [1, 3, 0, 0]);
});

test("ensembleReport: member and ensemble accuracies, vote, agreement and accuracy by K", () => {
  const labels = [0, 1, 2, 1];
  const members = [
    member([
      [0.5, 0.25, 0.25],
      [0.5, 0.25, 0.25],
      [0, 0, 1],
      [0, 1, 0],
    ]), // 0 0 2 1 → 3/4
    member([
      [0.25, 0.75, 0],
      [0, 1, 0],
      [0.5, 0, 0.5],
      [0, 1, 0],
    ]), //       1 1 0 1 → 2/4
    member([
      [1, 0, 0],
      [0.25, 0.5, 0.25],
      [0.25, 0.25, 0.5],
      [0.5, 0.25, 0.25],
    ]), // 0 1 2 0 → 3/4
  ];
  const r = ensembleReport(members, labels);
  assert.equal(r.size, 4);
  assert.equal(r.members, 3);
  assert.deepEqual(r.memberAccuracies, [0.75, 0.5, 0.75]);
  assert.equal(r.bestMemberAccuracy, 0.75);
  assert.ok(Math.abs(r.meanMemberAccuracy - 2 / 3) < 1e-12);
  // Averages: [7/12, 1/3, 1/12], [1/4, 7/12, 1/6], [1/4, 1/12, 2/3], [1/6, 3/4, 1/12] → 0 1 2 1: all right.
  assert.deepEqual([...r.average.predictions], [0, 1, 2, 1]);
  assert.equal(r.average.accuracy, 1);
  assert.ok(Math.abs(r.average.confidences[0]! - 7 / 12) < 1e-12);
  // Votes: image 0 (0,1,0) → 0; image 1 (0,1,1) → 1; image 2 (2,0,2) → 2; image 3 (1,1,0) → 1.
  assert.deepEqual([...r.vote.predictions], [0, 1, 2, 1]);
  assert.equal(r.vote.ties, 0);
  assert.deepEqual(r.errors.histogram, [0, 4, 0, 0], "every image fools exactly one member");
  assert.equal(r.errors.allWrong, 0);
  assert.deepEqual(
    r.byK.map((b) => [b.k, b.average, b.vote]),
    // k = 2: averages [3/8,1/2,1/8] → 1 ✗, [1/4,5/8,1/8] → 1 ✓, [1/4,0,3/4] → 2 ✓, [0,1,0] → 1 ✓;
    //        votes tie on images 0 (0 vs 1), 1 (0 vs 1) and 2 (2 vs 0), settled by those averages.
    [
      [1, 0.75, 0.75],
      [2, 0.75, 0.75],
      [3, 1, 1],
    ],
  );
  assert.deepEqual(
    r.byK.map((b) => b.meanMember),
    [0.75, 0.625, r.meanMemberAccuracy],
  );
  // Member 1 predicts 0 0 2 1, member 2 1 1 0 1, member 3 0 1 2 0.
  assert.deepEqual(r.agreement.pairwise[0], [1, 0.25, 0.5]);

  const table = ensembleTable(r, ["a", "b", "c"]);
  assert.deepEqual(table.getColumn("model").toArray(), ["a", "b", "c", "mean of the members", "average of 3", "vote of 3"]);
  assert.deepEqual(table.getColumn("errors").toArray(), [1, 2, 1, 1, 0, 0]);
  assert.deepEqual(accuracyByKTable(r).getColumn("average").toArray(), [0.75, 0.75, 1]);
  assert.throws(() => ensembleTable(r, ["a"]), /1 names for 3 members/);
  const overlap = errorOverlapTable(r, labels);
  assert.deepEqual(overlap.getColumn("members wrong").toArray(), ["0 of 3", "1 of 3", "2 of 3", "3 of 3"]);
  assert.deepEqual(overlap.getColumn("images").toArray(), [0, 4, 0, 0]);
  assert.deepEqual(overlap.getColumn("average right").toArray(), [0, 4, 0, 0]);
  assert.deepEqual(overlap.getColumn("vote right").toArray(), [0, 4, 0, 0]);
  assert.throws(() => errorOverlapTable(r, [0]), /labels has 1 entries but report images has 4/);
});

test("bad inputs are named: mismatched members, logits, labels", () => {
  const ok = member([[1, 0, 0]]);
  assert.throws(() => averageProbabilities([]), /at least one member/);
  assert.throws(
    () =>
      averageProbabilities([
        ok,
        member([
          [1, 0, 0],
          [0, 1, 0],
        ]),
      ]),
    /member 2 has 2 rows but member 1 has 1/,
  );
  assert.throws(() => averageProbabilities([ok, { probabilities: [0.5, 0.5], numClasses: 2 }]), /member 2 predicts 2 classes/);
  assert.throws(() => averageProbabilities([member([[2, -1, 0]])]), /2 is not a probability \(softmax outputs, not logits\)/);
  assert.throws(() => averageProbabilities([member([[0.5, 0.25, 0]])]), /sum to 0.75, not 1/);
  assert.throws(() => ensembleReport([ok], [0, 1]), /labels has 2 entries but probability rows has 1/);
  assert.throws(() => ensembleReport([ok], [3]), /labels\[0\] = 3 is not a class/);
  assert.throws(() => majorityVote([[0], [5]], [1, 0, 0], 3), /member 2 votes\[0\] = 5/);
  assert.throws(() => majorityVote([[0]], [1, 0], 3), /2 values, expected 1 × 3/);
});

/** softmax(scale · x) for inputs of shape [3]: probabilities easy to compute by hand. */
function handModel(scale: number, permutation: number[]): tf.Sequential {
  const model = tf.sequential();
  model.add(tf.layers.dense({ inputShape: [3], units: 3, activation: "softmax", useBias: false }));
  const w = new Float32Array(9);
  permutation.forEach((to, from) => (w[from * 3 + to] = scale));
  model.setWeights([tf.tensor2d(w, [3, 3])]);
  return model;
}

test("memberProbabilities scores real models in batches and leave no tensors", () => {
  const models = [handModel(2, [0, 1, 2]), handModel(1, [0, 1, 2]), handModel(3, [1, 0, 2])];
  const xs = tf.tensor2d([
    [1, 0, 0],
    [0, 3, 0],
    [0, 0, 1],
    [2, 0, 0],
    [0, 1, 0.5],
  ]);
  const labels = Int32Array.from([0, 1, 2, 0, 2]);
  const ys = tf.tidy(() => tf.oneHot(tf.tensor1d(labels, "int32"), 3).toFloat() as tf.Tensor2D);
  const ds = { xs, ys, labels, size: 5 };
  const start = tf.memory().numTensors;
  const p = memberProbabilities(models[0]!, xs, 2);
  const e = Math.exp(2);
  assert.ok(Math.abs(p.probabilities[0]! - e / (e + 2)) < 1e-6, "softmax(2·[1, 0, 0])[0]");
  const report = ensembleReport(
    models.map((m) => memberProbabilities(m, xs, 2)),
    labels,
  );
  assert.equal(tf.memory().numTensors, start, "no tensors left behind");
  models.forEach((m, k) => assert.equal(report.memberAccuracies[k], evaluate(m, ds).accuracy));
  // Members 1 and 2 get image 4 wrong; member 3 swaps classes 0 and 1 and gets only image 2 right.
  assert.deepEqual(report.memberAccuracies, [0.8, 0.8, 0.2]);
  assert.throws(() => ensembleReport([], labels), /ensembleReport/);
  models.forEach((m) => m.dispose());
  tf.dispose([xs, ds.ys]);
});
