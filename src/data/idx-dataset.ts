/**
 * An IDX image data set in the MNIST layout (four files: train and test images and labels, 28×28
 * grey levels, labels 0..9) → seeded train / validation / test data sets sized by the lesson
 * profile. MNIST and Fashion-MNIST are two instances of it (`./mnist`, `./fashion-mnist`): each is
 * a folder, four file names with their checksums, and ten class names.
 *
 * - Each file's decompressed contents are checked against the md5 its data set publishes (so a
 *   re-compressed copy of the same data loads), then headers, counts, the 28×28 size and labels
 *   0..9 — a wrong file stops with a message naming it.
 * - The parsed bytes are cached per process (gunzipping 60,000 images takes a moment and a
 *   notebook calls the loader in several cells); tensors are never cached, each call builds its
 *   own and the caller disposes them.
 * - Validation comes from the 60,000 training images only, after a seeded shuffle; the test set
 *   is the real 10,000-image test set and never mixes with training.
 */
import type * as tf from "@tensorflow/tfjs";
import { existsSync } from "node:fs";
import * as path from "node:path";
import { lessonProfile, type LessonProfile } from "../profile";
import { shuffledIndices } from "./batches";
import { datasetFromBytes, imagesFromBytes, IMAGE_SIZE, NUM_CLASSES, type Dataset } from "./dataset";
import { readIdxFile, readIdxFileSync, type IdxArray } from "./idx";
import { projectRoot } from "./paths";

/** The two file sets of an IDX data set. */
export type IdxSplitName = "train" | "test";

/** One file of a data set and its checksums. */
export interface IdxFileSpec {
  readonly file: string;
  /** md5 of the .gz file as distributed (documentation: the loader checks `contentMd5`). */
  readonly md5: string;
  /** md5 of the decompressed IDX bytes — what the loader checks. */
  readonly contentMd5: string;
}

/** The two files of one split and how many examples they hold. */
export interface IdxSplitSpec {
  readonly images: IdxFileSpec;
  readonly labels: IdxFileSpec;
  readonly count: number;
}

/** What makes an IDX data set: where it lives, its files, what its labels mean. */
export interface IdxDatasetSpec {
  /** Short name, also its folder under data/ and its command-line name: "mnist", "fashion-mnist". */
  readonly name: string;
  /** Name in messages: "MNIST", "Fashion-MNIST". */
  readonly title: string;
  /** The public loader's name, for error messages: "loadMnist". */
  readonly loader: string;
  readonly files: { readonly train: IdxSplitSpec; readonly test: IdxSplitSpec };
  /** The ten class names, by label. */
  readonly classNames: readonly string[];
}

/** One split as raw host bytes, checked. Shared by the per-process cache: do not modify. */
export interface IdxRaw {
  /** count × 784 pixel bytes (0-255), image after image, row-major. */
  readonly pixels: Uint8Array;
  /** count labels, 0..9, in image order. */
  readonly labels: Uint8Array;
  readonly count: number;
}

/** The three data sets of one {@link loadIdxDataset} call; `dispose()` frees all of them. */
export interface DatasetSplits {
  readonly train: Dataset;
  readonly validation: Dataset;
  readonly test: Dataset;
  /** The class names of the data set, by label (e.g. "T-shirt/top" for Fashion-MNIST's 0). */
  readonly classNames: readonly string[];
  dispose(): void;
}

/** Options of {@link loadIdxDataset}; unknown keys are rejected. */
export interface LoadDatasetOptions {
  /** Folder with the four .gz files. Default: data/<name> of the project. */
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
export interface DatasetSizes {
  readonly train: number;
  readonly validation: number;
  readonly test: number;
}

/**
 * Split sizes of each profile. `fast`: a tenth of the training images and a fifth of the test
 * set, for quick runs (CI, tests, a first look); `full`: the usual 55,000 / 5,000 split of the
 * 60,000 training images and the whole 10,000-image test set.
 */
export const DATASET_PROFILE_SIZES: Readonly<Record<LessonProfile, DatasetSizes>> = {
  fast: { train: 6000, validation: 1000, test: 2000 },
  full: { train: 55000, validation: 5000, test: 10000 },
};

/** Default seed of {@link loadIdxDataset}. */
export const DATASET_DEFAULT_SEED = 42;

/** The folder of a data set shipped with the project: `<project root>/data/<name>`. */
export function datasetDir(spec: IdxDatasetSpec): string {
  return path.join(projectRoot(), "data", spec.name);
}

// The test slice uses a seed derived from the user's seed, so that it does not line up with the
// training shuffle (same seed, different stream).
const TEST_SEED_SALT = 0x5bd1e995;

const cache = new Map<string, IdxRaw>();
const pending = new Map<string, Promise<IdxRaw>>();

/** Forgets the cached bytes of every data set (the next load reads the files again). */
export function clearDatasetCache(): void {
  cache.clear();
  pending.clear();
}

function cacheKey(spec: IdxDatasetSpec, dir: string, split: IdxSplitName, verify: boolean): string {
  return `${spec.name}\0${path.resolve(dir)}\0${split}\0${verify ? "md5" : "no-md5"}`;
}

function checkSplitName(spec: IdxDatasetSpec, split: string): asserts split is IdxSplitName {
  if (split !== "train" && split !== "test") {
    throw new Error(`Unknown ${spec.title} split "${split}": expected "train" or "test"`);
  }
}

/** Checks a decoded images/labels pair and returns it as {@link IdxRaw}. */
function checkPair(images: IdxArray, labels: IdxArray, imagesPath: string, labelsPath: string): IdxRaw {
  const [count, rows, cols] = images.dims as [number, number, number];
  if (rows !== IMAGE_SIZE || cols !== IMAGE_SIZE) {
    throw new Error(`${imagesPath}: images are ${rows}×${cols}, expected ${IMAGE_SIZE}×${IMAGE_SIZE}`);
  }
  const labelCount = labels.dims[0]!;
  if (labelCount !== count) {
    throw new Error(`Image/label count mismatch: ${imagesPath} has ${count} images but ${labelsPath} has ${labelCount} labels`);
  }
  const bad = labels.data.findIndex((v) => v >= NUM_CLASSES);
  if (bad >= 0) {
    throw new Error(`${labelsPath}: label ${labels.data[bad]} at index ${bad} is outside 0..${NUM_CLASSES - 1}`);
  }
  return { pixels: images.data, labels: labels.data, count };
}

function splitFiles(spec: IdxDatasetSpec, dir: string, split: IdxSplitName, verify: boolean) {
  if (!existsSync(dir)) {
    throw new Error(`${spec.title} folder not found: ${dir} (it should hold the four .gz files, see data/${spec.name}/README.md)`);
  }
  const files = spec.files[split];
  return {
    images: path.join(dir, files.images.file),
    labels: path.join(dir, files.labels.file),
    expect: {
      images: { ndims: 3, ...(verify ? { contentMd5: files.images.contentMd5 } : {}) },
      labels: { ndims: 1, ...(verify ? { contentMd5: files.labels.contentMd5 } : {}) },
    },
  };
}

/** Options of {@link readIdxSplit}. */
export interface ReadSplitOptions {
  /** Check the md5 of each file's decompressed contents against the spec. Default true. */
  readonly verify?: boolean;
}

/**
 * Reads one split's two files from `dir` as checked raw bytes (cached per process). With
 * `verify` (default) the decompressed contents must be the data set's, byte for byte.
 */
export async function readIdxSplit(
  spec: IdxDatasetSpec,
  dir: string,
  split: IdxSplitName,
  options: ReadSplitOptions = {},
): Promise<IdxRaw> {
  checkSplitName(spec, split);
  const verify = options.verify ?? true;
  const key = cacheKey(spec, dir, split, verify);
  const hit = cache.get(key);
  if (hit) return hit;
  let loading = pending.get(key);
  if (!loading) {
    const p = splitFiles(spec, dir, split, verify);
    // Both files are read at once, but when both are bad the images' error is the one thrown,
    // as in readIdxSplitSync: which read fails first must not decide what the user is told.
    loading = Promise.allSettled([readIdxFile(p.images, p.expect.images), readIdxFile(p.labels, p.expect.labels)])
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

/** Synchronous {@link readIdxSplit}, for helpers that must work in any notebook cell. */
export function readIdxSplitSync(spec: IdxDatasetSpec, dir: string, split: IdxSplitName, options: ReadSplitOptions = {}): IdxRaw {
  checkSplitName(spec, split);
  const verify = options.verify ?? true;
  const key = cacheKey(spec, dir, split, verify);
  const hit = cache.get(key);
  if (hit) return hit;
  const p = splitFiles(spec, dir, split, verify);
  const images = readIdxFileSync(p.images, p.expect.images);
  const labels = readIdxFileSync(p.labels, p.expect.labels);
  const raw = checkPair(images, labels, p.images, p.labels);
  cache.set(key, raw);
  return raw;
}

const OPTION_KEYS: readonly (keyof LoadDatasetOptions)[] = ["dir", "profile", "trainSize", "validationSize", "testSize", "seed"];

interface Plan {
  dir: string;
  train: number;
  validation: number;
  test: number;
  seed: number;
}

function plan(spec: IdxDatasetSpec, options: LoadDatasetOptions): Plan {
  const fail = (message: string) => new Error(`${spec.loader}: ${message}`);
  if (typeof options !== "object" || options === null) throw fail(`options must be an object, got ${String(options)}`);
  for (const key of Object.keys(options)) {
    if (!(OPTION_KEYS as readonly string[]).includes(key)) {
      throw fail(`unknown option "${key}" (expected one of ${OPTION_KEYS.join(", ")})`);
    }
  }
  const profile = options.profile ?? lessonProfile();
  if (profile !== "fast" && profile !== "full") throw fail(`unknown profile "${String(profile)}": expected "fast" or "full"`);
  if (options.dir !== undefined && (typeof options.dir !== "string" || options.dir === "")) {
    throw fail(`dir must be a non-empty string, got ${String(options.dir)}`);
  }
  const sizes = DATASET_PROFILE_SIZES[profile];
  const p: Plan = {
    dir: options.dir ?? datasetDir(spec),
    train: options.trainSize ?? sizes.train,
    validation: options.validationSize ?? sizes.validation,
    test: options.testSize ?? sizes.test,
    seed: options.seed ?? DATASET_DEFAULT_SEED,
  };
  const checkCount = (name: string, value: number, min: number) => {
    if (typeof value !== "number" || !Number.isInteger(value) || value < min) {
      throw fail(`${name} must be an integer ≥ ${min}, got ${String(value)}`);
    }
  };
  checkCount("trainSize", p.train, 1);
  checkCount("validationSize", p.validation, 0);
  checkCount("testSize", p.test, 1);
  if (!Number.isSafeInteger(p.seed)) throw fail(`seed must be an integer, got ${String(p.seed)}`);
  const available = spec.files.train.count;
  if (p.train + p.validation > available) {
    throw fail(
      `trainSize ${p.train} + validationSize ${p.validation} = ${p.train + p.validation} ` +
        `exceeds the ${available} ${spec.title} training images`,
    );
  }
  if (p.test > spec.files.test.count) {
    throw fail(`testSize ${p.test} exceeds the ${spec.files.test.count} ${spec.title} test images`);
  }
  return p;
}

/** Which file images make the train, validation and test sets of one load (also what the site's pages embed). */
export interface SplitIndices {
  readonly trainIdx: Int32Array;
  readonly validationIdx: Int32Array;
  readonly testIdx: Int32Array;
}

/**
 * The image indices {@link loadIdxDataset} takes for `options`, without reading a file: validation
 * first, then train (the validation set depends only on the seed and its size), from one seeded
 * shuffle of the training file; test in file order.
 */
export function splitIndices(spec: IdxDatasetSpec, options: LoadDatasetOptions = {}): SplitIndices {
  const p = plan(spec, options);
  const order = shuffledIndices(spec.files.train.count, p.seed);
  const testCount = spec.files.test.count;
  return {
    validationIdx: order.slice(0, p.validation),
    trainIdx: order.slice(p.validation, p.validation + p.train),
    testIdx:
      p.test === testCount
        ? Int32Array.from({ length: p.test }, (_, i) => i)
        : shuffledIndices(testCount, (p.seed ^ TEST_SEED_SALT) >>> 0)
            .slice(0, p.test)
            .sort(),
  };
}

/**
 * Loads an IDX data set as three data sets: train and validation drawn (seeded, disjoint) from
 * the training images, test from the test images — all of them, in file order, when `testSize`
 * is the whole test set, else a seeded sample kept in file order. Sizes come from the profile
 * (see {@link DATASET_PROFILE_SIZES}) unless given. Dispose the result when done.
 */
export async function loadIdxDataset(spec: IdxDatasetSpec, options: LoadDatasetOptions = {}): Promise<DatasetSplits> {
  const p = plan(spec, options);
  const [trainRaw, testRaw] = await Promise.all([readIdxSplit(spec, p.dir, "train"), readIdxSplit(spec, p.dir, "test")]);
  const { trainIdx, validationIdx, testIdx } = splitIndices(spec, options);
  const made: Dataset[] = [];
  try {
    const build = (raw: IdxRaw, idx: Int32Array, what: string) => {
      const ds = datasetFromBytes(raw.pixels, raw.labels, idx, `${spec.title} ${what}`);
      made.push(ds);
      return ds;
    };
    const train = build(trainRaw, trainIdx, "train");
    const validation = build(trainRaw, validationIdx, "validation");
    const test = build(testRaw, testIdx, "test");
    return {
      train,
      validation,
      test,
      classNames: spec.classNames,
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
 * A few normalised images, in file order, for small experiments: `count` images from `offset`
 * of the train or test file of the project's copy, as [count, 28, 28, 1] in [0, 1] with their
 * labels. Synchronous (usable in any cell). Dispose `xs` when done.
 */
export function idxImages(
  spec: IdxDatasetSpec,
  split: IdxSplitName,
  count: number,
  offset = 0,
  fn = "idxImages",
): { xs: tf.Tensor4D; labels: Int32Array } {
  checkSplitName(spec, split);
  if (!Number.isInteger(count) || count < 1) throw new Error(`${fn}: count must be a positive integer, got ${count}`);
  if (!Number.isInteger(offset) || offset < 0) {
    throw new Error(`${fn}: offset must be a non-negative integer, got ${offset}`);
  }
  const raw = readIdxSplitSync(spec, datasetDir(spec), split);
  if (offset + count > raw.count) {
    throw new Error(`${fn}: offset ${offset} + count ${count} exceeds the ${raw.count} ${split} images`);
  }
  const idx = Int32Array.from({ length: count }, (_, i) => offset + i);
  const labels = Int32Array.from(raw.labels.subarray(offset, offset + count));
  return { xs: imagesFromBytes(raw.pixels, idx, `${spec.title} ${split}`), labels };
}
