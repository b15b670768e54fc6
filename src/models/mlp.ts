/**
 * The multilayer perceptron of the Keras lecture: 784 → 1024 → 1024 → 1024 → 512 → 10, ReLU
 * hidden layers each followed by dropout 0.3, softmax output (3,432,970 parameters).
 */
import * as tf from "@tensorflow/tfjs";
import { checkRate, checkSeed, glorot, MNIST_CLASSES, MNIST_INPUT_SHAPE, type SeedOptions } from "./common";
import { modelDropout } from "./seeded-dropout";

/** Options for {@link mlp}. */
export interface MlpOptions extends SeedOptions {
  /** Widths of the hidden ReLU layers (default `[1024, 1024, 1024, 512]`). */
  readonly hidden?: readonly number[];
  /** Dropout rate after each hidden layer (default 0.3; 0 leaves dropout out). */
  readonly dropout?: number;
}

/** The lecture's hidden widths. */
export const MLP_HIDDEN: readonly number[] = [1024, 1024, 1024, 512];

/**
 * Builds flatten → (dense relu → dropout)… → dense(10, softmax) for 28×28×1 inputs.
 * Returned uncompiled (see {@link softmaxRegression}).
 */
export function mlp(options: MlpOptions = {}): tf.Sequential {
  checkSeed(options.seed, "mlp");
  const hidden = options.hidden ?? MLP_HIDDEN;
  const rate = options.dropout ?? 0.3;
  checkRate(rate, "mlp: dropout");
  if (hidden.length === 0 || !hidden.every((u) => Number.isInteger(u) && u > 0)) {
    throw new Error(`mlp: hidden must be a non-empty list of positive integers, got [${hidden.join(", ")}]`);
  }
  const model = tf.sequential({ name: "mlp" });
  model.add(tf.layers.flatten({ inputShape: [...MNIST_INPUT_SHAPE], name: "flatten" }));
  hidden.forEach((units, i) => {
    model.add(
      tf.layers.dense({ units, activation: "relu", kernelInitializer: glorot(options.seed, i + 1), name: `dense${i + 1}` }),
    );
    if (rate > 0) model.add(modelDropout(options.seed, i + 1, rate, `dropout${i + 1}`));
  });
  model.add(
    tf.layers.dense({
      units: MNIST_CLASSES,
      activation: "softmax",
      kernelInitializer: glorot(options.seed, hidden.length + 1),
      name: "output",
    }),
  );
  return model;
}
