/**
 * The results log, `results/results.jsonl`: one JSON line per run of `npm run train`,
 * `npm run ensemble` or `npm run combine`, committed with the command that produced it.
 *
 * The README's results table and lesson 5's table of full-profile ensembles are both read from
 * this file, so a measured number is never typed into prose or a notebook by hand.
 */
import { appendFileSync, existsSync, mkdirSync, readFileSync } from "node:fs";
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
  readonly [field: string]: unknown;
}

const REQUIRED: readonly (keyof ResultFields)[] = ["model", "profile", "backend", "epochs", "seconds", "testAccuracy", "date", "command"];

/** Parses the text of a results log; a line that is not JSON, lacks a field or names an unknown profile throws, naming the line. */
export function parseResultLines(text: string): ResultLine[] {
  const out: ResultLine[] = [];
  text.split("\n").forEach((raw, i) => {
    const line = raw.trim();
    if (line === "") return;
    let r: Record<string, unknown>;
    try {
      r = JSON.parse(line) as Record<string, unknown>;
    } catch (e) {
      throw new Error(`results.jsonl line ${i + 1}: not JSON (${(e as Error).message})`);
    }
    for (const k of REQUIRED) if (!(k in r)) throw new Error(`results.jsonl line ${i + 1}: missing field "${k}"`);
    if (r.profile !== "fast" && r.profile !== "full") {
      throw new Error(`results.jsonl line ${i + 1}: profile must be "fast" or "full", got ${JSON.stringify(r.profile)}`);
    }
    out.push(r as ResultLine);
  });
  return out;
}

/** The project's results log, `<project root>/results/results.jsonl`. */
export function defaultResultsFile(): string {
  return path.join(projectRoot(), "results", "results.jsonl");
}

/** Reads a results log (default: the project's); a missing file is an empty log. */
export function readResultLines(file: string = defaultResultsFile()): ResultLine[] {
  return existsSync(file) ? parseResultLines(readFileSync(file, "utf8")) : [];
}

/**
 * Appends `result` as one JSON line to `file` (default: the project's log), creating its folder
 * if needed. Appending, never rewriting, keeps every earlier run even if two scripts run at once.
 */
export function appendResult(result: ResultFields & Record<string, unknown>, file: string = defaultResultsFile()): void {
  mkdirSync(path.dirname(file), { recursive: true });
  appendFileSync(file, `${JSON.stringify(result)}\n`);
}
