/**
 * Conv2DBackpropFilter (dW of a 2-D convolution) for the wasm backend, which has none:
 *
 *   dW[i, j, ci, co] = Σ_b Σ_y Σ_x  xpad[b, y·s + i, x·s + j, ci] · dy[b, y, x, co]
 *
 * XNNPACK does the multiply-adds, as a matmul over an im2col matrix (filter-grad-matmul.ts)
 * or as a forward convolution with batch and channels swapped (filter-grad-conv.ts). Both are
 * exact; they differ in the data they move, so {@link filterGradStrategy} picks per shape.
 */
import * as tf from "@tensorflow/tfjs";
import { assertDyShape, assertSupported, ConvGradAttrs, forwardConvInfo } from "./conv-geometry";
import { filterGradViaConv } from "./filter-grad-conv";
import { filterGradViaMatmul } from "./filter-grad-matmul";
import { asWasmBackend } from "./internals";
import { withScope } from "./kernel-scope";

/** Attributes of tfjs's Conv2DBackpropFilter kernel. */
export interface Conv2DBackpropFilterAttrs extends ConvGradAttrs {
  filterShape: [number, number, number, number];
}

const NAME = "Conv2DBackpropFilter";

/**
 * The matmul form builds a [KH·KW·Ci, B·OH·OW] matrix; worth it when that is cheap — stride 1
 * with output size = input size (whole-plane copies) — or no bigger than dy (few input
 * channels, e.g. a first layer). Otherwise the convolution form, which copies only x and dy.
 * Measured on the reference CNN's three layers (batch 100, 1 thread): ~100 ms with the
 * convolution form alone, ~85 ms with this choice.
 */
export function filterGradStrategy(info: tf.backend_util.Conv2DInfo): "matmul" | "conv" {
  const samePlanes =
    info.strideHeight === 1 &&
    info.strideWidth === 1 &&
    info.outHeight === info.inHeight &&
    info.outWidth === info.inWidth;
  const smallColumns = info.filterHeight * info.filterWidth * info.inChannels <= info.outChannels;
  return samePlanes || smallColumns ? "matmul" : "conv";
}

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
  const compute = filterGradStrategy(info) === "matmul" ? filterGradViaMatmul : filterGradViaConv;
  return withScope(backend, (scope) => compute(scope, x, dy, info));
}
