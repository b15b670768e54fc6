/** How the labels of a data set are spread over the digits, as a table for the lessons. */
import type { DataFrame } from "nodejs-polars";
import pl from "nodejs-polars";
import { NUM_CLASSES } from "./dataset";

/**
 * How often each class occurs: a DataFrame with columns `digit` (the label 0..9, all ten even
 * when a count is 0), `class` when `classNames` are given (e.g. a data set's `classNames`),
 * `count` and `share` (count / total). Labels outside 0..9 are an error.
 */
export function labelDistribution(labels: Int32Array, classNames?: readonly string[]): DataFrame {
  if (labels.length === 0) throw new Error("labelDistribution: no labels (empty array)");
  if (classNames !== undefined && (!Array.isArray(classNames) || classNames.length !== NUM_CLASSES)) {
    throw new Error(`labelDistribution: classNames must be ${NUM_CLASSES} names, got ${String(classNames)}`);
  }
  const counts = new Array<number>(NUM_CLASSES).fill(0);
  for (let i = 0; i < labels.length; i++) {
    const v = labels[i]!;
    if (v < 0 || v >= NUM_CLASSES) {
      throw new Error(`labelDistribution: label ${v} at index ${i} is outside 0..${NUM_CLASSES - 1}`);
    }
    counts[v]!++;
  }
  return pl.DataFrame([
    pl.Series(
      "digit",
      counts.map((_, d) => d),
      pl.Int32,
    ),
    ...(classNames ? [pl.Series("class", [...classNames], pl.Utf8)] : []),
    pl.Series("count", counts, pl.Int64),
    pl.Series(
      "share",
      counts.map((c) => c / labels.length),
      pl.Float64,
    ),
  ]);
}
