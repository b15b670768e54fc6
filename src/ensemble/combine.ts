/**
 * Combining the predictions of several classifiers (an ensemble) into one: by averaging their
 * class probabilities, or by letting each vote for its top class.
 *
 * All of it runs on the host, on small arrays read back once per member (10,000 images × 10
 * classes is 100,000 floats): the combination is a few additions per number, and plain arrays
 * make the rules — including how ties are broken — exact and easy to test.
 */
import { checkLabels, checkNumClasses } from "../eval/labels";

/** One member's class probabilities for the same `n` images: row-major [n, numClasses], rows summing to 1. */
export interface MemberProbabilities {
  readonly probabilities: ArrayLike<number>;
  readonly numClasses: number;
}

/** How far a row's sum may be from 1 (float32 softmax rows are off by ~1e-7). */
const ROW_SUM_TOLERANCE = 1e-3;

/**
 * Checks that every member holds probabilities for the same images and classes and returns
 * `[n, numClasses]`. Logits or a mixed-up member would otherwise average into a plausible table.
 */
export function checkMembers(members: readonly MemberProbabilities[], what = "ensemble"): [number, number] {
  if (!Array.isArray(members) || members.length === 0) throw new Error(`${what}: give at least one member`);
  const numClasses = members[0]!.numClasses;
  checkNumClasses(numClasses);
  const length = members[0]!.probabilities.length;
  if (length % numClasses !== 0) {
    throw new Error(`${what}: member 1 has ${length} probabilities, not a whole number of rows of ${numClasses} classes`);
  }
  const n = length / numClasses;
  members.forEach((m, k) => {
    if (m.numClasses !== numClasses) {
      throw new Error(`${what}: member ${k + 1} predicts ${m.numClasses} classes but member 1 predicts ${numClasses}`);
    }
    if (m.probabilities.length !== length) {
      throw new Error(
        `${what}: member ${k + 1} has ${m.probabilities.length / numClasses} rows but member 1 has ${n}: members must score the same images`,
      );
    }
    const p = m.probabilities;
    for (let i = 0; i < n; i++) {
      let sum = 0;
      for (let c = 0; c < numClasses; c++) {
        const v = p[i * numClasses + c]!;
        if (!(v >= 0 && v <= 1)) {
          throw new Error(`${what}: member ${k + 1}, image ${i}, class ${c}: ${v} is not a probability (softmax outputs, not logits)`);
        }
        sum += v;
      }
      if (Math.abs(sum - 1) > ROW_SUM_TOLERANCE) {
        throw new Error(`${what}: member ${k + 1}, image ${i}: probabilities sum to ${sum}, not 1`);
      }
    }
  });
  return [n, numClasses];
}

/**
 * The mean of the members' probability tables, row-major [n, numClasses] (summed in float64,
 * so the order of the members does not change the result beyond the last bit).
 */
export function averageProbabilities(members: readonly MemberProbabilities[]): Float64Array {
  const [n, numClasses] = checkMembers(members, "averageProbabilities");
  const out = new Float64Array(n * numClasses);
  for (const m of members) {
    const p = m.probabilities;
    for (let j = 0; j < out.length; j++) out[j]! += p[j]!;
  }
  for (let j = 0; j < out.length; j++) out[j]! /= members.length;
  return out;
}

/**
 * The class with the largest value in each row of a row-major [n, numClasses] table. Ties go to
 * the lowest class index (like `tf.argMax`), so the result never depends on chance.
 */
export function argmaxRows(values: ArrayLike<number>, numClasses: number): Int32Array {
  checkNumClasses(numClasses);
  if (values.length % numClasses !== 0) {
    throw new Error(`argmaxRows: ${values.length} values are not a whole number of rows of ${numClasses}`);
  }
  const n = values.length / numClasses;
  const out = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    let best = 0;
    for (let c = 1; c < numClasses; c++) if (values[i * numClasses + c]! > values[i * numClasses + best]!) best = c;
    out[i] = best;
  }
  return out;
}

/** The largest value of each row (the averaged ensemble's confidence in its answer). */
export function maxRows(values: ArrayLike<number>, numClasses: number): Float64Array {
  const best = argmaxRows(values, numClasses);
  return Float64Array.from(best, (c, i) => values[i * numClasses + c]!);
}

/** What {@link majorityVote} returns. */
export interface VoteResult {
  /** The winning class per image. */
  readonly predictions: Int32Array;
  /** Images where two or more classes had the most votes, so the tie-break decided. */
  readonly ties: number;
}

/**
 * Majority vote: each member votes for its top class; the class with the most votes wins.
 *
 * Ties (e.g. 2 votes for "3", 2 for "5", 1 for "8") are broken by the averaged probability of
 * the tied classes — the ensemble's soft opinion decides between its hard votes — and, if those
 * are exactly equal too, by the lowest class index. Classes outside the tie never win, even
 * when their averaged probability is higher.
 *
 * @param votes one array per member: its predicted class per image.
 * @param averaged the members' averaged probabilities, row-major [n, numClasses] ({@link averageProbabilities}).
 */
export function majorityVote(votes: readonly ArrayLike<number>[], averaged: ArrayLike<number>, numClasses: number): VoteResult {
  checkNumClasses(numClasses);
  if (!Array.isArray(votes) || votes.length === 0) throw new Error("majorityVote: give at least one member's votes");
  const n = votes[0]!.length;
  votes.forEach((v, k) => {
    if (v.length !== n) throw new Error(`majorityVote: member ${k + 1} has ${v.length} votes but member 1 has ${n}`);
    checkLabels(v, numClasses, `majorityVote: member ${k + 1} votes`);
  });
  if (averaged.length !== n * numClasses) {
    throw new Error(`majorityVote: averaged probabilities have ${averaged.length} values, expected ${n} × ${numClasses}`);
  }
  const predictions = new Int32Array(n);
  const counts = new Int32Array(numClasses);
  let ties = 0;
  for (let i = 0; i < n; i++) {
    counts.fill(0);
    for (const v of votes) counts[v[i]!]! += 1;
    let most = 0;
    for (let c = 0; c < numClasses; c++) most = Math.max(most, counts[c]!);
    let winner = -1;
    let tied = 0;
    for (let c = 0; c < numClasses; c++) {
      if (counts[c] !== most) continue;
      tied += 1;
      if (winner < 0 || averaged[i * numClasses + c]! > averaged[i * numClasses + winner]!) winner = c;
    }
    if (tied > 1) ties += 1;
    predictions[i] = winner;
  }
  return { predictions, ties };
}
