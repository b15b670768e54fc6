/**
 * A 3×3, stride-1 convolution by Winograd's F(2×2, 3×3) (Lavin & Gray 2015) on the tfjs heap:
 * each 2×2 tile of output pixels costs 16 products per channel pair instead of 36. The filter
 * becomes U = G g Gᵀ (4×4 per channel pair, here in JavaScript: once per call, C·K pairs), each
 * 4×4 input patch V = Bᵀ d B and each tile's output Y = Aᵀ M A (generated wasm SIMD,
 * winograd-kernel.ts), and between them, for each of the 16 elements ξ, one product on the
 * project's GEMM, M_ξ [tiles × K] = V_ξ [tiles × C] · U_ξ [C × K] — in blocks of tiles so that
 * V and M stay in cache.
 *
 * Forward, y = conv(x, W); and the input gradient of a stride-1 convolution, dx = conv(dy, W')
 * with W' the filter rotated 180° and its channels swapped, padded by 2 − pad.
 */
import type * as tf from "@tensorflow/tfjs-core";
import { heapGemm, packPanels } from "./heap-gemm";
import { heapExports } from "./heap-module";
import { f32View } from "./internals";
import type { KernelScope } from "./kernel-scope";
import { type InputTransform, type OutputTransform, winogradModuleBytes } from "./winograd-kernel";

/**
 * Tiles per block, a multiple of every GEMM tile height (4, 6): V and M of a block (16 rows per
 * tile) stay in L2 while the 16 products run. Flat between 12 and 192 on the reference CNN's
 * layers 2 and 3, both kernels (within ±10 %, one thread, under load).
 */
export const DEFAULT_BLOCK_TILES = 24;

/** One 3×3, stride-1 convolution: source [batch, h, w, c], output [batch, oh, ow, k]. */
export interface WinogradConv {
  batch: number;
  h: number;
  w: number;
  c: number;
  k: number;
  oh: number;
  ow: number;
  /** Output pixel (r, s) reads source rows r − top … r − top + 2 and columns s − left … s − left + 2. */
  top: number;
  left: number;
}

/** The forward convolution's Winograd geometry, or undefined where it is not a 3×3 stride-1 one. */
export function winogradForward(info: tf.backend_util.Conv2DInfo): WinogradConv | undefined {
  if (!isWinogradShape(info)) return undefined;
  return {
    batch: info.batchSize,
    h: info.inHeight,
    w: info.inWidth,
    c: info.inChannels,
    k: info.outChannels,
    oh: info.outHeight,
    ow: info.outWidth,
    top: info.padInfo.top,
    left: info.padInfo.left,
  };
}

/** The input gradient's Winograd geometry (source dy, filter W'), or undefined as above. */
export function winogradInputGrad(info: tf.backend_util.Conv2DInfo): WinogradConv | undefined {
  if (!isWinogradShape(info)) return undefined;
  return {
    batch: info.batchSize,
    h: info.outHeight,
    w: info.outWidth,
    c: info.outChannels,
    k: info.inChannels,
    oh: info.inHeight,
    ow: info.inWidth,
    top: 2 - info.padInfo.top,
    left: 2 - info.padInfo.left,
  };
}

function isWinogradShape(info: tf.backend_util.Conv2DInfo): boolean {
  return (
    info.filterHeight === 3 &&
    info.filterWidth === 3 &&
    info.strideHeight === 1 &&
    info.strideWidth === 1 &&
    info.dilationHeight === 1 &&
    info.dilationWidth === 1
  );
}

/**
 * Whether Winograd is the faster form for `g`: where the implicit GEMM runs (at least 8 channels
 * in and out; conv-igemm.ts's igemmPays). Node 26, one thread, batch 100, forward, call by call
 * against the implicit GEMM (under load, ratios of its time to ours): 1.2–1.5× on 28×28, 14×14,
 * 7×7 and 4×4 images with 8–64 channels in and 8–128 out, 0.97× on 2×2 images (one tile, a
 * quarter of it padding) — a tie, not worth a rule of its own.
 */
export function winogradPays(g: WinogradConv): boolean {
  return winogradEnabled && g.c >= 8 && g.k >= 8;
}

let winogradEnabled = true;

/**
 * Turns the Winograd form off (the implicit GEMM takes its shapes) or back on: for the kernel
 * measurements and tests that compare the two forms in one process, not a user setting
 * (`TSDL_GEMM=xnnpack` is the one opt-out from every generated kernel).
 */
export function setWinogradEnabled(on: boolean): void {
  winogradEnabled = on;
}

/**
 * U_ξ = (G g Gᵀ)[ξ] for every channel pair: `u` is [16][c][k], `filter` [3][3][c][k];
 * G = [1 0 0; ½ ½ ½; ½ −½ ½; 0 0 1]. Written out (a loop over G's entries ran 30× slower).
 */
export function filterTransform(filter: Float32Array, c: number, k: number, u: Float32Array): void {
  const n = c * k;
  for (let p = 0; p < n; p++) {
    const g00 = filter[p]!;
    const g01 = filter[n + p]!;
    const g02 = filter[2 * n + p]!;
    const g10 = filter[3 * n + p]!;
    const g11 = filter[4 * n + p]!;
    const g12 = filter[5 * n + p]!;
    const g20 = filter[6 * n + p]!;
    const g21 = filter[7 * n + p]!;
    const g22 = filter[8 * n + p]!;
    // Rows of G g (4×3), each then times Gᵀ.
    row(u, p, n, 0, g00, g01, g02);
    row(u, p, n, 1, 0.5 * (g00 + g10 + g20), 0.5 * (g01 + g11 + g21), 0.5 * (g02 + g12 + g22));
    row(u, p, n, 2, 0.5 * (g00 - g10 + g20), 0.5 * (g01 - g11 + g21), 0.5 * (g02 - g12 + g22));
    row(u, p, n, 3, g20, g21, g22);
  }
}

/** Row i of U = (G g)[i] Gᵀ. */
function row(u: Float32Array, p: number, n: number, i: number, r0: number, r1: number, r2: number): void {
  const at = 4 * i * n + p;
  u[at] = r0;
  u[at + n] = 0.5 * (r0 + r1 + r2);
  u[at + 2 * n] = 0.5 * (r0 - r1 + r2);
  u[at + 3 * n] = r2;
}

/**
 * out [batch, oh, ow, k] = the convolution of `src` [batch, h, w, c] with `filter` [3, 3, c, k]
 * as `g` describes it, inside `scope`; undefined (having made nothing) where the GEMM or the
 * transforms cannot run on this heap.
 */
export function winogradConv(
  scope: KernelScope,
  src: tf.TensorInfo,
  filter: tf.TensorInfo,
  g: WinogradConv,
  blockTiles = DEFAULT_BLOCK_TILES,
): tf.TensorInfo | undefined {
  const backend = scope.backend;
  const gemm = heapGemm(backend);
  const module = heapExports(backend, "winograd", winogradModuleBytes);
  if (gemm === undefined || module === undefined) return undefined;
  const inputTransform = module["inputTransform"] as InputTransform;
  const outputTransform = module["outputTransform"] as OutputTransform;
  const { mr, nr } = gemm.shape;
  if (blockTiles % mr !== 0) throw new Error(`winogradConv: blockTiles (${blockTiles}) must be a multiple of ${mr}`);
  const { batch, h, w, c, k, oh, ow } = g;
  const cp = Math.ceil(c / 4) * 4;
  const kp = Math.ceil(k / 4) * 4;
  const nTiles = Math.ceil(k / nr);
  const np = nTiles * nr;
  const th = Math.ceil(oh / 2);
  const tw = Math.ceil(ow / 2);
  const tiles = batch * th * tw;
  const block = Math.min(blockTiles, Math.ceil(tiles / mr) * mr);

  // Channels not a multiple of 4: the transforms read and write whole vectors, so the source
  // goes through a copy padded to cp channels and the output through one of kp.
  const srcPadded = cp !== c ? scope.track(backend.makeOutput([batch, h, w, cp], "float32")) : src;
  const zeros = scope.track(backend.makeOutput([cp], "float32"));
  const dump = scope.track(backend.makeOutput([kp], "float32"));
  const inTable = scope.track(backend.makeOutput([tiles * 16], "int32"));
  const outTable = scope.track(backend.makeOutput([tiles * 4], "int32"));
  const u = scope.track(backend.makeOutput([16 * c * k], "float32"));
  const packed = scope.track(backend.makeOutput([16 * np * c], "float32"));
  const v = scope.track(backend.makeOutput([block * 16 * cp], "float32"));
  const m = scope.track(backend.makeOutput([block * 16 * np], "float32"));
  const out = scope.track(backend.makeOutput([batch, oh, ow, k], "float32"));
  const outPadded = kp !== k ? scope.track(backend.makeOutput([batch, oh, ow, kp], "float32")) : out;
  // Views after the last allocation (allocating may grow the heap and detach older views).
  const srcV = f32View(backend, src);
  const srcPaddedV = f32View(backend, srcPadded);
  const zerosV = f32View(backend, zeros);
  const uV = f32View(backend, u);
  const packedV = f32View(backend, packed);
  const vV = f32View(backend, v);
  const mV = f32View(backend, m);
  const outV = f32View(backend, out);
  const outPaddedV = f32View(backend, outPadded);
  const inTableV = backend.typedArrayFromHeap(inTable) as Int32Array;
  const outTableV = backend.typedArrayFromHeap(outTable) as Int32Array;
  const heap = new Float32Array(uV.buffer);

  zerosV.fill(0);
  if (srcPadded !== src) padChannels(srcV, srcPaddedV, c, cp);
  filterTransform(f32View(backend, filter), c, k, uV);
  for (let xi = 0; xi < 16; xi++) packPanels(gemm, heap, (uV.byteOffset >> 2) + xi * c * k, (packedV.byteOffset >> 2) + xi * np * c, k, c);

  // The tables: each tile's 16 source pixels and 4 output pixels, as byte addresses.
  const srcAt = srcPaddedV.byteOffset;
  const outAt = outPaddedV.byteOffset;
  const dumpAt = f32View(backend, dump).byteOffset;
  tileTables(g, { at: srcAt, channels: cp }, { at: outAt, channels: kp, pastEdgeAt: dumpAt }, zerosV.byteOffset, inTableV, outTableV);

  // Rows past the last tile of the last block are computed from stale V rows and dropped.
  for (let t0 = 0; t0 < tiles; t0 += block) {
    const n = Math.min(block, tiles - t0);
    inputTransform(inTableV.byteOffset + t0 * 64, n, cp / 4, vV.byteOffset, cp * 4, 16 * cp * 4);
    mV.fill(0);
    for (let xi = 0; xi < 16; xi++) {
      gemm.multiplyAdd(
        vV.byteOffset + xi * cp * 4,
        16 * cp * 4,
        packedV.byteOffset + xi * np * c * 4,
        mV.byteOffset + xi * np * 4,
        16 * np * 4,
        Math.ceil(n / mr),
        nTiles,
        c,
        c,
      );
    }
    outputTransform(outTableV.byteOffset + t0 * 16, n, kp / 4, mV.byteOffset, np * 4);
  }
  if (outPadded !== out) {
    for (let p = 0, pixels = batch * oh * ow; p < pixels; p++) outV.set(outPaddedV.subarray(p * kp, p * kp + k), p * k);
  }
  return out;
}

/** Copies pixels of `channels` values into pixels of `padded` values, the extra channels zero. */
export function padChannels(from: Float32Array, to: Float32Array, channels: number, padded: number): void {
  to.fill(0);
  for (let p = 0, pixels = from.length / channels; p < pixels; p++)
    to.set(from.subarray(p * channels, p * channels + channels), p * padded);
}

/**
 * Each tile's 16 source pixels (rows 2·ty − top …, columns 2·tx − left …) and 4 output pixels,
 * as byte addresses: a source pixel outside the image reads `zeroAt`, an output pixel past the
 * edge (the last tile of an odd size) goes to `output.pastEdgeAt`.
 */
export function tileTables(
  g: WinogradConv,
  source: { at: number; channels: number },
  output: { at: number; channels: number; pastEdgeAt: number },
  zeroAt: number,
  inTable: Int32Array,
  outTable: Int32Array,
): void {
  const { batch, h, w, oh, ow, top, left } = g;
  const th = Math.ceil(oh / 2);
  const tw = Math.ceil(ow / 2);
  let t = 0;
  for (let b = 0; b < batch; b++) {
    for (let ty = 0; ty < th; ty++) {
      for (let tx = 0; tx < tw; tx++, t++) {
        for (let i = 0; i < 4; i++) {
          const r = 2 * ty - top + i;
          for (let j = 0; j < 4; j++) {
            const s = 2 * tx - left + j;
            inTable[t * 16 + i * 4 + j] =
              r >= 0 && r < h && s >= 0 && s < w ? source.at + ((b * h + r) * w + s) * source.channels * 4 : zeroAt;
          }
        }
        for (let i = 0; i < 2; i++) {
          const r = 2 * ty + i;
          for (let j = 0; j < 2; j++) {
            const s = 2 * tx + j;
            outTable[t * 4 + i * 2 + j] = r < oh && s < ow ? output.at + ((b * oh + r) * ow + s) * output.channels * 4 : output.pastEdgeAt;
          }
        }
      }
    }
  }
}
