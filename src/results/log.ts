/**
 * The results log, `results/results.jsonl`: one JSON line per run of `npm run train`,
 * `npm run ensemble` or `npm run combine`, committed with the command that produced it.
 *
 * The README's results table and lesson 5's table of full-profile ensembles are both read from
 * this file, so a measured number is never typed into prose or a notebook by hand.
 */
import { existsSync, readFileSync } from "node:fs";
import * as path from "node:path";
import pl, { type DataFrame } from "nodejs-polars";
import { projectRoot } from "../data/paths";
import type { LessonProfile } from "../profile";

/** One line of the results log: the fields every run writes, plus whatever its script adds. */
export interface ResultLine {
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
  readonly [field: string]: unknown;
}

const REQUIRED = ["model", "profile", "backend", "epochs", "seconds", "testAccuracy", "date", "command"] as const;

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

/** The summary fields `npm run ensemble` and `npm run combine` add to an ensemble's line. */
const ENSEMBLE_FIELDS = ["meanMemberAccuracy", "bestMemberAccuracy", "voteAccuracy", "meanAgreement", "allWrong"] as const;

/**
 * The ensembles of a results log, best first: columns `model`, `members`, `epochs`,
 * `training min` (members' training minutes added up), `mean member`, `best member`, `average` (the
 * ensemble's accuracy: averaged probabilities), `vote`, `average − best` (positive when the
 * ensemble beats its best member), `agreement` (mean over pairs of members) and `all wrong`
 * (images every member misses). An ensemble line is one with a `members` list; one that lacks a
 * summary field throws, naming the model and the field.
 *
 * @param profile which runs to list (default `full`: the 10,000 MNIST test images).
 */
export function ensembleResultsTable(lines: readonly ResultLine[], profile: LessonProfile = "full"): DataFrame {
  const rows = lines
    .filter((r) => r.profile === profile && Array.isArray(r.members))
    .map((r) => {
      for (const k of ENSEMBLE_FIELDS) {
        if (typeof r[k] !== "number") throw new Error(`results log: ensemble ${r.model} (${r.date}) has no number "${k}"`);
      }
      return { ...r, k: (r.members as unknown[]).length } as ResultLine & Record<(typeof ENSEMBLE_FIELDS)[number] | "k", number>;
    })
    .sort((a, b) => b.testAccuracy - a.testAccuracy);
  const float = (name: string, values: number[]) => pl.Series(name, values, pl.Float64);
  const int = (name: string, values: number[]) => pl.Series(name, values, pl.Int32);
  return pl.DataFrame([
    pl.Series("model", rows.map((r) => r.model), pl.Utf8),
    // The same command can be run again with other seeds: the day tells such runs apart.
    pl.Series("date", rows.map((r) => r.date.slice(0, 10)), pl.Utf8),
    int("members", rows.map((r) => r.k)),
    int("epochs", rows.map((r) => r.epochs)),
    int("training min", rows.map((r) => Math.round(r.seconds / 60))),
    float("mean member", rows.map((r) => r.meanMemberAccuracy)),
    float("best member", rows.map((r) => r.bestMemberAccuracy)),
    float("average", rows.map((r) => r.testAccuracy)),
    float("vote", rows.map((r) => r.voteAccuracy)),
    float("average − best", rows.map((r) => r.testAccuracy - r.bestMemberAccuracy)),
    float("agreement", rows.map((r) => r.meanAgreement)),
    int("all wrong", rows.map((r) => r.allWrong)),
  ]);
}
