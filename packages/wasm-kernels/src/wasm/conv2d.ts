/**
 * Conv2D (the forward convolution) for the wasm backend: where the project's GEMM runs
 * (gemm-matmul.ts's rule: relaxed SIMD and one wasm thread, or TSDL_GEMM=ours), NHWC float32
 * convolutions with dilation 1 and at least 8 channels in and out run as an implicit GEMM on the
 * heap (conv-igemm.ts), and 3×3 stride-1 ones with enough channels by Winograd's F(2×2, 3×3)
 * (conv-winograd.ts); everything else goes to the stock kernel (XNNPACK) it wraps.
 */
import * as tf from "@tensorflow/tfjs-core";
import { forwardGeometry, igemmPays, implicitConv } from "./conv-igemm";
import { winogradConv, winogradForward, winogradPays } from "./conv-winograd";
import { ourGemmRuns } from "./gemm-matmul";
import { asWasmBackend } from "./internals";
import { type RawKernelFunc, withScope } from "./kernel-scope";

/** Attributes of tfjs's Conv2D kernel. */
interface Conv2DAttrs {
  strides: [number, number] | number;
  pad: "valid" | "same" | number | [[number, number], [number, number], [number, number], [number, number]];
  dataFormat?: "NHWC" | "NCHW";
  dilations?: [number, number] | number;
  dimRoundingMode?: "floor" | "round" | "ceil";
}

/** Wraps the stock Conv2D: ours where it applies, else `stock`. */
export function igemmConv2D(stock: RawKernelFunc): RawKernelFunc {
  return (args) => {
    if (!ourGemmRuns()) return stock(args);
    const x = args.inputs["x"];
    const filter = args.inputs["filter"];
    const attrs = (args.attrs ?? {}) as unknown as Conv2DAttrs;
    const d = attrs.dilations ?? 1;
    const dilated = typeof d === "number" ? d !== 1 : d[0] !== 1 || d[1] !== 1;
    if (x === undefined || filter === undefined || dilated || (attrs.dataFormat ?? "NHWC") !== "NHWC") return stock(args);
    if (x.dtype !== "float32" || filter.dtype !== "float32" || x.shape.length !== 4 || filter.shape.length !== 4) return stock(args);
    if (x.shape[3] !== filter.shape[2]) return stock(args); // let the stock kernel word the error
    const info = tf.backend_util.computeConv2DInfo(
      x.shape as [number, number, number, number],
      filter.shape as [number, number, number, number],
      attrs.strides,
      1,
      attrs.pad,
      attrs.dimRoundingMode,
    );
    const geometry = forwardGeometry(info);
    if (!igemmPays(geometry)) return stock(args);
    const wino = winogradForward(info);
    const backend = asWasmBackend(args.backend, "Conv2D");
    return withScope(
      backend,
      (scope) =>
        (wino !== undefined && winogradPays(wino) ? winogradConv(scope, x, filter, wino) : undefined) ??
        implicitConv(scope, x, filter, geometry) ??
        scope.call(stock, args.inputs, args.attrs),
    );
  };
}
