/**
 * Sum over leading axes for the wasm backend — the bias gradient of every conv/dense layer
 * (dy [B, H, W, C] summed over B, H, W).
 *
 * Why: the stock wasm Sum first transposes the reduced axes to the end (a full, slow copy of
 * dy), then reduces: 13 ms for dy of the reference CNN's first layer. Summing rows of a
 * row-major [N, C] view needs no transpose; here it is a JavaScript loop on the wasm heap with
 * float64 accumulators (as the cpu backend sums). Other reductions go to the stock kernel.
 */
import * as tf from "@tensorflow/tfjs-core";
import { asWasmBackend, f32View } from "./internals";
import type { RawKernelFunc } from "./kernel-scope";

/** Wraps the stock Sum kernel: reductions over a prefix of the axes of a float32 tensor are ours. */
export function leadingAxesSum(stock: RawKernelFunc): RawKernelFunc {
  return (args) => {
    const x = args.inputs["x"]!;
    const attrs = (args.attrs ?? {}) as { axis: number | number[]; keepDims?: boolean };
    const axes = tf.util.parseAxisParam(attrs.axis, x.shape).sort((a, b) => a - b);
    const k = axes.length;
    const isPrefix = k > 0 && k < x.shape.length && axes.every((a, i) => a === i);
    if (x.dtype !== "float32" || !isPrefix) return stock(args);

    const backend = asWasmBackend(args.backend, "Sum");
    const rest = x.shape.slice(k);
    const outShape = attrs.keepDims ? [...axes.map(() => 1), ...rest] : rest;
    const rows = x.shape.slice(0, k).reduce((a, b) => a * b, 1);
    const cols = rest.reduce((a, b) => a * b, 1);
    const out = backend.makeOutput(outShape, "float32");
    const src = f32View(backend, x);
    const dst = f32View(backend, out);
    const acc = new Float64Array(cols);
    let r = 0;
    // Four rows per pass: a quarter of the accumulator loads and stores.
    for (; r + 4 <= rows; r += 4) {
      const b0 = r * cols;
      const b1 = b0 + cols;
      const b2 = b1 + cols;
      const b3 = b2 + cols;
      for (let c = 0; c < cols; c++) acc[c] = acc[c]! + (src[b0 + c]! + src[b1 + c]! + (src[b2 + c]! + src[b3 + c]!));
    }
    for (; r < rows; r++) {
      const base = r * cols;
      for (let c = 0; c < cols; c++) acc[c] = acc[c]! + src[base + c]!;
    }
    dst.set(acc);
    return out;
  };
}
