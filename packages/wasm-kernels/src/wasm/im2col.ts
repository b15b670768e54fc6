/**
 * im2col, written in JavaScript straight onto the wasm heap, in the two layouts the filter
 * gradient's matmuls take (filter-grad-matmul.ts):
 *
 *   cols [(b, y, x), (i, j, ci)] = xpad[b, y·sh + i, x·sw + j, ci]    shape [B·OH·OW, KH·KW·Ci]
 *   colsT[(i, j, ci), (b, y, x)] = the same, transposed                shape [KH·KW·Ci, B·OH·OW]
 *
 * cols is built from NHWC x (a tap's Ci channels are contiguous in both), any stride and
 * padding. colsT is built only for stride 1 with output size = input size, from x with
 * channels first, xT = [Ci, B, H, W], where every row of colsT is a run of shifted 2-D planes.
 */
import type * as tf from "@tensorflow/tfjs-core";
import { f32View, type WasmBackend } from "./internals";

/** Geometry of the forward convolution whose filter gradient is wanted. */
export interface Im2colGeometry {
  kh: number;
  kw: number;
  sh: number;
  sw: number;
  top: number;
  left: number;
  outHeight: number;
  outWidth: number;
}

/** The im2col geometry of a forward convolution. */
export function im2colGeometry(info: tf.backend_util.Conv2DInfo): Im2colGeometry {
  return {
    kh: info.filterHeight,
    kw: info.filterWidth,
    sh: info.strideHeight,
    sw: info.strideWidth,
    top: info.padInfo.top,
    left: info.padInfo.left,
    outHeight: info.outHeight,
    outWidth: info.outWidth,
  };
}

/** Fills a new [B·OH·OW, KH·KW·Ci] float32 tensor from NHWC `x`; the caller owns it. */
export function im2colRows(backend: WasmBackend, x: tf.TensorInfo, g: Im2colGeometry): tf.TensorInfo {
  const [b, h, w, ci] = x.shape as [number, number, number, number];
  const { kh, kw, sh, sw, top, left, outHeight: oh, outWidth: ow } = g;
  const out = backend.makeOutput([b * oh * ow, kh * kw * ci], "float32");
  // Views after makeOutput: allocating may grow the heap, which detaches older views.
  const dst = f32View(backend, out);
  const src = f32View(backend, x);
  let p = 0;
  for (let s = 0; s < b; s++) {
    for (let y = 0; y < oh; y++) {
      for (let xo = 0; xo < ow; xo++) {
        for (let i = 0; i < kh; i++) {
          const r = y * sh + i - top;
          if (r < 0 || r >= h) {
            dst.fill(0, p, p + kw * ci);
            p += kw * ci;
            continue;
          }
          for (let j = 0; j < kw; j++) {
            const c = xo * sw + j - left;
            if (c < 0 || c >= w) {
              dst.fill(0, p, p + ci);
            } else {
              const from = ((s * h + r) * w + c) * ci;
              for (let k = 0; k < ci; k++) dst[p + k] = src[from + k]!;
            }
            p += ci;
          }
        }
      }
    }
  }
  return out;
}

/**
 * Fills a new [KH·KW·Ci, B·OH·OW] float32 tensor from `xT` ([Ci, B, H, W]) for a stride-1
 * convolution whose output has the input's size; the caller owns it.
 */
export function im2colTransposed(backend: WasmBackend, xT: tf.TensorInfo, g: Im2colGeometry): tf.TensorInfo {
  const [ci, b, h, w] = xT.shape as [number, number, number, number];
  assertPlaneShifts(g, h, w);
  const out = backend.makeOutput([g.kh * g.kw * ci, b * h * w], "float32");
  planeShifts(f32View(backend, out), f32View(backend, xT), ci, b, h, w, g, 0, b);
  return out;
}

/** Throws unless colsT can be built by plane shifts: stride 1 with output size = input size. */
export function assertPlaneShifts(g: Im2colGeometry, h: number, w: number): void {
  if (g.sh !== 1 || g.sw !== 1 || g.outHeight !== h || g.outWidth !== w) {
    throw new Error("im2colTransposed: only stride 1 with output size = input size");
  }
}

/**
 * Stride 1 with output size = input size ('same'): each (tap, ci, b) block of colsT is the
 * [H, W] plane of xT shifted by (i - top, j - left). One bulk copyWithin per plane (it also
 * copies a wrapped-around column when the shift is horizontal), then zero the borders. Only the
 * images [s0, s1) of xT's `b`, into `dst` as [KH·KW·Ci, (s1 - s0)·H·W] (a block of the batch).
 */
export function planeShifts(
  dst: Float32Array,
  src: Float32Array,
  ci: number,
  b: number,
  h: number,
  w: number,
  g: Im2colGeometry,
  s0: number,
  s1: number,
): void {
  // Whole-heap view: copyWithin moves data between the two tensors without a temporary.
  const heap = new Float32Array(dst.buffer);
  const dstBase = dst.byteOffset >> 2;
  const srcBase = src.byteOffset >> 2;
  const plane = h * w;
  const n = (s1 - s0) * plane;
  for (let i = 0; i < g.kh; i++) {
    for (let j = 0; j < g.kw; j++) {
      const dr = i - g.top;
      const dc = j - g.left;
      // Rows [rLo, rHi) and columns [cLo, cHi) of the block read inside the plane.
      const rLo = clamp(-dr, 0, h);
      const rHi = clamp(h - dr, rLo, h);
      const cLo = clamp(-dc, 0, w);
      const cHi = clamp(w - dc, cLo, w);
      for (let c = 0; c < ci; c++) {
        const row = ((i * g.kw + j) * ci + c) * n;
        for (let s = s0; s < s1; s++) {
          const d = dstBase + row + (s - s0) * plane;
          const from = srcBase + (c * b + s) * plane + dr * w + dc;
          // The flat copy reads up to one element beyond each end of the plane when dc ≠ 0;
          // those land only in wrapped columns, which are zeroed just below.
          if (rHi > rLo) heap.copyWithin(d + rLo * w, from + rLo * w, from + rHi * w);
          if (rLo > 0) heap.fill(0, d, d + rLo * w);
          if (rHi < h) heap.fill(0, d + rHi * w, d + plane);
          if (dc !== 0) {
            for (let r = rLo; r < rHi; r++) {
              const at = d + r * w;
              for (let q = 0; q < cLo; q++) heap[at + q] = 0;
              for (let q = cHi; q < w; q++) heap[at + q] = 0;
            }
          }
        }
      }
    }
  }
}

function clamp(v: number, lo: number, hi: number): number {
  return Math.min(hi, Math.max(lo, v));
}
