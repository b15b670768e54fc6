/**
 * The in-memory form of a digits data set that models train on: normalised images and one-hot
 * labels as tensors, plus a host copy of the labels for tables and metrics.
 *
 * Images arrive as raw bytes (0 = background, 255 = ink) from IDX or CSV files; they are turned
 * into float32 in [0, 1] here, on the host, in one pass — so building a data set creates exactly
 * the tensors it returns and nothing to clean up.
 */
import * as tf from "@tensorflow/tfjs";

/** Height and width of an MNIST digit, in pixels. */
export const IMAGE_SIZE = 28;
/** Pixels per image (28 × 28). */
export const PIXELS_PER_IMAGE = IMAGE_SIZE * IMAGE_SIZE;
/** Number of digit classes, 0-9. */
export const NUM_CLASSES = 10;

/** A labelled set of digits. Call `dispose()` when done: the tensors hold device memory. */
export interface Dataset {
  /** Images, shape [size, 28, 28, 1], float32 in [0, 1]. */
  readonly xs: tf.Tensor4D;
  /** One-hot labels, shape [size, 10], float32. */
  readonly ys: tf.Tensor2D;
  /** Host copy of the labels 0..9 (for tables and metrics without reading `ys` back). */
  readonly labels: Int32Array;
  /** Number of examples. */
  readonly size: number;
  /** Frees `xs` and `ys`; calling it again does nothing. */
  dispose(): void;
}

function checkIndices(indices: Int32Array, available: number, what: string): void {
  for (let i = 0; i < indices.length; i++) {
    const k = indices[i]!;
    if (k < 0 || k >= available) {
      throw new Error(`${what}: index ${k} at position ${i} is outside 0..${available - 1}`);
    }
  }
}

function checkPixels(pixels: Uint8Array, what: string): number {
  if (pixels.length % PIXELS_PER_IMAGE !== 0) {
    throw new Error(`${what}: ${pixels.length} pixel bytes is not a whole number of ${IMAGE_SIZE}×${IMAGE_SIZE} images`);
  }
  return pixels.length / PIXELS_PER_IMAGE;
}

/**
 * Images from raw bytes: `pixels` holds whole 28×28 images back to back (row-major, 0-255);
 * `indices` picks and orders them (default: all, in order). Returns [n, 28, 28, 1] in [0, 1].
 */
export function imagesFromBytes(pixels: Uint8Array, indices?: Int32Array, what = "images"): tf.Tensor4D {
  const available = checkPixels(pixels, what);
  const pick = indices ?? Int32Array.from({ length: available }, (_, i) => i);
  checkIndices(pick, available, what);
  const out = new Float32Array(pick.length * PIXELS_PER_IMAGE);
  for (let i = 0; i < pick.length; i++) {
    const src = pick[i]! * PIXELS_PER_IMAGE;
    const dst = i * PIXELS_PER_IMAGE;
    for (let p = 0; p < PIXELS_PER_IMAGE; p++) out[dst + p] = pixels[src + p]! / 255;
  }
  return tf.tensor4d(out, [pick.length, IMAGE_SIZE, IMAGE_SIZE, 1], "float32");
}

/**
 * A {@link Dataset} from raw bytes: images as in {@link imagesFromBytes}, `labels` one per image
 * (values 0..9, checked). `indices` selects and orders the examples (default: all, in order).
 */
export function datasetFromBytes(pixels: Uint8Array, labels: Uint8Array | Int32Array, indices?: Int32Array, what = "data set"): Dataset {
  const available = checkPixels(pixels, what);
  if (labels.length !== available) {
    throw new Error(`${what}: ${available} images but ${labels.length} labels — they must match one to one`);
  }
  const pick = indices ?? Int32Array.from({ length: available }, (_, i) => i);
  checkIndices(pick, available, what);
  const hostLabels = new Int32Array(pick.length);
  const oneHot = new Float32Array(pick.length * NUM_CLASSES);
  for (let i = 0; i < pick.length; i++) {
    const label = labels[pick[i]!]!;
    if (!Number.isInteger(label) || label < 0 || label >= NUM_CLASSES) {
      throw new Error(`${what}: label ${label} of example ${pick[i]} is outside 0..${NUM_CLASSES - 1}`);
    }
    hostLabels[i] = label;
    oneHot[i * NUM_CLASSES + label] = 1;
  }
  const xs = imagesFromBytes(pixels, pick, what);
  const ys = tf.tensor2d(oneHot, [pick.length, NUM_CLASSES], "float32");
  return makeDataset(xs, ys, hostLabels);
}

/** Wraps tensors and host labels as a {@link Dataset}, checking that their sizes agree. */
export function makeDataset(xs: tf.Tensor4D, ys: tf.Tensor2D, labels: Int32Array): Dataset {
  const size = xs.shape[0];
  if (ys.shape[0] !== size || labels.length !== size) {
    throw new Error(`Dataset sizes disagree: xs has ${size} examples, ys ${ys.shape[0]}, labels ${labels.length}`);
  }
  if (ys.shape[1] !== NUM_CLASSES) throw new Error(`Dataset ys must be [n, ${NUM_CLASSES}], got [${ys.shape}]`);
  return {
    xs,
    ys,
    labels,
    size,
    dispose() {
      // tf's dispose is idempotent, so a second call is harmless.
      xs.dispose();
      ys.dispose();
    },
  };
}
