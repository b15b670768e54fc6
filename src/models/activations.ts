/**
 * How spread out a network's hidden activations are, layer by layer: the picture behind
 * weight initialisation. Too small a scale and the activations shrink towards 0 with every layer
 * (and so do the gradients); too large and they blow up; a ReLU layer whose outputs are all 0
 * passes no gradient at all.
 */
import * as tf from "@tensorflow/tfjs";

/** One hidden layer's activations on a batch, summarised. */
export interface ActivationStats {
  /** Layer name, e.g. `dense2` or `relu2`. */
  readonly layer: string;
  readonly mean: number;
  /** Standard deviation over every unit and image of the batch. */
  readonly std: number;
  /** Share of exact zeros (for ReLU: units that are off). */
  readonly zeroFraction: number;
}

/** The layers whose output is a ReLU: dense/conv layers with `activation: "relu"` and ReLU `Activation` layers. */
export function reluLayerNames(model: tf.LayersModel): string[] {
  return model.layers.filter((l) => l.getConfig()["activation"] === "relu").map((l) => l.name);
}

/**
 * Runs `xs` through `model` (inference mode: dropout off, batch norm on its running statistics)
 * and summarises the output of each layer in `layers` (default: every ReLU, {@link reluLayerNames}).
 * Leaves no tensors behind. An unknown layer name throws, listing the model's layers.
 *
 * @example activationStats(mlp({ hidden: [256, 256], init: "he" }), batch).map((s) => s.std)
 */
export function activationStats(
  model: tf.LayersModel,
  xs: tf.Tensor,
  layers: readonly string[] = reluLayerNames(model),
): ActivationStats[] {
  const known = model.layers.map((l) => l.name);
  for (const name of layers) {
    if (!known.includes(name)) throw new Error(`activationStats: no layer "${name}" in ${model.name} (layers: ${known.join(", ")})`);
  }
  if (layers.length === 0) throw new Error(`activationStats: no layers to summarise in ${model.name}`);
  const probe = tf.model({ inputs: model.inputs, outputs: layers.map((n) => model.getLayer(n).output as tf.SymbolicTensor) });
  const summary = tf.tidy(() => {
    const outs = probe.predict(xs) as tf.Tensor | tf.Tensor[];
    const rows = (Array.isArray(outs) ? outs : [outs]).map((t) => {
      const { mean, variance } = tf.moments(t);
      return tf.stack([mean, tf.sqrt(variance), tf.mean(tf.cast(tf.equal(t, 0), "float32"))]);
    });
    return tf.stack(rows) as tf.Tensor2D;
  });
  const stats = summary.arraySync();
  summary.dispose();
  // `probe` shares the model's layers and weights: nothing of its own to dispose.
  return layers.map((layer, i) => ({ layer, mean: stats[i]![0], std: stats[i]![1], zeroFraction: stats[i]![2] }));
}
