/**
 * Conv2DBackpropInput (dx of a 2-D convolution) for the wasm backend, expressed as one forward
 * convolution so that XNNPACK's fast, SIMD convolution does the work:
 *
 *   dx = conv2d(pad(dilate(dy)), W'),   W'[i, j, co, ci] = W[KH-1-i, KW-1-j, ci, co]
 *
 * i.e. the filter flipped spatially with its in/out channels swapped. For stride s > 1, dy is
 * first "dilated" (s-1 zeros between neighbours), which is exactly the transposed convolution.
 * The padding (top' = KH-1-top, bottom' chosen so the result is H rows) goes to XNNPACK as
 * explicit padding, so stride 1 needs no extra copy of dy. Where the project's GEMM runs
 * (gemm-matmul.ts's rule) and the channels are many enough, dx is instead an implicit GEMM on
 * the heap (conv-igemm.ts), any stride and padding — for 3×3 stride-1 ones with enough channels,
 * by Winograd's F(2×2, 3×3) with the flipped, swapped filter (conv-winograd.ts).
 */
import type * as tf from "@tensorflow/tfjs-core";
import { assertDyShape, assertSupported, type ConvGradAttrs, forwardConvInfo } from "./conv-geometry";
import { igemmPays, implicitConv, inputGradGeometry, swapFilterChannels } from "./conv-igemm";
import { winogradConv, winogradInputGrad, winogradPays } from "./conv-winograd";
import { ourGemmRuns } from "./gemm-matmul";
import { asWasmBackend, f32View } from "./internals";
import { type KernelScope, withScope } from "./kernel-scope";

/** Attributes of tfjs's Conv2DBackpropInput kernel. */
export interface Conv2DBackpropInputAttrs extends ConvGradAttrs {
  inputShape: [number, number, number, number];
}

const NAME = "Conv2DBackpropInput";

/** Kernel function: inputs {dy, filter}, attrs {@link Conv2DBackpropInputAttrs}. */
export function conv2DBackpropInput(args: {
  inputs: Record<string, tf.TensorInfo>;
  backend: unknown;
  attrs?: Record<string, unknown>;
}): tf.TensorInfo {
  const backend = asWasmBackend(args.backend, NAME);
  const attrs = args.attrs as unknown as Conv2DBackpropInputAttrs;
  const dy = args.inputs["dy"]!;
  const filter = args.inputs["filter"]!;
  assertSupported(NAME, attrs, { dy, filter });
  const info = forwardConvInfo(attrs.inputShape, filter.shape, attrs);
  assertDyShape(NAME, dy, info);
  const { strideHeight: sh, strideWidth: sw, filterHeight: kh, filterWidth: kw, inHeight, inWidth } = info;

  return withScope(backend, (scope) => {
    // Where the project's GEMM runs (gemm-matmul.ts's rule) and pays: the implicit GEMM on the heap.
    const geometry = inputGradGeometry(info);
    const gemmPays = ourGemmRuns() && igemmPays(geometry);
    const wino = winogradInputGrad(info);
    const winograd =
      gemmPays && wino !== undefined && winogradPays(wino) ? winogradConv(scope, dy, flipSwap(scope, filter), wino) : undefined;
    if (winograd !== undefined) return winograd;
    const ours = gemmPays ? implicitConv(scope, dy, swapFilterChannels(scope, filter), geometry) : undefined;
    if (ours !== undefined) return ours;
    const swapped = flipSwap(scope, filter);

    let src = sh > 1 || sw > 1 ? dilate(scope, dy, sh, sw) : dy;
    let top = kh - 1 - info.padInfo.top;
    let left = kw - 1 - info.padInfo.left;
    let bottom = inHeight + kh - 1 - top - src.shape[1]!;
    let right = inWidth + kw - 1 - left - src.shape[2]!;
    // A negative pad means rows of (dilated) dy that reach no input pixel: crop them instead.
    if (top < 0 || left < 0 || bottom < 0 || right < 0) {
      const [b, h, w, c] = src.shape as [number, number, number, number];
      const cropTop = Math.max(0, -top);
      const cropLeft = Math.max(0, -left);
      const size = [b, h - cropTop - Math.max(0, -bottom), w - cropLeft - Math.max(0, -right), c];
      src = scope.run("Slice", { x: src }, { begin: [0, cropTop, cropLeft, 0], size });
      [top, left, bottom, right] = [top, left, bottom, right].map((p) => Math.max(0, p)) as [number, number, number, number];
    }
    return scope.run(
      "Conv2D",
      { x: src, filter: swapped },
      {
        strides: [1, 1],
        dilations: [1, 1],
        pad: [
          [0, 0],
          [top, bottom],
          [left, right],
          [0, 0],
        ],
        dataFormat: "NHWC",
      },
    );
  });
}

/**
 * W'[i, j, co, ci] = W[KH-1-i, KW-1-j, ci, co] in one pass on the heap: the stock Reverse took
 * 2.3–2.6 ms for the reference CNN's [3, 3, 64, 128] filter (batch 50, one thread, 2026-12-02),
 * more than a tenth of this kernel.
 */
function flipSwap(scope: KernelScope, filter: tf.TensorInfo): tf.TensorInfo {
  const [kh, kw, ci, co] = filter.shape as [number, number, number, number];
  const out = scope.track(scope.backend.makeOutput([kh, kw, co, ci], "float32"));
  const dst = f32View(scope.backend, out);
  const src = f32View(scope.backend, filter);
  let p = 0;
  for (let i = 0; i < kh; i++) {
    for (let j = 0; j < kw; j++) {
      const tap = ((kh - 1 - i) * kw + (kw - 1 - j)) * ci * co;
      for (let o = 0; o < co; o++) {
        for (let c = 0; c < ci; c++) dst[p++] = src[tap + c * co + o]!;
      }
    }
  }
  return out;
}

/**
 * dy with (s-1) zero rows/columns between its rows/columns: [B, (OH-1)·sh+1, (OW-1)·sw+1, C].
 * Written straight into the wasm heap — tfjs has no kernel for it and the loop is trivial.
 */
function dilate(scope: KernelScope, dy: tf.TensorInfo, sh: number, sw: number): tf.TensorInfo {
  const [b, h, w, c] = dy.shape as [number, number, number, number];
  const oh = (h - 1) * sh + 1;
  const ow = (w - 1) * sw + 1;
  const out = scope.track(scope.backend.makeOutput([b, oh, ow, c], "float32"));
  const dst = f32View(scope.backend, out);
  const src = f32View(scope.backend, dy);
  dst.fill(0);
  for (let n = 0; n < b; n++) {
    for (let r = 0; r < h; r++) {
      const srcRow = (n * h + r) * w * c;
      const dstRow = (n * oh + r * sh) * ow * c;
      for (let col = 0; col < w; col++) {
        const s0 = srcRow + col * c;
        const d0 = dstRow + col * sw * c;
        for (let k = 0; k < c; k++) dst[d0 + k] = src[s0 + k]!;
      }
    }
  }
  return out;
}
