/**
 * Random horizontal flips: mirror each image left–right with probability ½. Right for clothes (a
 * mirrored shirt is a shirt), wrong for digits (a mirrored 2 is no digit) — which is why the
 * digit augmentation of `fit({ augment })` refuses flips, and why this is a separate transform,
 * passed to `fit` as `transformBatch` where the images allow it.
 */
import * as tf from "@tensorflow/tfjs";
import { mulberry32 } from "../data/batches";

/** A transform of a training batch [n, h, w, c] → same shape; returns a new tensor. */
export type BatchTransform = (x: tf.Tensor4D) => tf.Tensor4D;

/** Every image of `x` mirrored left–right (axis 2 is the width of [n, h, w, c]). */
export function flipHorizontal(x: tf.Tensor4D): tf.Tensor4D {
  return tf.reverse(x, 2);
}

/**
 * A seeded {@link BatchTransform} that mirrors each image with probability `p` (default ½): the
 * same seed gives the same flips batch after batch, so a training run repeats.
 */
export function randomHorizontalFlip(seed: number, p = 0.5): BatchTransform {
  if (!Number.isSafeInteger(seed)) throw new Error(`randomHorizontalFlip: seed must be an integer, got ${seed}`);
  if (!(p >= 0 && p <= 1)) throw new Error(`randomHorizontalFlip: p must be in [0, 1], got ${p}`);
  const random = mulberry32(seed);
  return (x) => {
    if (x.rank !== 4) throw new Error(`randomHorizontalFlip: expected a batch [n, h, w, c], got shape [${x.shape}]`);
    const n = x.shape[0];
    const flip = Uint8Array.from({ length: n }, () => (random() < p ? 1 : 0));
    return tf.tidy(() => tf.where(tf.tensor4d(flip, [n, 1, 1, 1], "bool").tile([1, ...x.shape.slice(1)]), flipHorizontal(x), x));
  };
}
