/**
 * The MNIST loader: the four original files in data/mnist/ → seeded train / validation / test
 * data sets sized by the lesson profile.
 *
 * - Files are checked against the md5s published in data/mnist/README.md, then their headers,
 *   counts, 28×28 size and labels 0..9 are checked — a wrong file stops with a clear message.
 * - The parsed bytes are cached per process (gunzipping 60,000 images takes a moment and a
 *   notebook calls the loader in several cells); tensors are never cached, each call builds its
 *   own and the caller disposes them.
 * - Validation comes from the 60,000 training images only, after a seeded shuffle; the test set
 *   is the real 10,000-image test set and never mixes with training.
 */
import * as tf from "@tensorflow/tfjs";
import { existsSync } from "node:fs";
import * as path from "node:path";
import { lessonProfile, type LessonProfile } from "../profile";
import { shuffledIndices } from "./batches";
import { datasetFromBytes, imagesFromBytes, IMAGE_SIZE, NUM_CLASSES, type Dataset } from "./dataset";
import { readIdxFile, readIdxFileSync, type IdxArray } from "./idx";
import { defaultMnistDir } from "./paths";

export type { Dataset } from "./dataset";

/** The two MNIST file sets. */
export type MnistSplitName = "train" | "test";

/** File names, md5s of the .gz files (from data/mnist/README.md) and example counts. */
export const MNIST_FILES = {
  train: {
    images: { file: "train-images-idx3-ubyte.gz", md5: "f68b3c2dcbeaaa9fbdd348bbdeb94873" },
    labels: { file: "train-labels-idx1-ubyte.gz", md5: "d53e105ee54ea40749a09fcbcd1e9432" },
    count: 60000,
  },
  test: {
    images: { file: "t10k-images-idx3-ubyte.gz", md5: "9fb629c4189551a2d022fa330f9573f3" },
    labels: { file: "t10k-labels-idx1-ubyte.gz", md5: "ec29112dd5afa0611ce80d1b7f02629c" },
    count: 10000,
  },
} as const;

/** One MNIST split as raw host bytes, checked. Shared by the per-process cache: do not modify. */
export interface MnistRaw {
  /** count × 784 pixel bytes (0-255), image after image, row-major. */
  readonly pixels: Uint8Array;
  /** count labels, 0..9, in image order. */
  readonly labels: Uint8Array;
  readonly count: number;
}

/** The three data sets of one {@link loadMnist} call; `dispose()` frees all of them. */
export interface MnistSplits {
  readonly train: Dataset;
  readonly validation: Dataset;
  readonly test: Dataset;
  dispose(): void;
}

/** Options of {@link loadMnist}; unknown keys are rejected. */
export interface LoadMnistOptions {
  /** Folder with the four original .gz files. Default: data/mnist of the project. */
  dir?: string;
  /** Default {@link lessonProfile}(): "fast" → 6,000 / 1,000 / 2,000, "full" → 55,000 / 5,000 / 10,000. */
  profile?: LessonProfile;
  /** Training examples (overrides the profile). */
  trainSize?: number;
  /** Validation examples, taken from the 60,000 training images (overrides the profile; may be 0). */
  validationSize?: number;
  /** Test examples from the 10,000-image test set (overrides the profile). */
  testSize?: number;
  /** Seed of the shuffle before the train/validation split and of the test slice. Default 42. */
  seed?: number;
}

/** Numbers of train / validation / test examples. */
export interface MnistSizes {
  readonly train: number;
  readonly validation: number;
  readonly test: number;
}

/**
 * Split sizes of each profile. `fast`: a tenth of the training images and a fifth of the test
 * set, for quick runs (CI, tests, a first look); `full`: the usual 55,000 / 5,000 split of the
 * 60,000 training images and the whole 10,000-image test set.
 */
export const MNIST_PROFILE_SIZES: Readonly<Record<LessonProfile, MnistSizes>> = {
  fast: { train: 6000, validation: 1000, test: 2000 },
  full: { train: 55000, validation: 5000, test: 10000 },
};

/** Default seed of {@link loadMnist}. */
export const MNIST_DEFAULT_SEED = 42;

// The test slice gets its own random stream so that it does not change with the train split.
const TEST_SEED_SALT = 0x5bd1e995;

const cache = new Map<string, MnistRaw>();
const pending = new Map<string, Promise<MnistRaw>>();

/** Forgets the cached MNIST bytes (the next load reads the files again). */
export function clearMnistCache(): void {
  cache.clear();
  pending.clear();
}

function cacheKey(dir: string, split: MnistSplitName, verify: boolean): string {
  return `${path.resolve(dir)}\0${split}\0${verify ? "md5" : "no-md5"}`;
}

function checkSplitName(split: string): asserts split is MnistSplitName {
  if (split !== "train" && split !== "test") {
    throw new Error(`Unknown MNIST split "${split}": expected "train" or "test"`);
  }
}

/** Checks a decoded images/labels pair and returns it as {@link MnistRaw}. */
function checkPair(images: IdxArray, labels: IdxArray, imagesPath: string, labelsPath: string): MnistRaw {
  const [count, rows, cols] = images.dims as [number, number, number];
  if (rows !== IMAGE_SIZE || cols !== IMAGE_SIZE) {
    throw new Error(`${imagesPath}: images are ${rows}×${cols}, expected ${IMAGE_SIZE}×${IMAGE_SIZE}`);
  }
  const labelCount = labels.dims[0]!;
  if (labelCount !== count) {
    throw new Error(
      `Image/label count mismatch: ${imagesPath} has ${count} images but ${labelsPath} has ${labelCount} labels`,
    );
  }
  const bad = labels.data.findIndex((v) => v >= NUM_CLASSES);
  if (bad >= 0) {
    throw new Error(`${labelsPath}: label ${labels.data[bad]} at index ${bad} is outside 0..${NUM_CLASSES - 1}`);
  }
  return { pixels: images.data, labels: labels.data, count };
}

function splitPaths(dir: string, split: MnistSplitName) {
  if (!existsSync(dir)) {
    throw new Error(`MNIST folder not found: ${dir} (it should hold the four .gz files, see data/mnist/README.md)`);
  }
  const files = MNIST_FILES[split];
  return {
    images: path.join(dir, files.images.file),
    labels: path.join(dir, files.labels.file),
    md5: { images: files.images.md5, labels: files.labels.md5 },
  };
}

/** Options of {@link readMnistSplit}. */
export interface ReadMnistSplitOptions {
  /** Check the md5 of each .gz file against {@link MNIST_FILES}. Default true. */
  readonly verify?: boolean;
}

/**
 * Reads one split's two files from `dir` as checked raw bytes (cached per process). With
 * `verify` (default) the .gz files must be the original MNIST files, byte for byte.
 */
export async function readMnistSplit(
  dir: string,
  split: MnistSplitName,
  options: ReadMnistSplitOptions = {},
): Promise<MnistRaw> {
  checkSplitName(split);
  const verify = options.verify ?? true;
  const key = cacheKey(dir, split, verify);
  const hit = cache.get(key);
  if (hit) return hit;
  let loading = pending.get(key);
  if (!loading) {
    const p = splitPaths(dir, split);
    // Both files are read at once, but when both are bad the images' error is the one thrown,
    // as in readMnistSplitSync: which read fails first must not decide what the user is told.
    loading = Promise.allSettled([
      readIdxFile(p.images, { ndims: 3, md5: verify ? p.md5.images : undefined }),
      readIdxFile(p.labels, { ndims: 1, md5: verify ? p.md5.labels : undefined }),
    ])
      .then(([images, labels]) => {
        if (images.status === "rejected") throw images.reason;
        if (labels.status === "rejected") throw labels.reason;
        const raw = checkPair(images.value, labels.value, p.images, p.labels);
        cache.set(key, raw);
        return raw;
      })
      .finally(() => pending.delete(key));
    pending.set(key, loading);
  }
  return loading;
}

/** Synchronous {@link readMnistSplit}, for helpers that must work in any notebook cell. */
export function readMnistSplitSync(dir: string, split: MnistSplitName, options: ReadMnistSplitOptions = {}): MnistRaw {
  checkSplitName(split);
  const verify = options.verify ?? true;
  const key = cacheKey(dir, split, verify);
  const hit = cache.get(key);
  if (hit) return hit;
  const p = splitPaths(dir, split);
  const images = readIdxFileSync(p.images, { ndims: 3, md5: verify ? p.md5.images : undefined });
  const labels = readIdxFileSync(p.labels, { ndims: 1, md5: verify ? p.md5.labels : undefined });
  const raw = checkPair(images, labels, p.images, p.labels);
  cache.set(key, raw);
  return raw;
}

const OPTION_KEYS: readonly (keyof LoadMnistOptions)[] = [
  "dir",
  "profile",
  "trainSize",
  "validationSize",
  "testSize",
  "seed",
];

function checkCount(name: string, value: number, min: number): void {
  if (typeof value !== "number" || !Number.isInteger(value) || value < min) {
    throw new Error(`loadMnist: ${name} must be an integer ≥ ${min}, got ${String(value)}`);
  }
}

interface Plan {
  dir: string;
  train: number;
  validation: number;
  test: number;
  seed: number;
}

function plan(options: LoadMnistOptions): Plan {
  if (typeof options !== "object" || options === null) {
    throw new Error(`loadMnist: options must be an object, got ${String(options)}`);
  }
  for (const key of Object.keys(options)) {
    if (!(OPTION_KEYS as readonly string[]).includes(key)) {
      throw new Error(`loadMnist: unknown option "${key}" (expected one of ${OPTION_KEYS.join(", ")})`);
    }
  }
  const profile = options.profile ?? lessonProfile();
  if (profile !== "fast" && profile !== "full") {
    throw new Error(`loadMnist: unknown profile "${String(profile)}": expected "fast" or "full"`);
  }
  if (options.dir !== undefined && (typeof options.dir !== "string" || options.dir === "")) {
    throw new Error(`loadMnist: dir must be a non-empty string, got ${String(options.dir)}`);
  }
  const sizes = MNIST_PROFILE_SIZES[profile];
  const p: Plan = {
    dir: options.dir ?? defaultMnistDir(),
    train: options.trainSize ?? sizes.train,
    validation: options.validationSize ?? sizes.validation,
    test: options.testSize ?? sizes.test,
    seed: options.seed ?? MNIST_DEFAULT_SEED,
  };
  checkCount("trainSize", p.train, 1);
  checkCount("validationSize", p.validation, 0);
  checkCount("testSize", p.test, 1);
  if (!Number.isSafeInteger(p.seed)) throw new Error(`loadMnist: seed must be an integer, got ${String(p.seed)}`);
  const available = MNIST_FILES.train.count;
  if (p.train + p.validation > available) {
    throw new Error(
      `loadMnist: trainSize ${p.train} + validationSize ${p.validation} = ${p.train + p.validation} ` +
        `exceeds the ${available} MNIST training images`,
    );
  }
  if (p.test > MNIST_FILES.test.count) {
    throw new Error(`loadMnist: testSize ${p.test} exceeds the ${MNIST_FILES.test.count} MNIST test images`);
  }
  return p;
}

/**
 * Loads MNIST as three data sets: train and validation drawn (seeded, disjoint) from the 60,000
 * training images, test from the 10,000 test images — all of them, in file order, when
 * `testSize` is 10,000, else a seeded sample kept in file order. Sizes come from the profile
 * (see {@link MNIST_PROFILE_SIZES}) unless given. Dispose the result when done.
 */
export async function loadMnist(options: LoadMnistOptions = {}): Promise<MnistSplits> {
  const p = plan(options);
  const [trainRaw, testRaw] = await Promise.all([readMnistSplit(p.dir, "train"), readMnistSplit(p.dir, "test")]);
  // Validation first, then train: the validation set depends only on the seed and its size.
  const order = shuffledIndices(trainRaw.count, p.seed);
  const validationIdx = order.slice(0, p.validation);
  const trainIdx = order.slice(p.validation, p.validation + p.train);
  const testIdx =
    p.test === testRaw.count
      ? Int32Array.from({ length: p.test }, (_, i) => i)
      : shuffledIndices(testRaw.count, (p.seed ^ TEST_SEED_SALT) >>> 0)
          .slice(0, p.test)
          .sort();
  const made: Dataset[] = [];
  try {
    const build = (raw: MnistRaw, idx: Int32Array, what: string) => {
      const ds = datasetFromBytes(raw.pixels, raw.labels, idx, what);
      made.push(ds);
      return ds;
    };
    const train = build(trainRaw, trainIdx, "MNIST train");
    const validation = build(trainRaw, validationIdx, "MNIST validation");
    const test = build(testRaw, testIdx, "MNIST test");
    return {
      train,
      validation,
      test,
      dispose() {
        for (const ds of made) ds.dispose();
      },
    };
  } catch (err) {
    for (const ds of made) ds.dispose();
    throw err;
  }
}

/**
 * A few normalised digits, in file order, for the small lessons: `count` images from `offset`
 * of the train or test file, as [count, 28, 28, 1] in [0, 1] with their labels. Synchronous
 * (usable in any cell); reads data/mnist of the project. Dispose `xs` when done.
 */
export function mnistDigits(
  split: "train" | "test",
  count: number,
  offset = 0,
): { xs: tf.Tensor4D; labels: Int32Array } {
  checkSplitName(split);
  if (!Number.isInteger(count) || count < 1) {
    throw new Error(`mnistDigits: count must be a positive integer, got ${count}`);
  }
  if (!Number.isInteger(offset) || offset < 0) {
    throw new Error(`mnistDigits: offset must be a non-negative integer, got ${offset}`);
  }
  const raw = readMnistSplitSync(defaultMnistDir(), split);
  if (offset + count > raw.count) {
    throw new Error(`mnistDigits: offset ${offset} + count ${count} exceeds the ${raw.count} ${split} images`);
  }
  const idx = Int32Array.from({ length: count }, (_, i) => offset + i);
  const labels = Int32Array.from(raw.labels.subarray(offset, offset + count));
  return { xs: imagesFromBytes(raw.pixels, idx, `MNIST ${split}`), labels };
}

