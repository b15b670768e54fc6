/**
 * Evaluating an ensemble: K trained classifiers scored on the same images, combined by
 * averaging probabilities and by majority vote, with every number a lesson needs — each
 * member's accuracy, the ensemble's, how it grows with K, and how much the members agree.
 *
 * The forward passes run on the device in batches; each member's [n, classes] probability table
 * is read back once (10,000 × 10 floats) and everything after that is host arithmetic
 * (see ./ensemble-combine.ts).
 */
import type * as tf from "@tensorflow/tfjs";
import { errorOverlap, meanPairwiseAgreement, pairwiseAgreement, type ErrorOverlap } from "./agreement";
import { argmaxRows, averageProbabilities, checkMembers, majorityVote, maxRows, type MemberProbabilities } from "./combine";
import { accuracy } from "../eval/accuracy";
import { checkLabels, checkSameLength } from "../eval/labels";
import { predictClasses } from "../eval/predict";

export type { MemberProbabilities } from "./combine";

/**
 * One member's probabilities for every image of `xs` (dropout off, in batches of `batchSize`,
 * default 500). Leaves no tensors behind.
 */
export function memberProbabilities(model: tf.LayersModel, xs: tf.Tensor, batchSize = 500): MemberProbabilities {
  const p = predictClasses(model, xs, { batchSize, probabilities: true });
  return { probabilities: p.probabilities!, numClasses: p.numClasses };
}

/** Accuracy of the ensemble of the first `k` members. */
export interface AccuracyAtK {
  /** Number of members combined: 1..K, in the order given (training order). */
  readonly k: number;
  /** Accuracy of their averaged probabilities. */
  readonly average: number;
  /** Accuracy of their majority vote. */
  readonly vote: number;
  /** Mean accuracy of these k members alone (what one would expect from a single model). */
  readonly meanMember: number;
}

/** Everything {@link ensembleReport} measures. */
export interface EnsembleReport {
  /** Images scored. */
  readonly size: number;
  readonly numClasses: number;
  /** Number of members K. */
  readonly members: number;
  /** Accuracy of each member alone, in member order. */
  readonly memberAccuracies: readonly number[];
  readonly bestMemberAccuracy: number;
  readonly meanMemberAccuracy: number;
  /** Each member's predicted class per image. */
  readonly memberPredictions: readonly Int32Array[];
  /** The ensemble by averaged probabilities: its class, confidence and accuracy. */
  readonly average: {
    readonly predictions: Int32Array;
    /** Averaged probability of the predicted class. */
    readonly confidences: Float64Array;
    /** The averaged table itself, row-major [size, numClasses]. */
    readonly probabilities: Float64Array;
    readonly accuracy: number;
  };
  /** The ensemble by majority vote (ties: see {@link majorityVote}). */
  readonly vote: { readonly predictions: Int32Array; readonly accuracy: number; readonly ties: number };
  /** Pairwise agreement between members. */
  readonly agreement: { readonly pairwise: readonly (readonly number[])[]; readonly mean: number };
  /** How the members' mistakes overlap. */
  readonly errors: ErrorOverlap;
  /** Ensemble accuracy of the first k members, k = 1..K. */
  readonly byK: readonly AccuracyAtK[];
}

const mean = (xs: readonly number[]): number => xs.reduce((a, b) => a + b, 0) / xs.length;

/**
 * Combines the members' probabilities on a labeled set and measures the ensemble.
 *
 * @param members one probability table per member, all for the same images, in member order.
 * @param labels the true class of each image.
 */
export function ensembleReport(members: readonly MemberProbabilities[], labels: ArrayLike<number>): EnsembleReport {
  const [n, numClasses] = checkMembers(members, "ensembleReport");
  if (n === 0) throw new Error("ensembleReport: no images");
  checkSameLength(labels, "labels", { length: n }, "probability rows");
  checkLabels(labels, numClasses, "labels");
  const memberPredictions = members.map((m) => argmaxRows(m.probabilities, numClasses));
  const memberAccuracies = memberPredictions.map((p) => accuracy(p, labels));

  const byK: AccuracyAtK[] = [];
  for (let k = 1; k <= members.length; k++) {
    const first = members.slice(0, k);
    const averaged = averageProbabilities(first);
    byK.push({
      k,
      average: accuracy(argmaxRows(averaged, numClasses), labels),
      vote: accuracy(majorityVote(memberPredictions.slice(0, k), averaged, numClasses).predictions, labels),
      meanMember: mean(memberAccuracies.slice(0, k)),
    });
  }

  const probabilities = averageProbabilities(members);
  const predictions = argmaxRows(probabilities, numClasses);
  const vote = majorityVote(memberPredictions, probabilities, numClasses);
  const pairwise = pairwiseAgreement(memberPredictions);
  return {
    size: n,
    numClasses,
    members: members.length,
    memberAccuracies,
    bestMemberAccuracy: Math.max(...memberAccuracies),
    meanMemberAccuracy: mean(memberAccuracies),
    memberPredictions,
    average: { predictions, confidences: maxRows(probabilities, numClasses), probabilities, accuracy: accuracy(predictions, labels) },
    vote: { predictions: vote.predictions, accuracy: accuracy(vote.predictions, labels), ties: vote.ties },
    agreement: { pairwise, mean: meanPairwiseAgreement(pairwise) },
    errors: errorOverlap(memberPredictions, labels, numClasses),
    byK,
  };
}
