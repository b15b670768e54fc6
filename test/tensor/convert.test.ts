import { before, test } from "node:test";
import assert from "node:assert/strict";
import * as tf from "@tensorflow/tfjs";
import { toFilter4D, toMatrix, toTensor4D } from "../../src/tensor/convert";

const IMAGE = [
  [1, 2, 3],
  [4, 5, 6],
  [7, 8, 9],
];

before(async () => {
  assert.equal(await tf.setBackend("cpu"), true);
});

test("toTensor4D: a matrix becomes one 1-channel image [1, H, W, 1], row-major", () => {
  const before = tf.memory().numTensors;
  const t = toTensor4D(IMAGE);
  assert.deepEqual(t.shape, [1, 3, 3, 1]);
  assert.deepEqual(Array.from(t.dataSync()), IMAGE.flat());
  const wide = toTensor4D([[1, 2, 3, 4]]);
  assert.deepEqual(wide.shape, [1, 1, 4, 1]);
  tf.dispose([t, wide]);
  assert.equal(tf.memory().numTensors, before);
});

test("toTensor4D: ragged, empty and non-finite input is an error naming the problem", () => {
  assert.throws(() => toTensor4D([]), /non-empty array of rows/);
  assert.throws(() => toTensor4D([[]]), /row 0 must be a non-empty/);
  assert.throws(() => toTensor4D([[1, 2], [3]]), /row 1 has 1 values, expected 2/);
  assert.throws(() => toTensor4D([[1, NaN]]), /row 0, column 1 is NaN/);
  assert.throws(() => toTensor4D([[1, Infinity]]), /finite number/);
  assert.throws(() => toTensor4D([[1, "2" as unknown as number]]), /column 1 is 2, expected a finite number/);
});

test("toFilter4D: K kernels become [FH, FW, 1, K] with kernel i in output channel i", () => {
  const before = tf.memory().numTensors;
  const a = [
    [1, 2],
    [3, 4],
  ];
  const b = a.map((r) => r.map((v) => v * 10));
  const c = a.map((r) => r.map((v) => -v));
  const w = toFilter4D(a, b, c);
  assert.deepEqual(w.shape, [2, 2, 1, 3]);
  const nested = w.arraySync();
  for (let r = 0; r < 2; r++) {
    for (let col = 0; col < 2; col++) {
      assert.deepEqual(nested[r]![col]![0], [a[r]![col], b[r]![col], c[r]![col]]);
    }
  }
  const one = toFilter4D([
    [1, 1],
    [1, 1],
  ]);
  assert.deepEqual(one.shape, [2, 2, 1, 1]);
  tf.dispose([w, one]);
  assert.equal(tf.memory().numTensors, before);
});

test("toFilter4D: no kernel, or kernels of different sizes, is an error", () => {
  assert.throws(() => toFilter4D(), /at least one kernel/);
  assert.throws(
    () =>
      toFilter4D(
        [
          [1, 1],
          [1, 1],
        ],
        [[1, 1, 1]],
      ),
    /kernel 1 is 1×3 but kernel 0 is 2×2/,
  );
});

test("toMatrix: [H, W] and [1, H, W, 1] read back as number[][]; the input is not disposed", () => {
  const before = tf.memory().numTensors;
  const x = toTensor4D(IMAGE);
  assert.deepEqual(toMatrix(x), IMAGE);
  const m = tf.tensor2d(IMAGE);
  assert.deepEqual(toMatrix(m), IMAGE);
  assert.equal(x.isDisposed, false);
  tf.dispose([x, m]);
  assert.equal(tf.memory().numTensors, before);
});

test("toMatrix: picks one channel of [1, H, W, C]; C > 1 without a channel is an error", () => {
  const before = tf.memory().numTensors;
  // channel k holds IMAGE * (k + 1)
  const t = tf.tidy(() =>
    tf.concat(
      [1, 2, 3].map((s) => toTensor4D(IMAGE).mul(s)),
      3,
    ),
  ) as tf.Tensor4D;
  assert.deepEqual(t.shape, [1, 3, 3, 3]);
  for (let k = 0; k < 3; k++) {
    assert.deepEqual(
      toMatrix(t, k),
      IMAGE.map((r) => r.map((v) => v * (k + 1))),
    );
  }
  assert.throws(() => toMatrix(t), /has 3 channels; say which one/);
  assert.throws(() => toMatrix(t, 3), /channel 3 is out of range for 3 channel\(s\) \(valid: 0..2\)/);
  assert.throws(() => toMatrix(t, -1), /out of range/);
  t.dispose();
  assert.equal(tf.memory().numTensors, before);
});

test("toMatrix: other shapes are an error that shows the shape", () => {
  const before = tf.memory().numTensors;
  const batch = tf.zeros([2, 3, 3, 1]);
  const r3 = tf.zeros([3, 3, 1]);
  const m = tf.zeros([2, 2]);
  assert.throws(() => toMatrix(batch), /got \[2, 3, 3, 1\] \(a batch: slice one image first/);
  assert.throws(() => toMatrix(r3), /expected an \[H, W\] or \[1, H, W, C\] tensor, got \[3, 3, 1\]/);
  assert.throws(() => toMatrix(m, 1), /has no channel axis/);
  tf.dispose([batch, r3, m]);
  assert.equal(tf.memory().numTensors, before);
});
