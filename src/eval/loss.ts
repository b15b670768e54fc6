/**
 * The loss that training minimises and evaluation reports: categorical cross-entropy of one-hot
 * targets against the model's softmax probabilities (Keras's formula, which clips probabilities
 * to [1e-7, 1 − 1e-7] so that a confident wrong answer costs ~16, not infinity).
 */
import * as tf from "@tensorflow/tfjs";

/** Per-example cross-entropy, shape [n]. */
export function crossEntropy(yTrue: tf.Tensor2D, yPred: tf.Tensor2D): tf.Tensor1D {
  return tf.metrics.categoricalCrossentropy(yTrue, yPred) as tf.Tensor1D;
}

/** Number of correct argmax predictions in a batch, as an int32 scalar kept on the device. */
export function correctCount(yTrue: tf.Tensor2D, yPred: tf.Tensor2D): tf.Scalar {
  return tf.tidy(() => tf.sum(tf.cast(tf.equal(tf.argMax(yTrue, 1), tf.argMax(yPred, 1)), "int32")));
}
