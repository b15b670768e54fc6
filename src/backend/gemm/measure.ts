/**
 * GFLOP/s of this folder's GEMM next to tfjs-backend-wasm's own MatMul (XNNPACK, behind the
 * project's BatchMatMul wrapper) on the products the reference networks' training computes: one
 * thread, the same operands, the implementations taking turns call by call so that a machine
 * whose speed drifts favours neither. Used by `npm run bench`.
 */
import * as tf from "@tensorflow/tfjs";
import { GEMM_ENV, gemmChoice } from "../wasm/gemm-matmul";
import { WasmGemm, relaxedSimdAvailable } from "./gemm";

/** One product C[m×n] (+)= A[m×k]·B[k×n] and where training computes it. */
export interface GemmShape {
  network: "mlp" | "cnn";
  /** e.g. "dense 1 forward", "conv 3 filter gradient". */
  role: string;
  m: number;
  n: number;
  k: number;
}

/**
 * The matmuls tfjs's `model.fit` runs on wasm for the bench's networks at batch 100, as the
 * stock XNNPACK path receives them (transposed operands already transposed by the project's
 * wrapper; src/backend/wasm/matmul.ts), logged from one training step of each.
 */
export const TRAINING_GEMM_SHAPES: readonly GemmShape[] = [
  { network: "mlp", role: "dense 1 forward", m: 100, n: 256, k: 784 },
  { network: "mlp", role: "dense 2 forward, dx", m: 100, n: 256, k: 256 },
  { network: "mlp", role: "dense 3 forward", m: 100, n: 10, k: 256 },
  { network: "mlp", role: "dense 3 dx", m: 100, n: 256, k: 10 },
  { network: "mlp", role: "dense 3 dW", m: 256, n: 10, k: 100 },
  { network: "mlp", role: "dense 2 dW", m: 256, n: 256, k: 100 },
  { network: "mlp", role: "dense 1 dW", m: 784, n: 256, k: 100 },
  { network: "cnn", role: "dense 1 forward", m: 100, n: 128, k: 2048 },
  { network: "cnn", role: "dense 1 dx (transposed)", m: 2048, n: 100, k: 128 },
  { network: "cnn", role: "dense 1 dW", m: 2048, n: 128, k: 100 },
  { network: "cnn", role: "conv 3 filter gradient", m: 576, n: 128, k: 4900 },
  { network: "cnn", role: "conv 2 filter gradient", m: 288, n: 64, k: 19600 },
  { network: "cnn", role: "conv 1 filter gradient (transposed)", m: 32, n: 9, k: 78400 },
];

/**
 * GFLOP/s (2·m·n·k per product) of each implementation: the median over `repeats` calls; and
 * ours against tfjs's as the median of the ratios of calls made in the same turn (tfjs's time ÷
 * ours: above 1, ours is faster), which a machine whose speed drifts between turns disturbs less.
 */
export interface GemmMeasurement extends GemmShape {
  gflops: { tfjs: number; plain: number; fma: number | null };
  speedup: { plain: number; fma: number | null };
}

function median(values: number[]): number {
  const v = [...values].sort((a, b) => a - b);
  const mid = Math.floor(v.length / 2);
  return v.length % 2 === 1 ? v[mid]! : (v[mid - 1]! + v[mid]!) / 2;
}

/**
 * Times each shape: tfjs's `tf.matMul` on the current backend (call it on single-threaded wasm
 * started with `TSDL_GEMM=xnnpack`, else its BatchMatMul may be this folder's GEMM itself), this
 * folder's kernel with plain SIMD and, where relaxed SIMD is on, with FMA (each in its default
 * tile, `defaultShape`). Each does two untimed calls first. Inputs: uniform [0, 1) values, fixed
 * seeds.
 */
export function measureGemm(shapes: readonly GemmShape[], repeats: number): GemmMeasurement[] {
  if (!Number.isInteger(repeats) || repeats < 1) throw new Error(`measureGemm: repeats must be a positive integer, got ${repeats}`);
  if (tf.getBackend() !== "wasm") throw new Error(`measureGemm: compares with tfjs's wasm MatMul; the backend is ${tf.getBackend()}`);
  if (gemmChoice() !== "xnnpack") {
    throw new Error(
      `measureGemm: compares with XNNPACK's MatMul, but ${GEMM_ENV} is ${process.env[GEMM_ENV] ? `"${process.env[GEMM_ENV]}"` : "unset"}: set ${GEMM_ENV}=xnnpack before the wasm backend starts`,
    );
  }
  const ours = { plain: new WasmGemm({ fma: false }), fma: relaxedSimdAvailable() ? new WasmGemm({ fma: true }) : null };
  return shapes.map((shape) => {
    const { m, n, k } = shape;
    const a = tf.randomUniform([m, k], 0, 1, "float32", 1);
    const b = tf.randomUniform([k, n], 0, 1, "float32", 2);
    const aData = a.dataSync() as Float32Array;
    const bData = b.dataSync() as Float32Array;
    const c = new Float32Array(m * n);
    const runs = {
      tfjs: () => tf.matMul(a, b).dispose(),
      plain: () => ours.plain.multiplyAdd(aData, bData, c, m, n, k),
      fma: ours.fma ? () => ours.fma!.multiplyAdd(aData, bData, c, m, n, k) : null,
    };
    const times: Record<"tfjs" | "plain" | "fma", number[]> = { tfjs: [], plain: [], fma: [] };
    for (let r = -2; r < repeats; r++) {
      for (const key of ["tfjs", "plain", "fma"] as const) {
        const run = runs[key];
        if (run === null) continue;
        const start = performance.now();
        run();
        if (r >= 0) times[key].push(performance.now() - start);
      }
    }
    tf.dispose([a, b]);
    const gflops = (ms: number[]) => Math.round(((2 * m * n * k) / median(ms) / 1e6) * 10) / 10;
    const speedup = (ms: number[]) => Math.round(median(times.tfjs.map((t, i) => t / ms[i]!)) * 100) / 100;
    return {
      ...shape,
      gflops: { tfjs: gflops(times.tfjs), plain: gflops(times.plain), fma: ours.fma ? gflops(times.fma) : null },
      speedup: { plain: speedup(times.plain), fma: ours.fma ? speedup(times.fma) : null },
    };
  });
}
