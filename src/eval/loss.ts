/**
 * The loss that training minimises and evaluation reports: categorical cross-entropy of one-hot
 * targets against the model's softmax probabilities (Keras's formula, which clips probabilities
 * to [1e-7, 1 − 1e-7] so that a confident wrong answer costs ~16, not infinity).
 */
import * as tf from "@tensorflow/tfjs";

/**
 * Per-example cross-entropy, shape [n]. A row of NaN probabilities (weights gone NaN) gives NaN
 * on every backend: the wasm backend's clip turns NaN into 1e-7, a plausible loss of 16.1181,
 * so 0 × the row's sum is added — exactly 0 for finite rows, in the value and the gradient.
 */
export function crossEntropy(yTrue: tf.Tensor2D, yPred: tf.Tensor2D): tf.Tensor1D {
  return tf.tidy(() => tf.add(tf.metrics.categoricalCrossentropy(yTrue, yPred), tf.mul(0, tf.sum(yPred, 1))) as tf.Tensor1D);
}

/** Number of correct argmax predictions in a batch, as an int32 scalar kept on the device. */
export function correctCount(yTrue: tf.Tensor2D, yPred: tf.Tensor2D): tf.Scalar {
  return tf.tidy(() => tf.sum(tf.cast(tf.equal(tf.argMax(yTrue, 1), tf.argMax(yPred, 1)), "int32")));
}
