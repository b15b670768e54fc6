/**
 * Transfer learning from a trained network (lesson 10, `npm run train -- --transfer-from <dir>`):
 * the convolutional base of a trained model, its weights copied and frozen, under a new head.
 *
 * The base is every layer before the trained model's Flatten except dropout (a frozen layer
 * does not need it, and lesson 10's transfer model has none): for the lessons' CNN, conv1 →
 * pool1 → conv2 → pool2 → conv3 → pool3. The head is Flatten, dense 128 ReLU, dense 10 softmax,
 * seeded like the CNN's own dense layers (layer numbers after the base's convolutions), so that
 * with the same seed the head starts from the very weights a CNN trained from scratch starts
 * its head from: the two differ only in the base.
 */
import * as tf from "@tensorflow/tfjs";
import { checkOptions, describe } from "../check";
import { checkSeed, glorot, MNIST_CLASSES, MNIST_INPUT_SHAPE, type SeedOptions } from "./common";

/** Options of {@link transferModel}. */
export interface TransferOptions extends SeedOptions {
  /**
   * Keep the base's weights fixed (`trainable: false`, the default); `false` trains them with the
   * head. To fine-tune after training the head, set every layer's `trainable` to `true` and fit again.
   */
  readonly freeze?: boolean;
}

/** Units of the new head's dense ReLU layer (the CNN's). */
export const TRANSFER_DENSE_UNITS = 128;

/** Layers a base leaves out: dropout (tfjs's own and the lessons' seeded one), and an explicit input layer. */
const LEFT_OUT = new Set(["Dropout", "SeededDropout", "InputLayer"]);

/** The layers of `base` that form its convolutional base; throws, naming what is missing. */
function baseLayers(base: tf.LayersModel): tf.layers.Layer[] {
  const name = `the base model "${base.name}"`;
  const shape = base.inputs.length === 1 ? base.inputs[0]!.shape : undefined;
  if (JSON.stringify(shape) !== JSON.stringify([null, ...MNIST_INPUT_SHAPE])) {
    const got = base.inputs.map((i) => JSON.stringify(i.shape.slice(1))).join(" and ");
    throw new Error(`transferModel: ${name} takes ${got} inputs, not 28×28×1 images ([28,28,1])`);
  }
  if (!(base instanceof tf.Sequential)) {
    throw new Error(`transferModel: ${name} is not a tf.Sequential (a chain of layers) whose base can be copied`);
  }
  const flatten = base.layers.findIndex((l) => l.getClassName() === "Flatten");
  if (flatten < 0) throw new Error(`transferModel: ${name} has no Flatten layer, so no convolutional base before it`);
  const layers = base.layers.slice(0, flatten).filter((l) => !LEFT_OUT.has(l.getClassName()));
  if (!layers.some((l) => l.getClassName() === "Conv2D")) {
    throw new Error(
      `transferModel: ${name} has no convolution before its Flatten (${layers.map((l) => l.name).join(", ") || "no layers"})`,
    );
  }
  return layers;
}

/**
 * A new model: the convolutional base of the trained `base` (a 28×28×1 tf.Sequential with a
 * Flatten, like every lesson model with convolutions), with its layers' names and trained weights
 * copied — `base` itself is left unchanged — frozen unless `freeze: false`, and a new head
 * (Flatten, dense 128 ReLU, dense 10 softmax) seeded with `seed`. Returned uncompiled.
 *
 * @example const model = transferModel(await loadModel("results/models/cnn-full"), { seed: 1 });
 */
export function transferModel(base: tf.LayersModel, options: TransferOptions = {}): tf.Sequential {
  checkOptions(options, ["seed", "freeze"], "transferModel");
  checkSeed(options.seed, "transferModel");
  const freeze = options.freeze ?? true;
  if (typeof freeze !== "boolean") throw new Error(`transferModel: freeze must be true or false, got ${describe(freeze)}`);
  if (!(base instanceof tf.LayersModel)) throw new Error(`transferModel: base must be a tf.LayersModel, got ${describe(base)}`);
  const layers = baseLayers(base);
  const model = tf.sequential({ name: "transfer" });
  layers.forEach((layer, i) => {
    // A layer's config rebuilds it (what tfjs's deserialisation does); only the input shape and
    // `trainable` change.
    const config = { ...layer.getConfig(), trainable: !freeze } as tf.serialization.ConfigDict;
    delete config.batchInputShape;
    if (i === 0) config.batchInputShape = [null, ...MNIST_INPUT_SHAPE];
    const copy = new (layer.constructor as new (config: tf.serialization.ConfigDict) => tf.layers.Layer)(config);
    model.add(copy);
    copy.setWeights(layer.getWeights());
  });
  const convs = layers.filter((l) => l.getClassName() === "Conv2D").length;
  model.add(tf.layers.flatten({ name: "flatten" }));
  model.add(
    tf.layers.dense({
      units: TRANSFER_DENSE_UNITS,
      activation: "relu",
      kernelInitializer: glorot(options.seed, convs + 1),
      name: "new_dense",
    }),
  );
  model.add(
    tf.layers.dense({
      units: MNIST_CLASSES,
      activation: "softmax",
      kernelInitializer: glorot(options.seed, convs + 2),
      name: "new_output",
    }),
  );
  return model;
}
