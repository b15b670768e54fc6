/**
 * Fashion-MNIST, Zalando's clothing images (data/fashion-mnist/, MIT licence): the same IDX layout
 * as MNIST, so one more instance of the loader of `./idx-dataset`. The md5s are those of
 * data/fashion-mnist/README.md; the loader checks the decompressed contents, so the upstream
 * release and Debian's re-compressed copy both load.
 */
import type * as tf from "@tensorflow/tfjs";
import { idxImages, loadIdxDataset, type DatasetSplits, type IdxDatasetSpec, type LoadDatasetOptions } from "./idx-dataset";

/** The ten Fashion-MNIST classes, by label. */
export const FASHION_MNIST_CLASSES: readonly string[] = Object.freeze([
  "T-shirt/top",
  "Trouser",
  "Pullover",
  "Dress",
  "Coat",
  "Sandal",
  "Shirt",
  "Sneaker",
  "Bag",
  "Ankle boot",
]);

/** Fashion-MNIST as an IDX data set: data/fashion-mnist, its files, its ten classes. */
export const FASHION_MNIST: IdxDatasetSpec = Object.freeze({
  name: "fashion-mnist",
  title: "Fashion-MNIST",
  loader: "loadFashionMnist",
  files: {
    train: {
      images: {
        file: "train-images-idx3-ubyte.gz",
        md5: "cf8536b0aa1a6ac5fa3f23001093305c",
        contentMd5: "f4a8712d7a061bf5bd6d2ca38dc4d50a",
      },
      labels: {
        file: "train-labels-idx1-ubyte.gz",
        md5: "10bea18fdb374794d4bb42e356e600c9",
        contentMd5: "9018921c3c673c538a1fc5bad174d6f9",
      },
      count: 60000,
    },
    test: {
      images: {
        file: "t10k-images-idx3-ubyte.gz",
        md5: "f78720b4224f21cce2f2ccf2d7a94c9a",
        contentMd5: "8181f5470baa50b63fa0f6fddb340f0a",
      },
      labels: {
        file: "t10k-labels-idx1-ubyte.gz",
        md5: "0d30e22e447f3c33dab9ed536400ac01",
        contentMd5: "15d484375f8d13e6eb1aabb0c3f46965",
      },
      count: 10000,
    },
  },
  classNames: FASHION_MNIST_CLASSES,
});

/**
 * Loads Fashion-MNIST as train / validation / test data sets, exactly as {@link loadMnist}
 * loads the digits (same profiles, sizes and seeds); `classNames` names the labels.
 */
export function loadFashionMnist(options: LoadDatasetOptions = {}): Promise<DatasetSplits> {
  return loadIdxDataset(FASHION_MNIST, options);
}

/** A few normalised Fashion-MNIST images in file order, like {@link mnistDigits}. Dispose `xs`. */
export function fashionMnistImages(split: "train" | "test", count: number, offset = 0): { xs: tf.Tensor4D; labels: Int32Array } {
  return idxImages(FASHION_MNIST, split, count, offset, "fashionMnistImages");
}
