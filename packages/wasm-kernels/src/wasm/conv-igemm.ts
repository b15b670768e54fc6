/**
 * A convolution as an implicit GEMM on the tfjs heap (heap-gemm.ts's `igemm`): each output
 * pixel is a row of C, and for each tap its row of A is the source pixel that tap reads (its
 * channels contiguous in NHWC) or a row of zeros — the addresses in a table, so no im2col matrix
 * is made. Two convolutions take this form:
 *
 * - the forward pass, y = conv(x, W): output pixel (r, c), tap (i, j) reads x at
 *   (r·s + i − top, c·s + j − left); B = W as [KH·KW·Ci, Co];
 * - the input gradient, dx = conv2dTranspose(dy, W): dx pixel (r, c), tap (i, j) reads dy at
 *   ((r + top − i)/s, (c + left − j)/s) where both divide; B = W with its last two axes swapped,
 *   [KH·KW·Co, Ci].
 */
import type * as tf from "@tensorflow/tfjs-core";
import { heapGemm, packPanels } from "./heap-gemm";
import { f32View } from "./internals";
import type { KernelScope } from "./kernel-scope";

/** Row tiles per igemm call: a block's source rows stay in cache while the kernel sweeps B's panels. */
const TILES_PER_CALL = 32;

/** How an output coordinate and a tap coordinate map to a source coordinate on one axis. */
interface AxisMap {
  /** Output size and source size on this axis. */
  out: number;
  src: number;
  taps: number;
  /** source = (out·mul + tap·sign + off) / div, when integral and inside. */
  mul: number;
  sign: 1 | -1;
  off: number;
  div: number;
}

/** For each (output coordinate, tap) the source coordinate, or −1. */
function axisTable(a: AxisMap): Int32Array {
  const t = new Int32Array(a.out * a.taps);
  for (let o = 0; o < a.out; o++) {
    for (let i = 0; i < a.taps; i++) {
      const num = o * a.mul + i * a.sign + a.off;
      const s = num / a.div;
      t[o * a.taps + i] = num % a.div === 0 && s >= 0 && s < a.src ? s : -1;
    }
  }
  return t;
}

/** The geometry of one implicit convolution. */
export interface ImplicitConv {
  batch: number;
  rows: AxisMap;
  cols: AxisMap;
  /** Channels of a source pixel: the steps of one tap. */
  kc: number;
  /** Output channels (columns of C). */
  n: number;
}

/**
 * Whether the implicit GEMM is the faster form: at least 8 channels in and out. Below that
 * each tap's run of steps (kc) or C's columns (n, padded to 8) are mostly overhead — Node 26,
 * one thread, call by call against XNNPACK on the reference CNN's layers at batch 100 (under
 * load, ratios): the first layer (1 → 32 channels) ran at 0.35× forward and 0.64× for its input
 * gradient, the second and third (32 → 64, 64 → 128) at 1.3–1.4× both ways.
 */
export function igemmPays(g: ImplicitConv): boolean {
  return g.kc >= 8 && g.n >= 8;
}

/**
 * Computes out [batch, rows.out, cols.out, n] = Σ over taps and kc of source rows · `weights`
 * ([taps·kc, n] row-major), inside `scope`; undefined (having made nothing) where the GEMM cannot
 * run on this heap.
 */
export function implicitConv(scope: KernelScope, src: tf.TensorInfo, weights: tf.TensorInfo, g: ImplicitConv): tf.TensorInfo | undefined {
  const backend = scope.backend;
  const gemm = heapGemm(backend);
  if (gemm === undefined) return undefined;
  const { mr, nr } = gemm.shape;
  const { batch, kc, n } = g;
  const taps = g.rows.taps * g.cols.taps;
  const k = taps * kc;
  const oh = g.rows.out;
  const ow = g.cols.out;
  const m = batch * oh * ow;
  const mTiles = Math.ceil(m / mr);
  const nTiles = Math.ceil(n / nr);
  const np = nTiles * nr;
  const table = scope.track(backend.makeOutput([mTiles * taps * mr], "int32"));
  const zeros = scope.track(backend.makeOutput([kc], "float32"));
  const packed = scope.track(backend.makeOutput([np * k], "float32"));
  const acc = scope.track(backend.makeOutput([mTiles * mr * np], "float32"));
  const out = scope.track(backend.makeOutput([batch, oh, ow, n], "float32"));
  // Views after the last allocation (allocating may grow the heap and detach older views).
  const tableV = backend.typedArrayFromHeap(table) as Int32Array;
  const zerosV = f32View(backend, zeros);
  const packedV = f32View(backend, packed);
  const accV = f32View(backend, acc);
  const outV = f32View(backend, out);
  const srcV = f32View(backend, src);
  const heap = new Float32Array(accV.buffer);
  zerosV.fill(0);
  accV.fill(0);
  packPanels(gemm, heap, f32View(backend, weights).byteOffset >> 2, packedV.byteOffset >> 2, n, k);

  const rowT = axisTable(g.rows);
  const colT = axisTable(g.cols);
  const { taps: kh } = g.rows;
  const { taps: kw } = g.cols;
  const zeroAt = zerosV.byteOffset;
  const srcAt = srcV.byteOffset;
  const pixelBytes = kc * 4;
  const sh = g.rows.src;
  const sw = g.cols.src;
  let q = 0;
  for (let b = 0; b < batch; b++) {
    for (let r = 0; r < oh; r++) {
      for (let c = 0; c < ow; c++, q++) {
        const tile = (q / mr) | 0;
        let at = tile * taps * mr + (q - tile * mr);
        for (let i = 0; i < kh; i++) {
          const sr = rowT[r * kh + i]!;
          const rowAt = srcAt + (b * sh + sr) * sw * pixelBytes;
          for (let j = 0; j < kw; j++, at += mr) {
            const sc = colT[c * kw + j]!;
            tableV[at] = sr < 0 || sc < 0 ? zeroAt : rowAt + sc * pixelBytes;
          }
        }
      }
    }
  }
  // Rows past m (the last tile's padding) read zeros.
  for (; q < mTiles * mr; q++) {
    const tile = (q / mr) | 0;
    for (let t = 0, at = tile * taps * mr + (q - tile * mr); t < taps; t++, at += mr) tableV[at] = zeroAt;
  }
  for (let i0 = 0; i0 < mTiles; i0 += TILES_PER_CALL) {
    gemm.igemm(
      tableV.byteOffset + i0 * taps * mr * 4,
      taps,
      packedV.byteOffset,
      accV.byteOffset + i0 * mr * np * 4,
      Math.min(TILES_PER_CALL, mTiles - i0),
      nTiles,
      kc,
      k,
      np * 4,
    );
  }
  if (np === n) outV.set(accV.subarray(0, m * n));
  else for (let row = 0; row < m; row++) outV.set(accV.subarray(row * np, row * np + n), row * n);
  return out;
}

/** The forward convolution's geometry: y = conv(x, W). */
export function forwardGeometry(info: tf.backend_util.Conv2DInfo): ImplicitConv {
  return {
    batch: info.batchSize,
    rows: {
      out: info.outHeight,
      src: info.inHeight,
      taps: info.filterHeight,
      mul: info.strideHeight,
      sign: 1,
      off: -info.padInfo.top,
      div: 1,
    },
    cols: {
      out: info.outWidth,
      src: info.inWidth,
      taps: info.filterWidth,
      mul: info.strideWidth,
      sign: 1,
      off: -info.padInfo.left,
      div: 1,
    },
    kc: info.inChannels,
    n: info.outChannels,
  };
}

/** The input gradient's geometry: dx = conv2dTranspose(dy, W), for the forward convolution `info`. */
export function inputGradGeometry(info: tf.backend_util.Conv2DInfo): ImplicitConv {
  return {
    batch: info.batchSize,
    rows: {
      out: info.inHeight,
      src: info.outHeight,
      taps: info.filterHeight,
      mul: 1,
      sign: -1,
      off: info.padInfo.top,
      div: info.strideHeight,
    },
    cols: {
      out: info.inWidth,
      src: info.outWidth,
      taps: info.filterWidth,
      mul: 1,
      sign: -1,
      off: info.padInfo.left,
      div: info.strideWidth,
    },
    kc: info.outChannels,
    n: info.inChannels,
  };
}

/** W [KH, KW, Ci, Co] with its last two axes swapped, [KH, KW, Co, Ci]: the input gradient's B. */
export function swapFilterChannels(scope: KernelScope, filter: tf.TensorInfo): tf.TensorInfo {
  const [kh, kw, ci, co] = filter.shape as [number, number, number, number];
  const out = scope.track(scope.backend.makeOutput([kh, kw, co, ci], "float32"));
  const dst = f32View(scope.backend, out);
  const src = f32View(scope.backend, filter);
  for (let t = 0; t < kh * kw; t++) {
    const base = t * ci * co;
    for (let o = 0; o < co; o++) {
      for (let c = 0; c < ci; c++) dst[base + o * ci + c] = src[base + c * co + o]!;
    }
  }
  return out;
}
