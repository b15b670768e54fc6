/**
 * Dropout whose masks are reproducible: the same seed gives the same sequence of masks, a new
 * mask at every training step.
 *
 * Why not tfjs's own `tf.layers.dropout({ seed })`: it hands its seed unchanged to
 * `tf.dropout` on every call, so every training step draws the *same* mask — a fixed thinner
 * network, not dropout. Unseeded, runs differ even when the weights, the batch order and the
 * augmentation are all seeded. This layer derives a fresh seed per training call (`seed`,
 * call number), so two models built with the same seed and trained on the same batches drop
 * the same units at every step, and two trainings of one recipe give the same numbers on one
 * backend.
 *
 * Outside training (`predict`, `evaluate`, `training` not `true`) it passes its input through,
 * like Dropout. The call counter starts at 0 when the layer is built or loaded: a loaded model
 * trained further repeats the masks of its first steps (a different but valid dropout stream),
 * unless `fit` resumes it from a training state, which sets the counter where the run left it.
 *
 * Data-parallel training (`fit`'s workers) gives each worker some rows of every batch; such a
 * worker sets {@link SeededDropout.batchRows} and takes its rows of the whole batch's mask, so
 * the run drops the same units as a single worker would.
 */
import * as tf from "@tensorflow/tfjs";
import { checkOptions } from "../check";
import { checkRate, checkSeed, layerSeed } from "./common";

/** Options of {@link seededDropout}. */
export interface SeededDropoutOptions {
  /** Share of the units set to 0 at each training step, in [0, 1). */
  readonly rate: number;
  /** Seed of the mask sequence; omit it for unseeded (fresh random) masks. Must be an integer. */
  readonly seed?: number | undefined;
  /** Layer name (unique within a model). */
  readonly name?: string;
}

/** The layer behind {@link seededDropout}; registered for saving and loading as "SeededDropout". */
export class SeededDropout extends tf.layers.Layer {
  static readonly className = "SeededDropout";
  readonly rate: number;
  readonly seed: number | undefined;
  /** Training calls so far: the second part of each mask's seed (set by a resumed `fit` and by fit's workers). */
  trainingCalls = 0;
  /** Set by a training worker: its input is rows [start, start + n) of a batch of `total`. */
  batchRows: { readonly start: number; readonly total: number } | undefined;

  constructor(options: SeededDropoutOptions) {
    super(options.name === undefined ? {} : { name: options.name });
    checkRate(options.rate, "seededDropout: rate");
    checkSeed(options.seed, "seededDropout");
    this.rate = options.rate;
    this.seed = options.seed;
    this.supportsMasking = true;
  }

  override call(inputs: tf.Tensor | tf.Tensor[], kwargs: Record<string, unknown>): tf.Tensor {
    const list = Array.isArray(inputs) ? inputs : [inputs];
    if (list.length !== 1) throw new Error(`SeededDropout expects one input tensor, got ${list.length}`);
    const x = list[0] as tf.Tensor;
    if (kwargs.training !== true || this.rate === 0) return x;
    const call = this.trainingCalls++;
    // A string seed: "7:0", "7:1", … never collide, as seed·k + call could for some k.
    const seed = this.seed === undefined ? undefined : `${this.seed}:${call}`;
    const rows = this.batchRows;
    if (rows === undefined || seed === undefined) return tf.dropout(x, this.rate, undefined, seed);
    return tf.tidy(() => {
      // tf.dropout's formula (tfjs-core ops/dropout.ts) on the whole batch's noise, then our rows.
      const keep = 1 - this.rate;
      const noise = tf.randomUniform([rows.total, ...x.shape.slice(1)], 0, 1, "float32", seed);
      const multiplier = tf.div(tf.floor(tf.add(noise, keep)), keep);
      return tf.mul(x, tf.slice(multiplier, [rows.start], [x.shape[0]]));
    });
  }

  override getConfig(): tf.serialization.ConfigDict {
    return { ...super.getConfig(), rate: this.rate, ...(this.seed === undefined ? {} : { seed: this.seed }) };
  }
}
tf.serialization.registerClass(SeededDropout);

/**
 * A dropout layer with reproducible masks (see {@link SeededDropout}); with `seed` omitted it
 * behaves like `tf.layers.dropout({ rate })`. Throws naming the problem for a rate outside
 * [0, 1) or a non-integer seed.
 *
 * @example model.add(seededDropout({ rate: 0.5, seed: 1004, name: "dropout2" }))
 */
export function seededDropout(options: SeededDropoutOptions): SeededDropout {
  return new SeededDropout(checkOptions(options, ["rate", "seed", "name"], "seededDropout"));
}

/** A model's `SeededDropout` layers, in order, nested models included. */
export function seededDropouts(model: tf.LayersModel): SeededDropout[] {
  return model.layers.flatMap((layer) =>
    layer instanceof SeededDropout ? [layer] : layer instanceof tf.LayersModel ? seededDropouts(layer) : [],
  );
}

/**
 * The `k`-th dropout layer (1-based) of a model built with `modelSeed`: its masks get their own
 * seed derived from the model's ({@link layerSeed} of 100 + k, apart from the initializers'
 * 1, 2, …), or none when the model is unseeded.
 */
export function modelDropout(modelSeed: number | undefined, k: number, rate: number, name: string): SeededDropout {
  return seededDropout({ rate, seed: layerSeed(modelSeed, 100 + k), name });
}
