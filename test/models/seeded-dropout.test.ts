import { test, before } from "node:test";
import assert from "node:assert/strict";
import * as tf from "@tensorflow/tfjs";
import { cnn } from "../../src/models/cnn";
import { modelDropout, SeededDropout, seededDropout } from "../../src/models/seeded-dropout";

before(async () => {
  await tf.setBackend("cpu");
});

/** The values one training call of `layer` gives on a tensor of ones (0 = dropped). */
function trainingCall(layer: SeededDropout, size = 2000): Float32Array {
  return tf.tidy(() => (layer.apply(tf.ones([1, size]), { training: true }) as tf.Tensor).dataSync() as Float32Array);
}

test("seededDropout: outside training its input passes through unchanged", () => {
  const layer = seededDropout({ rate: 0.5, seed: 3 });
  const x = tf.tensor2d([[1, -2, 3, 4]]);
  const start = tf.memory().numTensors;
  for (const kwargs of [{}, { training: false }]) {
    const y = layer.apply(x, kwargs) as tf.Tensor;
    assert.deepEqual(Array.from(y.dataSync()), [1, -2, 3, 4]);
    y.dispose();
  }
  assert.equal(tf.memory().numTensors, start, "nothing left behind");
  x.dispose();
});

test("seededDropout: in training it drops about `rate` of the units and scales the rest by 1/(1 − rate)", () => {
  const start = tf.memory().numTensors;
  const values = trainingCall(seededDropout({ rate: 0.25, seed: 1 }), 20_000);
  const dropped = values.filter((v) => v === 0).length / values.length;
  assert.ok(Math.abs(dropped - 0.25) < 0.015, `dropped ${dropped}`);
  assert.ok(
    values.every((v) => v === 0 || Math.abs(v - 1 / 0.75) < 1e-6),
    "kept units are scaled by 1/(1 − rate)",
  );
  assert.equal(tf.memory().numTensors, start, "no tensors left behind");
});

test("seededDropout: a new mask at every training call, the same sequence for the same seed", () => {
  const a = seededDropout({ rate: 0.5, seed: 7 });
  const b = seededDropout({ rate: 0.5, seed: 7 });
  const other = seededDropout({ rate: 0.5, seed: 8 });
  const a1 = trainingCall(a);
  const a2 = trainingCall(a);
  assert.notDeepEqual(a1, a2, "tfjs's Dropout with a seed would repeat its mask here");
  assert.deepEqual(trainingCall(b), a1);
  assert.deepEqual(trainingCall(b), a2);
  assert.notDeepEqual(trainingCall(other), a1);
  // Unseeded layers draw fresh masks, as tfjs's Dropout does.
  assert.notDeepEqual(trainingCall(seededDropout({ rate: 0.5 })), trainingCall(seededDropout({ rate: 0.5 })));
});

test("seededDropout: bad options are errors that name them", () => {
  assert.throws(() => seededDropout({ rate: 1 }), /seededDropout: rate must be in \[0, 1\), got 1/);
  assert.throws(() => seededDropout({ rate: -0.1 }), /seededDropout: rate must be in \[0, 1\), got -0.1/);
  assert.throws(() => seededDropout({ rate: 0.5, seed: 1.5 }), /seededDropout: seed must be an integer, got 1.5/);
  const layer = seededDropout({ rate: 0.5, seed: 1 });
  const x = tf.ones([1, 2]);
  assert.throws(() => layer.apply([x, x], { training: true }), /expects one input tensor, got 2/);
  x.dispose();
});

test("modelDropout: each dropout layer of a seeded model gets its own seed, none when unseeded", () => {
  assert.equal(modelDropout(2, 1, 0.5, "d1").seed, 2101);
  assert.equal(modelDropout(2, 2, 0.5, "d2").seed, 2102);
  assert.equal(modelDropout(undefined, 1, 0.5, "d1").seed, undefined);
  const model = cnn({ seed: 5 });
  const configs = model.layers.filter((l) => l instanceof SeededDropout).map((l) => l.getConfig());
  assert.deepEqual(
    configs.map((c) => [c["name"], c["rate"], c["seed"]]),
    [
      ["dropout1", 0.25, 5101],
      ["dropout2", 0.5, 5102],
    ],
  );
  model.dispose();
});
