/** Accuracy: the one definition behind `evaluate`, the ensemble report and each ensemble member. */

/** Share of `predictions` equal to `labels` (same length, not checked: callers check their inputs). */
export function accuracy(predictions: ArrayLike<number>, labels: ArrayLike<number>): number {
  let correct = 0;
  for (let i = 0; i < labels.length; i++) if (predictions[i] === labels[i]) correct += 1;
  return correct / labels.length;
}
