/**
 * MaxPoolGrad for the wasm backend, written in JavaScript straight on the wasm heap.
 *
 * Why replace the stock kernel: it is a slow generic C++ loop (75–84 ms of a 450 ms training
 * step of the reference CNN), and it starts its running max at FLT_MIN (the smallest positive
 * float) and keeps the *last* maximum, so it disagrees with the cpu backend (and TensorFlow)
 * on ties and on windows whose values are all ≤ 0.
 *
 * Semantics here match the cpu backend exactly: each pooling window routes its dy to the
 * *first* maximum in row-major window order, positions in the padding never count, NaNs are
 * skipped (a window of NaN/-Infinity only gets no gradient), and overlapping windows add up.
 * The common 2×2 stride-2 pool has branch-free fast paths: a WebAssembly SIMD function on the
 * heap in place (max-pool-grad-kernel.ts) where the channels come in fours, else window2x2.
 */
import * as tf from "@tensorflow/tfjs-core";
import { heapExports, heapKernelsAllowed } from "./heap-module";
import { asWasmBackend, f32View, type WasmBackend } from "./internals";
import { maxPoolGradModuleBytes, type Pool2x2Row } from "./max-pool-grad-kernel";

const NAME = "MaxPoolGrad";

/** Attributes of tfjs's MaxPoolGrad kernel. */
export interface MaxPoolGradAttrs {
  filterSize: [number, number] | number;
  strides: [number, number] | number;
  pad: "valid" | "same" | number | [[number, number], [number, number], [number, number], [number, number]];
  dimRoundingMode?: "floor" | "round" | "ceil";
}

interface Geometry {
  inHeight: number;
  inWidth: number;
  c: number;
  outHeight: number;
  outWidth: number;
  filterHeight: number;
  filterWidth: number;
  strideHeight: number;
  strideWidth: number;
}

function sameShape(a: readonly number[], b: readonly number[]): boolean {
  return a.length === b.length && a.every((v, i) => v === b[i]);
}

/**
 * Any window, channels [k0, k1): scan in row-major order, keep the first strict maximum (NaNs
 * never win; a window of only NaN/-Infinity routes nothing), add dy there. Exactly the cpu
 * backend's rule; branchy, so only edges and unusual pool shapes take it.
 */
function windowGeneral(
  x: Float32Array,
  g: Float32Array,
  dx: Float32Array,
  s: Geometry,
  b: number,
  yr: number,
  yc: number,
  r0: number,
  c0: number,
  k0: number,
  k1: number,
): void {
  const { inHeight, inWidth, c } = s;
  const rBegin = Math.max(0, r0);
  const rEnd = Math.min(inHeight, r0 + s.filterHeight);
  const cBegin = Math.max(0, c0);
  const cEnd = Math.min(inWidth, c0 + s.filterWidth);
  const yBase = ((b * s.outHeight + yr) * s.outWidth + yc) * c;
  for (let k = k0; k < k1; k++) {
    let bestValue = -Infinity;
    let bestAt = -1;
    for (let r = rBegin; r < rEnd; r++) {
      let at = ((b * inHeight + r) * inWidth + cBegin) * c + k;
      for (let col = cBegin; col < cEnd; col++, at += c) {
        const v = x[at]!;
        if (v > bestValue) {
          bestValue = v;
          bestAt = at;
        }
      }
    }
    if (bestAt >= 0) dx[bestAt] = dx[bestAt]! + g[yBase + k]!;
  }
}

/**
 * A 2×2 stride-2 window fully inside the input (the hot path). The forward output y gives the
 * window max, so "first position equal to y" is computed without data-dependent branches —
 * 4× faster than the scan on ReLU activations, where ties and branch mispredictions abound.
 * Anything unusual (y not found, y NaN or -Infinity, dy not finite) goes to windowGeneral.
 */
function window2x2(
  x: Float32Array,
  y: Float32Array,
  g: Float32Array,
  dx: Float32Array,
  s: Geometry,
  b: number,
  yr: number,
  yc: number,
  r0: number,
  c0: number,
): void {
  const c = s.c;
  const rowStride = s.inWidth * c;
  const yBase = ((b * s.outHeight + yr) * s.outWidth + yc) * c;
  const base = ((b * s.inHeight + r0) * s.inWidth + c0) * c;
  for (let k = 0; k < c; k++) {
    const a0 = base + k;
    const a1 = a0 + c;
    const a2 = a0 + rowStride;
    const a3 = a2 + c;
    const m = y[yBase + k]!;
    const gv = g[yBase + k]!;
    const e0 = Number(x[a0] === m);
    const e1 = Number(x[a1] === m);
    const e2 = Number(x[a2] === m);
    const e3 = Number(x[a3] === m);
    if ((e0 | e1 | e2 | e3) === 0 || !(m > -Infinity) || gv - gv !== 0) {
      // dx may not be zero-filled (tiled case): clear this window before accumulating into it.
      dx[a0] = dx[a1] = dx[a2] = dx[a3] = 0;
      windowGeneral(x, g, dx, s, b, yr, yc, r0, c0, k, k + 1);
      continue;
    }
    // (Number(bool), not a ternary: V8 compiles the ternary to a branch, 2.5× slower here.)
    // Keep only the first match: f_j = e_j and no earlier e.
    const f1 = e1 & (e0 ^ 1);
    const f2 = e2 & ((e0 | e1) ^ 1);
    const f3 = e3 & ((e0 | e1 | e2) ^ 1);
    // Windows don't overlap, so plain stores (no accumulation) are right.
    dx[a0] = gv * e0;
    dx[a1] = gv * f1;
    dx[a2] = gv * f2;
    dx[a3] = gv * f3;
  }
}

/** The SIMD row function on this backend's heap, or undefined (opted out, no SIMD, heap not reachable). */
export function simdRow(backend: WasmBackend): Pool2x2Row | undefined {
  if (!heapKernelsAllowed()) return undefined;
  return heapExports(backend, "maxPoolGrad", maxPoolGradModuleBytes)?.["pool2x2Row"] as Pool2x2Row | undefined;
}

/**
 * The windows of a 2×2 stride-2 pool with no top/left padding that lie fully inside x, a row of
 * windows per call of the SIMD function; a row it reports unusual (see max-pool-grad-kernel.ts) is
 * cleared and redone by windowGeneral. Returns false, doing nothing, where the function is not
 * available or the channels are not a multiple of 4.
 */
function simd2x2(
  backend: WasmBackend,
  views: { x: Float32Array; y: Float32Array; g: Float32Array; dx: Float32Array },
  s: Geometry,
  batchSize: number,
): boolean {
  const { c, inHeight, inWidth, outHeight, outWidth } = s;
  const row = c % 4 === 0 ? simdRow(backend) : undefined;
  if (row === undefined) return false;
  const { x, y, g, dx } = views;
  const rows = Math.floor(inHeight / 2);
  const cols = Math.floor(inWidth / 2);
  if (cols === 0) return true;
  const cBytes = 4 * c;
  const rowBytes = cBytes * inWidth;
  for (let b = 0; b < batchSize; b++) {
    for (let yr = 0; yr < rows; yr++) {
      const xAt = (b * inHeight + 2 * yr) * rowBytes;
      const yAt = (b * outHeight + yr) * outWidth * cBytes;
      const bad = row(x.byteOffset + xAt, y.byteOffset + yAt, g.byteOffset + yAt, dx.byteOffset + xAt, cols, c / 4, cBytes, rowBytes);
      if (bad !== 0) {
        const from = xAt / 4;
        dx.fill(0, from, from + 2 * cols * c);
        dx.fill(0, from + rowBytes / 4, from + rowBytes / 4 + 2 * cols * c);
        for (let yc = 0; yc < cols; yc++) windowGeneral(x, g, dx, s, b, yr, yc, 2 * yr, 2 * yc, 0, c);
      }
    }
  }
  return true;
}

/** Kernel function: inputs {dy, input, output}, attrs {@link MaxPoolGradAttrs}. */
export function maxPoolGrad(args: {
  inputs: Record<string, tf.TensorInfo>;
  backend: unknown;
  attrs?: Record<string, unknown>;
}): tf.TensorInfo {
  const backend = asWasmBackend(args.backend, NAME);
  const attrs = args.attrs as unknown as MaxPoolGradAttrs;
  const dy = args.inputs["dy"]!;
  const input = args.inputs["input"]!;
  if (input.shape.length !== 4 || input.dtype !== "float32" || dy.dtype !== "float32") {
    throw new Error(`${NAME} on the wasm backend needs float32 NHWC rank-4 tensors, got input [${input.shape}]`);
  }
  const info = tf.backend_util.computePool2DInfo(
    input.shape as [number, number, number, number],
    attrs.filterSize,
    attrs.strides,
    1,
    attrs.pad,
    attrs.dimRoundingMode,
  );
  const { batchSize, inHeight, inWidth, inChannels: c, outHeight, outWidth, strideHeight, strideWidth } = info;
  const { filterHeight, filterWidth } = info;
  const want = [batchSize, outHeight, outWidth, c];
  if (dy.shape.some((v, i) => v !== want[i])) {
    throw new Error(`${NAME} on the wasm backend: dy has shape [${dy.shape}], expected [${want}]`);
  }

  const output = args.inputs["output"];
  const out = backend.makeOutput([...input.shape], "float32");
  // Views after the allocation: makeOutput may grow (and so detach) the heap.
  const dx = f32View(backend, out);
  const x = f32View(backend, input);
  const g = f32View(backend, dy);
  // The forward output (the window maxima) enables the fast path; without it, the scan.
  const usableOutput = output !== undefined && output.dtype === "float32" && sameShape(output.shape, dy.shape);
  const y = usableOutput ? f32View(backend, output) : undefined;
  const geometry: Geometry = {
    inHeight,
    inWidth,
    c,
    outHeight,
    outWidth,
    filterHeight,
    filterWidth,
    strideHeight,
    strideWidth,
  };
  const { top, left } = info.padInfo;
  const fast2x2 = y !== undefined && filterHeight === 2 && filterWidth === 2 && strideHeight === 2 && strideWidth === 2;
  // The fast path stores every position of its windows; zero-fill only if they don't tile x.
  const tiled = fast2x2 && top === 0 && left === 0 && outHeight * 2 === inHeight && outWidth * 2 === inWidth;
  if (!tiled) dx.fill(0);
  // The SIMD function covers every window inside x (top = left = 0 always holds for a 2×2
  // stride-2 'same' pool: its padding is 0 or 1, at the bottom/right).
  const simd = fast2x2 && top === 0 && left === 0 && simd2x2(backend, { x, y: y!, g, dx }, geometry, batchSize);
  for (let b = 0; b < batchSize; b++) {
    for (let yr = 0; yr < outHeight; yr++) {
      const r0 = yr * strideHeight - top;
      for (let yc = 0; yc < outWidth; yc++) {
        const c0 = yc * strideWidth - left;
        const inside = r0 >= 0 && c0 >= 0 && r0 + 2 <= inHeight && c0 + 2 <= inWidth;
        if (simd && inside) continue;
        if (fast2x2 && inside) window2x2(x, y!, g, dx, geometry, b, yr, yc, r0, c0);
        else windowGeneral(x, g, dx, geometry, b, yr, yc, r0, c0, 0, c);
      }
    }
  }
  return out;
}
