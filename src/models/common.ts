/**
 * What every model builder shares: the MNIST input shape, the seed option and the rule that turns
 * one seed into a different, reproducible seed for each layer's initializer.
 */
import * as tf from "@tensorflow/tfjs";
import { parseName } from "../check";
import { IMAGE_SIZE, NUM_CLASSES } from "../data/dataset";

/** One MNIST image as the models see it: height, width, channels (NHWC, like `Dataset.xs`). */
export const MNIST_INPUT_SHAPE: readonly [number, number, number] = [IMAGE_SIZE, IMAGE_SIZE, 1];

/** Number of classes (digits 0–9) every model predicts. */
export const MNIST_CLASSES = NUM_CLASSES;

/** Options every builder accepts. */
export interface SeedOptions {
  /**
   * Seed for the weight initializers and the dropout masks, so two builds with the same seed
   * start from the same weights and, trained on the same batches, drop the same units at every
   * step (see `SeededDropout`). Omit it for fresh random weights and masks.
   */
  readonly seed?: number;
}

/**
 * Gives each layer its own seed derived from the model seed (`seed·1000 + layer index`), or
 * `undefined` when the model is unseeded. Same-shaped layers with the same seed would otherwise
 * start with identical weights.
 */
export function layerSeed(seed: number | undefined, layerIndex: number): number | undefined {
  if (seed === undefined) return undefined;
  return seed * 1000 + layerIndex;
}

/** Checks the seed option at the door: a non-integer seed is a typo, not a request. */
export function checkSeed(seed: number | undefined, builder: string): void {
  if (seed !== undefined && !Number.isSafeInteger(seed)) {
    throw new Error(`${builder}: seed must be an integer, got ${seed}`);
  }
}

/** Checks a dropout rate: it must lie in [0, 1). */
export function checkRate(rate: number, what: string): void {
  if (!(rate >= 0 && rate < 1)) throw new Error(`${what} must be in [0, 1), got ${rate}`);
}

/** Keras's default initializer (Glorot uniform), seeded per layer. */
export function glorot(seed: number | undefined, layerIndex: number): ReturnType<typeof tf.initializers.glorotUniform> {
  return tf.initializers.glorotUniform({ seed: layerSeed(seed, layerIndex) });
}

/** He (Kaiming) normal initializer — the book's √(2/fan-in) scale for ReLU layers — seeded per layer. */
export function he(seed: number | undefined, layerIndex: number): ReturnType<typeof tf.initializers.glorotUniform> {
  return tf.initializers.heNormal({ seed: layerSeed(seed, layerIndex) });
}

/**
 * The weight initialisers the lessons compare (biases always start at 0):
 * - `zeros`: every weight 0 — every unit of a layer computes the same thing and gets the same
 *   gradient, so they can never become different (and with ReLU, nothing moves at all);
 * - `normal`: N(0, 0.01²), small random weights (standard deviation 0.01), the old default;
 * - `glorot`: Glorot/Xavier uniform, variance 2/(fan-in + fan-out) — Keras's default;
 * - `he`: He/Kaiming normal, variance 2/fan-in, the scale that keeps ReLU activations from
 *   shrinking layer after layer (tfjs draws it truncated at two standard deviations).
 */
export type InitializerName = "zeros" | "normal" | "glorot" | "he";

/** All initialiser names, in the order the lessons compare them. */
export const INITIALIZER_NAMES: readonly InitializerName[] = ["zeros", "normal", "glorot", "he"];

/** Standard deviation of the `normal` initialiser. */
export const SMALL_NORMAL_STDDEV = 0.01;

/** Parses an initialiser name from user input; an unknown name throws, listing the valid ones. */
export function parseInitializerName(value: string): InitializerName {
  return parseName(value, INITIALIZER_NAMES, "initializer");
}

/** The kernel initialiser `name`, seeded per layer like {@link glorot}. */
export function kernelInitializer(
  name: InitializerName,
  seed: number | undefined,
  layerIndex: number,
): ReturnType<typeof tf.initializers.glorotUniform> {
  switch (parseInitializerName(name)) {
    case "zeros":
      return tf.initializers.zeros();
    case "normal":
      return tf.initializers.randomNormal({ mean: 0, stddev: SMALL_NORMAL_STDDEV, seed: layerSeed(seed, layerIndex) });
    case "glorot":
      return glorot(seed, layerIndex);
    case "he":
      return he(seed, layerIndex);
  }
}

/** Checks a list of layer widths (hidden units, filters): non-empty, positive integers. */
export function checkWidths(widths: readonly number[], what: string): void {
  if (!Array.isArray(widths) || widths.length === 0 || !widths.every((u) => Number.isInteger(u) && u > 0)) {
    throw new Error(`${what} must be a non-empty list of positive integers, got [${Array.from(widths ?? []).join(", ")}]`);
  }
}
