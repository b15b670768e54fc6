/**
 * Lesson 9's table of the ensembles in the results log (and the README's reading of them).
 */
import pl, { type DataFrame } from "nodejs-polars";
import type { LessonProfile } from "../profile";
import type { ResultLine } from "./log";

/** The summary fields `npm run ensemble` and `npm run combine` add to an ensemble's line. */
const ENSEMBLE_FIELDS = ["meanMemberAccuracy", "bestMemberAccuracy", "voteAccuracy", "meanAgreement", "allWrong"] as const;

/**
 * The ensembles of a results log, best first: columns `model`, `members`, `epochs`,
 * `training min` (members' training minutes added up), `mean member`, `best member`, `average` (the
 * ensemble's accuracy: averaged probabilities), `vote`, `average − best` (positive when the
 * ensemble beats its best member), `agreement` (mean over pairs of members) and `all wrong`
 * (images every member misses). An ensemble line is one with a `members` list; one that lacks a
 * summary field is left out with a warning naming the model and the field, like a bad line of
 * the log: the table is built from the good lines.
 *
 * @param profile which runs to list (default `full`: the 10,000 MNIST test images).
 */
export function ensembleResultsTable(lines: readonly ResultLine[], profile: LessonProfile = "full"): DataFrame {
  const rows = lines
    .filter((r) => r.profile === profile && Array.isArray(r.members))
    .filter((r) => {
      const missing = ENSEMBLE_FIELDS.find((k) => typeof r[k] !== "number");
      if (missing !== undefined)
        console.warn(`results log: ensemble ${r.model} (${r.date}) has no number "${missing}"; left out of the table`);
      return missing === undefined;
    })
    .map((r) => ({ ...r, k: (r.members as unknown[]).length }) as ResultLine & Record<(typeof ENSEMBLE_FIELDS)[number] | "k", number>)
    .sort((a, b) => b.testAccuracy - a.testAccuracy);
  const float = (name: string, values: number[]) => pl.Series(name, values, pl.Float64);
  const int = (name: string, values: number[]) => pl.Series(name, values, pl.Int32);
  return pl.DataFrame([
    pl.Series(
      "model",
      rows.map((r) => r.model),
      pl.Utf8,
    ),
    // The same command can be run again with other seeds: the day tells such runs apart.
    pl.Series(
      "date",
      rows.map((r) => r.date.slice(0, 10)),
      pl.Utf8,
    ),
    int(
      "members",
      rows.map((r) => r.k),
    ),
    int(
      "epochs",
      rows.map((r) => r.epochs),
    ),
    int(
      "training min",
      rows.map((r) => Math.round(r.seconds / 60)),
    ),
    float(
      "mean member",
      rows.map((r) => r.meanMemberAccuracy),
    ),
    float(
      "best member",
      rows.map((r) => r.bestMemberAccuracy),
    ),
    float(
      "average",
      rows.map((r) => r.testAccuracy),
    ),
    float(
      "vote",
      rows.map((r) => r.voteAccuracy),
    ),
    float(
      "average − best",
      rows.map((r) => r.testAccuracy - r.bestMemberAccuracy),
    ),
    float(
      "agreement",
      rows.map((r) => r.meanAgreement),
    ),
    int(
      "all wrong",
      rows.map((r) => r.allWrong),
    ),
  ]);
}
