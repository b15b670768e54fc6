/**
 * dW as one matmul: dW = colsT · dy, with colsT = im2col(x)ᵀ ([KH·KW·Ci, B·OH·OW], built on the
 * heap by im2col.ts) and dy seen as [B·OH·OW, Co] (a free reshape of NHWC). The matmul has no
 * transposed operand, so it reaches XNNPACK's fully-connected path.
 */
import * as tf from "@tensorflow/tfjs";
import { im2colTransposed } from "./im2col";
import { KernelScope } from "./kernel-scope";

/** Computes dW [KH, KW, Ci, Co] inside `scope` (the result is tracked by it). */
export function filterGradViaMatmul(
  scope: KernelScope,
  x: tf.TensorInfo,
  dy: tf.TensorInfo,
  info: tf.backend_util.Conv2DInfo,
): tf.TensorInfo {
  const { batchSize, inHeight, inWidth, inChannels, outChannels, filterHeight: kh, filterWidth: kw } = info;
  // im2col reads x channels-first; with one channel NHWC already is.
  const xT =
    inChannels === 1
      ? scope.run("Reshape", { x }, { shape: [1, batchSize, inHeight, inWidth] })
      : scope.run("Transpose", { x }, { perm: [3, 0, 1, 2] });
  const colsT = scope.track(
    im2colTransposed(scope.backend, xT, {
      kh,
      kw,
      sh: info.strideHeight,
      sw: info.strideWidth,
      top: info.padInfo.top,
      left: info.padInfo.left,
      outHeight: info.outHeight,
      outWidth: info.outWidth,
    }),
  );
  const dy2 = scope.run("Reshape", { x: dy }, { shape: [colsT.shape[1]!, outChannels] });
  const grad = scope.run("BatchMatMul", { a: colsT, b: dy2 }, { transposeA: false, transposeB: false });
  return scope.run("Reshape", { x: grad }, { shape: [kh, kw, inChannels, outChannels] });
}
