/**
 * The multilayer perceptron of the Keras lecture: 784 → 1024 → 1024 → 1024 → 512 → 10, ReLU
 * hidden layers each followed by dropout 0.3, softmax output (3,432,970 parameters).
 *
 * The ladder of lessons 7 and 8 varies it one option at a time: depth and width (`hidden`), the initialiser
 * (`init`), `dropout` and batch normalisation (`batchNorm`).
 */
import * as tf from "@tensorflow/tfjs";
import { checkOptions } from "../check";
import {
  checkRate,
  checkSeed,
  checkWidths,
  kernelInitializer,
  MNIST_CLASSES,
  MNIST_INPUT_SHAPE,
  parseInitializerName,
  type InitializerName,
  type SeedOptions,
} from "./common";
import { modelDropout } from "./seeded-dropout";

/** Options for {@link mlp}. */
export interface MlpOptions extends SeedOptions {
  /** Widths of the hidden ReLU layers (default `[1024, 1024, 1024, 512]`): the depth and width. */
  readonly hidden?: readonly number[];
  /** Dropout rate after each hidden layer (default 0.3; 0 leaves dropout out). */
  readonly dropout?: number;
  /** Initialiser of every kernel, hidden and output (default `glorot`); biases start at 0. */
  readonly init?: InitializerName;
  /**
   * Batch normalisation in every hidden layer (default false): dense (no bias: the
   * normalisation's β replaces it) → batch norm → ReLU → dropout.
   */
  readonly batchNorm?: boolean;
}

/** The lecture's hidden widths. */
export const MLP_HIDDEN: readonly number[] = [1024, 1024, 1024, 512];

/**
 * Momentum of the batch-norm running statistics. Keras's 0.99 averages over ~100 steps; the fast
 * profile trains 60 steps per epoch, and at 0.99 the running mean and variance would still
 * remember their starting values (0 and 1) when the model is evaluated.
 */
export const BATCH_NORM_MOMENTUM = 0.9;

const MLP_OPTION_KEYS: readonly (keyof MlpOptions)[] = ["seed", "hidden", "dropout", "init", "batchNorm"];

/**
 * Builds flatten → (dense relu → dropout)… → dense(10, softmax) for 28×28×1 inputs; with
 * `batchNorm`, each hidden layer is dense → batchNorm → relu → dropout.
 * Returned uncompiled (see {@link softmaxRegression}).
 *
 * @example mlp({ hidden: [512, 512, 512, 512], init: "he", dropout: 0, batchNorm: true, seed: 1 })
 */
export function mlp(options: MlpOptions = {}): tf.Sequential {
  checkOptions(options, MLP_OPTION_KEYS, "mlp");
  checkSeed(options.seed, "mlp");
  const hidden = options.hidden ?? MLP_HIDDEN;
  const rate = options.dropout ?? 0.3;
  const init = parseInitializerName(options.init ?? "glorot");
  const batchNorm = options.batchNorm ?? false;
  checkRate(rate, "mlp: dropout");
  checkWidths(hidden, "mlp: hidden");
  if (typeof batchNorm !== "boolean") throw new Error(`mlp: batchNorm must be true or false, got ${String(batchNorm)}`);
  const model = tf.sequential({ name: "mlp" });
  model.add(tf.layers.flatten({ inputShape: [...MNIST_INPUT_SHAPE], name: "flatten" }));
  hidden.forEach((units, i) => {
    const kernel = kernelInitializer(init, options.seed, i + 1);
    if (batchNorm) {
      model.add(tf.layers.dense({ units, useBias: false, kernelInitializer: kernel, name: `dense${i + 1}` }));
      model.add(tf.layers.batchNormalization({ momentum: BATCH_NORM_MOMENTUM, name: `batchnorm${i + 1}` }));
      model.add(tf.layers.activation({ activation: "relu", name: `relu${i + 1}` }));
    } else {
      model.add(tf.layers.dense({ units, activation: "relu", kernelInitializer: kernel, name: `dense${i + 1}` }));
    }
    if (rate > 0) model.add(modelDropout(options.seed, i + 1, rate, `dropout${i + 1}`));
  });
  model.add(
    tf.layers.dense({
      units: MNIST_CLASSES,
      activation: "softmax",
      kernelInitializer: kernelInitializer(init, options.seed, hidden.length + 1),
      name: "output",
    }),
  );
  return model;
}
