import { test } from "node:test";
import assert from "node:assert/strict";
import { relaxedSimdAvailable } from "../src/gemm/gemm";
import { measureCeiling } from "../src/gemm/ceiling";

test("measureCeiling: a plausible one-thread GFLOP/s for plain SIMD and, where available, FMA", () => {
  for (const fma of relaxedSimdAvailable() ? [false, true] : [false]) {
    const gflops = measureCeiling(fma, 2);
    // Above 200 on one thread would mean the engine dropped the loop (4-wide SIMD: 16 flops a
    // cycle at most on today's x64 and Arm cores, and no core runs at 12 GHz).
    assert.ok(gflops > 0.1 && gflops < 200, `${fma ? "FMA" : "plain SIMD"}: ${gflops} GFLOP/s`);
  }
  assert.throws(() => measureCeiling(false, 0), /measureCeiling: repeats must be a positive integer, got 0/);
});
