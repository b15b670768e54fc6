/**
 * How much the members of an ensemble agree, and whether they make the same mistakes.
 *
 * Averaging only helps where members disagree: an image that every member gets wrong stays
 * wrong whatever the ensemble does, while an image that one member gets wrong and the others
 * right is usually outvoted. These numbers show how much room the ensemble has.
 */
import { checkLabels, checkSameLength } from "../eval/labels";

function checkVotes(predictions: readonly ArrayLike<number>[], what: string): number {
  if (!Array.isArray(predictions) || predictions.length === 0) throw new Error(`${what}: give at least one member's predictions`);
  const n = predictions[0]!.length;
  predictions.forEach((p, k) => {
    if (p.length !== n) throw new Error(`${what}: member ${k + 1} has ${p.length} predictions but member 1 has ${n}`);
  });
  if (n === 0) throw new Error(`${what}: no images (empty predictions)`);
  return n;
}

/** Share of images on which two members predict the same class. */
function agreementRate(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let same = 0;
  for (let i = 0; i < a.length; i++) if (a[i] === b[i]) same += 1;
  return same / a.length;
}

/**
 * The K × K table of agreement rates: entry [i][j] is the share of images on which members i
 * and j predict the same class (right or wrong). Symmetric, with 1 on the diagonal.
 */
export function pairwiseAgreement(predictions: readonly ArrayLike<number>[]): number[][] {
  checkVotes(predictions, "pairwiseAgreement");
  const k = predictions.length;
  const table = Array.from({ length: k }, () => new Array<number>(k).fill(1));
  for (let i = 0; i < k; i++) {
    for (let j = i + 1; j < k; j++) {
      const rate = agreementRate(predictions[i]!, predictions[j]!);
      table[i]![j] = rate;
      table[j]![i] = rate;
    }
  }
  return table;
}

/** Mean of the off-diagonal entries of a {@link pairwiseAgreement} table; NaN for one member (no pairs). */
export function meanPairwiseAgreement(table: readonly (readonly number[])[]): number {
  const k = table.length;
  if (k < 2) return NaN;
  let sum = 0;
  for (let i = 0; i < k; i++) for (let j = i + 1; j < k; j++) sum += table[i]![j]!;
  return sum / ((k * (k - 1)) / 2);
}

/** How the members' mistakes overlap (see {@link errorOverlap}). */
export interface ErrorOverlap {
  /** Per image: how many members get it wrong (0..K). */
  readonly wrongCounts: Int32Array;
  /** histogram[j] = number of images that exactly j members get wrong, j = 0..K. */
  readonly histogram: readonly number[];
  /** Images every member gets wrong: no way of combining the members can fix these. */
  readonly allWrong: number;
  /** Images at least one member gets wrong. */
  readonly anyWrong: number;
}

/** Counts, per image, how many members are wrong, and sums that up as a histogram. */
export function errorOverlap(predictions: readonly ArrayLike<number>[], labels: ArrayLike<number>, numClasses: number): ErrorOverlap {
  const n = checkVotes(predictions, "errorOverlap");
  checkSameLength(labels, "labels", predictions[0]!, "predictions");
  checkLabels(labels, numClasses, "labels");
  const k = predictions.length;
  const wrongCounts = new Int32Array(n);
  for (const p of predictions) for (let i = 0; i < n; i++) if (p[i] !== labels[i]) wrongCounts[i]! += 1;
  const histogram = new Array<number>(k + 1).fill(0);
  for (let i = 0; i < n; i++) histogram[wrongCounts[i]!]! += 1;
  return { wrongCounts, histogram, allWrong: histogram[k]!, anyWrong: n - histogram[0]! };
}
