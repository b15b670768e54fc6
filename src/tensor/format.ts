/**
 * Printing small matrices the way numpy does, so a notebook's output reads like the prose:
 *
 *     [[12, 16],
 *      [24, 28]]
 */
import * as tf from "@tensorflow/tfjs";
import { matrixShape, toMatrix } from "./convert";

/** Options for {@link formatMatrix}. */
export interface FormatMatrixOptions {
  /** Decimals shown when some value is not an integer (default 2). Integers print as integers. */
  readonly digits?: number;
  /** For a `[1, H, W, C]` tensor: which channel to print (see {@link toMatrix}). */
  readonly channel?: number;
}

/**
 * Formats a matrix (or a `[H, W]` / `[1, H, W, C]` tensor, read with {@link toMatrix}) as aligned,
 * numpy-style rows. All-integer matrices print without decimals — float32 conv outputs of small
 * integers are exact, so `12` prints as `12`, never `12.00` — and `-0` prints as `0`.
 */
export function formatMatrix(m: readonly (readonly number[])[] | tf.Tensor, opts: FormatMatrixOptions = {}): string {
  const matrix = m instanceof tf.Tensor ? toMatrix(m, opts.channel) : m;
  if (!(m instanceof tf.Tensor) && opts.channel !== undefined) {
    throw new Error("formatMatrix: `channel` applies to tensors only; got a number[][]");
  }
  matrixShape(matrix, "formatMatrix");
  const digits = opts.digits ?? 2;
  if (!Number.isInteger(digits) || digits < 0 || digits > 10) {
    throw new Error(`formatMatrix: digits must be an integer in 0..10, got ${digits}`);
  }
  const allIntegers = matrix.every((row) => row.every((v) => Number.isInteger(v)));
  const cells = matrix.map((row) =>
    row.map((v) => {
      const s = allIntegers ? String(v) : v.toFixed(digits);
      // toFixed keeps the sign of tiny negatives ("-0.00"); a reader sees zero, so print zero.
      return /^-0(\.0*)?$/.test(s) ? s.slice(1) : s;
    }),
  );
  const width = Math.max(...cells.flat().map((s) => s.length));
  const lines = cells.map((row, r) => {
    const body = row.map((s) => s.padStart(width)).join(", ");
    const open = r === 0 ? "[[" : " [";
    const close = r === cells.length - 1 ? "]]" : "],";
    return `${open}${body}${close}`;
  });
  return lines.join("\n");
}
