/**
 * Seeded shuffling and mini-batches that do not leak tensors.
 *
 * Reproducibility: every shuffle in the lessons comes from {@link mulberry32}, a tiny 32-bit
 * PRNG (Tommy Ettinger's public-domain generator, period 2^32) — plenty for shuffling 60,000
 * indices, and the same seed gives the same order on every machine and backend, unlike
 * `Math.random` (unseedable) or tf's random ops (backend-dependent).
 *
 * Batches: the data set stays on the device; each batch is gathered there with `tf.gather` from
 * a small int32 index tensor, handed to the callback and disposed when the callback returns (or
 * throws). Nothing is read back to the host, which matters on the wasm backend.
 */
import * as tf from "@tensorflow/tfjs";
import { checkOptions, checkPositiveInt } from "../check";

/** A seeded stream of floats in [0, 1): each call returns the next one. */
export interface SeededRandom {
  (): number;
  /** Where the stream is now: `mulberry32(random.state())` continues it from here (a training checkpoint keeps this). */
  state(): number;
}

/**
 * mulberry32: a seeded generator of floats in [0, 1). Deterministic for a given seed (any
 * integer; it is reduced to 32 bits). Not for cryptography.
 */
export function mulberry32(seed: number): SeededRandom {
  if (!Number.isFinite(seed) || !Number.isInteger(seed)) {
    throw new Error(`Seed must be an integer, got ${seed}`);
  }
  let a = seed >>> 0;
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return Object.assign(next, { state: () => a });
}

/**
 * The indices 0..n-1 in a seeded random order (Fisher–Yates driven by {@link mulberry32}).
 * The same `n` and `seed` always give the same permutation.
 */
export function shuffledIndices(n: number, seed: number): Int32Array {
  if (!Number.isInteger(n) || n < 0) throw new Error(`shuffledIndices: n must be a non-negative integer, got ${n}`);
  const random = mulberry32(seed);
  const out = new Int32Array(n);
  for (let i = 0; i < n; i++) out[i] = i;
  for (let i = n - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    const t = out[i]!;
    out[i] = out[j]!;
    out[j] = t;
  }
  return out;
}

/** What {@link forEachBatch} needs of a data set (a {@link Dataset} fits). */
export interface BatchSource {
  readonly xs: tf.Tensor4D;
  readonly ys: tf.Tensor2D;
  readonly size: number;
}

interface BatchCommon {
  /** Skip the last, smaller batch when `size` is not a multiple of the batch size. Default false. */
  readonly dropRemainder?: boolean;
}

/**
 * How to order the examples: `{ seed }` shuffles with that seed (pass e.g. `seed + epoch` to get
 * a new order each epoch), `{ shuffle: false }` keeps the data set's order. There is deliberately
 * no default seed: an epoch loop that forgot it would see the same order every epoch.
 */
export type BatchOptions =
  | (BatchCommon & { readonly seed: number; readonly shuffle?: true })
  | (BatchCommon & { readonly shuffle: false; readonly seed?: never });

/** Number of batches {@link forEachBatch} makes for `size` examples. */
export function batchCount(size: number, batchSize: number, dropRemainder = false): number {
  checkBatchSize(batchSize);
  return dropRemainder ? Math.floor(size / batchSize) : Math.ceil(size / batchSize);
}

function checkBatchSize(batchSize: number): void {
  checkPositiveInt(batchSize, "batch size", "forEachBatch");
}

/**
 * Calls `fn(x, y, step)` for each mini-batch of one epoch over `ds`: x is [b, 28, 28, 1], y is
 * [b, 10], step counts from 0. Every example appears exactly once per epoch. The batch tensors
 * are disposed after `fn` settles — keep none of them; `tf.keep`/clone what you need. Tensors
 * `fn` creates itself are its own business (use `tf.tidy` inside).
 *
 * @returns the number of batches run.
 */
export async function forEachBatch(
  ds: BatchSource,
  batchSize: number,
  options: BatchOptions,
  fn: (x: tf.Tensor4D, y: tf.Tensor2D, step: number) => void | Promise<void>,
): Promise<number> {
  checkBatchSize(batchSize);
  checkOptions(options, ["seed", "shuffle", "dropRemainder"], "forEachBatch");
  const n = ds.size;
  if (ds.xs.shape[0] !== n || ds.ys.shape[0] !== n) {
    throw new Error(`forEachBatch: size ${n} disagrees with xs [${ds.xs.shape}] / ys [${ds.ys.shape}]`);
  }
  if (ds.xs.isDisposed || ds.ys.isDisposed) throw new Error("forEachBatch: the data set has been disposed");
  let order: Int32Array;
  if (options.shuffle === false) {
    order = new Int32Array(n);
    for (let i = 0; i < n; i++) order[i] = i;
  } else {
    if (options.seed === undefined) throw new Error("forEachBatch: give a seed, or shuffle: false");
    order = shuffledIndices(n, options.seed);
  }
  const steps = batchCount(n, batchSize, options.dropRemainder ?? false);
  for (let step = 0; step < steps; step++) {
    const start = step * batchSize;
    // slice() copies: the index tensor must not alias the whole permutation's buffer.
    const idx = tf.tensor1d(order.slice(start, Math.min(start + batchSize, n)), "int32");
    const x = tf.gather(ds.xs, idx) as tf.Tensor4D;
    const y = tf.gather(ds.ys, idx) as tf.Tensor2D;
    idx.dispose();
    try {
      await fn(x, y, step);
    } finally {
      x.dispose();
      y.dispose();
    }
  }
  return steps;
}
