/**
 * Training recipes: how each lesson model is trained in each profile, in one place.
 *
 * Lesson 6 and `npm run train` both read their epochs, batch size, learning rate and schedule
 * from here, so the numbers a learner gets in the notebook and the committed full-profile
 * results in the README come from the same settings.
 *
 * - `full` (55,000 training images): the recipes of the committed results. Adam at 1e-3, batch
 *   100, seed 1; the deeper models decay the learning rate by 0.85 per epoch so that the last
 *   epochs settle into a minimum instead of bouncing around it.
 * - `fast` (6,000 training images): about a minute or less per model on the wasm backend of a
 *   2-core machine, and enough to clear the lesson's accuracy floors. Mostly the epochs change
 *   (softmax regression is cheap and keeps all 10); over 2-3 epochs a decay of 0.85 would hardly
 *   matter, so the rate stays constant. The CNN gets lr 0.002: in its 180 steps it reaches a
 *   higher test accuracy than at 0.001 at no cost in time, clear of the lesson's 0.95 floor;
 *   the deep CNN did worse at 0.002 and keeps 0.001.
 */
import { parseName } from "../check";
import type { AugmentOptions } from "../augment/options";
import { parseModelName, type ModelName } from "../models/registry";
import { parseProfile, type LessonProfile } from "../profile";
import type { FitOptions } from "../train/fit";
import { OPTIMIZER_NAMES, type OptimizerName } from "../train/optimizer";

/** How to train one model: everything `fit` needs besides the data. */
export interface TrainingRecipe {
  /** Passes over the training set. */
  readonly epochs: number;
  /** Images per gradient step. */
  readonly batchSize: number;
  /** Learning rate of the first epoch. */
  readonly lr: number;
  /** The learning rate is multiplied by this after each epoch (1 = constant). */
  readonly lrDecay: number;
  readonly optimizer: OptimizerName;
  /** Seed of the initial weights (model builder) and of the batch order (`fit`). */
  readonly seed: number;
}

/** The fields of {@link FitOptions} a recipe decides. */
export type RecipeFitOptions = Required<Pick<FitOptions, "epochs" | "batchSize" | "lr" | "optimizer" | "seed">> &
  Pick<FitOptions, "schedule" | "augment">;

const BASE = { batchSize: 100, lr: 0.001, optimizer: "adam", seed: 1 } as const;

function recipe(epochs: number, lrDecay: number, lr: number = BASE.lr): TrainingRecipe {
  return Object.freeze({ ...BASE, epochs, lrDecay, lr });
}

/** Every recipe, by profile and model. Read it through {@link trainingRecipe}. */
export const TRAINING_RECIPES: { readonly [P in LessonProfile]: { readonly [M in ModelName]: TrainingRecipe } } = Object.freeze({
  full: Object.freeze({
    softmax: recipe(10, 1),
    mlp: recipe(12, 0.85),
    cnn: recipe(15, 0.85),
    "deep-cnn": recipe(15, 0.85),
  }),
  fast: Object.freeze({
    softmax: recipe(10, 1),
    mlp: recipe(2, 1),
    cnn: recipe(3, 1, 0.002),
    "deep-cnn": recipe(2, 1),
  }),
});

/**
 * The recipe of `model` in `profile`. An unknown model or profile (from untyped input) throws,
 * naming the valid ones.
 *
 * @example trainingRecipe("cnn", "full") // { epochs: 15, batchSize: 100, lr: 0.001, lrDecay: 0.85, optimizer: "adam", seed: 1 }
 */
export function trainingRecipe(model: ModelName, profile: LessonProfile): TrainingRecipe {
  const name = parseModelName(model);
  if (profile !== "fast" && profile !== "full") parseProfile(String(profile)); // throws, naming the profiles
  return TRAINING_RECIPES[profile][name];
}

/** Checks a recipe built or edited by hand (e.g. `{ ...recipe, epochs: 5 }`); throws naming the bad field. */
export function checkRecipe(recipe: TrainingRecipe): void {
  const integer = (key: "epochs" | "batchSize", min: number) => {
    if (!(Number.isInteger(recipe[key]) && recipe[key] >= min)) {
      throw new Error(`recipe: ${key} must be an integer ≥ ${min}, got ${recipe[key]}`);
    }
  };
  integer("epochs", 1);
  integer("batchSize", 1);
  if (!(Number.isFinite(recipe.lr) && recipe.lr > 0)) throw new Error(`recipe: lr must be a positive number, got ${recipe.lr}`);
  if (!(recipe.lrDecay > 0 && recipe.lrDecay <= 1)) throw new Error(`recipe: lrDecay must be in (0, 1], got ${recipe.lrDecay}`);
  if (!Number.isSafeInteger(recipe.seed)) throw new Error(`recipe: seed must be an integer, got ${recipe.seed}`);
  parseName(recipe.optimizer, OPTIMIZER_NAMES, "optimizer", "recipe");
}

/**
 * The `fit` options of a recipe trained with `seed` (weights, batch order, augmentation): an
 * exponential schedule when `lrDecay` < 1, augmentation when the recipe has it. The one mapping
 * from recipe to `fit` for lesson 6, `npm run train` and every ensemble member. Checks the recipe.
 */
export function recipeFitOptions(
  recipe: Omit<TrainingRecipe, "seed"> & { readonly augment?: Partial<AugmentOptions> },
  seed: number,
): RecipeFitOptions {
  const { epochs, batchSize, lr, lrDecay, optimizer } = recipe;
  checkRecipe({ epochs, batchSize, lr, lrDecay, optimizer, seed });
  return {
    epochs,
    batchSize,
    lr,
    optimizer,
    seed,
    ...(lrDecay !== 1 ? { schedule: { kind: "exponential", decay: lrDecay } as const } : {}),
    ...(recipe.augment !== undefined ? { augment: recipe.augment } : {}),
  };
}

/** The training settings of a recipe as text, e.g. `15 epochs · batch 100 · adam, lr 0.001 × 0.85 per epoch`. */
export function trainingText(recipe: Omit<TrainingRecipe, "seed">): string {
  const lr = recipe.lrDecay === 1 ? `lr ${recipe.lr}` : `lr ${recipe.lr} × ${recipe.lrDecay} per epoch`;
  return `${recipe.epochs} epoch${recipe.epochs === 1 ? "" : "s"} · batch ${recipe.batchSize} · ${recipe.optimizer}, ${lr}`;
}

/** One line for a notebook or log, e.g. `15 epochs · batch 100 · adam, lr 0.001 × 0.85 per epoch · seed 1`. */
export function recipeText(recipe: TrainingRecipe): string {
  return `${trainingText(recipe)} · seed ${recipe.seed}`;
}
