import { before, test } from "node:test";
import assert from "node:assert/strict";
import * as tf from "@tensorflow/tfjs";
import { batchCount, forEachBatch, mulberry32, shuffledIndices, type BatchOptions } from "../../src/data/batches";
import { makeDataset, type Dataset } from "../../src/data/dataset";

before(async () => {
  await tf.setBackend("cpu");
});

/** A data set whose example i has every pixel equal to i and label i % 10: batches reveal their indices. */
function indexDataset(n: number): Dataset {
  const xs = tf.tidy(() => tf.range(0, n, 1, "float32").reshape([n, 1, 1, 1]).tile([1, 28, 28, 1]) as tf.Tensor4D);
  const labels = Int32Array.from({ length: n }, (_, i) => i % 10);
  const ys = tf.tidy(() => tf.oneHot(tf.tensor1d(labels, "int32"), 10).toFloat() as tf.Tensor2D);
  return makeDataset(xs, ys, labels);
}

test("mulberry32 is deterministic per seed and in [0, 1)", () => {
  const a = mulberry32(123);
  const b = mulberry32(123);
  const c = mulberry32(124);
  const sa = Array.from({ length: 1000 }, a);
  const sb = Array.from({ length: 1000 }, b);
  const sc = Array.from({ length: 1000 }, c);
  assert.deepEqual(sa, sb);
  assert.notDeepEqual(sa, sc);
  assert.ok(sa.every((v) => v >= 0 && v < 1));
  const mean = sa.reduce((s, v) => s + v, 0) / sa.length;
  assert.ok(Math.abs(mean - 0.5) < 0.05, `mean ${mean} of 1000 draws is near 0.5`);
  assert.throws(() => mulberry32(1.5), /Seed must be an integer, got 1\.5/);
});

test("mulberry32's state continues its stream: a generator made from it draws what the first would have", () => {
  const whole = mulberry32(-7);
  const first = Array.from({ length: 500 }, () => whole());
  const state = whole.state();
  assert.ok(Number.isInteger(state) && state >= 0 && state < 2 ** 32, `state ${state} is a 32-bit integer`);
  const rest = Array.from({ length: 500 }, () => whole());
  const resumed = mulberry32(state);
  assert.deepEqual(
    Array.from({ length: 500 }, () => resumed()),
    rest,
  );
  assert.notDeepEqual(rest, first);
  assert.equal(mulberry32(5).state(), 5, "before any draw the state is the seed");
});

test("shuffledIndices is a seeded permutation", () => {
  const p = shuffledIndices(1000, 42);
  assert.deepEqual(
    Array.from(p).sort((x, y) => x - y),
    Array.from({ length: 1000 }, (_, i) => i),
  );
  assert.deepEqual(shuffledIndices(1000, 42), p);
  assert.notDeepEqual(shuffledIndices(1000, 43), p);
  assert.notDeepEqual(
    Array.from(p),
    Array.from({ length: 1000 }, (_, i) => i),
  );
  assert.equal(shuffledIndices(0, 1).length, 0);
  assert.throws(() => shuffledIndices(-1, 1), /n must be a non-negative integer, got -1/);
});

test("forEachBatch covers every index exactly once per epoch, gathers matching x and y, and leaks nothing", async () => {
  const ds = indexDataset(103);
  try {
    const before = tf.memory().numTensors;
    const seen: number[] = [];
    const sizes: number[] = [];
    const steps = await forEachBatch(ds, 10, { seed: 5 }, (x, y, step) => {
      assert.equal(step, sizes.length);
      assert.deepEqual(x.shape.slice(1), [28, 28, 1]);
      sizes.push(x.shape[0]);
      // tidy: the test's own read-back tensors must not count as leaks.
      const ids = tf.tidy(() => Array.from(x.slice([0, 0, 0, 0], [-1, 1, 1, 1]).dataSync()));
      const labels = tf.tidy(() => Array.from(y.argMax(1).dataSync()));
      assert.deepEqual(
        labels,
        ids.map((i) => i % 10),
        "y rows belong to the same examples as x rows",
      );
      seen.push(...ids);
    });
    assert.equal(steps, 11);
    assert.deepEqual(sizes, [10, 10, 10, 10, 10, 10, 10, 10, 10, 10, 3]);
    assert.deepEqual(
      [...seen].sort((a, b) => a - b),
      Array.from({ length: 103 }, (_, i) => i),
    );
    assert.notDeepEqual(
      seen,
      [...seen].sort((a, b) => a - b),
      "the order is shuffled",
    );
    assert.equal(tf.memory().numTensors, before);
  } finally {
    ds.dispose();
  }
});

test("forEachBatch leaves tf.memory().numTensors unchanged, also when fn throws", async () => {
  const ds = indexDataset(50);
  try {
    const before = tf.memory().numTensors;
    let batches = 0;
    await forEachBatch(ds, 16, { seed: 1 }, async (x, y) => {
      batches++;
      tf.tidy(() => x.mean().add(y.sum())).dispose();
      await Promise.resolve();
    });
    assert.equal(batches, 4);
    assert.equal(tf.memory().numTensors, before);
    await assert.rejects(
      forEachBatch(ds, 16, { seed: 1 }, (_x, _y, step) => {
        if (step === 1) throw new Error("boom");
      }),
      /boom/,
    );
    assert.equal(tf.memory().numTensors, before);
  } finally {
    ds.dispose();
  }
});

test("forEachBatch: same seed → same order, shuffle:false keeps order, dropRemainder drops the tail", async () => {
  const ds = indexDataset(25);
  const order = async (options: BatchOptions, batchSize = 4) => {
    const ids: number[] = [];
    await forEachBatch(ds, batchSize, options, (x) => {
      ids.push(...tf.tidy(() => Array.from(x.reshape([x.shape[0], -1]).slice([0, 0], [-1, 1]).dataSync())));
    });
    return ids;
  };
  try {
    const a = await order({ seed: 9 });
    const b = await order({ seed: 9 });
    const c = await order({ seed: 10 });
    assert.deepEqual(a, b);
    assert.notDeepEqual(a, c);
    assert.deepEqual(
      await order({ shuffle: false }),
      Array.from({ length: 25 }, (_, i) => i),
    );
    const dropped = await order({ shuffle: false, dropRemainder: true });
    assert.deepEqual(
      dropped,
      Array.from({ length: 24 }, (_, i) => i),
    );
    assert.equal(batchCount(25, 4), 7);
    assert.equal(batchCount(25, 4, true), 6);
  } finally {
    ds.dispose();
  }
});

test("forEachBatch rejects a bad batch size, unknown options and a disposed data set", async () => {
  const ds = indexDataset(5);
  await assert.rejects(
    forEachBatch(ds, 0, { seed: 1 }, () => {}),
    /batch size must be a positive integer, got 0/,
  );
  await assert.rejects(
    forEachBatch(ds, 2, { seed: 1, epochs: 3 } as unknown as BatchOptions, () => {}),
    /unknown option "epochs"/,
  );
  await assert.rejects(
    forEachBatch(ds, 2, {} as BatchOptions, () => {}),
    /give a seed, or shuffle: false/,
  );
  ds.dispose();
  await assert.rejects(
    forEachBatch(ds, 2, { seed: 1 }, () => {}),
    /has been disposed/,
  );
});
