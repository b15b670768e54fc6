/**
 * The MNIST images a lesson page runs on, as one site asset, `assets/runner/mnist-fast.js`: the
 * fast profile's slice (loadMnist's default seed: its train and validation images, its test
 * images) plus the first images of each file (`mnistDigits` reads from the start), the pixels
 * gzipped and base64-encoded in a classic script — a script, not a fetch, so that pages opened
 * from file:// can load it — with every label of both files (120 kB before gzip), so label counts
 * are exact. The page unpacks it with the browser's DecompressionStream (runner/mnist-data.ts).
 */
import { gzipSync } from "node:zlib";
import { MNIST } from "../../src/data/mnist";
import { DATASET_DEFAULT_SEED, DATASET_PROFILE_SIZES, readIdxSplitSync, splitIndices } from "../../src/data/idx-dataset";

/** The global the asset sets (under window.__tsdlData). */
export const MNIST_ASSET_KEY = "mnist";
/** The first images of each file the page holds, for `mnistDigits(split, count, offset)`. */
export const MNIST_FIRST_IMAGES = { train: 500, test: 1000 } as const;

/** One file pair of the asset: which images it holds (sorted), their pixels, every label. */
export interface MnistAssetSplit {
  readonly count: number;
  readonly indices: readonly number[];
  /** base64 of gzip(the images at `indices`, 784 bytes each, in `indices` order). */
  readonly pixels: string;
  /** base64 of gzip(all `count` labels). */
  readonly labels: string;
}

/** What `window.__tsdlData.mnist` holds. */
export interface MnistAsset {
  readonly profile: "fast";
  readonly seed: number;
  readonly sizes: { readonly train: number; readonly validation: number; readonly test: number };
  readonly first: { readonly train: number; readonly test: number };
  readonly train: MnistAssetSplit;
  readonly test: MnistAssetSplit;
}

/** The asset's content, from the project's MNIST files in `dir`. */
export function mnistAsset(dir: string): MnistAsset {
  const sizes = DATASET_PROFILE_SIZES.fast;
  const idx = splitIndices(MNIST, { profile: "fast", seed: DATASET_DEFAULT_SEED });
  const split = (name: "train" | "test", slice: readonly Int32Array[]): MnistAssetSplit => {
    const raw = readIdxSplitSync(MNIST, dir, name);
    const wanted = new Set<number>(Array.from({ length: MNIST_FIRST_IMAGES[name] }, (_, i) => i));
    for (const s of slice) for (const i of s) wanted.add(i);
    const indices = [...wanted].sort((a, b) => a - b);
    const pixels = new Uint8Array(indices.length * 784);
    indices.forEach((i, k) => pixels.set(raw.pixels.subarray(i * 784, (i + 1) * 784), k * 784));
    const b64 = (bytes: Uint8Array) => gzipSync(bytes, { level: 9 }).toString("base64");
    return { count: raw.count, indices, pixels: b64(pixels), labels: b64(raw.labels) };
  };
  return {
    profile: "fast",
    seed: DATASET_DEFAULT_SEED,
    sizes,
    first: MNIST_FIRST_IMAGES,
    train: split("train", [idx.trainIdx, idx.validationIdx]),
    test: split("test", [idx.testIdx]),
  };
}

/** The asset as a classic script. */
export function mnistAssetScript(asset: MnistAsset): string {
  return `window.__tsdlData=window.__tsdlData||{};window.__tsdlData[${JSON.stringify(MNIST_ASSET_KEY)}]=${JSON.stringify(asset)};\n`;
}
