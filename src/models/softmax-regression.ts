/**
 * Softmax regression: the smallest classifier, one dense layer on the 784 raw pixels.
 * 784 · 10 weights + 10 biases = 7,850 parameters.
 */
import * as tf from "@tensorflow/tfjs";
import { checkOptions } from "../check";
import { checkSeed, glorot, MNIST_CLASSES, MNIST_INPUT_SHAPE, type SeedOptions } from "./common";

/** Options for {@link softmaxRegression}. */
export type SoftmaxRegressionOptions = SeedOptions;

/**
 * Builds flatten → dense(10, softmax) for 28×28×1 inputs.
 *
 * Returned uncompiled: `fit` from this library brings its own optimizer and loss. To use
 * tfjs's `model.fit` instead, call `model.compile(...)` first.
 */
export function softmaxRegression(options: SoftmaxRegressionOptions = {}): tf.Sequential {
  checkOptions(options, ["seed"], "softmaxRegression");
  checkSeed(options.seed, "softmaxRegression");
  const model = tf.sequential({ name: "softmax_regression" });
  model.add(tf.layers.flatten({ inputShape: [...MNIST_INPUT_SHAPE], name: "flatten" }));
  model.add(
    tf.layers.dense({
      units: MNIST_CLASSES,
      activation: "softmax",
      kernelInitializer: glorot(options.seed, 1),
      name: "dense",
    }),
  );
  return model;
}
