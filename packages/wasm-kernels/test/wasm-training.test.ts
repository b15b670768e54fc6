/**
 * End to end on wasm with only this package registered, as a tfjs user would: a small
 * Sequential CNN (conv, max-pool, dropout, flatten, dense; adam) learns a synthetic task, and a
 * training step leaves no tensor and no wasm buffer behind.
 */
import { before, test } from "node:test";
import assert from "node:assert/strict";
import * as tf from "@tensorflow/tfjs";
import { backendDataIds, rng, useWasm } from "./helpers";

before(async () => {
  await useWasm();
  assert.equal(tf.getBackend(), "wasm");
});

/** 12×12 images of a horizontal (class 0) or vertical (class 1) bar, with noise. */
function bars(count: number, seed: number): { x: tf.Tensor4D; y: tf.Tensor2D } {
  const next = rng(seed);
  const pixels = new Float32Array(count * 144);
  const labels = new Int32Array(count);
  for (let i = 0; i < count; i++) {
    const vertical = next() < 0.5;
    const at = 1 + Math.floor(next() * 10);
    labels[i] = vertical ? 1 : 0;
    for (let p = 0; p < 144; p++) {
      const [r, c] = [Math.floor(p / 12), p % 12];
      const on = vertical ? c === at : r === at;
      pixels[i * 144 + p] = (on ? 1 : 0) + (next() - 0.5) * 0.6;
    }
  }
  return tf.tidy(() => ({
    x: tf.tensor4d(pixels, [count, 12, 12, 1]),
    y: tf.oneHot(tf.tensor1d(labels, "int32"), 2).toFloat() as tf.Tensor2D,
  }));
}

function smallCnn(): tf.Sequential {
  const m = tf.sequential();
  const init = (seed: number) => tf.initializers.glorotUniform({ seed });
  m.add(
    tf.layers.conv2d({
      inputShape: [12, 12, 1],
      filters: 8,
      kernelSize: 3,
      padding: "same",
      activation: "relu",
      kernelInitializer: init(1),
    }),
  );
  m.add(tf.layers.maxPooling2d({ poolSize: 2, padding: "same" }));
  m.add(tf.layers.conv2d({ filters: 8, kernelSize: 3, strides: 2, padding: "valid", activation: "relu", kernelInitializer: init(2) }));
  m.add(tf.layers.flatten());
  m.add(tf.layers.dropout({ rate: 0.2, seed: 3 }));
  m.add(tf.layers.dense({ units: 2, activation: "softmax", kernelInitializer: init(4) }));
  m.compile({ optimizer: tf.train.adam(0.01), loss: "categoricalCrossentropy", metrics: ["accuracy"] });
  return m;
}

test("a small CNN learns on wasm: loss falls by more than half, held-out accuracy > 90%", async () => {
  const { x, y } = bars(240, 1);
  const model = smallCnn();
  // Seeded weights and dropout, no shuffling (Keras shuffles with Math.random): with unseeded ones
  // the last epoch's training accuracy, measured with dropout on, was 0.88 once on CI. The held-out
  // accuracy, without dropout, is the claim.
  const history = await model.fit(x, y, { epochs: 8, batchSize: 24, shuffle: false, verbose: 0 });
  const loss = history.history["loss"] as number[];
  assert.ok(loss[loss.length - 1]! < 0.5 * loss[0]!, `loss ${loss[0]} → ${loss[loss.length - 1]}`);
  const test = bars(100, 2);
  const [, testAcc] = model.evaluate(test.x, test.y) as tf.Scalar[];
  assert.ok((await testAcc!.data())[0]! > 0.9, "held-out accuracy");
  tf.dispose([x, y, test.x, test.y]);
  model.dispose();
});

test("a training step with sgd and with adam leaves no tensor and no wasm buffer behind", async () => {
  const { x, y } = bars(32, 3);
  for (const optimizer of [tf.train.sgd(0.1), tf.train.adam(0.001)]) {
    const model = smallCnn();
    model.compile({ optimizer, loss: "categoricalCrossentropy" });
    await model.trainOnBatch(x, y); // creates the optimizer's slots, which persist
    const tensors = tf.memory().numTensors;
    const buffers = backendDataIds();
    const loss = (await model.trainOnBatch(x, y)) as number;
    assert.ok(Number.isFinite(loss));
    assert.equal(tf.memory().numTensors, tensors, "tensors after a step");
    assert.equal(backendDataIds(), buffers, "wasm buffers after a step");
    model.dispose();
    optimizer.dispose();
  }
  tf.dispose([x, y]);
});
