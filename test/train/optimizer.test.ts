import { test, before } from "node:test";
import assert from "node:assert/strict";
import * as tf from "@tensorflow/tfjs";
import {
  createOptimizer,
  getLearningRate,
  OPTIMIZER_NAMES,
  optimizerState,
  parseOptimizerName,
  setLearningRate,
  setOptimizerState,
} from "../../src/train/optimizer";

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

/** A trained variable of two numbers. */
const vector = () => tf.tidy(() => tf.variable(tf.tensor1d([0.5, -0.5])));

/** `steps` updates of `w`, with gradients that change from step to step. */
function train(optimizer: tf.Optimizer, w: tf.Variable, steps: number, from = 0): void {
  for (let i = from; i < from + steps; i++)
    optimizer.minimize(() => tf.mul(w, tf.tensor1d([Math.sin(i), Math.cos(i)])).sum() as tf.Scalar, false, [w]);
}

test("optimizerState / setOptimizerState: a new optimizer goes on exactly as the old one would have", async () => {
  const start = tf.memory().numTensors;
  for (const name of OPTIMIZER_NAMES) {
    const whole = vector();
    const a = createOptimizer(name, 0.01);
    train(a, whole, 19);
    const state = await optimizerState(a, name);
    const split = tf.tidy(() => tf.variable(whole.clone())); // tidy frees the clone, not the variable
    train(a, whole, 6, 19);
    const b = createOptimizer(name, 0.01);
    await setOptimizerState(b, name, 1, state);
    tf.dispose(state);
    train(b, split, 6, 19);
    assert.deepEqual(Array.from(split.dataSync()), Array.from(whole.dataSync()), name);
    const c = createOptimizer(name, 0.01);
    await assert.rejects(setOptimizerState(c, name, 2, []), /optimizer state: .* training 2 variables keeps \d+ tensors, got 0/);
    c.dispose();
    a.dispose();
    b.dispose();
    tf.dispose([whole, split]);
  }
  // The reason Adam's running powers are saved too: tfjs's setWeights recomputes β₂^(t+1) with
  // pow, and after 19 steps that is not, bit for bit, the product Adam accumulated.
  const adam = createOptimizer("adam", 0.01);
  const w = vector();
  train(adam, w, 19);
  const weights = await adam.getWeights();
  const fresh = createOptimizer("adam", 0.01);
  const copies = weights.map(({ name, tensor }) => ({ name, tensor: tensor.clone() }));
  await fresh.setWeights(copies);
  tf.dispose(copies.map((c) => c.tensor));
  const power = (o: tf.Optimizer) => (o as unknown as { accBeta2: tf.Variable }).accBeta2.dataSync()[0];
  assert.notEqual(power(fresh), power(adam), "tfjs's setWeights alone would not restore β₂ᵗ exactly");
  weights[0]!.tensor.dispose();
  adam.dispose();
  fresh.dispose();
  w.dispose();
  assert.equal(tf.memory().numTensors, start, "no tensor leaked");
});
