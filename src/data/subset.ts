/**
 * Smaller data sets cut from a larger one: chosen examples (`subsetDataset`) and a balanced,
 * seeded sample of n examples per class (`perClassIndices`) — the "small labelled slice" of a
 * transfer-learning experiment.
 */
import * as tf from "@tensorflow/tfjs";
import { shuffledIndices } from "./batches";
import { makeDataset, NUM_CLASSES, type Dataset } from "./dataset";

/** A new {@link Dataset} of the examples at `indices` of `ds`, in that order (copies; dispose it). */
export function subsetDataset(ds: Dataset, indices: ArrayLike<number>): Dataset {
  const idx = Int32Array.from(indices);
  if (idx.length === 0) throw new Error("subsetDataset: no indices");
  idx.forEach((k, i) => {
    if (!Number.isInteger(k) || k < 0 || k >= ds.size) {
      throw new Error(`subsetDataset: index ${k} at position ${i} is outside 0..${ds.size - 1}`);
    }
  });
  const [xs, ys] = tf.tidy(() => {
    const at = tf.tensor1d(idx, "int32");
    return [tf.gather(ds.xs, at) as tf.Tensor4D, tf.gather(ds.ys, at) as tf.Tensor2D];
  });
  return makeDataset(
    xs,
    ys,
    Int32Array.from(idx, (k) => ds.labels[k]!),
  );
}

/**
 * Indices of `perClass` examples of every class 0..9, drawn with `seed` from `labels`, in
 * ascending order. The same seed and a larger `perClass` keep the smaller sample's examples
 * (each class's examples are taken in one seeded order), so the slices are nested.
 */
export function perClassIndices(labels: ArrayLike<number>, perClass: number, seed = 0): Int32Array {
  if (!Number.isInteger(perClass) || perClass < 1) {
    throw new Error(`perClassIndices: perClass must be a positive integer, got ${perClass}`);
  }
  const taken = new Array<number>(NUM_CLASSES).fill(0);
  const out: number[] = [];
  for (const k of shuffledIndices(labels.length, seed)) {
    const c = labels[k]!;
    if (taken[c]! < perClass) {
      taken[c]! += 1;
      out.push(k);
    }
  }
  const short = taken.findIndex((t) => t < perClass);
  if (short >= 0) {
    throw new Error(`perClassIndices: class ${short} has ${taken[short]} examples, fewer than perClass ${perClass}`);
  }
  return Int32Array.from(out).sort();
}
