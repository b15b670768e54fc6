/**
 * Evaluating a trained classifier on a labeled dataset: accuracy, mean loss and every
 * prediction (for confusion matrices and mistake galleries).
 */
import type * as tf from "@tensorflow/tfjs";
import { accuracy } from "./accuracy";
import { checkLabels, checkSameLength } from "./labels";
import { scoreInBatches, type PredictOptions, type Predictions } from "./predict";

/** The fields of a dataset that evaluation reads (MNIST's `Dataset` has them). */
export interface LabeledImages {
  /** Images, [n, …input shape]. */
  readonly xs: tf.Tensor;
  /** One-hot targets, [n, classes]. */
  readonly ys: tf.Tensor2D;
  /** Class per image, the same information as `ys` on the JavaScript side. */
  readonly labels: Int32Array;
  readonly size: number;
}

/** What {@link evaluate} returns. */
export interface Evaluation extends Predictions {
  /** Share of correct predictions, in [0, 1]. */
  readonly accuracy: number;
  /** Mean cross-entropy loss (same formula as training). */
  readonly loss: number;
  /** Number of examples evaluated. */
  readonly size: number;
}

/** Evaluates `model` on `ds` in batches, with dropout off. Reads back only small arrays. */
export function evaluate(model: tf.LayersModel, ds: LabeledImages, options: PredictOptions = {}): Evaluation {
  const n = ds.xs.shape[0]!;
  if (n === 0) throw new Error("evaluate: the dataset is empty");
  if (ds.size !== n) throw new Error(`evaluate: dataset size ${ds.size} but xs has ${n} rows`);
  checkSameLength(ds.labels, "labels", { length: n }, "xs");
  const scores = scoreInBatches(model, ds.xs, ds.ys, options);
  checkLabels(ds.labels, scores.numClasses, "labels");
  const { lossSum, ...predictions } = scores;
  return { ...predictions, accuracy: accuracy(scores.predictions, ds.labels), loss: lossSum! / n, size: n };
}
