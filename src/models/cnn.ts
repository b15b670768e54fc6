/**
 * The lessons' convolutional network: three 3×3 'same' ReLU convolutions (32, 64, 128 filters),
 * each followed by 2×2 max pooling, then dropout, dense 128 ReLU, dropout, dense 10 softmax.
 *
 * The pools use 'same' padding, so the feature maps go 28 → 14 → 7 → 4 (a 'valid' pool would
 * floor 7 to 3). That gives 4·4·128 = 2,048 features into the dense layer and 356,234
 * parameters in all: 320 + 18,496 + 73,856 + 262,272 + 1,290.
 *
 * `filters` and `denseUnits` make it narrower or wider (lesson 8 trains a narrow one, whose
 * experiments fit in a minute); each block keeps its conv → 'same' pool. With `filters: [32, 64]`,
 * `kernelSize: 5`, `denseUnits: 1024` and `convDropout: 0` it is the seeds' 2-conv CNN
 * (TensorFlow's "Deep MNIST" tutorial, 3,274,634 parameters).
 */
import * as tf from "@tensorflow/tfjs";
import { checkOptions } from "../check";
import { checkRate, checkSeed, checkWidths, glorot, MNIST_CLASSES, MNIST_INPUT_SHAPE, type SeedOptions } from "./common";
import { modelDropout } from "./seeded-dropout";

/** Options for {@link cnn}. */
export interface CnnOptions extends SeedOptions {
  /** Dropout rate between the convolutional part and the dense layer (default 0.25). */
  readonly convDropout?: number;
  /** Dropout rate after the dense 128 layer (default 0.5). */
  readonly denseDropout?: number;
  /** Filters of the convolution blocks, one block each (default {@link CNN_FILTERS}: 32, 64, 128). */
  readonly filters?: readonly number[];
  /** Units of the dense ReLU layer (default 128). */
  readonly denseUnits?: number;
  /** Side of every convolution's square filter (default 3; the seeds' 2-conv CNN uses 5). */
  readonly kernelSize?: number;
}

const CNN_OPTION_KEYS: readonly (keyof CnnOptions)[] = ["seed", "convDropout", "denseDropout", "filters", "denseUnits", "kernelSize"];

/** Filters of the three convolution blocks. */
export const CNN_FILTERS: readonly number[] = [32, 64, 128];

/**
 * Builds the lessons' CNN for 28×28×1 inputs (356,234 parameters with the default widths).
 * Returned uncompiled (see {@link softmaxRegression}).
 */
export function cnn(options: CnnOptions = {}): tf.Sequential {
  checkOptions(options, CNN_OPTION_KEYS, "cnn");
  checkSeed(options.seed, "cnn");
  const convDropout = options.convDropout ?? 0.25;
  const denseDropout = options.denseDropout ?? 0.5;
  checkRate(convDropout, "cnn: convDropout");
  checkRate(denseDropout, "cnn: denseDropout");
  const blocks = options.filters ?? CNN_FILTERS;
  const denseUnits = options.denseUnits ?? 128;
  checkWidths(blocks, "cnn: filters");
  if (!(Number.isInteger(denseUnits) && denseUnits > 0)) throw new Error(`cnn: denseUnits must be a positive integer, got ${denseUnits}`);
  const kernelSize = options.kernelSize ?? 3;
  if (!(Number.isInteger(kernelSize) && kernelSize > 0)) throw new Error(`cnn: kernelSize must be a positive integer, got ${kernelSize}`);
  const model = tf.sequential({ name: "cnn" });
  blocks.forEach((filters, i) => {
    model.add(
      tf.layers.conv2d({
        ...(i === 0 ? { inputShape: [...MNIST_INPUT_SHAPE] } : {}),
        filters,
        kernelSize,
        padding: "same",
        activation: "relu",
        kernelInitializer: glorot(options.seed, i + 1),
        name: `conv${i + 1}`,
      }),
    );
    model.add(tf.layers.maxPooling2d({ poolSize: 2, strides: 2, padding: "same", name: `pool${i + 1}` }));
  });
  model.add(modelDropout(options.seed, 1, convDropout, "dropout1"));
  model.add(tf.layers.flatten({ name: "flatten" }));
  // Layer seeds continue after the blocks' (1-3 for the default CNN, so 4 and 5 as before).
  const next = blocks.length + 1;
  model.add(tf.layers.dense({ units: denseUnits, activation: "relu", kernelInitializer: glorot(options.seed, next), name: "dense" }));
  model.add(modelDropout(options.seed, 2, denseDropout, "dropout2"));
  model.add(
    tf.layers.dense({ units: MNIST_CLASSES, activation: "softmax", kernelInitializer: glorot(options.seed, next + 1), name: "output" }),
  );
  return model;
}
