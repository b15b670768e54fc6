/**
 * numpy's `swapaxes` for tfjs tensors.
 *
 * A conv layer returns N×H×W×C; to draw one image's C feature maps as C separate pictures we
 * want C×H×W×1 (or C×…): the channel axis moved to the front. `tf.transpose` can do it, but its
 * permutation argument is easy to get wrong; "swap axis 0 and axis 3" is what a learner means.
 */
import * as tf from "@tensorflow/tfjs";
import { describe } from "../check";

function normalizeAxis(axis: number, rank: number, name: string): number {
  if (rank === 0) throw new Error("swapaxes: a scalar (rank-0 tensor) has no axes to swap");
  if (!Number.isInteger(axis)) throw new Error(`swapaxes: ${name} must be an integer, got ${axis}`);
  if (axis < -rank || axis >= rank) {
    throw new Error(`swapaxes: ${name} = ${axis} is out of range for a rank-${rank} tensor (valid: ${-rank}..${rank - 1})`);
  }
  return axis < 0 ? axis + rank : axis;
}

/**
 * Returns a new tensor with axes `a` and `b` exchanged (like `numpy.swapaxes`). Negative axes
 * count from the end (−1 is the last axis). When `a` and `b` name the same axis the result is a
 * copy (`t.clone()`), never `t` itself, so the caller can always dispose the result on its own.
 *
 * @example swapaxes(tf.zeros([1, 4, 2]), 0, 2).shape // [2, 4, 1]
 * @throws when an axis is not an integer or is outside −rank..rank−1.
 */
export function swapaxes<T extends tf.Tensor>(t: T, a: number, b: number): T {
  if (!(t instanceof tf.Tensor)) {
    throw new Error(`swapaxes: expected a tf.Tensor, got ${describe(t)} (make one with tf.tensor(...))`);
  }
  const i = normalizeAxis(a, t.rank, "axis a");
  const j = normalizeAxis(b, t.rank, "axis b");
  if (i === j) return t.clone();
  const perm = t.shape.map((_, k) => k);
  perm[i] = j;
  perm[j] = i;
  return tf.transpose(t, perm) as T;
}
