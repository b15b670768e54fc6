/**
 * The IDX data sets shipped in data/, by name — what `npm run train -- --dataset <name>` and a
 * results line call them.
 */
import { parseName } from "../check";
import type { LessonProfile } from "../profile";
import { FASHION_MNIST } from "./fashion-mnist";
import { datasetDir, readIdxSplitSync, type IdxDatasetSpec } from "./idx-dataset";
import { MNIST } from "./mnist";

/** Names of the data sets, default first. */
export const DATASET_NAMES = ["mnist", "fashion-mnist"] as const;
export type DatasetName = (typeof DATASET_NAMES)[number];

const BY_NAME: Readonly<Record<DatasetName, IdxDatasetSpec>> = { mnist: MNIST, "fashion-mnist": FASHION_MNIST };

/** The data set called `name`; an unknown name throws, listing the known ones. */
export function idxDataset(name: string): IdxDatasetSpec {
  return BY_NAME[parseName(name, DATASET_NAMES, "data set")];
}

/**
 * The labels of a data set's whole test split, from data/<name> (checked): what the results log's
 * `testPredictions` are in the order of, whatever profile a notebook runs.
 */
export function testSplitLabels(name: string): Int32Array {
  const spec = idxDataset(name);
  return Int32Array.from(readIdxSplitSync(spec, datasetDir(spec), "test").labels);
}

/** One line saying how many images each split of `data` holds, e.g. `MNIST (full): 55,000 train, 5,000 validation, 10,000 test`. */
export function splitSizesLine(
  profile: LessonProfile,
  data: { readonly [S in "train" | "validation" | "test"]: { readonly size: number } },
  title = "MNIST",
): string {
  const n = (x: number) => x.toLocaleString("en-US");
  return `${title} (${profile}): ${n(data.train.size)} train, ${n(data.validation.size)} validation, ${n(data.test.size)} test`;
}
