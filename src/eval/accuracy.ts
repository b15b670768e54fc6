/** Accuracy: the one definition behind `evaluate`, the ensemble report and each ensemble member. */
import { checkClassIndices, checkSameLength } from "./labels";

/**
 * Share of `predictions` equal to `labels`. Throws for arrays of different lengths, for none at
 * all, and for an entry that is not a class index (NaN, 1.5, −1): each would otherwise give a
 * plausible number (a prefix's accuracy, NaN, a miss).
 */
export function accuracy(predictions: ArrayLike<number>, labels: ArrayLike<number>): number {
  checkSameLength(predictions, "accuracy: predictions", labels, "labels");
  if (labels.length === 0) throw new Error("accuracy: no predictions to score");
  checkClassIndices(predictions, "accuracy: predictions");
  checkClassIndices(labels, "accuracy: labels");
  let correct = 0;
  for (let i = 0; i < labels.length; i++) if (predictions[i] === labels[i]) correct += 1;
  return correct / labels.length;
}
