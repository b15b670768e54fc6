/**
 * Batched prediction that reads back only small arrays: per image the predicted class and its
 * probability (n × 2 numbers), and the full probability table only when asked for.
 *
 * Why batches: one `model.predict` on 10,000 images would hold every layer's activations for
 * all of them at once; why small reads: on the wasm backend reading a large tensor back to
 * JavaScript is slow, so the [n, 10] probabilities stay on the device unless requested.
 */
import * as tf from "@tensorflow/tfjs";
import { checkPositiveInt } from "../check";
import { checkFinite } from "../tensor/finite";
import { crossEntropy } from "./loss";

/** Options for {@link predictClasses} and `evaluate`. */
export interface PredictOptions {
  /** Images per forward pass (default 500). */
  readonly batchSize?: number;
  /** Also return all class probabilities, row-major [n, classes] (default false). */
  readonly probabilities?: boolean;
}

/** What {@link predictClasses} returns. */
export interface Predictions {
  /** Predicted class (argmax) per image. */
  readonly predictions: Int32Array;
  /** Probability of the predicted class per image. */
  readonly confidences: Float32Array;
  /** All probabilities, row-major [n, classes], when `probabilities: true` was asked for. */
  readonly probabilities?: Float32Array;
  /** Number of classes the model predicts. */
  readonly numClasses: number;
}

/** Output width of a classifier; throws for a model that does not output [batch, classes]. */
export function classifierWidth(model: tf.LayersModel): number {
  const shape = model.outputs[0]?.shape;
  if (model.outputs.length !== 1 || !shape || shape.length !== 2 || typeof shape[1] !== "number") {
    throw new Error(
      `Expected a classifier with one output of shape [batch, classes], got ${JSON.stringify(model.outputs.map((o) => o.shape))}`,
    );
  }
  return shape[1];
}

/**
 * Throws unless the model's last layer applies softmax: the losses and confidences here read
 * the output as probabilities, and raw logits would give plausible-looking wrong numbers.
 */
export function checkSoftmaxOutput(model: tf.LayersModel): void {
  const last = model.layers[model.layers.length - 1];
  const activation = last?.getConfig()["activation"];
  if (activation !== "softmax") {
    throw new Error(
      `Expected the model to end in softmax (probabilities), but its last layer "${last?.name}" has activation ${JSON.stringify(activation ?? null)}`,
    );
  }
}

/** Throws unless `xs` fits the model's input shape (batch dimension aside). */
export function checkInputs(model: tf.LayersModel, xs: tf.Tensor): void {
  const expected = model.inputs[0]?.shape.slice(1) ?? [];
  const got = xs.shape.slice(1);
  if (got.length !== expected.length || expected.some((d, i) => d !== null && d !== got[i])) {
    throw new Error(`Inputs of shape [${xs.shape.join(", ")}] do not fit the model's input [batch, ${expected.join(", ")}]`);
  }
}

/** Per-batch results of {@link scoreInBatches}. */
export interface Scores extends Predictions {
  /** Sum of the per-example losses, when targets were given. */
  readonly lossSum?: number;
}

/**
 * The shared loop behind {@link predictClasses} and `evaluate`: consecutive slices of `xs` (and
 * `ys`), inference mode (dropout off), one tidy per batch.
 */
export function scoreInBatches(model: tf.LayersModel, xs: tf.Tensor, ys: tf.Tensor2D | undefined, options: PredictOptions = {}): Scores {
  const batchSize = options.batchSize ?? 500;
  checkPositiveInt(batchSize, "batchSize", "predict");
  checkInputs(model, xs);
  checkSoftmaxOutput(model);
  const numClasses = classifierWidth(model);
  const n = xs.shape[0]!;
  if (ys && (ys.shape[0] !== n || ys.shape[1] !== numClasses)) {
    throw new Error(`Targets of shape [${ys.shape.join(", ")}] do not match ${n} inputs and ${numClasses} classes`);
  }
  // NaN images would come out as class 0 at probability 0.1 (argmax of NaN), a plausible answer.
  checkFinite(xs, "the images", "predict");
  if (ys) checkFinite(ys, "the targets", "predict");
  const predictions = new Int32Array(n);
  const confidences = new Float32Array(n);
  const probabilities = options.probabilities ? new Float32Array(n * numClasses) : undefined;
  let lossSum = 0;
  for (let start = 0; start < n; start += batchSize) {
    const size = Math.min(batchSize, n - start);
    tf.tidy(() => {
      const xb = tf.slice(xs, start, size);
      const p = model.predict(xb) as tf.Tensor2D;
      predictions.set(tf.argMax(p, 1).dataSync() as Int32Array, start);
      confidences.set(tf.max(p, 1).dataSync() as Float32Array, start);
      if (probabilities) probabilities.set(p.dataSync() as Float32Array, start * numClasses);
      if (ys) lossSum += tf.sum(crossEntropy(tf.slice(ys, start, size), p)).dataSync()[0]!;
    });
  }
  return {
    predictions,
    confidences,
    numClasses,
    ...(probabilities ? { probabilities } : {}),
    ...(ys ? { lossSum } : {}),
  };
}

/** Predicted class and its probability for each image of `xs`, in batches. */
export function predictClasses(model: tf.LayersModel, xs: tf.Tensor, options: PredictOptions = {}): Predictions {
  const { lossSum: _unused, ...predictions } = scoreInBatches(model, xs, undefined, options);
  return predictions;
}
