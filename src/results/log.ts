/**
 * The results log, `results/results.jsonl`: one JSON line per run of `npm run train`,
 * `npm run ensemble` or `npm run combine`, committed with the command that produced it.
 *
 * The README's results table and lesson 5's table of full-profile ensembles are both read from
 * this file, so a measured number is never typed into prose or a notebook by hand.
 */
import { closeSync, existsSync, fstatSync, mkdirSync, openSync, readFileSync, readSync, writeSync } from "node:fs";
import * as path from "node:path";
import { projectRoot } from "../data/paths";
import type { LessonProfile } from "../profile";

/** The fields every line of the results log starts with (`npm run results` builds the README table from them). */
export interface ResultFields {
  readonly model: string;
  readonly profile: LessonProfile;
  readonly backend: string;
  readonly epochs: number;
  /** Training time; for an ensemble, its members' training times added up. */
  readonly seconds: number;
  readonly testAccuracy: number;
  /** ISO time of the run. */
  readonly date: string;
  /** The command as a person would type it again. */
  readonly command: string;
}

/** One line of the results log: the {@link ResultFields}, plus whatever its script adds. */
export interface ResultLine extends ResultFields {
  /**
   * The run's prediction for every test image, in test-set order, as one digit per image
   * ({@link encodePredictions}; 10 kB for MNIST's 10,000): what a paired comparison of two logged
   * runs needs ({@link resultPredictions}). Written by `npm run train`; older lines lack it.
   */
  readonly testPredictions?: string;
  /** The run's seed (initial weights, batch order, slice); ensembles log their first member's. */
  readonly seed?: number;
  /** The data set trained and tested on (`npm run train` logs it; older lines are MNIST). */
  readonly dataset?: string;
  /** `npm run train -- --per-class n`: trained on n labelled images per class of the training split. */
  readonly perClass?: number;
  /** `npm run train -- --transfer-from <dir>`: the base and what each phase did. */
  readonly transfer?: TransferFields;
  readonly [field: string]: unknown;
}

/** How a transferred model was trained (lesson 8): a saved model's frozen base, a new head, maybe fine-tuned. */
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

const REQUIRED: readonly (keyof ResultFields)[] = ["model", "profile", "backend", "epochs", "seconds", "testAccuracy", "date", "command"];

/** A results log read leniently: its good lines, and one message per bad line (by number). */
export interface ResultLog {
  readonly lines: readonly ResultLine[];
  /** e.g. `results/results.jsonl line 18: not JSON (…); skipped`. */
  readonly problems: readonly string[];
}

/** What is wrong with one line of the log, or its parsed record. */
function parseLine(line: string): ResultLine | string {
  let r: unknown;
  try {
    r = JSON.parse(line);
  } catch (e) {
    return `not JSON (${(e as Error).message})`;
  }
  if (typeof r !== "object" || r === null || Array.isArray(r)) return "not a JSON object";
  for (const k of REQUIRED) if (!(k in r)) return `missing field "${k}"`;
  const profile = (r as { profile?: unknown }).profile;
  if (profile !== "fast" && profile !== "full") return `profile must be "fast" or "full", got ${JSON.stringify(profile)}`;
  if ("testPredictions" in r) {
    const { testPredictions: p, testSize } = r as { testPredictions?: unknown; testSize?: unknown };
    if (typeof p !== "string" || !PREDICTIONS.test(p) || (typeof testSize === "number" && p.length !== testSize)) {
      const got = typeof p === "string" ? `${p.length} characters` : typeof p;
      return `testPredictions must be one digit per test image (testSize ${String(testSize)}), got ${got}`;
    }
  }
  return r as ResultLine;
}

/** A prediction string: one digit 0–9 per image. */
const PREDICTIONS = /^[0-9]+$/;

/**
 * Predictions as a result line stores them: one digit per image, e.g. `[7, 2, 1]` → `"721"`.
 * Throws for a value that is not a digit 0–9 (a model with more than ten classes would need
 * another encoding).
 */
export function encodePredictions(predictions: ArrayLike<number>): string {
  if (predictions.length === 0) throw new Error("encodePredictions: no predictions");
  let text = "";
  for (let i = 0; i < predictions.length; i++) {
    const p = predictions[i]!;
    if (!(Number.isInteger(p) && p >= 0 && p <= 9)) throw new Error(`encodePredictions: prediction ${i} is ${p}, not a digit 0–9`);
    text += String(p);
  }
  return text;
}

/** The test predictions a result line carries, or `undefined` for a line without them. */
export function resultPredictions(line: ResultLine): Int32Array | undefined {
  const text = line.testPredictions;
  if (text === undefined) return undefined;
  if (!PREDICTIONS.test(text)) throw new Error(`result ${line.model} (${line.date}): testPredictions is not a string of digits`);
  return Int32Array.from(text, (c) => c.charCodeAt(0) - 48);
}

/**
 * Parses the text of a results log. A bad line (not JSON — say, two records glued together by an
 * interrupted write —, a missing field, an unknown profile) does not stop the reading: it is
 * reported by its 1-based number in `problems` and left out; blank lines are skipped.
 */
export function parseResultLog(text: string, name = "results.jsonl"): ResultLog {
  const lines: ResultLine[] = [];
  const problems: string[] = [];
  text.split("\n").forEach((raw, i) => {
    if (raw.trim() === "") return;
    const parsed = parseLine(raw.trim());
    if (typeof parsed === "string") problems.push(`${name} line ${i + 1}: ${parsed}; skipped`);
    else lines.push(parsed);
  });
  return { lines, problems };
}

/** The project's results log, `<project root>/results/results.jsonl`. */
export function defaultResultsFile(): string {
  return path.join(projectRoot(), "results", "results.jsonl");
}

/** Reads a results log leniently (see {@link parseResultLog}); a missing file is an empty log. */
export function readResultLog(file: string = defaultResultsFile()): ResultLog {
  if (!existsSync(file)) return { lines: [], problems: [] };
  return parseResultLog(readFileSync(file, "utf8"), shownName(file));
}

/**
 * The good lines of a results log (default: the project's). Each bad line is reported on
 * stderr (in a notebook: below the cell) by its number, without a stack trace, and left out,
 * so one damaged record never hides the others.
 */
export function readResultLines(file: string = defaultResultsFile()): ResultLine[] {
  const log = readResultLog(file);
  for (const problem of log.problems) console.warn(problem);
  return [...log.lines];
}

/** The log's path relative to the project when inside it (messages stay short), else as given. */
function shownName(file: string): string {
  try {
    const r = path.relative(projectRoot(), file);
    return r !== "" && !r.startsWith("..") && !path.isAbsolute(r) ? r : file;
  } catch {
    return file;
  }
}

/**
 * Appends `result` as one whole line to `file` (default: the project's log), creating its folder
 * if needed. Never rewrites: every earlier run stays.
 *
 * - Newline-safe: when the file does not end in a newline (an interrupted write, a hand edit),
 *   the record starts on a new line instead of being glued onto the last one.
 * - One `write` per record on a file opened for appending (O_APPEND): the kernel moves to the
 *   end and writes in one step, so two processes appending at once (the README runs three)
 *   never interleave or overwrite each other's lines. If two both find the end without a
 *   newline, both start a new line and the reader skips the blank one.
 * - A record the reader would skip (a missing field, an unknown profile) is refused before writing.
 */
export function appendResult(result: ResultFields & Record<string, unknown>, file: string = defaultResultsFile()): void {
  const json = JSON.stringify(result);
  const bad = parseLine(json);
  if (typeof bad === "string") throw new Error(`appendResult: the record would be a bad line of the log: ${bad}`);
  mkdirSync(path.dirname(file), { recursive: true });
  // "a+": reads see the file, every write goes to its end (O_APPEND).
  const fd = openSync(file, "a+");
  try {
    const size = fstatSync(fd).size;
    const last = Buffer.alloc(1);
    const glued = size > 0 && readSync(fd, last, 0, 1, size - 1) === 1 && last[0] !== 0x0a;
    const bytes = Buffer.from(`${glued ? "\n" : ""}${json}\n`, "utf8");
    const written = writeSync(fd, bytes);
    if (written !== bytes.length) throw new Error(`appendResult: only ${written} of ${bytes.length} bytes reached ${file}`);
  } finally {
    closeSync(fd);
  }
}
