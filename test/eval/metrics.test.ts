import { test } from "node:test";
import assert from "node:assert/strict";
import { accuracy } from "../../src/eval/accuracy";
import { accuracyWithError } from "../../src/eval/compare";
import { confusionMatrix } from "../../src/eval/confusion";
import { mostConfidentMistakes } from "../../src/eval/mistakes";
import { perClassAccuracy } from "../../src/eval/per-class";

const labels = [0, 0, 1, 1, 1, 2, 2, 2];
const preds = [0, 1, 1, 1, 0, 2, 0, 2];

test("confusionMatrix counts [true][predicted]", () => {
  assert.deepEqual(confusionMatrix(labels, preds, 3), [
    [1, 1, 0],
    [1, 2, 0],
    [1, 0, 2],
  ]);
  assert.deepEqual(confusionMatrix(Int32Array.from([1]), Int32Array.from([1]), 2), [
    [0, 0],
    [0, 1],
  ]);
  assert.deepEqual(confusionMatrix([], [], 2), [
    [0, 0],
    [0, 0],
  ]);
});

test("confusionMatrix rejects mismatched lengths and out-of-range classes", () => {
  assert.throws(() => confusionMatrix([0, 1], [0], 2), /labels has 2 entries but predictions has 1/);
  assert.throws(() => confusionMatrix([0, 3], [0, 1], 3), /labels\[1\] = 3 is not a class in 0…2/);
  assert.throws(() => confusionMatrix([0, 1], [0, -1], 3), /predictions\[1\] = -1 is not a class/);
  assert.throws(() => confusionMatrix([0.5], [0], 3), /labels\[0\] = 0.5 is not a class/);
  assert.throws(() => confusionMatrix([0], [0], 0), /numClasses must be a positive integer, got 0/);
});

test("perClassAccuracy: correct / total per true class, NaN for an absent class", () => {
  const rows = perClassAccuracy(labels, preds, 4);
  assert.deepEqual(
    rows.map((r) => [r.label, r.correct, r.total]),
    [
      [0, 1, 2],
      [1, 2, 3],
      [2, 2, 3],
      [3, 0, 0],
    ],
  );
  assert.equal(rows[0]!.accuracy, 0.5);
  assert.equal(rows[1]!.accuracy, 2 / 3);
  assert.ok(Number.isNaN(rows[3]!.accuracy));
  assert.throws(() => perClassAccuracy([0, 1], [1], 2), /must match one to one/);
});

test("mostConfidentMistakes: wrong predictions only, most confident first, ties by index", () => {
  const conf = [0.9, 0.8, 0.7, 0.6, 0.95, 0.5, 0.8, 0.4];
  const all = mostConfidentMistakes(labels, preds, conf, 10);
  assert.deepEqual(all, [
    { index: 4, label: 1, predicted: 0, confidence: 0.95 },
    { index: 1, label: 0, predicted: 1, confidence: 0.8 },
    { index: 6, label: 2, predicted: 0, confidence: 0.8 },
  ]);
  assert.deepEqual(
    mostConfidentMistakes(labels, preds, conf, 1).map((m) => m.index),
    [4],
  );
  assert.deepEqual(mostConfidentMistakes(labels, labels, conf, 3), []);
  assert.throws(() => mostConfidentMistakes(labels, preds, conf, -1), /k must be a non-negative integer/);
  assert.throws(() => mostConfidentMistakes(labels, preds, [0.5], 1), /confidences has 1/);
});

test("accuracy: the share of matches; refuses what would give a plausible wrong number", () => {
  assert.equal(accuracy([1, 2, 3, 0], [1, 2, 0, 0]), 0.75);
  assert.equal(accuracy(Int32Array.from([7]), Int32Array.from([7])), 1);
  assert.throws(() => accuracy([1, 2, 3], [1, 2]), /accuracy: predictions has 3 entries but labels has 2/);
  assert.throws(() => accuracy([], []), /accuracy: no predictions to score/);
  assert.throws(() => accuracy([NaN, 1], [0, 1]), /accuracy: predictions\[0\] = NaN is not a class index/);
  assert.throws(() => accuracy([0, 1], [0, 1.5]), /accuracy: labels\[1\] = 1.5 is not a class index/);
  assert.throws(() => accuracy([0, -1], [0, 1]), /predictions\[1\] = -1 is not a class index/);
});

test("accuracyWithError and mostConfidentMistakes refuse non-class entries and non-probabilities", () => {
  assert.throws(() => accuracyWithError([0, NaN], [0, 1]), /labels\[1\] = NaN is not a class index/);
  assert.throws(() => mostConfidentMistakes([0, 1], [0, Infinity], [0.5, 0.5], 1), /predictions\[1\] = Infinity is not a class index/);
  assert.throws(() => mostConfidentMistakes([0, 1], [0, 0], [0.5, NaN], 1), /confidences\[1\] = NaN is not a probability in \[0, 1\]/);
});
