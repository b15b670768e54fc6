// Command-line plumbing shared by the training scripts (`npm run train`, `ensemble`, `combine`):
// parsing flags with messages that name the bad flag, and the machine fields of a result line
// (the log itself is src/results/log.ts). Each script keeps its own flags, help text and result fields.
import { writeFileSync } from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { parseArgs } from "node:util";
import {
  BACKEND_ENV,
  parseBackendRequest,
  parseWasmThreads,
  WASM_THREADS_ENV,
  type BackendInfo,
  type BackendName,
} from "../../src/backend/select";
import { parseProfile, PROFILE_ENV, type LessonProfile } from "../../src/profile";
import { parseTrainWorkers, TRAIN_WORKERS_ENV } from "../../src/train/parallel/count";
import { appendResult, checkAppendable, defaultResultsFile, type MachineFields, type ResultLine } from "../../src/results/log";
import { shownPath } from "../../src/data/paths";

// Also used by the library's runs (src/experiments/train-run.ts); the scripts take them from here.
export { shownPath } from "../../src/data/paths";
export { splitSizesLine } from "../../src/data/datasets";

/** One flag: it takes a value (`--epochs 3`, `--epochs=3`) or is a switch (`--augment`). */
export type FlagSpec = { readonly type: "string" } | { readonly type: "boolean" };

/** The flags a script accepts, by long name (without `--`). */
export type FlagSpecs = Readonly<Record<string, FlagSpec>>;

/** What {@link parseFlags} returns: each flag's text (or `true`/`false` for a switch), undefined when not given. */
export type FlagValues<S extends FlagSpecs> = {
  -readonly [K in keyof S]?: S[K]["type"] extends "string" ? string : boolean;
};

/**
 * The flags every training script takes: the model, the profile, the seed, the backend, the
 * output folder and --help. Spread them into a script's own flags.
 */
export const RUN_FLAGS = {
  model: { type: "string" },
  profile: { type: "string" },
  seed: { type: "string" },
  backend: { type: "string" },
  out: { type: "string" },
  help: { type: "boolean" },
} as const satisfies FlagSpecs;

/**
 * Parses `argv` (without `node script`) strictly against `specs`: an unknown flag, a positional
 * argument or a value given to a switch throws Node's message, cut to its first sentence and
 * followed by "(run with --help for the flags)".
 */
export function parseFlags<const S extends FlagSpecs>(argv: readonly string[], specs: S): FlagValues<S> {
  try {
    // The cast only restates Node's own result type in the narrower terms of FlagSpecs.
    return parseArgs({ args: [...argv], options: specs, strict: true, allowPositionals: false }).values as FlagValues<S>;
  } catch (err) {
    // Node's text goes on about positional arguments after "--"; its first sentence is the point.
    const message = (err as Error).message.split(". ")[0];
    throw new Error(`${message} (run with --help for the flags)`);
  }
}

/** The value of `--<flag>` as an integer ≥ `min`; throws naming the flag and the value otherwise. */
export function integerFlag(flag: string, value: string, min: number): number {
  const n = Number(value);
  // The regex rejects what Number() would accept but a person did not mean: "1e3", "0x10", "2.0", "".
  if (!/^-?\d+$/.test(value.trim()) || !Number.isSafeInteger(n) || n < min) {
    throw new Error(`--${flag} must be an integer ≥ ${min}, got "${value}"`);
  }
  return n;
}

/** The value of `--<flag>` as a number in (0, `max`]; throws naming the flag and the value otherwise. */
export function positiveFlag(flag: string, value: string, max = Infinity): number {
  const x = Number(value);
  if (value.trim() === "" || !Number.isFinite(x) || x <= 0 || x > max) {
    throw new Error(`--${flag} must be a number in (0, ${max === Infinity ? "∞" : max}], got "${value}"`);
  }
  return x;
}

/** The settings every training script takes from a flag or, when the flag is absent, the environment. */
export interface RunSettings {
  readonly profile: LessonProfile;
  readonly backend: BackendName | "auto";
}

/**
 * The one place the scripts read their environment: `--profile` else `LESSON_PROFILE`,
 * `--backend` else `TSDL_BACKEND`, and `TSDL_WASM_THREADS` and `TSDL_TRAIN_WORKERS` checked too — all before any work
 * starts, a bad value rejected with a message that names the flag or the variable.
 */
export function runSettings(
  values: { readonly profile?: string | undefined; readonly backend?: string | undefined },
  env: NodeJS.ProcessEnv = process.env,
): RunSettings {
  const profile = values.profile !== undefined ? profileFlag(values.profile) : parseProfile(env[PROFILE_ENV]);
  const backend = parseBackendRequest(values.backend ?? env[BACKEND_ENV]);
  parseWasmThreads(env[WASM_THREADS_ENV]);
  parseTrainWorkers(env[TRAIN_WORKERS_ENV], TRAIN_WORKERS_ENV);
  return { profile, backend };
}

/**
 * The value of `--profile`: exactly "fast" or "full". Stricter than {@link parseProfile} (which
 * also reads LESSON_PROFILE and forgives case and blanks) because a flag is typed on purpose.
 */
export function profileFlag(value: string): LessonProfile {
  if (value !== "fast" && value !== "full") throw new Error(`--profile must be "fast" or "full", got "${value}"`);
  return parseProfile(value);
}

/**
 * The command as a person would type it again, e.g. `npm run train -- --model cnn --out 'my dir'`
 * (arguments quoted for a POSIX shell only where needed), for the `command` field of a result.
 */
export function npmCommandLine(npmScript: string, argv: readonly string[]): string {
  return [`npm run ${npmScript} --`, ...argv.map(shellQuote)].join(" ");
}

/** `word` as a POSIX shell reads it back: as it is when safe, else in single quotes. */
export function shellQuote(word: string): string {
  return /^[\w./=:,-]+$/.test(word) ? word : `'${word.replace(/'/g, `'\\''`)}'`;
}

/** {@link MachineFields} for this process and the backend it trained on. */
export function machineFields(backend: BackendInfo): MachineFields {
  return { cores: os.cpus().length, backendSummary: backend.summary, node: process.version };
}

/**
 * The results log a run will append to — `given` (relative to `root`) or the project's — checked
 * before any work: a line must be appendable to it ({@link checkAppendable}).
 */
export function checkedResultsFile(root: string, given?: string): string {
  const file = given === undefined ? defaultResultsFile() : path.resolve(root, given);
  checkAppendable(file);
  return file;
}

/**
 * Appends a finished run's line to the results log. If that fails after all (the disk filled
 * up during training…), the run is not lost: the line is written to `keep` when given (beside
 * the run's saved output) and the error names the log, why, and the command that logs the run
 * later — or, without `keep` or when that fails too, carries the line itself.
 */
export function logResult(root: string, line: ResultLine, resultsFile: string, keep?: string): void {
  try {
    appendResult(line, resultsFile);
    return;
  } catch (err) {
    const json = JSON.stringify(line);
    let kept = false;
    if (keep !== undefined) {
      try {
        writeFileSync(keep, `${json}\n`);
        kept = true;
      } catch {
        // Reported below with the line itself.
      }
    }
    const quote = (p: string) => shellQuote(path.resolve(root, p)); // absolute: exact from any folder
    const how = kept
      ? `The run is kept: its result line is in ${shownPath(root, keep!)}. Once ${shownPath(root, resultsFile)} can be written, log it with:\n  cat ${quote(keep!)} >> ${quote(resultsFile)}`
      : `The run's result line, to append to ${shownPath(root, resultsFile)} once it can be written:\n${json}`;
    throw new Error(`${(err as Error).message}\n${how}`);
  }
}

/**
 * Runs a script's `main` on this process's arguments; on failure prints `<name>: <message>` (no
 * stack: the messages name the problem) and exits with status 1.
 */
export function runCommand(name: string, main: (argv: readonly string[]) => Promise<void>): void {
  main(process.argv.slice(2)).catch((err: unknown) => {
    console.error(`${name}: ${err instanceof Error ? err.message : String(err)}`);
    process.exit(1);
  });
}
