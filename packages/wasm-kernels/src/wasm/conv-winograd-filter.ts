/**
 * The filter gradient of a 3×3, stride-1 convolution by Winograd's F(3×3, 2×2) — F(2×2, 3×3)
 * transposed — on the tfjs heap:
 *
 *   dW[·, ·, c, k] = Gᵀ [ Σ over tiles (Bᵀ x B)[c] ⊙ (A dy Aᵀ)[k] ] G
 *
 * where a tile is 2×2 pixels of dy and the 4×4 patch of x they read. Per element ξ of the 4×4
 * transform, the sum over tiles is one product M_ξ [C × K] = V_ξᵀ [C × tiles] · D_ξ [tiles × K]:
 * 16 products per tile and channel pair instead of 36. V is the forward's input transform
 * (winograd-kernel.ts, `inputTransform`) laid out ξ-major, V_ξ [tiles × C] read transposed by
 * the GEMM's `gemmAT`; D is written
 * by `dyTransform` straight into the GEMM's packed panels; blocks of tiles keep both in cache,
 * M accumulating across blocks. The output transform, once per channel pair, is JavaScript.
 */
import type * as tf from "@tensorflow/tfjs-core";
import { padChannels, tileTables, type WinogradConv } from "./conv-winograd";
import { heapGemm } from "./heap-gemm";
import { heapExports } from "./heap-module";
import { f32View } from "./internals";
import type { KernelScope } from "./kernel-scope";
import { type DyTransform, type InputTransform, winogradModuleBytes } from "./winograd-kernel";

/**
 * Tiles per block (the GEMM's k steps per call): small, so that a block's V and D (16 elements
 * per tile each) stay in L2 between the transforms writing them and the GEMM reading them, M
 * staying there too. On the reference CNN's layers 2 and 3 (batch 100, one thread, under load)
 * blocks of 12–36 tiles ran at 9–13 ms, of 96 at 14–15, of 384 at 20–24.
 */
export const FILTER_BLOCK_TILES = 12;

/**
 * dW [3, 3, c, k] of the forward convolution `g` (x [batch, h, w, c] → dy [batch, oh, ow, k]),
 * inside `scope`; undefined (having made nothing) where the GEMM or the transforms cannot run
 * on this heap or the GEMM's panels are not 8 columns wide.
 */
export function winogradFilterGrad(
  scope: KernelScope,
  x: tf.TensorInfo,
  dy: tf.TensorInfo,
  g: WinogradConv,
  blockTiles = FILTER_BLOCK_TILES,
): tf.TensorInfo | undefined {
  const backend = scope.backend;
  const gemm = heapGemm(backend);
  const module = heapExports(backend, "winograd", winogradModuleBytes);
  if (gemm === undefined || module === undefined || gemm.shape.nr !== 8) return undefined;
  const inputTransform = module["inputTransform"] as InputTransform;
  const dyTransform = module["dyTransform"] as DyTransform;
  const { mr } = gemm.shape;
  const { batch, h, w, c, k, oh, ow } = g;
  const cp = Math.ceil(c / 4) * 4;
  const np = Math.ceil(k / 8) * 8;
  const mTiles = Math.ceil(c / mr);
  const mRows = mTiles * mr;
  const th = Math.ceil(oh / 2);
  const tw = Math.ceil(ow / 2);
  const tiles = batch * th * tw;
  const block = Math.min(blockTiles, tiles);
  const xiBytes = np * block * 4;

  // The transforms read whole vectors (x) and pairs of them (dy): copies padded with zero channels where needed.
  const xPadded = cp !== c ? scope.track(backend.makeOutput([batch, h, w, cp], "float32")) : x;
  const dyPadded = np !== k ? scope.track(backend.makeOutput([batch, oh, ow, np], "float32")) : dy;
  const zeros = scope.track(backend.makeOutput([Math.max(cp, np)], "float32"));
  const inTable = scope.track(backend.makeOutput([tiles * 16], "int32"));
  const dyTable = scope.track(backend.makeOutput([tiles * 4], "int32"));
  // V's last rows are read up to a whole GEMM tile past cp: slack so that stays inside the buffer.
  const v = scope.track(backend.makeOutput([block * 16 * cp + mRows], "float32"));
  const d = scope.track(backend.makeOutput([16 * np * block], "float32"));
  const m = scope.track(backend.makeOutput([16 * mRows * np], "float32"));
  const out = scope.track(backend.makeOutput([3, 3, c, k], "float32"));
  // Views after the last allocation (allocating may grow the heap and detach older views).
  const xV = f32View(backend, x);
  const xPaddedV = f32View(backend, xPadded);
  const dyV = f32View(backend, dy);
  const dyPaddedV = f32View(backend, dyPadded);
  const zerosV = f32View(backend, zeros);
  const vV = f32View(backend, v);
  const dV = f32View(backend, d);
  const mV = f32View(backend, m);
  const outV = f32View(backend, out);
  const inTableV = backend.typedArrayFromHeap(inTable) as Int32Array;
  const dyTableV = backend.typedArrayFromHeap(dyTable) as Int32Array;

  zerosV.fill(0);
  mV.fill(0);
  // Panels' columns past k stay zero (dyTransform writes np channels from the padded dy).
  dV.fill(0);
  if (xPadded !== x) padChannels(xV, xPaddedV, c, cp);
  if (dyPadded !== dy) padChannels(dyV, dyPaddedV, k, np);

  const xAt = xPaddedV.byteOffset;
  const dyAt = dyPaddedV.byteOffset;
  const zeroAt = zerosV.byteOffset;
  tileTables(g, { at: xAt, channels: cp }, { at: dyAt, channels: np, pastEdgeAt: zeroAt }, zeroAt, inTableV, dyTableV);

  for (let t0 = 0; t0 < tiles; t0 += block) {
    const n = Math.min(block, tiles - t0);
    inputTransform(inTableV.byteOffset + t0 * 64, n, cp / 4, vV.byteOffset, block * cp * 4, cp * 4);
    dyTransform(dyTableV.byteOffset + t0 * 16, n, np / 8, dV.byteOffset, xiBytes, block * 32);
    for (let xi = 0; xi < 16; xi++) {
      gemm.gemmAT(
        vV.byteOffset + xi * block * cp * 4,
        cp * 4,
        dV.byteOffset + xi * xiBytes,
        mV.byteOffset + xi * mRows * np * 4,
        mTiles,
        np / 8,
        n,
        block,
        np * 4,
      );
    }
  }
  outputTransform(mV, mRows * np, np, c, k, outV);
  return out;
}

/**
 * dW[a][b] = (Gᵀ M G)[a][b] for every channel pair: M_ξ at m[ξ·xiStride + c·ld + k], dW
 * [3][3][c][k]; Gᵀ = [1 ½ ½ 0; 0 ½ −½ 0; 0 ½ ½ 1].
 */
function outputTransform(m: Float32Array, xiStride: number, ld: number, c: number, k: number, out: Float32Array): void {
  const n = c * k;
  const s = new Float64Array(12);
  for (let ci = 0; ci < c; ci++) {
    for (let ki = 0; ki < k; ki++) {
      const at = ci * ld + ki;
      // Columns: S[·][j] = Gᵀ M[·][j] (3×4).
      for (let j = 0; j < 4; j++) {
        const m0 = m[j * xiStride + at]!;
        const m1 = m[(4 + j) * xiStride + at]!;
        const m2 = m[(8 + j) * xiStride + at]!;
        const m3 = m[(12 + j) * xiStride + at]!;
        s[j] = m0 + 0.5 * (m1 + m2);
        s[4 + j] = 0.5 * (m1 - m2);
        s[8 + j] = 0.5 * (m1 + m2) + m3;
      }
      // Rows: dW[a][·] = S[a][·] G.
      const p = ci * k + ki;
      for (let a = 0; a < 3; a++) {
        const s0 = s[4 * a]!;
        const s1 = s[4 * a + 1]!;
        const s2 = s[4 * a + 2]!;
        const s3 = s[4 * a + 3]!;
        out[3 * a * n + p] = s0 + 0.5 * (s1 + s2);
        out[(3 * a + 1) * n + p] = 0.5 * (s1 - s2);
        out[(3 * a + 2) * n + p] = 0.5 * (s1 + s2) + s3;
      }
    }
  }
}
