/**
 * The test-accuracy floors the lessons' check cells hold the lesson models to, by data set, profile
 * and model: a run below its floor fails its lesson (lesson 6 on MNIST, lesson 10 on Fashion-MNIST).
 * They live here, not in the cells, so that a unit test can hold the full profile's floors against
 * the committed full-profile runs of the results log — the hours-long runs CI cannot repeat.
 */
import { parseName } from "../check";
import { DATASET_NAMES, type DatasetName } from "../data/datasets";
import { parseModelName, type ModelName } from "../models/registry";
import { parseProfile, type LessonProfile } from "../profile";

type Floors = { readonly [P in LessonProfile]: Partial<Record<ModelName, number>> };

/** Every floor, by data set, profile and model. A model without a floor is not held to one. */
export const ACCURACY_FLOORS: { readonly [D in DatasetName]: Floors } = Object.freeze({
  mnist: Object.freeze({ fast: Object.freeze({ softmax: 0.85, cnn: 0.95 }), full: Object.freeze({ cnn: 0.993, "deep-cnn": 0.993 }) }),
  "fashion-mnist": Object.freeze({ fast: Object.freeze({ cnn: 0.8 }), full: Object.freeze({ cnn: 0.9 }) }),
});

/**
 * The floor of `model` trained with its recipe of `profile` on `dataset`, or `undefined` when it
 * has none. Unknown names (from untyped input) throw, naming the valid ones.
 *
 * @example accuracyFloor("cnn", "full") // 0.993
 */
export function accuracyFloor(model: ModelName, profile: LessonProfile, dataset: DatasetName = "mnist"): number | undefined {
  const floors = ACCURACY_FLOORS[parseName(dataset, DATASET_NAMES, "dataset", "accuracyFloor")];
  return floors[parseProfile(String(profile))][parseModelName(model)];
}
