/**
 * The run folder of an ensemble: one sub-folder per member (`member-1`, `member-2`, …) with the
 * saved model (model.json + weights.bin, see `saveModel`) and a small `member.json` — its recipe,
 * seed, accuracy and training time.
 *
 * `member.json` is saved with the model in one atomic folder write (`saveModel`'s `files`), so a
 * member folder appears only once its member is finished; a folder without `member.json` (left by
 * an older version, or edited by hand) is retrained. That is what lets an hours-long run resume
 * where it stopped.
 */
import { promises as fs } from "node:fs";
import * as path from "node:path";
import { projectRoot } from "../data/paths";
import type { ModelName } from "../models/registry";
import type { LessonProfile } from "../profile";
import type { TrainedMemberFields } from "../results/log";
import type { MemberRecipe } from "./member-recipe";
import { trainingRecipe } from "../experiments/recipes";

/** Name of the completion record in a member folder. */
export const MEMBER_JSON = "member.json";

/** What `member.json` holds: how the member was trained and how well it did. */
export interface MemberRecord {
  /** 1-based member number (member-1 is the first). */
  readonly member: number;
  /** Seed of the initial weights, the batch order and the augmentation. */
  readonly seed: number;
  /** The recipe, with defaults written out (see `normalizeRecipe`). */
  readonly recipe: MemberRecipe;
  /** Epochs trained. */
  readonly epochs: number;
  /** Wall-clock seconds of training (validation passes included, test pass excluded). */
  readonly seconds: number;
  /** Validation accuracy after the last epoch, or null without a validation set. */
  readonly validationAccuracy: number | null;
  /** Accuracy on the test set it was scored on when trained. */
  readonly testAccuracy: number;
  /** Images in that test set. */
  readonly testSize: number;
  /** Backend it was trained on, e.g. "wasm". */
  readonly backend: string;
  /** Training workers that shared each batch (records written before data parallelism lack it). */
  readonly trainWorkers?: number;
  /** When training finished (ISO 8601). */
  readonly date: string;
}

/** The settings that name an ensemble run (see {@link ensembleRunDir}). */
export interface EnsembleRunSpec {
  readonly model: ModelName;
  /** Number of members K. */
  readonly members: number;
  /** Members trained with augmentation. */
  readonly augment: boolean;
  readonly profile: LessonProfile;
  /** Epochs per member, when not the model's recipe for the profile. */
  readonly epochs?: number;
  /** Seed of the first member, when not 1. */
  readonly seed?: number;
}

/** The ensemble's name, e.g. `ensemble-cnn-x5` or `ensemble-cnn-x5-aug` (the `model` of its results line). */
export function ensembleName(spec: Pick<EnsembleRunSpec, "model" | "members" | "augment">): string {
  if (!(Number.isInteger(spec.members) && spec.members >= 1))
    throw new Error(`ensembleName: members must be an integer ≥ 1, got ${spec.members}`);
  return `ensemble-${spec.model}-x${spec.members}${spec.augment ? "-aug" : ""}`;
}

/**
 * The run folder of an ensemble: `<root>/results/models/<name>[-e<epochs>][-s<seed>]-<profile>`,
 * one per combination of settings that changes what is trained (so a resumed run never mixes
 * members trained differently). `npm run ensemble` and lesson 9 use the same folders: the
 * lesson loads the members the script trained. Epochs equal to the recipe's and seed 1 are the
 * defaults and leave the name alone.
 */
export function ensembleRunDir(spec: EnsembleRunSpec, root: string = projectRoot()): string {
  const recipeEpochs = trainingRecipe(spec.model, spec.profile).epochs;
  const epochs = spec.epochs !== undefined && spec.epochs !== recipeEpochs ? `-e${spec.epochs}` : "";
  const seed = spec.seed !== undefined && spec.seed !== 1 ? `-s${spec.seed}` : "";
  return path.join(root, "results", "models", `${ensembleName(spec)}${epochs}${seed}-${spec.profile}`);
}

/** Folder of member `index` (0-based) of the run in `runDir`: `runDir/member-<index + 1>`. */
export function memberDir(runDir: string, index: number): string {
  if (!Number.isInteger(index) || index < 0) throw new Error(`memberDir: index must be an integer ≥ 0, got ${index}`);
  return path.join(runDir, `member-${index + 1}`);
}

const RECORD_FIELDS: readonly (keyof MemberRecord)[] = [
  "member",
  "seed",
  "recipe",
  "epochs",
  "seconds",
  "validationAccuracy",
  "testAccuracy",
  "testSize",
  "backend",
  "date",
];

/**
 * Reads `dir/member.json`. Returns undefined when there is none (member not finished); throws,
 * naming the file, when it is unreadable or lacks a field — a finished member must not be
 * silently retrained or trusted.
 */
export async function readMemberRecord(dir: string): Promise<MemberRecord | undefined> {
  const file = path.join(dir, MEMBER_JSON);
  let text: string;
  try {
    text = await fs.readFile(file, "utf8");
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === "ENOENT") return undefined;
    throw new Error(`Cannot read ${file}: ${(err as Error).message}`);
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (err) {
    throw new Error(`${file} is not valid JSON (${(err as Error).message}); delete the folder to retrain this member`);
  }
  if (typeof json !== "object" || json === null || Array.isArray(json)) throw new Error(`${file} should hold a JSON object`);
  const missing = RECORD_FIELDS.filter((f) => !(f in (json as object)));
  if (missing.length > 0) throw new Error(`${file} lacks ${missing.join(", ")}; delete the folder to retrain this member`);
  return json as MemberRecord;
}

/** The text of `member.json` for `record` (saved with the member's model: see the top of this file). */
export function memberRecordText(record: MemberRecord): string {
  return `${JSON.stringify(record, null, 2)}\n`;
}

/**
 * A member's summary in the ensemble's result line: its record without the recipe (the line's
 * own) — the weights stay out of git, what they scored and how long they took does not.
 */
export function memberResultFields(record: MemberRecord): TrainedMemberFields {
  const { member, seed, epochs, seconds, validationAccuracy, testAccuracy, backend, date } = record;
  return { member, seed, epochs, seconds, validationAccuracy, testAccuracy, backend, date };
}
