/**
 * How one member of an ensemble is trained: a lesson model, its training recipe (the same
 * {@link TrainingRecipe} fields lesson 6 and `npm run train` use, minus the seed — each member
 * gets its own) and optional augmentation. Plain JSON, so that it can be stored beside the
 * trained member and compared when a run resumes.
 */
import type { LessonProfile } from "../profile";
import { parseModelName, type ModelName, type ModelOptionsByName } from "../models/registry";
import { resolveAugmentOptions, type AugmentOptions } from "../augment/options";
import { checkRecipe, trainingRecipe, trainingText, type TrainingRecipe } from "../experiments/recipes";

/**
 * The recipe of one member: a registered model (with its builder options, seed aside), the
 * training settings of a {@link TrainingRecipe} without its seed, and augmentation.
 *
 * @example { model: "cnn", epochs: 15, batchSize: 100, lr: 0.001, lrDecay: 0.85, optimizer: "adam", augment: {} }
 */
export type MemberRecipe = {
  readonly [N in ModelName]: Omit<TrainingRecipe, "seed"> & {
    readonly model: N;
    /** Options of the model builder, e.g. `{ hidden: [64] }` for an mlp; the seed is set per member. */
    readonly modelOptions?: Omit<ModelOptionsByName[N], "seed">;
    /** Augment the training batches (`{}`: `DEFAULT_DIGIT_AUGMENT`); absent: no augmentation. */
    readonly augment?: Partial<AugmentOptions>;
  };
}[ModelName];

const RECIPE_KEYS: ReadonlySet<string> = new Set(["model", "modelOptions", "epochs", "batchSize", "lr", "lrDecay", "optimizer", "augment"]);

/**
 * The member recipe of `model` in `profile`: {@link trainingRecipe}'s settings (the ones lesson 6
 * trains single models with), optionally with augmentation or other changes.
 *
 * @example memberRecipe("cnn", "full", { augment: {} })
 */
export function memberRecipe<N extends ModelName>(
  model: N,
  profile: LessonProfile,
  changes: Partial<Omit<TrainingRecipe, "seed">> & {
    readonly modelOptions?: Omit<ModelOptionsByName[N], "seed">;
    readonly augment?: Partial<AugmentOptions>;
  } = {},
): MemberRecipe {
  const { seed: _seed, ...base } = trainingRecipe(model, profile);
  const recipe = { ...base, ...changes, model } as MemberRecipe;
  checkMemberRecipe(recipe);
  return recipe;
}

/** Throws, naming the field, unless `recipe` is a valid {@link MemberRecipe}; `what` says which member. */
export function checkMemberRecipe(recipe: MemberRecipe, what = "member recipe"): void {
  if (typeof recipe !== "object" || recipe === null || Array.isArray(recipe)) {
    throw new Error(`${what} must be an object like memberRecipe("cnn", "fast"), got ${String(recipe)}`);
  }
  for (const key of Object.keys(recipe)) {
    if (!RECIPE_KEYS.has(key)) throw new Error(`${what}: unknown field "${key}" (expected ${[...RECIPE_KEYS].join(", ")})`);
  }
  try {
    parseModelName(recipe.model);
    checkRecipe({ ...recipe, seed: 0 });
    if (recipe.augment !== undefined) resolveAugmentOptions(recipe.augment);
  } catch (err) {
    throw new Error(`${what}: ${(err as Error).message}`);
  }
  const options: unknown = recipe.modelOptions;
  if (options !== undefined && (typeof options !== "object" || options === null || Array.isArray(options))) {
    throw new Error(`${what}: modelOptions must be an object, got ${String(options)}`);
  }
  if (options !== undefined && "seed" in (options as object)) {
    throw new Error(`${what}: modelOptions must not set a seed: each member gets its own`);
  }
}

/**
 * The recipe with its defaults written out (the full augmentation ranges) and empty model
 * options dropped, so that two recipes that train the same way compare equal. Checks it first.
 */
export function normalizeRecipe(recipe: MemberRecipe): MemberRecipe {
  checkMemberRecipe(recipe);
  const { modelOptions, augment, ...rest } = recipe;
  return {
    ...rest,
    ...(modelOptions !== undefined && Object.keys(modelOptions).length > 0 ? { modelOptions } : {}),
    ...(augment !== undefined ? { augment: resolveAugmentOptions(augment) } : {}),
  } as MemberRecipe;
}

/** One line, e.g. `cnn · 15 epochs · batch 100 · adam, lr 0.001 × 0.85 per epoch · augmented`. */
export function describeRecipe(recipe: MemberRecipe): string {
  const options = recipe.modelOptions && Object.keys(recipe.modelOptions).length > 0 ? ` ${JSON.stringify(recipe.modelOptions)}` : "";
  return [`${recipe.model}${options}`, trainingText(recipe), ...(recipe.augment !== undefined ? ["augmented"] : [])].join(" · ");
}
