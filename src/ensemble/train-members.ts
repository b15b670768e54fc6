/**
 * Training the members of an ensemble one after another — same recipe with different seeds, or
 * a recipe per member — with one shared progress display, each member saved into a run folder
 * so that an interrupted run resumes instead of starting over.
 *
 * Resume rule: a member folder with `member.json` is finished and is loaded, never retrained.
 * A member's folder is written whole, model and `member.json` together, once it is finished: a
 * run stopped while training or saving a member leaves no folder for it, and the member is
 * trained again from scratch (so is a folder without `member.json`, from an older version).
 * Restarting in the middle of a member's epochs is not offered (`fit`'s `onState`/`resumeFrom`
 * could): an interruption costs at most one member's training.
 *
 * Every member, trained now or loaded, is scored once on `data.test`; those probability tables
 * are what `ensembleReport` combines.
 */
import * as tf from "@tensorflow/tfjs";
import { checkInteger, checkOptions } from "../check";
import { existsSync } from "node:fs";
import type { BatchSource } from "../data/batches";
import { argmaxRows, type MemberProbabilities } from "./combine";
import { memberProbabilities } from "./report";
import { accuracy } from "../eval/accuracy";
import type { LabeledImages } from "../eval/evaluate";
import { loadModel, saveModel } from "../io/model-files";
import { buildModel, type ModelName, type ModelOptionsByName } from "../models/registry";
import { fit } from "../train/fit";
import type { History } from "../train/history";
import { MEMBER_JSON, memberDir, memberRecordText, readMemberRecord, type MemberRecord } from "./run-folder";
import { MembersProgress, type PlannedMember } from "./progress";
import { recipeFitOptions } from "../experiments/recipes";
import { canonicalJson } from "../check";
import { checkMemberRecipe, normalizeRecipe, type MemberRecipe } from "./member-recipe";
import type { ProgressMode } from "../train/progress";

export type { MemberRecipe } from "./member-recipe";
export type { MemberRecord } from "./run-folder";

/** Data for {@link trainMembers}: MNIST's splits fit. */
export interface MembersData {
  readonly train: BatchSource;
  /** Evaluated after every epoch of every member (optional). */
  readonly validation?: LabeledImages;
  /** Every member is scored on it once: these are the predictions the ensemble combines. */
  readonly test: LabeledImages;
}

/** Which members to train: one recipe K times (seeds differ), or one recipe per member. */
export type MembersPlan =
  | { readonly recipe: MemberRecipe; readonly members: number; readonly recipes?: never }
  | { readonly recipes: readonly MemberRecipe[]; readonly recipe?: never; readonly members?: never };

/** Options for {@link trainMembers}. */
export type TrainMembersOptions = MembersPlan & {
  /** Member i (0-based) gets seed `seed + i` for its weights, batch order and augmentation. Default 1. */
  readonly seed?: number;
  /** Run folder: members are saved in `dir/member-<i>` and loaded from there on a rerun. Default: not saved. */
  readonly dir?: string;
  /** `true` (default) picks the display for where we run; `false` shows nothing; or a mode. */
  readonly progress?: boolean | ProgressMode;
  /**
   * Only these members (1-based numbers) are trained or loaded in this call; the others are
   * skipped and left out of the result. Lets two processes on two cores train disjoint members
   * of one run folder at once (one wasm thread each is faster than two threads in one process);
   * a later call without `only` loads them all. Default: every member.
   */
  readonly only?: readonly number[];
  /** Called after each member is ready (trained or loaded), in member order. */
  readonly onMember?: (member: EnsembleMember) => void | Promise<void>;
};

/** One member, ready: its model, its record and its predictions on the test set. */
export interface EnsembleMember extends MemberRecord {
  readonly model: tf.LayersModel;
  /** Its class probabilities on `data.test` (computed in this call). */
  readonly outputs: MemberProbabilities;
  /** True when it was loaded from the run folder, false when trained in this call. */
  readonly loaded: boolean;
  /** Training history, for members trained in this call. */
  readonly history?: History;
}

/** What {@link trainMembers} returns. Call `dispose()` to free the models. */
export interface EnsembleMembers {
  readonly members: readonly EnsembleMember[];
  /** Training seconds of all members, loaded ones included (from their records). */
  readonly seconds: number;
  /** Members trained in this call. */
  readonly trained: number;
  /** Members loaded from the run folder. */
  readonly loaded: number;
  /** Disposes every member's model. */
  dispose(): void;
}

const OPTION_KEYS = ["recipe", "members", "recipes", "seed", "dir", "progress", "only", "onMember"];

function planRecipes(options: TrainMembersOptions): MemberRecipe[] {
  checkOptions(options, OPTION_KEYS, "trainMembers");
  if (options.recipes !== undefined) {
    if (options.recipe !== undefined || options.members !== undefined) {
      throw new Error("trainMembers: give either recipes (one per member) or recipe + members, not both");
    }
    if (!Array.isArray(options.recipes) || options.recipes.length === 0)
      throw new Error("trainMembers: recipes must list at least one recipe");
    return options.recipes.map((r, i) => {
      checkMemberRecipe(r, `trainMembers: recipe of member ${i + 1}`);
      return normalizeRecipe(r);
    });
  }
  if (options.recipe === undefined) throw new Error("trainMembers: give recipe + members, or recipes");
  checkInteger(options.members, "members", "trainMembers");
  checkMemberRecipe(options.recipe, "trainMembers: recipe");
  const recipe = normalizeRecipe(options.recipe);
  return Array.from({ length: options.members }, () => recipe);
}

/** The 0-based indices `only` selects among `count` members (all without `only`); throws on a bad number. */
function selectedMembers(only: readonly number[] | undefined, count: number): ReadonlySet<number> {
  if (only === undefined) return new Set(Array.from({ length: count }, (_, i) => i));
  if (!Array.isArray(only) || only.length === 0) throw new Error("trainMembers: only must list at least one member number");
  for (const n of only) {
    if (!(Number.isInteger(n) && n >= 1 && n <= count))
      throw new Error(`trainMembers: only lists member ${n}, but members are numbered 1–${count}`);
  }
  return new Set(only.map((n) => n - 1));
}

/** Test accuracy from a member's probabilities (argmax as in `ensembleReport`, so the numbers agree). */
function memberAccuracy(outputs: MemberProbabilities, labels: Int32Array): number {
  return accuracy(argmaxRows(outputs.probabilities, outputs.numClasses), labels);
}

function build(recipe: MemberRecipe, seed: number): tf.LayersModel {
  const options = { ...(recipe.modelOptions ?? {}), seed } as ModelOptionsByName[ModelName];
  return buildModel(recipe.model, options);
}

/** Throws unless a finished member in the run folder was trained the way this run asks. */
function checkRecordMatches(record: MemberRecord, recipe: MemberRecipe, seed: number, dir: string): void {
  if (record.seed !== seed || canonicalJson(record.recipe) !== canonicalJson(recipe)) {
    throw new Error(
      `${dir} holds a member trained with seed ${record.seed} and recipe ${canonicalJson(record.recipe)}, ` +
        `but this run asks for seed ${seed} and recipe ${canonicalJson(recipe)}. ` +
        `Use another run folder, or delete this one to retrain.`,
    );
  }
}

/**
 * Trains (or loads) the members of an ensemble one after another and scores each on
 * `data.test`. With `dir`, each finished member is saved to `dir/member-<i>` (model +
 * member.json) and a rerun loads finished members instead of retraining them.
 *
 * Leaves `tf.memory().numTensors` as it found it plus the members' weights; `dispose()` frees
 * those. On an error, the models made so far are disposed before it is thrown.
 *
 * @example
 * const run = await trainMembers({ train, validation, test },
 *   { recipe: memberRecipe("cnn", "fast", { epochs: 2 }), members: 5, dir: "results/models/my-ensemble" });
 * const report = ensembleReport(run.members.map((m) => m.outputs), test.labels);
 */
export async function trainMembers(data: MembersData, options: TrainMembersOptions): Promise<EnsembleMembers> {
  const recipes = planRecipes(options);
  const baseSeed = options.seed ?? 1;
  if (!Number.isSafeInteger(baseSeed)) throw new Error(`trainMembers: seed must be an integer, got ${baseSeed}`);
  if (data.test.size === 0) throw new Error("trainMembers: the test set is empty");
  const selected = selectedMembers(options.only, recipes.length);
  const dirs = recipes.map((_, i) => (options.dir === undefined ? undefined : memberDir(options.dir, i)));
  // Read every record up front: the display says how much is left, and a mismatched folder fails before any training.
  const records = await Promise.all(dirs.map((d) => (d !== undefined && existsSync(d) ? readMemberRecord(d) : undefined)));
  records.forEach((r, i) => r && checkRecordMatches(r, recipes[i]!, baseSeed + i, dirs[i]!));

  const planned: PlannedMember[] = recipes.map((recipe, i) => ({
    seed: baseSeed + i,
    recipe,
    done: records[i] !== undefined,
    ...(selected.has(i) ? {} : { skipped: true }),
  }));
  const progressOption = options.progress ?? true;
  const progress = new MembersProgress({
    members: planned,
    ...(progressOption === false ? { mode: "silent" as const } : progressOption === true ? {} : { mode: progressOption }),
  });
  progress.begin(options.dir);

  const members: EnsembleMember[] = [];
  let current: tf.LayersModel | undefined;
  try {
    for (let i = 0; i < recipes.length; i++) {
      if (!selected.has(i)) continue;
      const recipe = recipes[i]!;
      const seed = baseSeed + i;
      const dir = dirs[i];
      const record = records[i];
      let member: EnsembleMember;
      if (record && dir) {
        try {
          current = await loadModel(dir);
        } catch (err) {
          throw new Error(
            `${dir} is marked finished but its model cannot be loaded (${(err as Error).message}); delete the folder to retrain it`,
          );
        }
        const outputs = memberProbabilities(current, data.test.xs);
        const testAccuracy = memberAccuracy(outputs, data.test.labels);
        member = { ...record, testAccuracy, testSize: data.test.size, model: current, outputs, loaded: true };
        progress.loaded(i, testAccuracy, record.seconds, dir);
      } else {
        progress.startMember(i);
        current = build(recipe, seed);
        const started = performance.now();
        const history = await fit(
          current,
          { train: data.train, ...(data.validation ? { validation: data.validation } : {}) },
          {
            ...recipeFitOptions(recipe, seed),
            progress: progress.fitMode(),
            onEpoch: (log) => progress.endEpoch(i, log),
          },
        );
        const seconds = (performance.now() - started) / 1000;
        const outputs = memberProbabilities(current, data.test.xs);
        const fresh: MemberRecord = {
          member: i + 1,
          seed,
          recipe,
          epochs: history.loss.length,
          seconds: Math.round(seconds * 10) / 10,
          validationAccuracy: history.valAcc.at(-1) ?? null,
          testAccuracy: memberAccuracy(outputs, data.test.labels),
          testSize: data.test.size,
          backend: tf.getBackend(),
          trainWorkers: history.workers,
          date: new Date().toISOString(),
        };
        if (dir) {
          // One atomic write: the record, the mark of a finished member, never exists without its model.
          await saveModel(current, dir, { metadata: { ...fresh }, files: { [MEMBER_JSON]: memberRecordText(fresh) } });
        }
        member = { ...fresh, model: current, outputs, loaded: false, history };
        progress.endMember(i, fresh.testAccuracy, fresh.seconds, dir);
      }
      members.push(member);
      current = undefined;
      await options.onMember?.(member);
    }
  } catch (err) {
    current?.dispose();
    for (const m of members) m.model.dispose();
    throw err;
  }
  return {
    members,
    seconds: members.reduce((sum, m) => sum + m.seconds, 0),
    trained: members.filter((m) => !m.loaded).length,
    loaded: members.filter((m) => m.loaded).length,
    dispose() {
      for (const m of members) m.model.dispose();
    },
  };
}
