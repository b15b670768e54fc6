/**
 * The confusion matrix: how often each true class was predicted as each class.
 */
import { checkLabels, checkNumClasses, checkSameLength } from "./labels";

/**
 * Counts `matrix[trueClass][predictedClass]`; the diagonal holds the correct predictions and
 * each row sums to the number of examples of that class.
 *
 * @example confusionMatrix([0, 1, 1], [0, 1, 0], 2) // [[1, 0], [1, 1]]
 */
export function confusionMatrix(labels: ArrayLike<number>, predictions: ArrayLike<number>, numClasses: number): number[][] {
  checkNumClasses(numClasses);
  checkSameLength(labels, "labels", predictions, "predictions");
  checkLabels(labels, numClasses, "labels");
  checkLabels(predictions, numClasses, "predictions");
  const matrix = Array.from({ length: numClasses }, () => new Array<number>(numClasses).fill(0));
  for (let i = 0; i < labels.length; i++) matrix[labels[i]!]![predictions[i]!]! += 1;
  return matrix;
}
