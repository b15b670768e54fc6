/**
 * The schema of a results-log line: every field typed (a misspelt field does not compile), the
 * same schema checked on every line read (types and ranges, naming the field), and the one
 * builder that `npm run train`, `ensemble` and `combine` make their lines with.
 */
import { DATASET_NAMES, type DatasetName } from "../data/datasets";
import type { LessonProfile } from "../profile";

/** The fields every line starts with (`npm run results` builds the README table from them). */
export interface ResultFields {
  readonly model: string;
  readonly profile: LessonProfile;
  readonly backend: string;
  /** Epochs trained; an ensemble's: its members' (combine: the longest member's, 0 if none recorded it). */
  readonly epochs: number;
  /** Training time; for an ensemble, its members' training times added up. */
  readonly seconds: number;
  readonly testAccuracy: number;
  /** ISO time of the run. */
  readonly date: string;
  /** The command as a person would type it again. */
  readonly command: string;
}

/** The machine a run used (last in a line, before `testPredictions`). */
export interface MachineFields {
  readonly cores: number;
  /** The backend's versions and threads. */
  readonly backendSummary: string;
  /** Node's version, e.g. "v20.11.1". */
  readonly node: string;
}

/** How a transferred model was trained (lesson 10): a saved model's frozen base, a new head, maybe fine-tuned. */
export interface TransferFields {
  /** The saved model folder whose convolutional base was copied (relative to the project). */
  readonly from: string;
  /** That model's name and training date, from its metadata (a folder can be trained again later). */
  readonly baseModel?: string;
  readonly baseDate?: string;
  /** Epochs of the head's training on the frozen base, and its best validation accuracy. */
  readonly headEpochs: number;
  readonly headValidationAccuracy: number;
  /** Whether the logged model is the fine-tuned one: fine-tuning was asked for and raised validation accuracy. */
  readonly fineTuned: boolean;
  /** With --fine-tune: its epochs, best validation accuracy and learning rate, whether kept or not. */
  readonly fineTuneEpochs?: number;
  readonly fineTuneValidationAccuracy?: number;
  readonly fineTuneLr?: number;
}

/** The model flags of `npm run train` (the ladder of lessons 7 and 8), as the builder options they set. */
export interface ModelOptionFields {
  readonly hidden?: readonly number[];
  readonly init?: string;
  readonly dropout?: number;
  readonly batchNorm?: boolean;
  readonly filters?: readonly number[];
  readonly denseUnits?: number;
  readonly kernelSize?: number;
  readonly convDropout?: number;
}

/** A member of `npm run ensemble`: its member.json without the recipe (the line's). */
export interface TrainedMemberFields {
  readonly member: number;
  readonly seed: number;
  readonly epochs: number;
  readonly seconds: number;
  /** Null for a member trained without a validation split. */
  readonly validationAccuracy: number | null;
  readonly testAccuracy: number;
  readonly backend: string;
  readonly date: string;
}

/** A member of `npm run combine`: a saved model folder; null where its metadata did not record the number. */
export interface CombinedMemberFields {
  readonly dir: string;
  readonly architecture: string;
  readonly epochs: number | null;
  readonly seconds: number | null;
  readonly testAccuracy: number;
}

/** What an ensemble did on the test set (src/results/ensemble-table.ts reads these back). */
export interface EnsembleSummaryFields {
  readonly voteAccuracy: number;
  readonly bestMemberAccuracy: number;
  readonly meanMemberAccuracy: number;
  /** The averaged ensemble's accuracy with its first k members, k = 1…K. */
  readonly accuracyByK: readonly number[];
  readonly meanAgreement: number;
  /** Test images every member gets wrong. */
  readonly allWrong: number;
  readonly testSize: number;
}

/** One line of the results log: every field a command writes; older lines lack some of the optional ones. */
export interface ResultLine extends ResultFields, Partial<MachineFields>, Partial<EnsembleSummaryFields> {
  /** The data set trained and tested on; lines before `--dataset` existed are MNIST. */
  readonly dataset?: DatasetName;
  readonly testLoss?: number;
  readonly epochsRequested?: number;
  readonly stoppedEarly?: boolean;
  /** Best validation accuracy with early stopping, else the last epoch's. */
  readonly validationAccuracy?: number;
  readonly params?: number;
  readonly trainSize?: number;
  /** `npm run train -- --per-class n`: trained on n labelled images per class of the training split. */
  readonly perClass?: number;
  readonly validationSize?: number;
  readonly earlyStopping?: { readonly monitor: "val_acc" | "val_loss"; readonly patience: number };
  /** `npm run train -- --transfer-from <dir>`: the base and what each phase did. */
  readonly transfer?: TransferFields;
  readonly batchSize?: number;
  readonly lr?: number;
  readonly lrDecay?: number;
  readonly optimizer?: string;
  readonly seed?: number;
  /** The model built (`transfer` for --transfer-from), when `model` is a run name. */
  readonly architecture?: string;
  readonly modelOptions?: ModelOptionFields;
  readonly augment?: boolean;
  readonly trainWorkers?: number;
  /** A run continued with --resume: the epochs its checkpoint had done. */
  readonly resumedFromEpoch?: number;
  readonly members?: readonly (TrainedMemberFields | CombinedMemberFields)[];
  /** `npm run ensemble`: members loaded from the run folder instead of trained. */
  readonly membersLoaded?: number;
  readonly runDir?: string;
  /**
   * The run's prediction for every test image, in test-set order, one digit per image
   * (`encodePredictions`; 10 kB for MNIST's 10,000): what a paired comparison of two logged runs
   * needs. Written by `npm run train`; older lines lack it.
   */
  readonly testPredictions?: string;
}

// ---- Checking a value against the schema -------------------------------------------------

/** What is wrong with a value: the path below the field ("" for the field itself, "[2].seed") and why. */
type Problem = readonly [path: string, message: string];
type Check = (value: unknown) => Problem | undefined;

const shown = (v: unknown): string =>
  typeof v === "string"
    ? JSON.stringify(v.length > 40 ? `${v.slice(0, 40)}…` : v)
    : v === null
      ? "null"
      : Array.isArray(v)
        ? "a list"
        : typeof v === "object"
          ? "an object"
          : String(v);
const fail = (expected: string, v: unknown): Problem => ["", `expected ${expected}, got ${shown(v)}`];

const text: Check = (v) => (typeof v === "string" && v.trim() !== "" ? undefined : fail("a non-empty string", v));
const bool: Check = (v) => (typeof v === "boolean" ? undefined : fail("true or false", v));
const date: Check = (v) => (typeof v === "string" && !Number.isNaN(Date.parse(v)) ? undefined : fail("a date (ISO text)", v));
const fraction: Check = (v) => (typeof v === "number" && v >= 0 && v <= 1 ? undefined : fail("a number in [0, 1]", v));
const nonNegative: Check = (v) => (typeof v === "number" && Number.isFinite(v) && v >= 0 ? undefined : fail("a finite number ≥ 0", v));
const positive: Check = (v) => (typeof v === "number" && Number.isFinite(v) && v > 0 ? undefined : fail("a finite number > 0", v));
const integer =
  (min: number): Check =>
  (v) =>
    Number.isSafeInteger(v) && (v as number) >= min ? undefined : fail(`an integer ≥ ${min}`, v);
const oneOf =
  (names: readonly string[]): Check =>
  (v) =>
    typeof v === "string" && names.includes(v) ? undefined : fail(names.map((n) => JSON.stringify(n)).join(" or "), v);
const orNull =
  (check: Check): Check =>
  (v) =>
    v === null ? undefined : check(v);
const digits: Check = (v) => (typeof v === "string" && /^[0-9]+$/.test(v) ? undefined : fail("one digit 0–9 per test image", v));
const list =
  (item: Check, min = 0): Check =>
  (v) => {
    if (!Array.isArray(v) || v.length < min) return fail(min > 0 ? `a list of at least ${min}` : "a list", v);
    for (let i = 0; i < v.length; i++) {
      const p = item(v[i]);
      if (p) return [`[${i}]${p[0]}`, p[1]];
    }
    return undefined;
  };

/** A check per field of `T`, each field listed exactly once: a field added to the type must be added here. */
type Fields<T> = { readonly [K in keyof T]-?: Check };

/** Checks a JSON object: no field outside `fields`, each of `required` present, each present one valid. */
function objectOf<T>(fields: Fields<T>, required: readonly (keyof T & string)[]): Check {
  return (v) => {
    if (typeof v !== "object" || v === null || Array.isArray(v)) return fail("an object", v);
    const record = v as Record<string, unknown>;
    for (const key of required) if (!(key in record)) return [`.${key}`, "missing"];
    for (const [key, value] of Object.entries(record)) {
      const check = (fields as Readonly<Record<string, Check>>)[key];
      if (check === undefined) return [`.${key}`, "not a field of the results log (a misspelt name?)"];
      const p = check(value);
      if (p) return [`.${key}${p[0]}`, p[1]];
    }
    return undefined;
  };
}

const TRAINED_MEMBER: Fields<TrainedMemberFields> = {
  member: integer(1),
  seed: integer(0),
  epochs: integer(0),
  seconds: nonNegative,
  validationAccuracy: orNull(fraction),
  testAccuracy: fraction,
  backend: text,
  date,
};
const COMBINED_MEMBER: Fields<CombinedMemberFields> = {
  dir: text,
  architecture: text,
  epochs: orNull(integer(0)),
  seconds: orNull(nonNegative),
  testAccuracy: fraction,
};
const trainedMember = objectOf(TRAINED_MEMBER, ["member", "seed", "epochs", "seconds", "testAccuracy"]);
const combinedMember = objectOf(COMBINED_MEMBER, ["dir", "architecture", "epochs", "seconds", "testAccuracy"]);
/** A combined member names its folder; a trained one its number. */
const member: Check = (v) => (typeof v === "object" && v !== null && "dir" in v ? combinedMember(v) : trainedMember(v));

const TRANSFER: Fields<TransferFields> = {
  from: text,
  baseModel: text,
  baseDate: date,
  headEpochs: integer(0),
  headValidationAccuracy: fraction,
  fineTuned: bool,
  fineTuneEpochs: integer(0),
  fineTuneValidationAccuracy: fraction,
  fineTuneLr: positive,
};
const rate: Check = (v) => (typeof v === "number" && v >= 0 && v < 1 ? undefined : fail("a number in [0, 1)", v));
const MODEL_OPTIONS: Fields<ModelOptionFields> = {
  hidden: list(integer(1), 1),
  init: text,
  dropout: rate,
  batchNorm: bool,
  filters: list(integer(1), 1),
  denseUnits: integer(1),
  kernelSize: integer(1),
  convDropout: rate,
};

const REQUIRED: readonly (keyof ResultFields)[] = ["model", "profile", "backend", "epochs", "seconds", "testAccuracy", "date", "command"];

/** Every field of a line and its check: the schema, in the order a line is written. */
const LINE: Fields<ResultLine> = {
  model: text,
  dataset: oneOf(DATASET_NAMES),
  profile: oneOf(["fast", "full"]),
  backend: text,
  epochs: integer(0),
  seconds: nonNegative,
  testAccuracy: fraction,
  date,
  command: text,
  testLoss: nonNegative,
  testSize: integer(1),
  epochsRequested: integer(1),
  stoppedEarly: bool,
  validationAccuracy: fraction,
  params: integer(0),
  trainSize: integer(1),
  perClass: integer(1),
  validationSize: integer(1),
  earlyStopping: objectOf<NonNullable<ResultLine["earlyStopping"]>>({ monitor: oneOf(["val_acc", "val_loss"]), patience: integer(1) }, [
    "monitor",
    "patience",
  ]),
  transfer: objectOf(TRANSFER, ["from", "headEpochs", "headValidationAccuracy", "fineTuned"]),
  members: list(member, 1),
  voteAccuracy: fraction,
  bestMemberAccuracy: fraction,
  meanMemberAccuracy: fraction,
  accuracyByK: list(fraction, 1),
  meanAgreement: fraction,
  allWrong: integer(0),
  membersLoaded: integer(0),
  trainWorkers: integer(1),
  resumedFromEpoch: integer(0),
  batchSize: integer(1),
  lr: positive,
  lrDecay: positive,
  optimizer: text,
  seed: integer(0),
  architecture: text,
  modelOptions: objectOf(MODEL_OPTIONS, []),
  augment: bool,
  runDir: text,
  cores: integer(1),
  backendSummary: text,
  node: text,
  testPredictions: digits,
};
const line = objectOf(LINE, REQUIRED);

/**
 * What is wrong with a parsed line, as `field "members[2].testAccuracy": expected a number in
 * [0, 1], got 1.5`, or undefined when it fits the schema.
 */
export function resultLineProblem(value: unknown): string | undefined {
  const p = line(value);
  if (p) return p[0] === "" ? p[1] : `field "${p[0].slice(1)}": ${p[1]}`;
  const { testPredictions, testSize } = value as ResultLine;
  if (testPredictions !== undefined && testSize !== undefined && testPredictions.length !== testSize) {
    return `field "testPredictions": expected one digit per test image (testSize ${testSize}), got ${testPredictions.length} characters`;
  }
  return undefined;
}

// ---- The builder --------------------------------------------------------------------------

/**
 * What a command gives {@link resultLine}: the required fields (the date is the builder's), the
 * machine, and any optional field — `undefined` leaves a field out, so a command can write
 * `perClass: recipe?.perClass` instead of spreading conditional objects past the type check.
 */
export type ResultLineInput = Omit<ResultFields, "date"> &
  MachineFields & { readonly [K in Exclude<keyof ResultLine, keyof ResultFields | keyof MachineFields>]?: ResultLine[K] | undefined } & {
    /** Default: now. */
    readonly date?: string;
  };

/**
 * The one way the commands make a result line: fields in the schema's order (the table's
 * fields first, the machine and the test predictions last), undefined ones left out, seconds
 * rounded to 0.1, and the line checked against the schema — a bad value throws naming the field
 * before anything is written.
 */
export function resultLine(input: ResultLineInput): ResultLine {
  const given = input as unknown as Readonly<Record<string, unknown>>;
  const out: Record<string, unknown> = {};
  for (const key of Object.keys(LINE)) {
    const value =
      key === "date" ? (input.date ?? new Date().toISOString()) : key === "seconds" ? Math.round(input.seconds * 10) / 10 : given[key];
    if (value !== undefined) out[key] = value;
  }
  for (const key of Object.keys(given)) if (!(key in LINE)) out[key] = given[key]; // reported just below
  const problem = resultLineProblem(out);
  if (problem !== undefined) throw new Error(`resultLine: ${problem}`);
  return out as unknown as ResultLine;
}
