import { before, test } from "node:test";
import assert from "node:assert/strict";
import * as tf from "@tensorflow/tfjs";
import { formatMatrix } from "../../src/tensor/format";
import { toTensor4D } from "../../src/tensor/convert";

before(async () => {
  assert.equal(await tf.setBackend("cpu"), true);
});

test("formatMatrix: numpy-style rows, right-aligned to the widest value", () => {
  assert.equal(
    formatMatrix([
      [12, 16],
      [24, 28],
    ]),
    "[[12, 16],\n [24, 28]]",
  );
  assert.equal(
    formatMatrix([
      [12, 16, 9],
      [24, 28, 15],
      [15, 17, 9],
    ]),
    "[[12, 16,  9],\n [24, 28, 15],\n [15, 17,  9]]",
  );
  assert.equal(formatMatrix([[-12, 5]]), "[[-12,   5]]");
  assert.equal(formatMatrix([[7]]), "[[7]]");
});

test("formatMatrix: non-integers get fixed decimals; -0 and tiny negatives print as 0", () => {
  assert.equal(
    formatMatrix([
      [0.5, 1],
      [-0.25, 2],
    ]),
    "[[ 0.50,  1.00],\n [-0.25,  2.00]]",
  );
  assert.equal(formatMatrix([[0.5, 1]], { digits: 1 }), "[[0.5, 1.0]]");
  assert.equal(formatMatrix([[-0, 1]]), "[[0, 1]]");
  assert.equal(formatMatrix([[-0.001, 1.5]]), "[[0.00, 1.50]]");
  assert.throws(() => formatMatrix([[1]], { digits: -1 }), /digits must be an integer in 0..10/);
});

test("formatMatrix: accepts a tensor (and a channel of a [1, H, W, C] one) without disposing it", () => {
  const before = tf.memory().numTensors;
  const x = toTensor4D([
    [1, 2],
    [3, 4],
  ]);
  const three = tf.tidy(() => tf.concat([x, x.mul(10), x.neg()], 3));
  assert.equal(formatMatrix(x), "[[1, 2],\n [3, 4]]");
  assert.equal(formatMatrix(three, { channel: 1 }), "[[10, 20],\n [30, 40]]");
  assert.equal(formatMatrix(three, { channel: 2 }), "[[-1, -2],\n [-3, -4]]");
  assert.throws(() => formatMatrix([[1]], { channel: 0 }), /`channel` applies to tensors only/);
  assert.equal(x.isDisposed, false);
  tf.dispose([x, three]);
  assert.equal(tf.memory().numTensors, before);
});

test("formatMatrix: bad input is an error", () => {
  assert.throws(() => formatMatrix([]), /formatMatrix: expected a non-empty array/);
  assert.throws(() => formatMatrix([[1, 2], [3]]), /row 1 has 1 values/);
});
