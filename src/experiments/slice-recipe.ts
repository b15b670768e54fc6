/**
 * Training on a small labelled slice — n images of each class — as lesson 10 does for its
 * transfer-learning experiment and `npm run train -- --per-class n` does from the terminal: the
 * settings, the slice and the `fit` options in one place, so that the lesson's fast runs and the
 * logged full-profile runs train the same way.
 *
 * Every phase (training from scratch, training a new head on a frozen base, fine-tuning) stops
 * early on validation accuracy and keeps its best epoch's weights: the number of epochs is chosen
 * on validation, never on the test set. Fine-tuning trains every layer at a tenth of the learning
 * rate, so that the first steps do not wreck the trained base.
 */
import { checkInteger } from "../check";
import type { Dataset } from "../data/dataset";
import { perClassIndices, subsetDataset } from "../data/subset";
import { parseProfile, type LessonProfile } from "../profile";
import type { FitOptions } from "../train/fit";

/** How to train on `perClass` labelled images per class. */
export interface SliceRecipe {
  /** Labelled training images per class. */
  readonly perClass: number;
  /** Most epochs of each phase (early stopping usually ends it sooner). */
  readonly epochs: number;
  /** Images per step: a tenth of the slice, between 10 and 100. */
  readonly batchSize: number;
  /** Learning rate (Adam) of training from scratch and of a new head. */
  readonly lr: number;
  /** Learning rate of fine-tuning: a tenth of `lr`. */
  readonly fineTuneLr: number;
  /** Epochs without a better validation accuracy before a phase stops. */
  readonly patience: number;
  /** Validation images per class (a seeded slice of the validation split); `undefined`: the whole split. */
  readonly validationPerClass: number | undefined;
  /** Seed of the slices, the initial weights and the batch order. */
  readonly seed: number;
}

/** Fine-tuning's learning rate, as a share of the head's. */
export const FINE_TUNE_LR_FACTOR = 0.1;

/**
 * The recipe for `perClass` images per class in `profile`. Up to 20 epochs for the smallest
 * slices (10 steps an epoch at most), 6 for larger ones, each phase stopped after 3 epochs
 * without a better validation accuracy. Validation in the fast profile is a 200-image slice (it
 * runs after every epoch of every phase, and costs more than an epoch on the smallest slice); in
 * the full profile, the whole validation split.
 *
 * @example sliceRecipe(100, "full") // { perClass: 100, epochs: 6, batchSize: 100, lr: 0.001, fineTuneLr: 0.0001, patience: 3, … }
 */
export function sliceRecipe(perClass: number, profile: LessonProfile, seed = 1): SliceRecipe {
  checkInteger(perClass, "perClass", "sliceRecipe");
  if (profile !== "fast" && profile !== "full") parseProfile(String(profile)); // throws, naming the profiles
  if (!Number.isSafeInteger(seed)) throw new Error(`sliceRecipe: seed must be an integer, got ${seed}`);
  const lr = 1e-3;
  return Object.freeze({
    perClass,
    epochs: perClass <= 10 ? 20 : 6,
    batchSize: Math.min(100, Math.max(10, perClass)),
    lr,
    fineTuneLr: lr * FINE_TUNE_LR_FACTOR,
    patience: 3,
    validationPerClass: profile === "full" ? undefined : 20,
    seed,
  });
}

/** What {@link labelledSlice} returns: the data `fit` takes, and one `dispose()` for what it made. */
export interface LabelledSlice {
  readonly train: Dataset;
  readonly validation: Dataset;
  dispose(): void;
}

/**
 * The recipe's training slice — `perClass` images of every class from `data.train`, drawn with
 * the recipe's seed (a larger slice keeps a smaller one's images) — and its validation images.
 * Throws when a class has fewer images than asked for, naming it. `dispose()` frees the copies
 * (never `data`'s own sets).
 */
export function labelledSlice(data: { readonly train: Dataset; readonly validation: Dataset }, recipe: SliceRecipe): LabelledSlice {
  const train = subsetDataset(data.train, perClassIndices(data.train.labels, recipe.perClass, recipe.seed));
  let validation = data.validation;
  try {
    if (recipe.validationPerClass !== undefined) {
      validation = subsetDataset(data.validation, perClassIndices(data.validation.labels, recipe.validationPerClass, recipe.seed));
    }
  } catch (err) {
    train.dispose();
    throw err;
  }
  return {
    train,
    validation,
    dispose() {
      train.dispose();
      if (validation !== data.validation) validation.dispose();
    },
  };
}

/** The `fit` options of one phase: a new model or head (`"train"`) or fine-tuning every layer (`"fine-tune"`). */
export function sliceFitOptions(
  recipe: SliceRecipe,
  phase: "train" | "fine-tune",
): Required<Pick<FitOptions, "epochs" | "batchSize" | "lr" | "seed" | "earlyStopping">> {
  if (phase !== "train" && phase !== "fine-tune")
    throw new Error(`sliceFitOptions: phase must be "train" or "fine-tune", got ${String(phase)}`);
  return {
    epochs: recipe.epochs,
    batchSize: recipe.batchSize,
    lr: phase === "train" ? recipe.lr : recipe.fineTuneLr,
    seed: recipe.seed,
    earlyStopping: { patience: recipe.patience, monitor: "val_acc", restoreBestWeights: true },
  };
}
