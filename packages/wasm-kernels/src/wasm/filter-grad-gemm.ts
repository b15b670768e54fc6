/**
 * dW on the project's GEMM on the tfjs heap (heap-gemm.ts), for stride 1 with output size =
 * input size (the reference CNN's 'same' convolutions):
 *
 *   dW [KH·KW·Ci, Co] = Σ over blocks of images  colsTᵇ · dyᵇ
 *
 * colsTᵇ is the im2col matrix of one block of images, built by plane shifts (im2col.ts) into a
 * scratch buffer that is reused block after block, so no copy larger than a block is made; dyᵇ
 * is the block's rows of dy (NHWC seen as [pixels, Co]) packed into the GEMM's panels. C
 * accumulates in a buffer padded to whole tiles and its valid part is the result.
 */
import type * as tf from "@tensorflow/tfjs-core";
import { heapGemm, packPanels } from "./heap-gemm";
import { assertPlaneShifts, im2colGeometry, planeShifts } from "./im2col";
import { f32View } from "./internals";
import type { KernelScope } from "./kernel-scope";

/**
 * Floats of colsT per block of images: the block is as many whole images as fit (at least one).
 * The GEMM reads each block's A rows once per panel sweep, so a block near the L2 cache helps.
 */
export const BLOCK_FLOATS = 1 << 18;

/** Whether this path applies to the convolution: stride 1 and output size = input size. */
export function gemmFilterGradApplies(info: tf.backend_util.Conv2DInfo): boolean {
  return info.strideHeight === 1 && info.strideWidth === 1 && info.outHeight === info.inHeight && info.outWidth === info.inWidth;
}

/**
 * Computes dW [KH, KW, Ci, Co] inside `scope`, or returns undefined (having made nothing) where
 * the GEMM cannot run on this heap. `blockFloats` overrides {@link BLOCK_FLOATS} (tests).
 */
export function filterGradViaGemm(
  scope: KernelScope,
  x: tf.TensorInfo,
  dy: tf.TensorInfo,
  info: tf.backend_util.Conv2DInfo,
  blockFloats = BLOCK_FLOATS,
): tf.TensorInfo | undefined {
  const backend = scope.backend;
  const gemm = heapGemm(backend);
  if (gemm === undefined) return undefined;
  const { batchSize: b, inHeight: h, inWidth: w, inChannels: ci, outChannels: co, filterHeight: kh, filterWidth: kw } = info;
  const g = im2colGeometry(info);
  assertPlaneShifts(g, h, w);
  const { mr, nr } = gemm.shape;
  const plane = h * w;
  const m = kh * kw * ci;
  const mTiles = Math.ceil(m / mr);
  const nTiles = Math.ceil(co / nr);
  const mp = mTiles * mr;
  const np = nTiles * nr;
  const images = Math.max(1, Math.min(b, Math.floor(blockFloats / (m * plane))));
  const kMax = images * plane;

  // colsT is built from x channels-first; with one channel NHWC already is.
  const xT = ci === 1 ? scope.run("Reshape", { x }, { shape: [1, b, h, w] }) : scope.run("Transpose", { x }, { perm: [3, 0, 1, 2] });
  // Scratch: colsT of a block (rows to whole tiles: the rows past m are read, their results
  // dropped), dy's block in panels, C padded; then the result. Views after the last allocation.
  const cols = scope.track(backend.makeOutput([mp, kMax], "float32"));
  const packed = scope.track(backend.makeOutput([np, kMax], "float32"));
  const acc = scope.track(backend.makeOutput([mp, np], "float32"));
  const out = scope.track(backend.makeOutput([kh, kw, ci, co], "float32"));
  const colsV = f32View(backend, cols);
  const packedV = f32View(backend, packed);
  const accV = f32View(backend, acc);
  const dyV = f32View(backend, dy);
  const xTV = f32View(backend, xT);
  accV.fill(0);
  const heap = new Float32Array(accV.buffer);
  for (let s0 = 0; s0 < b; s0 += images) {
    const s1 = Math.min(b, s0 + images);
    const k = (s1 - s0) * plane;
    planeShifts(colsV, xTV, ci, b, h, w, g, s0, s1);
    packPanels(gemm, heap, (dyV.byteOffset >> 2) + s0 * plane * co, packedV.byteOffset >> 2, co, k);
    gemm.multiplyAdd(colsV.byteOffset, k * 4, packedV.byteOffset, accV.byteOffset, np * 4, mTiles, nTiles, k, k);
  }
  const outV = f32View(backend, out);
  for (let row = 0; row < m; row++) outV.set(accV.subarray(row * np, row * np + co), row * co);
  return out;
}
