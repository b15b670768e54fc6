/**
 * dW as one forward convolution with the batch and channel axes swapped: the input becomes x
 * as [Ci, H, W, B] (Ci "images" with B "channels") and the filter dy as [OH, OW, B, Co]; then
 * conv2d with stride 1 and *dilation* s gives [Ci, KH, KW, Co], transposed to [KH, KW, Ci, Co].
 * The forward padding is passed through; when the forward pass never reached the last rows
 * (valid padding with stride > 1) the conv yields extra rows, which are sliced off.
 */
import type * as tf from "@tensorflow/tfjs-core";
import type { KernelScope } from "./kernel-scope";

/** Computes dW [KH, KW, Ci, Co] inside `scope` (the result is tracked by it). */
export function filterGradViaConv(
  scope: KernelScope,
  x: tf.TensorInfo,
  dy: tf.TensorInfo,
  info: tf.backend_util.Conv2DInfo,
): tf.TensorInfo {
  const { strideHeight: sh, strideWidth: sw, filterHeight: kh, filterWidth: kw, padInfo } = info;
  const xT = scope.run("Transpose", { x }, { perm: [3, 1, 2, 0] });
  const dyT = scope.run("Transpose", { x: dy }, { perm: [1, 2, 0, 3] });
  // Bottom/right padding that makes the result exactly KH×KW rows/columns; negative when the
  // forward pass skipped trailing input rows — then compute the extra rows and slice them off.
  const bottom = kh + (info.outHeight - 1) * sh - info.inHeight - padInfo.top;
  const right = kw + (info.outWidth - 1) * sw - info.inWidth - padInfo.left;
  let grad = scope.run(
    "Conv2D",
    { x: xT, filter: dyT },
    {
      strides: [1, 1],
      dilations: [sh, sw],
      pad: [
        [0, 0],
        [padInfo.top, Math.max(0, bottom)],
        [padInfo.left, Math.max(0, right)],
        [0, 0],
      ],
      dataFormat: "NHWC",
    },
  );
  if (grad.shape[1] !== kh || grad.shape[2] !== kw) {
    grad = scope.run("Slice", { x: grad }, { begin: [0, 0, 0, 0], size: [info.inChannels, kh, kw, info.outChannels] });
  }
  return scope.run("Transpose", { x: grad }, { perm: [1, 2, 0, 3] });
}
