/**
 * GFLOP/s of this folder's GEMM next to tfjs-backend-wasm's own MatMul (XNNPACK, behind the
 * project's BatchMatMul wrapper) on the products the reference networks' training computes: one
 * thread, the same operands, the implementations taking turns call by call so that a machine
 * whose speed drifts favours neither. Used by `npm run bench`.
 */
import * as tf from "@tensorflow/tfjs-core";
import { forwardGeometry, igemmPays, inputGradGeometry } from "../wasm/conv-igemm";
import { winogradForward, winogradInputGrad, winogradPays } from "../wasm/conv-winograd";
import { gemmFilterGradApplies } from "../wasm/filter-grad-gemm";
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
 * wrapper; wasm/matmul.ts), logged from one training step of each.
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

/** The three kernels of a convolution in training. */
export type ConvKernel = "forward" | "filter gradient" | "input gradient";

/** One convolution kernel of the reference CNN's training step: 3×3 'same', stride 1. */
export interface ConvShape {
  role: string;
  kernel: ConvKernel;
  /** x as NHWC. */
  x: [number, number, number, number];
  outChannels: number;
}

/** The reference CNN's convolutions at batch 100 (the first layer has no input gradient in training). */
export const TRAINING_CONV_SHAPES: readonly ConvShape[] = (
  [
    ["conv 1", [100, 28, 28, 1], 32],
    ["conv 2", [100, 14, 14, 32], 64],
    ["conv 3", [100, 7, 7, 64], 128],
  ] as const
).flatMap(([role, x, outChannels]) =>
  (["forward", "filter gradient", "input gradient"] as const)
    .filter((kernel) => !(role === "conv 1" && kernel === "input gradient"))
    .map((kernel) => ({ role, kernel, x: [...x] as [number, number, number, number], outChannels })),
);

/**
 * GFLOP/s (2·pixels·KH·KW·Ci·Co per call, the same count for all three kernels and every form:
 * for Winograd, which multiplies 2.25× less, an effective rate) of the wasm
 * kernel as registered with XNNPACK doing the work (`TSDL_GEMM=xnnpack`) and with the project's
 * GEMM (`ours`, what `form` names: where that does not pay the kernel stays on XNNPACK, and the
 * two times are of the same code), and the paired speed-up (XNNPACK's time ÷ ours, same turn).
 */
export interface ConvMeasurement extends ConvShape {
  form: string;
  gflops: { xnnpack: number; ours: number };
  speedup: number;
}

/** The form the project's kernels take for `shape` where its GEMM runs. */
function oursForm(shape: ConvShape, info: tf.backend_util.Conv2DInfo): string {
  if (shape.kernel === "filter gradient") {
    const wino = winogradForward(info);
    if (wino !== undefined && winogradPays(wino)) return "Winograd F(3×3,2×2)";
    return gemmFilterGradApplies(info) ? "GEMM over im2col blocks" : "XNNPACK";
  }
  const g = shape.kernel === "forward" ? forwardGeometry(info) : inputGradGeometry(info);
  if (!igemmPays(g)) return "XNNPACK";
  const wino = shape.kernel === "forward" ? winogradForward(info) : winogradInputGrad(info);
  return wino !== undefined && winogradPays(wino) ? "Winograd F(2×2,3×3)" : "implicit GEMM";
}

/**
 * Times each convolution kernel through tfjs's kernel registry on single-threaded wasm started
 * with `TSDL_GEMM=xnnpack`, switching the variable to `ours` and back call by call (the
 * convolution kernels read it per call); two untimed calls each first. Leaves it at `xnnpack`.
 */
export function measureConv(shapes: readonly ConvShape[], repeats: number): ConvMeasurement[] {
  if (!Number.isInteger(repeats) || repeats < 1) throw new Error(`measureConv: repeats must be a positive integer, got ${repeats}`);
  if (tf.getBackend() !== "wasm" || gemmChoice() !== "xnnpack") {
    throw new Error(`measureConv: needs the wasm backend started with ${GEMM_ENV}=xnnpack (as measureGemm)`);
  }
  try {
    return shapes.map((shape) => {
      const [b, h, w, ci] = shape.x;
      const co = shape.outChannels;
      const info = tf.backend_util.computeConv2DInfo(shape.x, [3, 3, ci, co], 1, 1, "same");
      const x = tf.randomUniform(shape.x, 0, 1, "float32", 1);
      const filter = tf.randomUniform([3, 3, ci, co], -1, 1, "float32", 2);
      const dy = tf.randomUniform([b, h, w, co], -1, 1, "float32", 3);
      const conv = { strides: 1, pad: "same", dilations: 1, dataFormat: "NHWC" };
      const call: Record<ConvKernel, () => tf.Tensor> = {
        forward: () => tf.engine().runKernel("Conv2D", { x, filter }, conv) as tf.Tensor,
        "filter gradient": () =>
          tf.engine().runKernel("Conv2DBackpropFilter", { x, dy }, { ...conv, filterShape: [3, 3, ci, co] }) as tf.Tensor,
        "input gradient": () => tf.engine().runKernel("Conv2DBackpropInput", { dy, filter }, { ...conv, inputShape: shape.x }) as tf.Tensor,
      };
      const times: Record<"xnnpack" | "ours", number[]> = { xnnpack: [], ours: [] };
      for (let r = -2; r < repeats; r++) {
        for (const key of ["xnnpack", "ours"] as const) {
          process.env[GEMM_ENV] = key;
          const start = performance.now();
          call[shape.kernel]().dispose();
          if (r >= 0) times[key].push(performance.now() - start);
        }
      }
      tf.dispose([x, filter, dy]);
      const flops = 2 * b * info.outHeight * info.outWidth * 9 * ci * co;
      const gflops = (ms: number[]) => Math.round((flops / median(ms) / 1e6) * 10) / 10;
      return {
        ...shape,
        form: oursForm(shape, info),
        gflops: { xnnpack: gflops(times.xnnpack), ours: gflops(times.ours) },
        speedup: Math.round(median(times.xnnpack.map((t, i) => t / times.ours[i]!)) * 100) / 100,
      };
    });
  } finally {
    process.env[GEMM_ENV] = "xnnpack";
  }
}
