/**
 * An ensemble's results as polars DataFrames, ready for `showTable`: members next to the
 * ensemble, and accuracy as members are added.
 */
import pl, { type DataFrame } from "nodejs-polars";
import type { EnsembleReport } from "./report";
import { checkSameLength } from "../eval/labels";

/**
 * One row per member, then the mean member, the averaged ensemble and the vote: columns `model`,
 * `accuracy`, `errors` (wrong images out of `report.size`; for the mean member, rounded).
 *
 * @param names one name per member (default `member 1`, `member 2`, …), e.g. with its seed.
 */
export function ensembleTable(report: EnsembleReport, names?: readonly string[]): DataFrame {
  if (names !== undefined && names.length !== report.members) {
    throw new Error(`ensembleTable: ${names.length} names for ${report.members} members; give one per member`);
  }
  const errors = (accuracy: number) => Math.round((1 - accuracy) * report.size);
  const rows: [string, number][] = [
    ...report.memberAccuracies.map((a, k): [string, number] => [names?.[k] ?? `member ${k + 1}`, a]),
    ["mean of the members", report.meanMemberAccuracy],
    [`average of ${report.members}`, report.average.accuracy],
    [`vote of ${report.members}`, report.vote.accuracy],
  ];
  return pl.DataFrame([
    pl.Series(
      "model",
      rows.map((r) => r[0]),
      pl.Utf8,
    ),
    pl.Series(
      "accuracy",
      rows.map((r) => r[1]),
      pl.Float64,
    ),
    pl.Series(
      "errors",
      rows.map((r) => errors(r[1])),
      pl.Int32,
    ),
  ]);
}

/** Columns `k`, `average`, `vote`, `mean member`: ensemble accuracy of the first k members. */
export function accuracyByKTable(report: EnsembleReport): DataFrame {
  return pl.DataFrame([
    pl.Series(
      "k",
      report.byK.map((r) => r.k),
      pl.Int32,
    ),
    pl.Series(
      "average",
      report.byK.map((r) => r.average),
      pl.Float64,
    ),
    pl.Series(
      "vote",
      report.byK.map((r) => r.vote),
      pl.Float64,
    ),
    pl.Series(
      "mean member",
      report.byK.map((r) => r.meanMember),
      pl.Float64,
    ),
  ]);
}

/**
 * What the ensemble does with each kind of image: one row per number of members that get an
 * image wrong (0..K), with how many test images that is and how many of them the averaged
 * ensemble and the vote still get right. Images only a few members miss are the ones an
 * ensemble fixes; those all of them miss it cannot.
 *
 * @param labels the true classes the report was computed with.
 */
export function errorOverlapTable(report: EnsembleReport, labels: ArrayLike<number>): DataFrame {
  checkSameLength(labels, "labels", { length: report.size }, "report images");
  const k = report.members;
  const images = new Array<number>(k + 1).fill(0);
  const averageRight = new Array<number>(k + 1).fill(0);
  const voteRight = new Array<number>(k + 1).fill(0);
  for (let i = 0; i < report.size; i++) {
    const j = report.errors.wrongCounts[i]!;
    images[j]! += 1;
    if (report.average.predictions[i] === labels[i]) averageRight[j]! += 1;
    if (report.vote.predictions[i] === labels[i]) voteRight[j]! += 1;
  }
  return pl.DataFrame([
    pl.Series(
      "members wrong",
      images.map((_, j) => `${j} of ${k}`),
      pl.Utf8,
    ),
    pl.Series("images", images, pl.Int32),
    pl.Series("average right", averageRight, pl.Int32),
    pl.Series("vote right", voteRight, pl.Int32),
  ]);
}
