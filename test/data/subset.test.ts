import { before, test } from "node:test";
import assert from "node:assert/strict";
import * as tf from "@tensorflow/tfjs";
import { perClassIndices, subsetDataset } from "../../src/data/subset";
import { squaresDataset } from "../train/synthetic";

before(async () => {
  await tf.setBackend("cpu");
});

test("perClassIndices: n of every class, sorted, seeded, nested as n grows", () => {
  const labels = Int32Array.from({ length: 500 }, (_, i) => (i * 7) % 10);
  const five = perClassIndices(labels, 5, 3);
  assert.equal(five.length, 50);
  const counts = new Array(10).fill(0);
  five.forEach((k) => counts[labels[k]!]++);
  assert.deepEqual(counts, new Array(10).fill(5));
  assert.deepEqual(
    Array.from(five),
    [...five].sort((a, b) => a - b),
  );
  assert.deepEqual(perClassIndices(labels, 5, 3), five);
  assert.notDeepEqual(perClassIndices(labels, 5, 4), five);
  const twenty = new Set(perClassIndices(labels, 20, 3));
  assert.ok(
    [...five].every((k) => twenty.has(k)),
    "the 5-per-class slice is inside the 20-per-class one",
  );
  assert.throws(() => perClassIndices(labels, 51), /class 0 has 50 examples, fewer than perClass 51/);
  assert.throws(() => perClassIndices(labels, 0), /perClass must be a positive integer, got 0/);
});

test("subsetDataset: the chosen examples in order, labels and one-hot rows with them, no leak", () => {
  const ds = squaresDataset(30, 1);
  const before = tf.memory().numTensors;
  const sub = subsetDataset(ds, [4, 0, 29]);
  assert.equal(sub.size, 3);
  assert.deepEqual(Array.from(sub.labels), [4, 0, 9]);
  const x = ds.xs.dataSync();
  assert.deepEqual(Array.from(sub.xs.dataSync().slice(784, 2 * 784)), Array.from(x.slice(0, 784)));
  assert.deepEqual(Array.from(tf.tidy(() => sub.ys.argMax(1).dataSync())), [4, 0, 9]);
  sub.dispose();
  assert.equal(tf.memory().numTensors, before);
  assert.throws(() => subsetDataset(ds, [30]), /index 30 at position 0 is outside 0\.\.29/);
  assert.throws(() => subsetDataset(ds, []), /no indices/);
  ds.dispose();
});
