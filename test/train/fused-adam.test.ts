import { test } from "node:test";
import assert from "node:assert/strict";
import * as tf from "@tensorflow/tfjs";
import { selectBackend } from "../../src/backend/select";
import { FusedAdam } from "../../src/train/fused-adam";
import { createOptimizer, optimizerState, setOptimizerState } from "../../src/train/optimizer";

/** Odd shapes, so no loop can lean on a multiple of 4 or 8. */
const SHAPES: readonly number[][] = [[7, 5], [13], [3, 3, 2, 5], [1]];

function variables(tag: string): tf.Variable[] {
  // tidy frees the initial values, not the variables.
  return tf.tidy(() => SHAPES.map((shape, i) => tf.variable(tf.randomNormal(shape, 0, 1, "float32", 100 + i), true, `${tag}${i}`)));
}

/** Steps `optimizer` on gradients drawn from `seed` (the same for both optimizers), changing the learning rate midway. */
function train(optimizer: tf.Optimizer, vars: tf.Variable[], steps: number, seed: number): void {
  for (let s = 0; s < steps; s++) {
    (optimizer as unknown as { learningRate: number }).learningRate = s < 3 ? 0.01 : 0.003;
    const grads: tf.NamedTensorMap = {};
    vars.forEach((v, i) => (grads[v.name] = tf.randomNormal(v.shape, 0, 10 ** (i - 2), "float32", seed + 31 * s + i)));
    optimizer.applyGradients(grads);
    tf.dispose(Object.values(grads));
  }
}

const bits = (t: tf.Tensor) => Array.from(new Uint32Array(new Float32Array(t.dataSync()).buffer));

for (const backend of ["cpu", "wasm"] as const) {
  test(`FusedAdam is tfjs's Adam bit for bit (${backend}): weights, moments and powers after 8 steps`, async () => {
    if (backend === "wasm") await selectBackend("wasm");
    else await tf.setBackend("cpu");
    const start = tf.memory().numTensors;
    const ours = variables(`fused-${backend}-`);
    const theirs = variables(`tfjs-${backend}-`);
    const fused = new FusedAdam(0.01);
    const reference = tf.train.adam(0.01);
    train(fused, ours, 8, 7);
    train(reference, theirs, 8, 7);
    ours.forEach((v, i) => assert.deepEqual(bits(v), bits(theirs[i]!), `variable ${i} (${SHAPES[i]})`));
    const [fw, rw] = [await fused.getWeights(), await reference.getWeights()];
    assert.equal(fw.length, rw.length);
    fw.slice(1).forEach((w, i) => assert.deepEqual(bits(w.tensor), bits(rw[i + 1]!.tensor), w.name));
    assert.equal(fw[0]!.tensor.dataSync()[0], 8);
    for (const power of ["accBeta1", "accBeta2"] as const) {
      const p = (o: tf.Optimizer) => bits((o as unknown as Record<string, tf.Variable>)[power]!);
      assert.deepEqual(p(fused), p(reference), power);
    }
    tf.dispose([fw[0]!.tensor, rw[0]!.tensor]);
    fused.dispose();
    reference.dispose();
    tf.dispose([...ours, ...theirs]);
    assert.equal(tf.memory().numTensors, start, "no tensor leaked");
  });
}

test("checkpoints carry over between tfjs's Adam and the fused one, both ways, and a weight set between steps is used", async () => {
  await tf.setBackend("cpu");
  const start = tf.memory().numTensors;
  for (const [first, then] of [
    ["tfjs", "fused"],
    ["fused", "tfjs"],
    ["fused", "fused"],
  ] as const) {
    const make = (kind: string) => (kind === "fused" ? createOptimizer("adam", 0.01) : tf.train.adam(0.01));
    const uninterrupted = make(first);
    if (first === "fused") assert.ok(uninterrupted instanceof FusedAdam);
    const whole = variables(`whole-${first}-${then}-`);
    train(uninterrupted, whole, 5, 3);
    const state = await optimizerState(uninterrupted, "adam");
    const split = tf.tidy(() => whole.map((v, i) => tf.variable(v.clone(), true, `split-${first}-${then}-${i}`)));
    // As early stopping's restore or a resume does: weights replaced between two steps.
    for (const vars of [whole, split]) tf.tidy(() => vars[0]!.assign(tf.mul(vars[0]!, 0.5)));
    train(uninterrupted, whole, 4, 50);
    const resumed = make(then);
    await setOptimizerState(resumed, "adam", whole.length, state);
    tf.dispose(state);
    train(resumed, split, 4, 50);
    split.forEach((v, i) => assert.deepEqual(bits(v), bits(whole[i]!), `${first} → ${then}: variable ${i}`));
    uninterrupted.dispose();
    resumed.dispose();
    tf.dispose([...whole, ...split]);
  }
  assert.equal(tf.memory().numTensors, start, "no tensor leaked");
});

test("FusedAdam refuses a missing gradient, an unknown variable and a gradient of the wrong size, by name", async () => {
  await tf.setBackend("cpu");
  const adam = new FusedAdam(0.01);
  const g = tf.zeros([2]);
  assert.throws(() => adam.applyGradients({ "no-such-variable": g }), /FusedAdam: no variable named no-such-variable/);
  const w = tf.tidy(() => tf.variable(tf.zeros([3]), true, "fused-adam-w"));
  assert.throws(() => adam.applyGradients({ [w.name]: g }), /FusedAdam: the gradient of fused-adam-w has 2 values, the variable 3/);
  w.dispose();
  assert.throws(
    () => adam.applyGradients([{ name: "x", tensor: null as unknown as tf.Tensor }]),
    /FusedAdam: every variable needs a gradient/,
  );
  g.dispose();
  adam.dispose();
});
