/**
 * The deep CNN of "Deep Learning from Scratch" (Saito), chapter 8 (`ch08/deep_convnet.py`):
 *
 *     conv-relu-conv-relu-pool - conv-relu-conv-relu-pool - conv-relu-conv-relu-pool -
 *     affine(50)-relu-dropout(0.5) - affine(10)-dropout(0.5) - softmax
 *
 * 3×3 filters 16, 16, 32, 32, 64, 64, stride 1, padding 1 — except the 4th convolution, which the
 * book pads by 2. tfjs has only 'same'/'valid' padding, so padding 1 is 'same' and padding 2 is an
 * explicit 2-pixel zero padding before a 'valid' convolution. Shapes, as in the book:
 * 28 → 28 → 28 → pool 14 → 14 → 16 (pad 2) → pool 8 → 8 → 8 → pool 4, so 4·4·64 = 1,024
 * features into the 50-unit affine layer; 123,552 parameters. Weights use He initialisation
 * (the book's √(2/fan-in) normal; tfjs draws it truncated), biases start at zero.
 *
 * Two differences from the book, neither of which changes a prediction: tfjs's dropout scales
 * kept units by 1/(1−rate) during training (the book instead scales by (1−rate) at test time),
 * and Flatten reads NHWC feature maps where the book's Affine reads NCHW.
 */
import * as tf from "@tensorflow/tfjs";
import { checkOptions } from "../check";
import { checkRate, checkSeed, he, MNIST_CLASSES, MNIST_INPUT_SHAPE, type SeedOptions } from "./common";
import { modelDropout } from "./seeded-dropout";

/** Options for {@link deepCnn}. */
export interface DeepCnnOptions extends SeedOptions {
  /** Dropout rate of both dropout layers (the book's 0.5). */
  readonly dropout?: number;
}

/** Filters and paddings of the six convolutions, as in the book. */
export const DEEP_CNN_CONVS: readonly { readonly filters: number; readonly pad: 1 | 2 }[] = [
  { filters: 16, pad: 1 },
  { filters: 16, pad: 1 },
  { filters: 32, pad: 1 },
  { filters: 32, pad: 2 },
  { filters: 64, pad: 1 },
  { filters: 64, pad: 1 },
];

/**
 * Builds the book's deep CNN for 28×28×1 inputs (123,552 parameters).
 * Returned uncompiled (see {@link softmaxRegression}).
 */
export function deepCnn(options: DeepCnnOptions = {}): tf.Sequential {
  checkOptions(options, ["seed", "dropout"], "deepCnn");
  checkSeed(options.seed, "deepCnn");
  const rate = options.dropout ?? 0.5;
  checkRate(rate, "deepCnn: dropout");
  const model = tf.sequential({ name: "deep_cnn" });
  DEEP_CNN_CONVS.forEach(({ filters, pad }, i) => {
    const first = i === 0 ? { inputShape: [...MNIST_INPUT_SHAPE] } : {};
    if (pad === 2) {
      model.add(tf.layers.zeroPadding2d({ ...first, padding: 2, name: `pad${i + 1}` }));
    }
    model.add(
      tf.layers.conv2d({
        ...(pad === 2 ? {} : first),
        filters,
        kernelSize: 3,
        padding: pad === 2 ? "valid" : "same",
        activation: "relu",
        kernelInitializer: he(options.seed, i + 1),
        name: `conv${i + 1}`,
      }),
    );
    if (i % 2 === 1) model.add(tf.layers.maxPooling2d({ poolSize: 2, strides: 2, name: `pool${(i + 1) / 2}` }));
  });
  model.add(tf.layers.flatten({ name: "flatten" }));
  model.add(tf.layers.dense({ units: 50, activation: "relu", kernelInitializer: he(options.seed, 7), name: "affine1" }));
  model.add(modelDropout(options.seed, 1, rate, "dropout1"));
  model.add(tf.layers.dense({ units: MNIST_CLASSES, kernelInitializer: he(options.seed, 8), name: "affine2" }));
  model.add(modelDropout(options.seed, 2, rate, "dropout2"));
  model.add(tf.layers.activation({ activation: "softmax", name: "softmax" }));
  return model;
}
