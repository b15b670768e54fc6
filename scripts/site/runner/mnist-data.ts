/**
 * MNIST in the page: the images of assets/runner/mnist-fast.js (scripts/site/mnist-asset.ts)
 * unpacked into full-size IDX arrays, so that the library's own loader (loadMnist's seeded
 * splits, mnistDigits) runs unchanged and gives the kernel's images. Only the images the asset
 * holds are real: the page's `loadMnist`, `mnistDigits` and `readMnistSplitSync` first check
 * that a call reads no other ({@link checkLoadMnist}, {@link checkDigits}), and say the cell
 * needs the kernel when it would. This module also stands in for src/data/idx.ts in the bundle.
 */
import type { IdxArray, IdxExpectations } from "../../../src/data/idx";
import type { LoadDatasetOptions } from "../../../src/data/idx-dataset";
import type { MnistAsset } from "../mnist-asset";
import { gunzipBase64 } from "../../../src/backend/browser/gunzip";
import { NeedsKernelError } from "./need-kernel";

const FILES: Record<string, { split: "train" | "test"; kind: "images" | "labels" }> = {
  "train-images-idx3-ubyte.gz": { split: "train", kind: "images" },
  "train-labels-idx1-ubyte.gz": { split: "train", kind: "labels" },
  "t10k-images-idx3-ubyte.gz": { split: "test", kind: "images" },
  "t10k-labels-idx1-ubyte.gz": { split: "test", kind: "labels" },
};

interface Unpacked {
  readonly asset: MnistAsset;
  readonly held: { readonly train: Set<number>; readonly test: Set<number> };
  readonly files: Map<string, IdxArray>;
}
let unpacked: Unpacked | undefined;

const baseName = (p: string) => p.slice(p.lastIndexOf("/") + 1);

/** Whether `path` names one of the four MNIST files (the page's fs.existsSync). */
export function hasEmbeddedFile(path: string): boolean {
  return path.startsWith("/tsdl/data/mnist/") && baseName(path) in FILES;
}

/** Unpacks the asset (loaded by the runner as a script before); once per page. */
export async function unpackMnist(): Promise<void> {
  if (unpacked) return;
  const asset = (window as unknown as { __tsdlData?: { mnist?: MnistAsset } }).__tsdlData?.mnist;
  if (!asset) throw new Error("the page's MNIST asset (assets/runner/mnist-fast.js) did not load");
  const files = new Map<string, IdxArray>();
  const held = { train: new Set(asset.train.indices), test: new Set(asset.test.indices) };
  for (const split of ["train", "test"] as const) {
    const s = asset[split];
    const [packed, labels] = await Promise.all([gunzipBase64(s.pixels), gunzipBase64(s.labels)]);
    const pixels = new Uint8Array(s.count * 784); // images the asset does not hold stay 0: checked before use
    s.indices.forEach((i, k) => pixels.set(packed.subarray(k * 784, (k + 1) * 784), i * 784));
    const prefix = split === "train" ? "train" : "t10k";
    files.set(`${prefix}-images-idx3-ubyte.gz`, { magic: 2051, dims: [s.count, 28, 28], data: pixels });
    files.set(`${prefix}-labels-idx1-ubyte.gz`, { magic: 2049, dims: [s.count], data: labels });
  }
  unpacked = { asset, held, files };
}

function data(): Unpacked {
  if (!unpacked) throw new Error("MNIST is not unpacked yet (the runner unpacks it before a cell that uses it)");
  return unpacked;
}

/** src/data/idx.ts's readIdxFileSync in the page: the unpacked file, or NeedsKernelError. */
export function readIdxFileSync(path: string, _expect: Omit<IdxExpectations, "name"> = {}): IdxArray {
  const file = data().files.get(baseName(path));
  if (!file || !hasEmbeddedFile(path)) throw new NeedsKernelError(`it reads ${path}, and the page holds only MNIST's fast-profile slice`);
  return file;
}

/** src/data/idx.ts's readIdxFile in the page. */
export async function readIdxFile(path: string, expect: Omit<IdxExpectations, "name"> = {}): Promise<IdxArray> {
  return readIdxFileSync(path, expect);
}

function describeHeld(a: MnistAsset): string {
  return `the page holds MNIST's fast-profile slice (seed ${a.seed}: ${a.sizes.train} training, ${a.sizes.validation} validation and ${a.sizes.test} test images) and the first ${a.first.train} training and ${a.first.test} test images`;
}

/** Throws NeedsKernelError unless `loadMnist(options)` reads only images the page holds. */
export function checkLoadMnist(options: LoadDatasetOptions): void {
  const a = data().asset;
  const o = options ?? {};
  const fine =
    o.dir === undefined &&
    (o.profile ?? "fast") === "fast" &&
    (o.seed ?? a.seed) === a.seed &&
    (o.validationSize ?? a.sizes.validation) + (o.trainSize ?? a.sizes.train) <= a.sizes.validation + a.sizes.train &&
    (o.testSize ?? a.sizes.test) <= a.sizes.test;
  if (!fine) throw new NeedsKernelError(`loadMnist(${JSON.stringify(o)}) reads other images: ${describeHeld(a)}`);
}

/** Throws NeedsKernelError unless images offset … offset + count − 1 of `split` are in the page. */
export function checkDigits(split: string, count: number, offset = 0): void {
  const { asset, held } = data();
  if (split !== "train" && split !== "test") return; // the library names the error
  for (let i = offset; i < offset + count; i++) {
    if (!held[split].has(i))
      throw new NeedsKernelError(`mnistDigits("${split}", ${count}, ${offset}) reads image ${i}: ${describeHeld(asset)}`);
  }
}
