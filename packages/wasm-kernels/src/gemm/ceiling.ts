/**
 * The machine's ceiling for our kernels: the GFLOP/s one thread reaches when it does nothing but
 * 128-bit multiply-adds in registers (no memory traffic), with plain SIMD (f32x4.mul then add) and,
 * where relaxed SIMD is on, with f32x4.relaxed_madd. A kernel's GFLOP/s over this is how much of
 * wasm's peak it uses; the bench prints it under its kernel tables (`npm run bench`).
 *
 * Twelve independent accumulators, each `acc ← acc·x + y` per iteration: enough to cover the
 * multiply-add latency on two pipes (12 chains, as many as the GEMM tile's accumulators).
 */
import { instantiate } from "./wasm-api";
import { type FunctionDef, I32, moduleBytes, op, V128, type ValType } from "./wasm-binary";

const CHAINS = 12;
/** Flops per iteration: every chain's multiply and add on 4 lanes. */
const FLOPS_PER_ITERATION = CHAINS * 4 * 2;

/** `peak(iterations)`: the chains' loop; stores their sum at address 0 so none is dead code. */
function peakFunction(fma: boolean): FunctionDef {
  const [N, X, Y] = [0, 1, 2];
  const acc = (c: number) => 3 + c;
  const half = [...op.i32Const(0x3f000000), ...op.i32x4Splat]; // 0.5f in every lane
  const one = [...op.i32Const(0x3f800000), ...op.i32x4Splat]; // 1.0f
  const step = (c: number) =>
    fma
      ? [...op.get(acc(c)), ...op.get(X), ...op.get(Y), ...op.f32x4RelaxedMadd, ...op.set(acc(c))]
      : [...op.get(acc(c)), ...op.get(X), ...op.f32x4Mul, ...op.get(Y), ...op.f32x4Add, ...op.set(acc(c))];
  const body = [
    ...half,
    ...op.set(X),
    ...one,
    ...op.set(Y),
    ...Array.from({ length: CHAINS }, (_, c) => [...one, ...op.set(acc(c))]).flat(),
    ...op.block,
    ...op.get(N),
    ...op.i32Eqz,
    ...op.brIf(0),
    ...op.loop,
    ...Array.from({ length: CHAINS }, (_, c) => step(c)).flat(),
    ...op.get(N),
    ...op.i32Const(1),
    ...op.i32Sub,
    ...op.tee(N),
    ...op.brIf(0),
    ...op.end,
    ...op.end,
    ...op.i32Const(0),
    ...Array.from({ length: CHAINS }, (_, c) => [...op.get(acc(c)), ...(c > 0 ? op.f32x4Add : [])]).flat(),
    ...op.v128Store(),
  ];
  return { exportName: "peak", params: [I32], results: [], locals: Array<ValType>(2 + CHAINS).fill(V128), body };
}

/**
 * GFLOP/s of the register-only loop, the best of `repeats` timed calls of about 20 ms each after
 * one untimed call; `fma` needs relaxed SIMD (check `relaxedSimdAvailable()` first).
 */
export function measureCeiling(fma: boolean, repeats = 5): number {
  if (!Number.isInteger(repeats) || repeats < 1) throw new Error(`measureCeiling: repeats must be a positive integer, got ${repeats}`);
  const peak = instantiate(moduleBytes([peakFunction(fma)]))["peak"] as (iterations: number) => void;
  // Size one call to about 20 ms from a short first one.
  let iterations = 100_000;
  const t0 = performance.now();
  peak(iterations);
  const ms = Math.max(performance.now() - t0, 0.01);
  iterations = Math.max(iterations, Math.min(2 ** 30, Math.round((iterations * 20) / ms)));
  let best = 0;
  for (let r = 0; r < repeats; r++) {
    const start = performance.now();
    peak(iterations);
    best = Math.max(best, (FLOPS_PER_ITERATION * iterations) / ((performance.now() - start) * 1e6));
  }
  return Math.round(best * 10) / 10;
}
