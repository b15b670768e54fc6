/**
 * Conv2DBackpropFilter (dW of a 2-D convolution) for the wasm backend, which has none, written
 * as one forward convolution so XNNPACK does the multiply-adds:
 *
 *   dW[i, j, ci, co] = Σ_b Σ_y Σ_x  xpad[b, y·s + i, x·s + j, ci] · dy[b, y, x, co]
 *
 * Swap the batch and channel axes: the input becomes x' = x as [Ci, H, W, B] (Ci "images" with
 * B "channels") and the filter dy' = dy as [OH, OW, B, Co]; then dW' = conv2d(x', dy') with
 * stride 1 and *dilation* s gives [Ci, KH, KW, Co], transposed back to [KH, KW, Ci, Co]. The
 * forward padding is passed through; when the forward pass never reached the last rows (valid
 * padding with stride > 1) the conv yields extra rows, which are sliced off.
 */
import * as tf from "@tensorflow/tfjs";
import { assertDyShape, assertSupported, ConvGradAttrs, forwardConvInfo } from "./conv-geometry";
import { asWasmBackend } from "./internals";
import { withScope } from "./kernel-scope";

/** Attributes of tfjs's Conv2DBackpropFilter kernel. */
export interface Conv2DBackpropFilterAttrs extends ConvGradAttrs {
  filterShape: [number, number, number, number];
}

const NAME = "Conv2DBackpropFilter";

/** Kernel function: inputs {x, dy}, attrs {@link Conv2DBackpropFilterAttrs}. */
export function conv2DBackpropFilter(args: {
  inputs: Record<string, tf.TensorInfo>;
  backend: unknown;
  attrs?: Record<string, unknown>;
}): tf.TensorInfo {
  const backend = asWasmBackend(args.backend, NAME);
  const attrs = args.attrs as unknown as Conv2DBackpropFilterAttrs;
  const x = args.inputs["x"]!;
  const dy = args.inputs["dy"]!;
  assertSupported(NAME, attrs, { x, dy });
  const info = forwardConvInfo(x.shape, attrs.filterShape, attrs);
  assertDyShape(NAME, dy, info);
  const { strideHeight: sh, strideWidth: sw, filterHeight: kh, filterWidth: kw } = info;
  const { inHeight, inWidth, outHeight, outWidth, inChannels, outChannels } = info;

  return withScope(backend, (scope) => {
    const xT = scope.run("Transpose", { x }, { perm: [3, 1, 2, 0] });
    const dyT = scope.run("Transpose", { x: dy }, { perm: [1, 2, 0, 3] });
    const { top, left } = info.padInfo;
    // Bottom/right padding that makes the result exactly KH×KW; negative when the forward
    // pass skipped trailing rows — then compute the few extra rows and slice them off.
    const bottom = kh + (outHeight - 1) * sh - inHeight - top;
    const right = kw + (outWidth - 1) * sw - inWidth - left;
    let grad = scope.run(
      "Conv2D",
      { x: xT, filter: dyT },
      {
        strides: [1, 1],
        dilations: [sh, sw],
        pad: [
          [0, 0],
          [top, Math.max(0, bottom)],
          [left, Math.max(0, right)],
          [0, 0],
        ],
        dataFormat: "NHWC",
      },
    );
    if (grad.shape[1] !== kh || grad.shape[2] !== kw) {
      grad = scope.run("Slice", { x: grad }, { begin: [0, 0, 0, 0], size: [inChannels, kh, kw, outChannels] });
    }
    return scope.run("Transpose", { x: grad }, { perm: [1, 2, 0, 3] });
  });
}
