/**
 * How big is a convolution's (or pooling's) output? The arithmetic of lesson 1, along one axis.
 *
 * VALID (no padding): the filter slides only where it fits entirely, so out = ⌊(N − F)/S⌋ + 1;
 * when (N − F) is not a multiple of S the last (N − F) mod S rows/columns are never visited.
 * SAME: out = ⌈N/S⌉, and TensorFlow pads just enough zeros to make that happen — the total is
 * max((out − 1)·S + F − N, 0), split with the odd one at the bottom/right.
 */
import * as tf from "@tensorflow/tfjs";
import { type Padding, parsePadding } from "./padding";
import { checkPositiveInt } from "../check";

/** The size of one output axis and how it came about (see {@link convOutputSize}). */
export interface OutputSize {
  readonly n: number;
  readonly f: number;
  readonly stride: number;
  readonly padding: Padding;
  /** Output length along this axis. */
  readonly size: number;
  /** VALID: true when (N − F) is a multiple of the stride. SAME: always true (padding makes it fit). */
  readonly fits: boolean;
  /** VALID: how many trailing input rows/columns no filter position covers ((N − F) mod S). SAME: 0. */
  readonly dropped: number;
  /** SAME: zeros added before (top/left). VALID: 0. */
  readonly padBefore: number;
  /** SAME: zeros added after (bottom/right) — TensorFlow puts the odd one here. VALID: 0. */
  readonly padAfter: number;
}

/**
 * Output length along one axis for input length `n`, filter length `f`, a stride and a padding.
 *
 * @example convOutputSize(7, 3, 3, "valid") // size 2, fits false, dropped 1
 * @example convOutputSize(3, 2, 1, "same")  // size 3, padBefore 0, padAfter 1
 * @throws for non-positive or non-integer sizes, and for VALID with a filter larger than the input.
 */
export function convOutputSize(n: number, f: number, stride: number, padding: Padding): OutputSize {
  const where = "convOutputSize";
  checkPositiveInt(n, "n (input size)", where);
  checkPositiveInt(f, "f (filter size)", where);
  checkPositiveInt(stride, "stride", where);
  parsePadding(padding, where);
  if (padding === "valid") {
    if (f > n) throw new Error(`${where}: a ${f}-wide filter does not fit in a ${n}-wide input with VALID padding`);
    const dropped = (n - f) % stride;
    return { n, f, stride, padding, size: Math.floor((n - f) / stride) + 1, fits: dropped === 0, dropped, padBefore: 0, padAfter: 0 };
  }
  const size = Math.ceil(n / stride);
  const total = Math.max((size - 1) * stride + f - n, 0);
  const padBefore = Math.floor(total / 2);
  return { n, f, stride, padding, size, fits: true, dropped: 0, padBefore, padAfter: total - padBefore };
}

/** One row of {@link outputSizeTable}: the rule's prediction next to the measured output size. */
export interface OutputSizeRow {
  readonly padding: Padding;
  readonly stride: number;
  /** The rule written out, e.g. "(7 − 3)/3 + 1 = 2.33 → 2" or "ceil(7/3) = 3". */
  readonly rule: string;
  readonly predicted: number;
  /** Output width of an actual `tf.conv2d` on an N×N input with an F×F filter. */
  readonly measured: number;
  /** "yes", or how many trailing rows/columns a VALID stride that does not fit leaves unused. */
  readonly fits: string;
  /** Zeros added (before + after); "–" for VALID. */
  readonly pad: string;
}

/**
 * Runs a real convolution (zeros, N×N input, F×F filter) and returns its output width — the
 * check that the arithmetic above is what tfjs does. Leaves no tensor behind.
 */
export function measureOutputSize(n: number, f: number, stride: number, padding: Padding): number {
  // Same input checks (and messages) as the rule itself: bad sizes, unknown padding, VALID misfit.
  convOutputSize(n, f, stride, padding);
  return tf.tidy(() => tf.conv2d(tf.zeros([1, n, n, 1]) as tf.Tensor4D, tf.zeros([f, f, 1, 1]) as tf.Tensor4D, stride, padding).shape[2]);
}

function round2(x: number): string {
  return Number.isInteger(x) ? String(x) : x.toFixed(2);
}

/**
 * The lesson-1 table: for each stride and both paddings, the rule, its prediction, the output
 * size tfjs actually produces, and whether a VALID stride fits evenly. Print it with
 * `console.table(outputSizeTable(7, 3, [1, 2, 3]))`.
 */
export function outputSizeTable(n: number, f: number, strides: readonly number[]): OutputSizeRow[] {
  if (!Array.isArray(strides) || strides.length === 0) throw new Error("outputSizeTable: pass at least one stride");
  const rows: OutputSizeRow[] = [];
  for (const padding of ["valid", "same"] as const) {
    for (const stride of strides) {
      const o = convOutputSize(n, f, stride, padding);
      const rule =
        padding === "valid"
          ? `(${n} − ${f})/${stride} + 1 = ${round2((n - f) / stride + 1)}` + (o.fits ? "" : ` → ${o.size}`)
          : `ceil(${n}/${stride}) = ${o.size}`;
      const fits = o.fits ? "yes" : `no: ${o.dropped} unused`;
      const pad = padding === "valid" ? "–" : `${o.padBefore} + ${o.padAfter}`;
      rows.push({ padding, stride, rule, predicted: o.size, measured: measureOutputSize(n, f, stride, padding), fits, pad });
    }
  }
  return rows;
}
