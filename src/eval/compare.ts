/**
 * Comparing two classifiers honestly: an accuracy with its standard error, and — when both were
 * scored on the same images — the paired count of images one fixes and the other breaks, with
 * McNemar's exact test. Two accuracies 0.2 % apart on 10,000 images can be noise; the paired
 * count says how many images actually changed side.
 */
import { checkClassIndices, checkLabels, checkSameLength } from "./labels";

/** An accuracy and its binomial standard error √(p(1−p)/n). */
export interface AccuracyWithError {
  readonly accuracy: number;
  /** √(p(1−p)/n): one standard error of the accuracy measured on n images. */
  readonly standardError: number;
  readonly correct: number;
  readonly n: number;
}

/** The accuracy of `predictions` against `labels` with its standard error. */
export function accuracyWithError(labels: ArrayLike<number>, predictions: ArrayLike<number>): AccuracyWithError {
  checkSameLength(labels, "labels", predictions, "predictions");
  if (labels.length === 0) throw new Error("accuracyWithError: no predictions to score");
  checkClassIndices(labels, "labels");
  checkClassIndices(predictions, "predictions");
  let correct = 0;
  for (let i = 0; i < labels.length; i++) if (labels[i] === predictions[i]) correct += 1;
  const n = labels.length;
  const p = correct / n;
  return { accuracy: p, standardError: Math.sqrt((p * (1 - p)) / n), correct, n };
}

/** "98.10 ± 0.14 %": an accuracy with one standard error, in percent. */
export function formatAccuracy(a: Pick<AccuracyWithError, "accuracy" | "standardError">, digits = 2): string {
  return `${(100 * a.accuracy).toFixed(digits)} ± ${(100 * a.standardError).toFixed(digits)} %`;
}

/** What {@link pairedComparison} returns. */
export interface PairedComparison {
  readonly n: number;
  /** Images both models classify correctly. */
  readonly bothRight: number;
  /** Images B gets right that A got wrong. */
  readonly fixed: number;
  /** Images B gets wrong that A got right. */
  readonly broken: number;
  readonly bothWrong: number;
  readonly a: AccuracyWithError;
  readonly b: AccuracyWithError;
  /**
   * Two-sided exact McNemar p-value: how likely a split of `fixed` vs `broken` at least this
   * uneven is if A and B were equally good (each changed image a fair coin flip).
   */
  readonly pValue: number;
}

/**
 * Compares model B against model A on the same images: how many images B fixes and breaks.
 * Only images on which the two disagree carry evidence, so the test looks at those alone.
 *
 * @example pairedComparison([0, 1, 1], [0, 0, 1], [0, 1, 0]) // fixed 1, broken 1, pValue 1
 */
export function pairedComparison(
  labels: ArrayLike<number>,
  predictionsA: ArrayLike<number>,
  predictionsB: ArrayLike<number>,
): PairedComparison {
  checkSameLength(labels, "labels", predictionsA, "predictionsA");
  checkSameLength(labels, "labels", predictionsB, "predictionsB");
  if (labels.length === 0) throw new Error("pairedComparison: no predictions to compare");
  const classes = 1 + Math.max(...Array.from(labels), ...Array.from(predictionsA), ...Array.from(predictionsB));
  checkLabels(labels, classes, "labels");
  checkLabels(predictionsA, classes, "predictionsA");
  checkLabels(predictionsB, classes, "predictionsB");
  let bothRight = 0,
    fixed = 0,
    broken = 0,
    bothWrong = 0;
  for (let i = 0; i < labels.length; i++) {
    const a = predictionsA[i] === labels[i];
    const b = predictionsB[i] === labels[i];
    if (a && b) bothRight += 1;
    else if (b) fixed += 1;
    else if (a) broken += 1;
    else bothWrong += 1;
  }
  return {
    n: labels.length,
    bothRight,
    fixed,
    broken,
    bothWrong,
    a: accuracyWithError(labels, predictionsA),
    b: accuracyWithError(labels, predictionsB),
    pValue: mcnemarExactP(fixed, broken),
  };
}

/** Two-sided exact binomial test of b vs c successes out of b + c fair coin flips. */
export function mcnemarExactP(b: number, c: number): number {
  for (const [v, name] of [
    [b, "b"],
    [c, "c"],
  ] as const) {
    if (!(Number.isInteger(v) && v >= 0)) throw new Error(`mcnemarExactP: ${name} must be a count ≥ 0, got ${v}`);
  }
  const n = b + c;
  if (n === 0) return 1;
  // P(X ≤ k) for X ~ Binomial(n, 1/2), summed in log space so n in the thousands is safe.
  const k = Math.min(b, c);
  let logTerm = -n * Math.LN2; // log C(n,0) 2^-n
  let tail = Math.exp(logTerm);
  for (let i = 1; i <= k; i++) {
    logTerm += Math.log(n - i + 1) - Math.log(i);
    tail += Math.exp(logTerm);
  }
  return Math.min(1, 2 * tail);
}
