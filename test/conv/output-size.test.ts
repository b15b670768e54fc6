import { before, test } from "node:test";
import assert from "node:assert/strict";
import * as tf from "@tensorflow/tfjs";
import { convOutputSize, measureOutputSize, outputSizeTable } from "../../src/conv/output-size";

before(async () => {
  assert.equal(await tf.setBackend("cpu"), true);
});

test("convOutputSize: VALID is (N − F)/S + 1 and says when the stride does not fit", () => {
  const s1 = convOutputSize(7, 3, 1, "valid");
  assert.equal(s1.size, 5);
  assert.equal(s1.fits, true);
  assert.equal(convOutputSize(7, 3, 2, "valid").size, 3);
  const s3 = convOutputSize(7, 3, 3, "valid");
  assert.equal(s3.size, 2);
  assert.equal(s3.fits, false);
  assert.equal(s3.dropped, 1, "(7 − 3) mod 3 = 1 column is never covered");
  assert.equal(s3.padBefore + s3.padAfter, 0);
});

test("convOutputSize: SAME is ceil(N/S) and TF puts the odd padding row at the bottom/right", () => {
  const toy = convOutputSize(3, 2, 1, "same");
  assert.deepEqual([toy.size, toy.padBefore, toy.padAfter], [3, 0, 1]);
  const lesson3 = convOutputSize(28, 3, 2, "same");
  assert.deepEqual([lesson3.size, lesson3.padBefore, lesson3.padAfter], [14, 0, 1]);
  const even = convOutputSize(7, 3, 1, "same");
  assert.deepEqual([even.size, even.padBefore, even.padAfter], [7, 1, 1]);
  const big = convOutputSize(5, 1, 3, "same");
  assert.deepEqual([big.size, big.padBefore, big.padAfter], [2, 0, 0], "no negative padding");
});

test("convOutputSize agrees with the shapes tf.conv2d and tf.maxPool produce", () => {
  const before = tf.memory().numTensors;
  for (const padding of ["valid", "same"] as const) {
    for (let n = 1; n <= 9; n++) {
      for (let f = 1; f <= 4; f++) {
        for (let stride = 1; stride <= 4; stride++) {
          if (padding === "valid" && f > n) continue;
          const predicted = convOutputSize(n, f, stride, padding).size;
          assert.equal(measureOutputSize(n, f, stride, padding), predicted, `conv n=${n} f=${f} s=${stride} ${padding}`);
          const pooled = tf.tidy(() => tf.maxPool(tf.zeros([1, n, n, 1]) as tf.Tensor4D, f, stride, padding).shape[1]);
          assert.equal(pooled, predicted, `pool n=${n} f=${f} s=${stride} ${padding}`);
        }
      }
    }
  }
  assert.equal(tf.memory().numTensors, before);
});

test("convOutputSize: bad arguments are errors", () => {
  assert.throws(() => convOutputSize(3, 4, 1, "valid"), /4-wide filter does not fit in a 3-wide input/);
  assert.equal(convOutputSize(3, 4, 1, "same").size, 3, "SAME pads instead");
  assert.throws(() => convOutputSize(0, 1, 1, "same"), /n \(input size\) must be a positive integer, got 0/);
  assert.throws(() => convOutputSize(5, 2, 0, "same"), /stride must be a positive integer/);
  assert.throws(() => convOutputSize(5, 2.5, 1, "same"), /f \(filter size\) must be a positive integer/);
  assert.throws(() => convOutputSize(5, 2, 1, "full" as "same"), /unknown padding "full"/);
  assert.throws(() => measureOutputSize(3, 4, 1, "valid"), /does not fit/);
});

test("outputSizeTable: N = 7, F = 3, strides 1, 2, 3 — predictions match measurements; stride 3 VALID does not fit", () => {
  const before = tf.memory().numTensors;
  const rows = outputSizeTable(7, 3, [1, 2, 3]);
  assert.equal(rows.length, 6);
  for (const r of rows) {
    assert.equal(r.predicted, r.measured, `${r.padding} stride ${r.stride}`);
    assert.equal(r.predicted, convOutputSize(7, 3, r.stride, r.padding).size);
  }
  const notFitting = rows.filter((r) => r.fits !== "yes").map((r) => `${r.padding}/${r.stride}`);
  assert.deepEqual(notFitting, ["valid/3"]);
  assert.match(rows.find((r) => r.padding === "valid" && r.stride === 3)!.rule, /2\.33 → 2/);
  assert.equal(rows.find((r) => r.padding === "same" && r.stride === 2)!.rule, "ceil(7/2) = 4");
  assert.throws(() => outputSizeTable(7, 3, []), /at least one stride/);
  assert.equal(tf.memory().numTensors, before);
});
