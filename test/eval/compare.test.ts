import { test } from "node:test";
import assert from "node:assert/strict";
import { accuracyWithError, formatAccuracy, mcnemarExactP, pairedComparison } from "../../src/eval/compare";

test("accuracyWithError: p and √(p(1−p)/n)", () => {
  const a = accuracyWithError([0, 1, 2, 3], [0, 1, 2, 0]);
  assert.equal(a.accuracy, 0.75);
  assert.equal(a.correct, 3);
  assert.equal(a.n, 4);
  assert.ok(Math.abs(a.standardError - Math.sqrt((0.75 * 0.25) / 4)) < 1e-15);
  // 99.6 % on 10,000 images: about 0.06 %, the figure the README quotes.
  const labels = new Array(10000).fill(1);
  const preds = labels.map((l, i) => (i < 40 ? 0 : l));
  assert.equal(formatAccuracy(accuracyWithError(labels, preds)), "99.60 ± 0.06 %");
  assert.throws(() => accuracyWithError([], []), /no predictions/);
  assert.throws(() => accuracyWithError([1], [1, 2]), /labels has 1 entries but predictions has 2/);
});

test("pairedComparison counts fixed and broken images", () => {
  const labels = [0, 1, 2, 3, 4, 5];
  const a = [0, 1, 9, 9, 4, 9];
  const b = [0, 9, 2, 3, 4, 9];
  const c = pairedComparison(labels, a, b);
  assert.deepEqual([c.bothRight, c.fixed, c.broken, c.bothWrong, c.n], [2, 2, 1, 1, 6]);
  assert.equal(c.a.correct, 3);
  assert.equal(c.b.correct, 4);
  assert.equal(c.b.correct - c.a.correct, c.fixed - c.broken);
  assert.throws(() => pairedComparison([0, 1], [0], [0, 1]), /predictionsA/);
  assert.throws(() => pairedComparison([0, 1.5], [0, 1], [0, 1]), /labels\[1\] = 1.5 is not a class/);
});

test("mcnemarExactP: exact binomial tails", () => {
  assert.equal(mcnemarExactP(0, 0), 1);
  assert.equal(mcnemarExactP(3, 3), 1);
  // 0 vs 5: 2 · (1/2)^5
  assert.ok(Math.abs(mcnemarExactP(0, 5) - 2 / 32) < 1e-15);
  // 1 vs 9: 2 · (1 + 10) / 1024
  assert.ok(Math.abs(mcnemarExactP(9, 1) - 22 / 1024) < 1e-15);
  assert.equal(mcnemarExactP(1, 9), mcnemarExactP(9, 1));
  // Large counts stay finite and sensible: 60 vs 40 of 100 → p ≈ 0.057
  const p = mcnemarExactP(60, 40);
  assert.ok(p > 0.05 && p < 0.06, `p = ${p}`);
  assert.ok(mcnemarExactP(5000, 4000) < 1e-10);
  assert.throws(() => mcnemarExactP(-1, 2), /b must be a count/);
});
