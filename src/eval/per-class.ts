/**
 * Accuracy of each class separately: which digits the model finds hard.
 */
import { checkLabels, checkNumClasses, checkSameLength } from "./labels";

/** One class's share of correct predictions. */
export interface ClassAccuracy {
  readonly label: number;
  /** Examples of this class that were predicted correctly. */
  readonly correct: number;
  /** Examples of this class. */
  readonly total: number;
  /** correct / total; NaN when the class has no examples (there is nothing to measure). */
  readonly accuracy: number;
}

/** Accuracy per true class, in class order. */
export function perClassAccuracy(labels: ArrayLike<number>, predictions: ArrayLike<number>, numClasses: number): ClassAccuracy[] {
  checkNumClasses(numClasses);
  checkSameLength(labels, "labels", predictions, "predictions");
  checkLabels(labels, numClasses, "labels");
  checkLabels(predictions, numClasses, "predictions");
  const correct = new Array<number>(numClasses).fill(0);
  const total = new Array<number>(numClasses).fill(0);
  for (let i = 0; i < labels.length; i++) {
    const y = labels[i]!;
    total[y]! += 1;
    if (predictions[i] === y) correct[y]! += 1;
  }
  return total.map((t, label) => ({ label, correct: correct[label]!, total: t, accuracy: t > 0 ? correct[label]! / t : NaN }));
}
