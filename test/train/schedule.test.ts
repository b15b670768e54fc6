import { test } from "node:test";
import assert from "node:assert/strict";
import { learningRateAt, type LrSchedule } from "../../src/train/schedule";

function rates(schedule: LrSchedule, epochs: number, base = 0.1): number[] {
  return Array.from({ length: epochs }, (_, e) => learningRateAt(schedule, e, base));
}

function assertClose(actual: number[], expected: number[]): void {
  assert.equal(actual.length, expected.length);
  actual.forEach((a, i) => assert.ok(Math.abs(a - expected[i]!) < 1e-12, `epoch ${i}: ${a} vs ${expected[i]}`));
}

test("constant, exponential and step schedules", () => {
  assertClose(rates({ kind: "constant" }, 3), [0.1, 0.1, 0.1]);
  assertClose(rates({ kind: "exponential", decay: 0.5 }, 4), [0.1, 0.05, 0.025, 0.0125]);
  assertClose(rates({ kind: "step", every: 2, factor: 0.1 }, 5), [0.1, 0.1, 0.01, 0.01, 0.001]);
  assertClose(rates({ kind: "custom", rate: (e, base) => base / (e + 1) }, 3), [0.1, 0.05, 0.1 / 3]);
});

test("bad schedules and rates fail with clear errors", () => {
  assert.throws(() => learningRateAt({ kind: "exponential", decay: 1.5 }, 0, 0.1), /decay must be in \(0, 1\], got 1.5/);
  assert.throws(() => learningRateAt({ kind: "step", every: 0, factor: 0.5 }, 0, 0.1), /every must be a positive integer/);
  assert.throws(() => learningRateAt({ kind: "step", every: 1, factor: 0 }, 0, 0.1), /factor must be in \(0, 1\]/);
  assert.throws(() => learningRateAt({ kind: "custom", rate: () => -1 }, 2, 0.1), /gave learning rate -1 at epoch 2/);
  assert.throws(() => learningRateAt({ kind: "constant" }, 0, 0), /gave learning rate 0/);
  assert.throws(() => learningRateAt({ kind: "constant" }, -1, 0.1), /epoch must be a non-negative integer/);
  assert.throws(() => learningRateAt({ kind: "cosine" } as unknown as LrSchedule, 0, 0.1), /Unknown schedule kind "cosine"/);
});
