/**
 * The model's most confident mistakes: the wrong predictions it was surest of — often
 * mislabeled or truly ambiguous digits, worth looking at.
 */
import { checkClassIndices, checkSameLength } from "./labels";

/** One wrong prediction. */
export interface Mistake {
  /** Position of the example in the dataset. */
  readonly index: number;
  readonly label: number;
  readonly predicted: number;
  /** The probability the model gave its (wrong) prediction. */
  readonly confidence: number;
}

/**
 * The `k` wrong predictions with the highest confidence, most confident first (ties: lower
 * index first). Fewer than `k` when there are fewer mistakes.
 *
 * @param confidences probability of the predicted class per example (`evaluate(...).confidences`).
 */
export function mostConfidentMistakes(
  labels: ArrayLike<number>,
  predictions: ArrayLike<number>,
  confidences: ArrayLike<number>,
  k: number,
): Mistake[] {
  if (!(Number.isInteger(k) && k >= 0)) throw new Error(`k must be a non-negative integer, got ${k}`);
  checkSameLength(labels, "labels", predictions, "predictions");
  checkSameLength(labels, "labels", confidences, "confidences");
  checkClassIndices(labels, "labels");
  checkClassIndices(predictions, "predictions");
  for (let i = 0; i < confidences.length; i++) {
    const c = confidences[i]!;
    // NaN would sort anywhere: the "most confident" list would be arbitrary.
    if (!(c >= 0 && c <= 1)) throw new Error(`confidences[${i}] = ${c} is not a probability in [0, 1]`);
  }
  const mistakes: Mistake[] = [];
  for (let i = 0; i < labels.length; i++) {
    if (predictions[i] !== labels[i]) {
      mistakes.push({ index: i, label: labels[i]!, predicted: predictions[i]!, confidence: confidences[i]! });
    }
  }
  mistakes.sort((a, b) => b.confidence - a.confidence || a.index - b.index);
  return mistakes.slice(0, k);
}
