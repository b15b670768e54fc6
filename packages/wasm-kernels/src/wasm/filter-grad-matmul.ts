/**
 * dW as one plain matmul over an im2col matrix (im2col.ts), in either orientation:
 *
 * - `filterGradViaMatmul`:  dW  = colsT · dy, colsT [KH·KW·Ci, B·OH·OW], dy seen as [B·OH·OW, Co]
 *   (a free reshape of NHWC);
 * - `filterGradViaMatmulT`: dWᵀ = dyᵀ · cols, cols [B·OH·OW, KH·KW·Ci], then transposed (small).
 *
 * Neither matmul has a transposed operand, so both reach XNNPACK's fully-connected path. That
 * path packs its second operand into its own layout on every call (a new tensor each step),
 * which is where the two differ: the first packs dy, the second packs cols.
 */
import type * as tf from "@tensorflow/tfjs-core";
import { im2colGeometry, im2colRows, im2colTransposed } from "./im2col";
import type { KernelScope } from "./kernel-scope";

/** Computes dW [KH, KW, Ci, Co] = colsT · dy inside `scope` (stride 1, output size = input size). */
export function filterGradViaMatmul(
  scope: KernelScope,
  x: tf.TensorInfo,
  dy: tf.TensorInfo,
  info: tf.backend_util.Conv2DInfo,
): tf.TensorInfo {
  const { batchSize, inHeight, inWidth, inChannels, outChannels, filterHeight: kh, filterWidth: kw } = info;
  // colsT is built from x channels-first; with one channel NHWC already is.
  const xT =
    inChannels === 1
      ? scope.run("Reshape", { x }, { shape: [1, batchSize, inHeight, inWidth] })
      : scope.run("Transpose", { x }, { perm: [3, 0, 1, 2] });
  const colsT = scope.track(im2colTransposed(scope.backend, xT, im2colGeometry(info)));
  const dy2 = scope.run("Reshape", { x: dy }, { shape: [colsT.shape[1]!, outChannels] });
  const grad = scope.run("BatchMatMul", { a: colsT, b: dy2 }, { transposeA: false, transposeB: false });
  return scope.run("Reshape", { x: grad }, { shape: [kh, kw, inChannels, outChannels] });
}

/** Computes dW [KH, KW, Ci, Co] via dWᵀ = dyᵀ · cols inside `scope` (any stride and padding). */
export function filterGradViaMatmulT(
  scope: KernelScope,
  x: tf.TensorInfo,
  dy: tf.TensorInfo,
  info: tf.backend_util.Conv2DInfo,
): tf.TensorInfo {
  const { inChannels, outChannels, filterHeight: kh, filterWidth: kw } = info;
  const cols = scope.track(im2colRows(scope.backend, x, im2colGeometry(info)));
  const dy2 = scope.run("Reshape", { x: dy }, { shape: [cols.shape[0]!, outChannels] });
  const dyT = scope.run("Transpose", { x: dy2 }, { perm: [1, 0] });
  const gradT = scope.run("BatchMatMul", { a: dyT, b: cols }, { transposeA: false, transposeB: false });
  const grad = scope.run("Transpose", { x: gradT }, { perm: [1, 0] });
  return scope.run("Reshape", { x: grad }, { shape: [kh, kw, inChannels, outChannels] });
}
