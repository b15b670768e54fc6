// What an ensemble did, for the terminal and for its result line: shared by `npm run ensemble`
// and `npm run combine` (the fields are the ones src/results/ensemble-table.ts reads back).
import type { EnsembleReport } from "../../src/ensemble/report";
import type { EnsembleSummaryFields } from "../../src/results/log";

export const pct = (x: number): string => `${(100 * x).toFixed(2)} %`;

/**
 * What an ensemble did on the test set, as lines for the terminal: each member (by `labels`),
 * the mean and best member, the average, the vote, the first k members, the agreement.
 */
export function reportLines(report: EnsembleReport, labels: readonly string[]): string[] {
  return [
    `\nTest accuracy on ${report.size.toLocaleString("en-US")} images:`,
    ...report.memberAccuracies.map((a, i) => `  ${labels[i] ?? `member ${i + 1}`}  ${pct(a)}`),
    `  mean member          ${pct(report.meanMemberAccuracy)}   best ${pct(report.bestMemberAccuracy)}`,
    `  averaged ensemble    ${pct(report.average.accuracy)}`,
    `  majority vote        ${pct(report.vote.accuracy)}   (${report.vote.ties} ties settled by the averaged probabilities)`,
    `  by K (average)       ${report.byK.map((b) => `${b.k}: ${pct(b.average)}`).join(" · ")}`,
    `Agreement: members agree on ${pct(report.agreement.mean)} of the images on average; ` +
      `${report.errors.allWrong} images fool every member, ${report.errors.anyWrong} fool at least one.`,
  ];
}

/** The ensemble's fields of a result line (after model … command), shared by `npm run ensemble` and `npm run combine`. */
export function reportFields(report: EnsembleReport): EnsembleSummaryFields {
  return {
    voteAccuracy: report.vote.accuracy,
    bestMemberAccuracy: report.bestMemberAccuracy,
    meanMemberAccuracy: report.meanMemberAccuracy,
    accuracyByK: report.byK.map((b) => b.average),
    meanAgreement: report.agreement.mean,
    allWrong: report.errors.allWrong,
    testSize: report.size,
  };
}
