/**
 * Is every value of a tensor a finite number? Data with a NaN or an infinite pixel trains and
 * predicts without any error in tfjs — the loss or the probabilities quietly become NaN, and
 * argmax of NaN is class 0 — so the public doors refuse it before any work.
 */
import * as tf from "@tensorflow/tfjs";

/** Rows per slice of the check: keeps its temporary tensor small next to a 55,000-image set. */
const ROWS_PER_SLICE = 8192;

/**
 * The index of the first row (along axis 0) of `t` that holds a NaN or ±Infinity, or -1 when
 * every value is finite. One scalar is read back per slice of {@link ROWS_PER_SLICE} rows
 * (x − x is 0 for a finite x and NaN otherwise, and any NaN makes the sum NaN); the rows of a
 * slice are read only when it holds a bad value. Leaves `tf.memory().numTensors` as it was.
 */
export function firstNonFiniteRow(t: tf.Tensor): number {
  if (t.dtype !== "float32") return -1; // int32 and bool tensors hold no NaN or Infinity
  const rows = t.shape[0] ?? 1;
  if (t.size === 0) return -1;
  const flat = t.rank === 0 ? t.reshape([1, 1]) : t.reshape([rows, -1]);
  try {
    for (let start = 0; start < rows; start += ROWS_PER_SLICE) {
      const size = Math.min(ROWS_PER_SLICE, rows - start);
      const bad = tf.tidy(() => {
        const zeros = tf.sub(tf.slice(flat, start, size), tf.slice(flat, start, size));
        if (Number.isFinite(tf.sum(zeros).dataSync()[0])) return -1;
        const perRow = tf.sum(zeros, 1).dataSync();
        return start + perRow.findIndex((v) => !Number.isFinite(v));
      });
      if (bad >= 0) return bad;
    }
    return -1;
  } finally {
    if (flat !== t) flat.dispose();
  }
}

/**
 * Throws `<where>: <what> hold NaN or infinite values (first in row i)` unless every value of `t`
 * is finite; `what` names the input as a person knows it, e.g. "the train set's images".
 */
export function checkFinite(t: tf.Tensor, what: string, where: string): void {
  const row = firstNonFiniteRow(t);
  if (row >= 0) throw new Error(`${where}: ${what} hold NaN or infinite values (first in row ${row}); fix or drop those rows first`);
}

/**
 * The index of the first of `tensors` (e.g. a model's weights) that holds a NaN or ±Infinity, or
 * -1: one small array read back for all of them.
 */
export function firstNonFiniteTensor(tensors: readonly tf.Tensor[]): number {
  if (tensors.length === 0) return -1;
  const sums = tf.tidy(() => tf.stack(tensors.map((t) => tf.sum(tf.sub(t, t)))).dataSync());
  return sums.findIndex((v) => !Number.isFinite(v));
}
