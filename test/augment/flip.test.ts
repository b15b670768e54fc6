import { before, test } from "node:test";
import assert from "node:assert/strict";
import * as tf from "@tensorflow/tfjs";
import { flipHorizontal, randomHorizontalFlip } from "../../src/augment/flip";
import { softmaxRegression } from "../../src/models/softmax-regression";
import { fit } from "../../src/train/fit";
import { squaresDataset } from "../train/synthetic";

before(async () => {
  await tf.setBackend("cpu");
});

test("flipHorizontal mirrors each row of each image, and twice is the identity", () => {
  const x = tf.tensor4d([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12], [2, 2, 3, 1]);
  const once = flipHorizontal(x);
  assert.deepEqual(Array.from(once.dataSync()), [3, 2, 1, 6, 5, 4, 9, 8, 7, 12, 11, 10]);
  const twice = flipHorizontal(once);
  assert.deepEqual(Array.from(twice.dataSync()), Array.from(x.dataSync()));
  tf.dispose([x, once, twice]);
});

test("randomHorizontalFlip: each image kept or mirrored, about half mirrored, seeded, no leak", () => {
  const ds = squaresDataset(200, 3);
  const before = tf.memory().numTensors;
  const a = randomHorizontalFlip(7)(ds.xs);
  const b = randomHorizontalFlip(7)(ds.xs);
  const c = randomHorizontalFlip(8)(ds.xs);
  const mirrored = flipHorizontal(ds.xs);
  const [orig, mir, av] = [ds.xs.dataSync(), mirrored.dataSync(), a.dataSync()];
  let flipped = 0;
  for (let i = 0; i < 200; i++) {
    const row = (t: ArrayLike<number>) => Array.from(t).slice(i * 784, (i + 1) * 784);
    const isOrig = row(av).every((v, k) => v === orig[i * 784 + k]);
    const isMir = row(av).every((v, k) => v === mir[i * 784 + k]);
    assert.ok(isOrig || isMir, `image ${i} is itself or its mirror`);
    if (!isOrig) flipped += 1;
  }
  assert.ok(flipped > 70 && flipped < 130, `about half flipped, got ${flipped}`);
  assert.deepEqual(b.dataSync(), a.dataSync(), "same seed, same flips");
  assert.notDeepEqual(c.dataSync(), a.dataSync(), "another seed, other flips");
  const none = randomHorizontalFlip(1, 0)(ds.xs);
  assert.deepEqual(none.dataSync(), orig);
  tf.dispose([a, b, c, mirrored, none]);
  assert.equal(tf.memory().numTensors, before);
  ds.dispose();
  assert.throws(() => randomHorizontalFlip(1.5), /seed must be an integer, got 1\.5/);
  assert.throws(() => randomHorizontalFlip(1, 2), /p must be in \[0, 1\], got 2/);
});

test("fit applies transformBatch to every training batch (not to validation) and disposes its output", async () => {
  const train = squaresDataset(40, 1);
  const validation = squaresDataset(20, 2);
  const model = softmaxRegression({ seed: 1 });
  const before = tf.memory().numTensors;
  let rows = 0;
  const transformBatch = (x: tf.Tensor4D) => {
    rows += x.shape[0];
    return flipHorizontal(x);
  };
  const history = await fit(model, { train, validation }, { epochs: 2, batchSize: 10, lr: 0.01, progress: false, transformBatch });
  assert.equal(rows, 80, "two epochs of 40 training images, validation untouched");
  assert.equal(history.loss.length, 2);
  assert.equal(tf.memory().numTensors, before);
  await assert.rejects(
    fit(model, { train }, { epochs: 1, batchSize: 10, lr: 0.01, transformBatch: 3 as never }),
    /transformBatch must be a function/,
  );
  model.dispose();
  train.dispose();
  validation.dispose();
});
