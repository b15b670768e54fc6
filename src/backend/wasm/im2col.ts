/**
 * im2col, transposed, written in JavaScript straight onto the wasm heap:
 *
 *   colsT[(i, j, ci), (b, y, x)] = xpad[b, y·s + i, x·s + j, ci]      shape [KH·KW·Ci, B·OH·OW]
 *
 * so that dW = colsT · dy (dy seen as [B·OH·OW, Co]) is one plain matmul, which XNNPACK runs
 * at full speed. The source is x with channels first, xT = [Ci, B, H, W], so every row of
 * colsT is a run of shifted copies of 2-D planes.
 */
import * as tf from "@tensorflow/tfjs";
import { f32View, WasmBackend } from "./internals";

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

/**
 * Fills a new [KH·KW·Ci, B·OH·OW] float32 tensor from `xT` ([Ci, B, H, W]); the caller owns it.
 */
export function im2colTransposed(backend: WasmBackend, xT: tf.TensorInfo, g: Im2colGeometry): tf.TensorInfo {
  const [ci, b, h, w] = xT.shape as [number, number, number, number];
  const n = b * g.outHeight * g.outWidth;
  const out = backend.makeOutput([g.kh * g.kw * ci, n], "float32");
  const dst = f32View(backend, out);
  const src = f32View(backend, xT);
  if (g.sh === 1 && g.sw === 1 && g.outHeight === h && g.outWidth === w) {
    planeShifts(dst, src, ci, b, h, w, g);
  } else {
    general(dst, src, ci, b, h, w, g);
  }
  return out;
}

/**
 * Stride 1 with output size = input size ('same'): each (tap, ci, b) block of colsT is the
 * [H, W] plane of xT shifted by (i - top, j - left). One bulk copyWithin per plane (it also
 * copies a wrapped-around column when the shift is horizontal), then zero the borders.
 */
function planeShifts(
  dst: Float32Array,
  src: Float32Array,
  ci: number,
  b: number,
  h: number,
  w: number,
  g: Im2colGeometry,
): void {
  // Whole-heap view: copyWithin moves data between the two tensors without a temporary.
  const heap = new Float32Array(dst.buffer);
  const dstBase = dst.byteOffset >> 2;
  const srcBase = src.byteOffset >> 2;
  const plane = h * w;
  const n = b * plane;
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
        for (let s = 0; s < b; s++) {
          const d = dstBase + row + s * plane;
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

/** Any stride and padding: element by element. */
function general(
  dst: Float32Array,
  src: Float32Array,
  ci: number,
  b: number,
  h: number,
  w: number,
  g: Im2colGeometry,
): void {
  const { outHeight: oh, outWidth: ow, sh, sw } = g;
  let p = 0;
  for (let i = 0; i < g.kh; i++) {
    for (let j = 0; j < g.kw; j++) {
      // Output columns whose input column x·sw + j - left lies inside [0, w).
      const xLo = Math.min(ow, Math.max(0, Math.ceil((g.left - j) / sw)));
      const xHi = Math.max(xLo, Math.min(ow, Math.floor((w - 1 - j + g.left) / sw) + 1));
      for (let c = 0; c < ci; c++) {
        for (let s = 0; s < b; s++) {
          for (let y = 0; y < oh; y++) {
            const r = y * sh + i - g.top;
            if (r < 0 || r >= h) {
              dst.fill(0, p, p + ow);
              p += ow;
              continue;
            }
            const base = ((c * b + s) * h + r) * w + j - g.left;
            let x = 0;
            for (; x < xLo; x++) dst[p++] = 0;
            for (; x < xHi; x++) dst[p++] = src[base + x * sw]!;
            for (; x < ow; x++) dst[p++] = 0;
          }
        }
      }
    }
  }
}
