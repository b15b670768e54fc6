/**
 * The results log, `results/results.jsonl`: one JSON line per run of `npm run train`,
 * `npm run ensemble` or `npm run combine`, committed with the command that produced it.
 *
 * The README's results table and lesson 6's table of full-profile ensembles are both read from
 * this file, so a measured number is never typed into prose or a notebook by hand.
 */
import {
  accessSync,
  closeSync,
  constants,
  existsSync,
  fstatSync,
  ftruncateSync,
  lstatSync,
  mkdirSync,
  openSync,
  readSync,
  statSync,
  writeSync,
} from "node:fs";
import * as path from "node:path";
import { projectRoot } from "../data/paths";
import { resultLineProblem, type ResultLine } from "./schema";

export type {
  CombinedMemberFields,
  EnsembleSummaryFields,
  MachineFields,
  ModelOptionFields,
  ResultFields,
  ResultLine,
  ResultLineInput,
  TrainedMemberFields,
  TransferFields,
} from "./schema";
export { resultLine } from "./schema";

/** The log's path inside the project: the one place it is written down. */
export const RESULTS_LOG = "results/results.jsonl";

/**
 * Longest line the reader accepts: a line of `npm run train` is ~11 kB (10,000 test
 * predictions), so 1 MB is far above any real one and far below what a string can hold.
 */
export const MAX_LINE_BYTES = 1_000_000;

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
  return resultLineProblem(r) ?? (r as ResultLine);
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

/** Collects the good lines and the problems of a log, line by line. */
function collect(
  lines: Iterable<{ readonly number: number; readonly text: string | undefined }>,
  name: string,
  maxBytes: number,
): ResultLog {
  const good: ResultLine[] = [];
  const problems: string[] = [];
  for (const { number, text } of lines) {
    if (text === undefined) {
      problems.push(`${name} line ${number}: longer than ${maxBytes.toLocaleString("en-US")} bytes, not a result line; skipped`);
      continue;
    }
    if (text.trim() === "") continue;
    const parsed = parseLine(text.trim());
    if (typeof parsed === "string") problems.push(`${name} line ${number}: ${parsed}; skipped`);
    else good.push(parsed);
  }
  return { lines: good, problems };
}

/**
 * Parses the text of a results log. A bad line (not JSON — say, two records glued together by an
 * interrupted write —, a field missing, misspelt, of the wrong type or out of range) does not stop
 * the reading: it is reported by its 1-based number and the field in `problems` and left out;
 * blank lines are skipped.
 */
export function parseResultLog(text: string, name = "results.jsonl"): ResultLog {
  return collect(
    text.split("\n").map((t, i) => ({ number: i + 1, text: Buffer.byteLength(t) > MAX_LINE_BYTES ? undefined : t })),
    name,
    MAX_LINE_BYTES,
  );
}

/**
 * The lines of `file`, read in 64 kB chunks so that a huge line never becomes one string
 * (a 512 MB line would not fit: ERR_STRING_TOO_LONG): a line over `maxBytes` comes back as
 * `text: undefined`, its bytes skipped.
 */
function* fileLines(file: string, maxBytes: number): Generator<{ number: number; text: string | undefined }> {
  const fd = openSync(file, "r");
  try {
    const chunk = Buffer.alloc(64 * 1024);
    let parts: Buffer[] = [];
    let length = 0;
    let tooLong = false;
    let number = 1;
    for (;;) {
      const n = readSync(fd, chunk, 0, chunk.length, null);
      let start = 0;
      for (let i = 0; i < n; i++) {
        if (chunk[i] !== 0x0a) continue;
        const piece = chunk.subarray(start, i);
        length += piece.length;
        const text = tooLong || length > maxBytes ? undefined : Buffer.concat([...parts, piece]).toString("utf8");
        yield { number: number++, text };
        parts = [];
        length = 0;
        tooLong = false;
        start = i + 1;
      }
      if (n === 0) break;
      const rest = chunk.subarray(start, n);
      length += rest.length;
      if (length > maxBytes) tooLong = true;
      if (!tooLong) parts.push(Buffer.from(rest));
      else parts = [];
    }
    if (length > 0 || tooLong) yield { number, text: tooLong ? undefined : Buffer.concat(parts).toString("utf8") };
  } finally {
    closeSync(fd);
  }
}

/** The results log of the project at `root`: `<root>/results/results.jsonl`. */
export function resultsLogPath(root: string): string {
  return path.join(root, ...RESULTS_LOG.split("/"));
}

/** The project's results log (see {@link resultsLogPath}). */
export function defaultResultsFile(): string {
  return resultsLogPath(projectRoot());
}

/**
 * Reads a results log leniently (see {@link parseResultLog}), line by line; a missing file is
 * an empty log. `maxLineBytes`: longest line accepted (default {@link MAX_LINE_BYTES}).
 */
export function readResultLog(file: string = defaultResultsFile(), maxLineBytes = MAX_LINE_BYTES): ResultLog {
  if (!existsSync(file)) return { lines: [], problems: [] };
  return collect(fileLines(file, maxLineBytes), shownName(file), maxLineBytes);
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
 * Throws unless a line can be appended to `file`, naming it — checked by the commands before any
 * work, so that a run is not lost to a log it cannot write: the file, if there, must be a
 * writable regular file (opened for appending, nothing written: read-only, immutable, on a
 * read-only disk all fail here); if not there, its folder (or the nearest existing one above,
 * which appending creates the rest of) must be a writable folder; a dangling symlink is refused.
 */
export function checkAppendable(file: string): void {
  const name = shownName(file);
  let link: ReturnType<typeof lstatSync> | undefined;
  try {
    link = lstatSync(file);
  } catch {
    link = undefined;
  }
  if (link !== undefined) {
    if (link.isSymbolicLink() && !existsSync(file))
      throw new Error(`the results log ${name} is a symlink to nothing (a dangling link): fix or remove it`);
    if (!statSync(file).isFile()) throw new Error(`the results log ${name} is not a file`);
    try {
      closeSync(openSync(file, "a"));
    } catch (err) {
      throw new Error(
        `the results log ${name} cannot be appended to (${(err as NodeJS.ErrnoException).code ?? (err as Error).message}): make it writable or pass --results <file>`,
      );
    }
    return;
  }
  let folder = path.dirname(file);
  while (!existsSync(folder) && path.dirname(folder) !== folder) folder = path.dirname(folder);
  if (!statSync(folder).isDirectory()) throw new Error(`the results log ${name} cannot be created: ${shownName(folder)} is not a folder`);
  try {
    accessSync(folder, constants.W_OK | constants.X_OK);
  } catch (err) {
    throw new Error(
      `the results log ${name} cannot be created: its folder ${shownName(folder)} is not writable (${(err as NodeJS.ErrnoException).code})`,
    );
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
 * - Whole or nothing: a write that stops short (a full disk, a file-size limit) is cut back off
 *   the file, and the error names the file.
 * - A record the reader would skip (a field missing, misspelt or out of range) is refused before writing.
 */
export function appendResult(result: ResultLine, file: string = defaultResultsFile()): void {
  const json = JSON.stringify(result);
  const bad = parseLine(json);
  if (typeof bad === "string") throw new Error(`appendResult: the record would be a bad line of the log: ${bad}`);
  let fd: number;
  try {
    mkdirSync(path.dirname(file), { recursive: true });
    // "a+": reads see the file, every write goes to its end (O_APPEND).
    fd = openSync(file, "a+");
  } catch (err) {
    throw new Error(`could not append to ${shownName(file)}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
  }
  try {
    const size = fstatSync(fd).size;
    const last = Buffer.alloc(1);
    const glued = size > 0 && readSync(fd, last, 0, 1, size - 1) === 1 && last[0] !== 0x0a;
    const bytes = Buffer.from(`${glued ? "\n" : ""}${json}\n`, "utf8");
    let written = 0;
    try {
      written = writeSync(fd, bytes);
    } catch (err) {
      throw new Error(`could not append to ${shownName(file)}: ${(err as Error).message}`);
    }
    if (written !== bytes.length) {
      // Our bytes are the file's last `written` ones (O_APPEND): cut them off again.
      ftruncateSync(fd, fstatSync(fd).size - written);
      throw new Error(
        `could not append to ${shownName(file)}: only ${written} of ${bytes.length} bytes could be written (a full disk?); the partial line was removed`,
      );
    }
  } finally {
    closeSync(fd);
  }
}
