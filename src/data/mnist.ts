/**
 * MNIST, the handwritten digits (data/mnist/): one instance of the IDX data-set loader of
 * `./idx-dataset` — its folder, its four files with their md5s (data/mnist/README.md) and the
 * digits as class names. The names below are the ones lessons have used since lesson 1.
 */
import type * as tf from "@tensorflow/tfjs";
import {
  clearDatasetCache,
  DATASET_DEFAULT_SEED,
  DATASET_PROFILE_SIZES,
  idxImages,
  loadIdxDataset,
  readIdxSplit,
  readIdxSplitSync,
  type DatasetSizes,
  type DatasetSplits,
  type IdxDatasetSpec,
  type IdxRaw,
  type IdxSplitName,
  type LoadDatasetOptions,
  type ReadSplitOptions,
} from "./idx-dataset";

export type { Dataset } from "./dataset";

/** The two MNIST file sets. */
export type MnistSplitName = IdxSplitName;
/** One MNIST split as raw host bytes, checked. */
export type MnistRaw = IdxRaw;
/** The three data sets of one {@link loadMnist} call. */
export type MnistSplits = DatasetSplits;
/** Options of {@link loadMnist}. */
export type LoadMnistOptions = LoadDatasetOptions;
/** Numbers of train / validation / test examples. */
export type MnistSizes = DatasetSizes;
/** Options of {@link readMnistSplit}. */
export type ReadMnistSplitOptions = ReadSplitOptions;

/** File names, md5s of the .gz files and of their contents (data/mnist/README.md), example counts. */
export const MNIST_FILES = {
  train: {
    images: {
      file: "train-images-idx3-ubyte.gz",
      md5: "f68b3c2dcbeaaa9fbdd348bbdeb94873",
      contentMd5: "6bbc9ace898e44ae57da46a324031adb",
    },
    labels: {
      file: "train-labels-idx1-ubyte.gz",
      md5: "d53e105ee54ea40749a09fcbcd1e9432",
      contentMd5: "a25bea736e30d166cdddb491f175f624",
    },
    count: 60000,
  },
  test: {
    images: {
      file: "t10k-images-idx3-ubyte.gz",
      md5: "9fb629c4189551a2d022fa330f9573f3",
      contentMd5: "2646ac647ad5339dbf082846283269ea",
    },
    labels: {
      file: "t10k-labels-idx1-ubyte.gz",
      md5: "ec29112dd5afa0611ce80d1b7f02629c",
      contentMd5: "27ae3e4e09519cfbb04c329615203637",
    },
    count: 10000,
  },
} as const;

/** MNIST as an IDX data set: data/mnist, its files, the digits 0-9. */
export const MNIST: IdxDatasetSpec = Object.freeze({
  name: "mnist",
  title: "MNIST",
  loader: "loadMnist",
  files: MNIST_FILES,
  classNames: Object.freeze(Array.from({ length: 10 }, (_, d) => String(d))),
});

/** Split sizes of each profile (the same for every IDX data set). */
export const MNIST_PROFILE_SIZES = DATASET_PROFILE_SIZES;
/** Default seed of {@link loadMnist}. */
export const MNIST_DEFAULT_SEED = DATASET_DEFAULT_SEED;
/** Forgets the cached bytes (of every data set: they share one cache). */
export const clearMnistCache = clearDatasetCache;

/** Reads one MNIST split from `dir` as checked raw bytes (cached per process). */
export function readMnistSplit(dir: string, split: MnistSplitName, options: ReadMnistSplitOptions = {}): Promise<MnistRaw> {
  return readIdxSplit(MNIST, dir, split, options);
}

/** Synchronous {@link readMnistSplit}, for helpers that must work in any notebook cell. */
export function readMnistSplitSync(dir: string, split: MnistSplitName, options: ReadMnistSplitOptions = {}): MnistRaw {
  return readIdxSplitSync(MNIST, dir, split, options);
}

/**
 * Loads MNIST as three data sets: train and validation drawn (seeded, disjoint) from the 60,000
 * training images, test from the 10,000 test images (see {@link loadIdxDataset}). Dispose the
 * result when done.
 */
export function loadMnist(options: LoadMnistOptions = {}): Promise<MnistSplits> {
  return loadIdxDataset(MNIST, options);
}

/**
 * A few normalised digits, in file order, for the small lessons: `count` images from `offset`
 * of the train or test file, as [count, 28, 28, 1] in [0, 1] with their labels. Synchronous
 * (usable in any cell); reads data/mnist of the project. Dispose `xs` when done.
 */
export function mnistDigits(split: "train" | "test", count: number, offset = 0): { xs: tf.Tensor4D; labels: Int32Array } {
  return idxImages(MNIST, split, count, offset, "mnistDigits");
}
