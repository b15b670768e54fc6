import { before, test } from "node:test";
import assert from "node:assert/strict";
import * as tf from "@tensorflow/tfjs";
import { datasetFromBytes, imagesFromBytes, makeDataset } from "../../src/data/dataset";

before(async () => {
  await tf.setBackend("cpu");
});

test("datasetFromBytes: picks examples by index, scales pixels to [0,1], one-hot labels", () => {
  const pixels = new Uint8Array(3 * 784);
  pixels.fill(255, 784, 2 * 784); // image 1 all ink
  pixels[2 * 784 + 5] = 51; // image 2: one pixel at 51/255 = 0.2
  const before = tf.memory().numTensors;
  const ds = datasetFromBytes(pixels, Uint8Array.of(4, 0, 9), Int32Array.of(2, 1));
  try {
    assert.equal(ds.size, 2);
    assert.deepEqual(Array.from(ds.labels), [9, 0]);
    assert.deepEqual(ds.xs.shape, [2, 28, 28, 1]);
    const x = ds.xs.dataSync();
    assert.equal(x[5], Math.fround(51 / 255)); // float32
    assert.equal(x[784], 1);
    assert.deepEqual(Array.from(ds.ys.dataSync()), [0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0]);
  } finally {
    ds.dispose();
    ds.dispose(); // idempotent
  }
  assert.equal(tf.memory().numTensors, before);
});

test("datasetFromBytes / imagesFromBytes reject mismatched or bad input with clear errors", () => {
  const two = new Uint8Array(2 * 784);
  assert.throws(() => datasetFromBytes(two, Uint8Array.of(1)), /2 images but 1 labels/);
  assert.throws(() => datasetFromBytes(two, Uint8Array.of(1, 10)), /label 10 of example 1 is outside 0\.\.9/);
  assert.throws(() => imagesFromBytes(new Uint8Array(100)), /100 pixel bytes is not a whole number of 28×28 images/);
  assert.throws(() => imagesFromBytes(two, Int32Array.of(0, 2)), /index 2 at position 1 is outside 0\.\.1/);
  const before = tf.memory().numTensors;
  const xs = tf.zeros([2, 28, 28, 1]) as tf.Tensor4D;
  const ys = tf.zeros([3, 10]) as tf.Tensor2D;
  assert.throws(() => makeDataset(xs, ys, Int32Array.of(0, 0)), /xs has 2 examples, ys 3, labels 2/);
  tf.dispose([xs, ys]);
  assert.equal(tf.memory().numTensors, before);
});
