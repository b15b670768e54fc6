/**
 * Convolution and max pooling for teaching: `tf.conv2d` / `tf.maxPool` with named, typed
 * options (`{ stride, padding }`), inputs given as tensors or as plain matrices, and shape
 * checks that say what is wrong in the learner's terms before tfjs fails deep in a kernel.
 */
import * as tf from "@tensorflow/tfjs";
import { toFilter4D, toTensor4D } from "../tensor/convert";
import { type Padding, parsePadding } from "./padding";
import { checkPositiveInt } from "../check";
import { convOutputSize } from "./output-size";

/** An image batch `[N, H, W, C]`, or one grayscale image as a matrix (becomes `[1, H, W, 1]`). */
export type ImageInput = tf.Tensor4D | readonly (readonly number[])[];

/** Filters `[FH, FW, Cin, Cout]`, or one FH×FW kernel as a matrix (becomes `[FH, FW, 1, 1]`). */
export type FilterInput = tf.Tensor4D | readonly (readonly number[])[];

/** Options for {@link conv2dToy}. */
export interface ConvToyOptions {
  /** Step of the filter in both directions (default 1). */
  readonly stride?: number;
  /** `"valid"`: only where the filter fits; `"same"`: zero-pad so the output is ⌈N/stride⌉. */
  readonly padding: Padding;
}

/** Options for {@link maxPoolToy}. */
export interface PoolToyOptions {
  /** Window size in both directions (default 2). */
  readonly size?: number;
  /** Step of the window (default: the window size, as in Keras' MaxPooling2D). */
  readonly stride?: number;
  /** `"valid"` or `"same"`; SAME pooling ignores the padded positions (they never win the max). */
  readonly padding: Padding;
}

function shapeText(t: tf.Tensor): string {
  return `[${t.shape.join(", ")}]`;
}

function checkRank4(t: unknown, what: string, where: string, layout: string): asserts t is tf.Tensor4D {
  if (!(t instanceof tf.Tensor)) throw new Error(`${where}: ${what} must be a tensor or a number[][]`);
  if (t.rank !== 4) throw new Error(`${where}: ${what} must be rank 4 (${layout}), got ${shapeText(t)}`);
}

/** Runs `f` on tensors made from matrices (disposing those) or on the caller's own tensors. */
function withImage<R>(image: ImageInput, where: string, f: (x: tf.Tensor4D) => R): R {
  if (image instanceof tf.Tensor) {
    checkRank4(image, "the image", where, "N×H×W×C");
    return f(image);
  }
  const x = toTensor4D(image);
  try {
    return f(x);
  } finally {
    x.dispose();
  }
}

/**
 * Convolves `image` with `filters` (cross-correlation, as every deep-learning library does).
 * Returns a new `[N, H', W', Cout]` tensor owned by the caller.
 *
 * @example conv2dToy([[1,2,3],[4,5,6],[7,8,9]], [[1,1],[1,1]], { padding: "valid" }) // [[12,16],[24,28]]
 * @throws on a wrong rank, mismatched channels, a bad stride/padding, or a VALID filter larger than the image.
 */
export function conv2dToy(image: ImageInput, filters: FilterInput, opts: ConvToyOptions): tf.Tensor4D {
  const where = "conv2dToy";
  if (opts === null || typeof opts !== "object") throw new Error(`${where}: pass options, e.g. { padding: "same" }`);
  const padding = parsePadding(opts.padding, where);
  const stride = checkPositiveInt(opts.stride ?? 1, "stride", where);
  return withImage(image, where, (x) => {
    const ownFilters = !(filters instanceof tf.Tensor);
    const w = filters instanceof tf.Tensor ? filters : toFilter4D(filters);
    try {
      checkRank4(w, "filters", where, "FH×FW×Cin×Cout");
      const [, h, wd, c] = x.shape;
      const [fh, fw, cin] = w.shape;
      if (cin !== c) {
        throw new Error(
          `${where}: the image has ${c} channel(s) but the filters expect ${cin} (filters ${shapeText(w)} are FH×FW×Cin×Cout)`,
        );
      }
      convOutputSize(h, fh, stride, padding); // throws a clear error when a VALID filter is too large
      convOutputSize(wd, fw, stride, padding);
      return tf.conv2d(x, w, stride, padding);
    } finally {
      if (ownFilters) w.dispose();
    }
  });
}

/**
 * Max pooling: each output value is the largest input value in its size×size window.
 * Returns a new `[N, H', W', C]` tensor owned by the caller (channels are pooled separately).
 *
 * @example maxPoolToy([[1,2,3],[4,5,6],[7,8,9]], { stride: 1, padding: "same" }) // [[5,6,6],[8,9,9],[8,9,9]]
 */
export function maxPoolToy(image: ImageInput, opts: PoolToyOptions): tf.Tensor4D {
  const where = "maxPoolToy";
  if (opts === null || typeof opts !== "object") throw new Error(`${where}: pass options, e.g. { padding: "valid" }`);
  const padding = parsePadding(opts.padding, where);
  const size = checkPositiveInt(opts.size ?? 2, "size", where);
  const stride = checkPositiveInt(opts.stride ?? size, "stride", where);
  return withImage(image, where, (x) => {
    convOutputSize(x.shape[1], size, stride, padding);
    convOutputSize(x.shape[2], size, stride, padding);
    return tf.maxPool(x, size, stride, padding);
  });
}
