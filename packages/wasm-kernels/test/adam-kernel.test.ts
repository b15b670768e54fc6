import { test } from "node:test";
import assert from "node:assert/strict";
import { FlatAdam } from "../src/adam/adam-kernel";

const f = Math.fround;

test("FlatAdam: one step over tensors of odd sizes matches Adam's formula in float32, and the padding stays 0", () => {
  const sizes = [3, 0, 5];
  const adam = new FlatAdam(sizes);
  assert.deepEqual(adam.offsets, [0, 4, 4]);
  sizes.forEach((size, i) => {
    adam.view(0, i).set(Array.from({ length: size }, (_, k) => k - 1));
    adam.view(3, i).set(Array.from({ length: size }, (_, k) => (k + 1) / 8));
  });
  const s = { beta1: 0.9, beta2: 0.999, bias1: 1 - 0.9, bias2: 1 - 0.999, epsilon: 1e-7, learningRate: 0.01 };
  adam.step(s);
  sizes.forEach((size, i) => {
    for (let k = 0; k < size; k++) {
      const g = (k + 1) / 8;
      const m = f(f(0 * f(s.beta1)) + f(g * f(1 - s.beta1)));
      const v = f(f(0 * f(s.beta2)) + f(f(g * g) * f(1 - s.beta2)));
      const step = f(f(m / f(s.bias1)) / f(f(Math.sqrt(f(v / f(s.bias2)))) + f(s.epsilon)));
      assert.equal(adam.view(1, i)[k], m);
      assert.equal(adam.view(2, i)[k], v);
      assert.equal(adam.view(0, i)[k], f(f(step * f(-s.learningRate)) + (k - 1)), `tensor ${i}, value ${k}`);
    }
  });
  // Float 3 pads the first tensor to 4: nothing there moves.
  const whole = new Float32Array(adam.view(0, 0).buffer, 0, 8);
  assert.equal(whole[3], 0);
  assert.throws(() => new FlatAdam([2, -1]), /FlatAdam: sizes must be non-negative integers, got -1/);
});
