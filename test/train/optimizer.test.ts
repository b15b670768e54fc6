import { test, before } from "node:test";
import assert from "node:assert/strict";
import * as tf from "@tensorflow/tfjs";
import { createOptimizer, getLearningRate, parseOptimizerName, setLearningRate } from "../../src/train/optimizer";

before(async () => {
  await tf.setBackend("cpu");
});

/** Minimises g·w for one variable w = 0 and returns how far w moved: the step for gradient g. */
function step(optimizer: tf.Optimizer, w: tf.Variable, g: number): number {
  const before = w.dataSync()[0]!;
  optimizer.minimize(() => tf.mul(w, g).sum() as tf.Scalar, false, [w]);
  return w.dataSync()[0]! - before;
}

test("sgd: the new learning rate is used by the next update", () => {
  const w = tf.variable(tf.scalar(0));
  const opt = createOptimizer("sgd", 0.5);
  assert.ok(Math.abs(step(opt, w, 2) - -1) < 1e-7);
  setLearningRate(opt, 0.1);
  assert.equal(getLearningRate(opt), 0.1);
  assert.ok(Math.abs(step(opt, w, 2) - -0.2) < 1e-7);
  opt.dispose();
  w.dispose();
});

test("adam: the new learning rate is used and the moment estimates are kept", () => {
  const w = tf.variable(tf.scalar(0));
  const opt = createOptimizer("adam", 0.1);
  step(opt, w, 1);
  setLearningRate(opt, 0.01);
  const second = step(opt, w, 3);
  // Adam's second step with kept state: m and v from gradients 1 then 3 (β1 0.9, β2 0.999).
  const m = 0.9 * (0.1 * 1) + 0.1 * 3;
  const v = 0.999 * (0.001 * 1) + 0.001 * 9;
  const expected = (-0.01 * (m / (1 - 0.9 ** 2))) / (Math.sqrt(v / (1 - 0.999 ** 2)) + 1e-7);
  assert.ok(Math.abs(second - expected) < 1e-6, `step ${second} vs ${expected}`);
  // A fresh optimizer (state lost) would have stepped by exactly −lr.
  assert.ok(Math.abs(second - -0.01) > 5e-4);
  opt.dispose();
  w.dispose();
});

test("momentum: velocity 0.9·v + g carries over, and a new learning rate applies to the next step", () => {
  const zero = tf.scalar(0);
  const start = tf.memory().numTensors;
  const w = tf.variable(zero);
  const opt = createOptimizer("momentum", 0.5);
  assert.ok(Math.abs(step(opt, w, 2) - -1) < 1e-6); // v = 2, step −0.5·2
  setLearningRate(opt, 0.1);
  assert.equal(getLearningRate(opt), 0.1);
  assert.ok(Math.abs(step(opt, w, 2) - -0.1 * (0.9 * 2 + 2)) < 1e-6); // v = 3.8
  opt.dispose();
  w.dispose();
  assert.equal(tf.memory().numTensors, start, "dispose frees the velocity and the learning-rate scalar");
});

test("rmsprop: the update scales with the new learning rate", () => {
  const a = tf.variable(tf.scalar(0));
  const b = tf.variable(tf.scalar(0));
  const fast = createOptimizer("rmsprop", 0.1);
  const slow = createOptimizer("rmsprop", 0.1);
  setLearningRate(slow, 0.01);
  const ratio = step(slow, b, 1) / step(fast, a, 1);
  assert.ok(Math.abs(ratio - 0.1) < 1e-5, `ratio ${ratio}`);
  fast.dispose();
  slow.dispose();
  tf.dispose([a, b]);
});

test("bad names and rates fail with clear errors", () => {
  assert.throws(() => parseOptimizerName("adamw"), /Unknown optimizer "adamw": expected one of adam, sgd, momentum, rmsprop/);
  assert.throws(() => createOptimizer("sgd", 0), /learning rate must be a positive number, got 0/);
  const opt = createOptimizer("adam", 0.1);
  assert.throws(() => setLearningRate(opt, NaN), /learning rate must be a positive number, got NaN/);
  opt.dispose();
});
