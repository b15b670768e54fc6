/**
 * Is recipe B better than recipe A? One trained model per recipe cannot say: two models of the
 * same recipe, started from other seeds, differ too. McNemar's test (compare.ts) answers "do these
 * two *models* differ on these images"; this module answers "does this *recipe* do better", from
 * several seeds per recipe: each seed trains one model of each arm with the same seed (same data
 * order, same slice), and the per-seed differences in accuracy are tested against zero with a
 * paired t-test. The verdict is computed, so a lesson's sentence says what its own run found.
 */
import { checkSameLength } from "./labels";
import { accuracyWithError, pairedComparison, type PairedComparison } from "./compare";
import { resultPredictions, type ResultLine } from "../results/log";

/** One trained model of an arm: its seed and its prediction for every test image. */
export interface SeedRun {
  readonly seed: number;
  readonly predictions: ArrayLike<number>;
}

/** A recipe trained with several seeds. */
export interface Arm {
  readonly label: string;
  readonly runs: readonly SeedRun[];
}

/** An arm's test accuracies, seed by seed, with their mean and sample standard deviation. */
export interface ArmSummary {
  readonly label: string;
  readonly seeds: readonly number[];
  readonly accuracies: readonly number[];
  readonly mean: number;
  /** Sample standard deviation over the seeds (n − 1). */
  readonly sd: number;
}

/** What {@link compareAcrossSeeds} returns. All accuracies are fractions (0.98, not 98). */
export interface SeedComparison {
  readonly a: ArmSummary;
  readonly b: ArmSummary;
  /** B's accuracy minus A's, seed by seed, in the order of `a.seeds`. */
  readonly differences: readonly number[];
  readonly meanDifference: number;
  /** 95 % confidence interval of the mean difference (Student's t with seeds − 1 degrees of freedom). */
  readonly interval: readonly [number, number];
  /** Two-sided p-value of the paired t-test of the differences against 0. */
  readonly pValue: number;
  /** Each seed's two models on the same images: fixed, broken, McNemar's p. */
  readonly perSeed: readonly PairedComparison[];
  /** "b" or "a" when the 95 % interval excludes 0 (that arm is better), else "undecided". */
  readonly better: "a" | "b" | "undecided";
}

/**
 * Compares arm B with arm A over the seeds they share (each arm must have the same seeds, at least
 * two), all scored on the same `labels`.
 *
 * @example compareAcrossSeeds(labels, { label: "plain", runs }, { label: "augmented", runs: augRuns }).better // "b"
 */
export function compareAcrossSeeds(labels: ArrayLike<number>, a: Arm, b: Arm): SeedComparison {
  for (const arm of [a, b]) {
    if (typeof arm?.label !== "string" || !Array.isArray(arm.runs))
      throw new Error("compareAcrossSeeds: an arm is { label, runs: [{ seed, predictions }] }");
  }
  const seeds = a.runs.map((r) => r.seed);
  const bySeed = new Map(b.runs.map((r) => [r.seed, r]));
  if (new Set(seeds).size !== seeds.length || bySeed.size !== b.runs.length)
    throw new Error(`compareAcrossSeeds: a seed appears twice in "${a.label}" or "${b.label}"`);
  if (seeds.length < 2)
    throw new Error(`compareAcrossSeeds: "${a.label}" has ${seeds.length} seed(s); the spread across seeds needs at least 2`);
  if (seeds.length !== b.runs.length || !seeds.every((s) => bySeed.has(s))) {
    throw new Error(
      `compareAcrossSeeds: the arms must share their seeds ("${a.label}": ${seeds.join(", ")}; "${b.label}": ${b.runs.map((r) => r.seed).join(", ")})`,
    );
  }
  const perSeed = a.runs.map((run) => {
    const other = bySeed.get(run.seed)!;
    checkSameLength(labels, "labels", run.predictions, `predictions of "${a.label}", seed ${run.seed}`);
    checkSameLength(labels, "labels", other.predictions, `predictions of "${b.label}", seed ${run.seed}`);
    return pairedComparison(labels, run.predictions, other.predictions);
  });
  const differences = perSeed.map((c) => c.b.accuracy - c.a.accuracy);
  const k = differences.length;
  const meanDifference = mean(differences);
  const se = sampleSd(differences) / Math.sqrt(k);
  const half = studentTQuantile975(k - 1) * se;
  const interval = [meanDifference - half, meanDifference + half] as const;
  const pValue = se === 0 ? (meanDifference === 0 ? 1 : 0) : studentTwoSidedP(meanDifference / se, k - 1);
  const better = interval[0] > 0 ? "b" : interval[1] < 0 ? "a" : "undecided";
  const summary = (arm: Arm, accuracies: number[]): ArmSummary => ({
    label: arm.label,
    seeds,
    accuracies,
    mean: mean(accuracies),
    sd: sampleSd(accuracies),
  });
  return {
    a: summary(
      a,
      perSeed.map((c) => c.a.accuracy),
    ),
    b: summary(
      b,
      perSeed.map((c) => c.b.accuracy),
    ),
    differences,
    meanDifference,
    interval,
    pValue,
    perSeed,
    better,
  };
}

/** "98.31 ± 0.12 %": an arm's mean accuracy ± its standard deviation over seeds, in percent. */
export function formatArm(arm: ArmSummary, digits = 2): string {
  return `${(100 * arm.mean).toFixed(digits)} ± ${(100 * arm.sd).toFixed(digits)} %`;
}

/**
 * The verdict as sentences for a notebook, e.g. `Across 3 seeds: augmented 95.90 ± 0.21 % vs
 * plain 94.02 ± 0.35 % (mean ± sd); the difference, +1.88 points (95 % interval +1.10 to +2.66,
 * paired t-test p = 0.007), is larger than the spread between seeds: augmented does better.`
 * followed by each seed's paired count.
 */
export function seedVerdict(c: SeedComparison): string {
  const k = c.a.seeds.length;
  const p = c.pValue < 0.001 ? "p < 0.001" : `p = ${c.pValue.toFixed(3)}`;
  const head =
    `Across ${k} seeds: ${c.b.label} ${formatArm(c.b)} vs ${c.a.label} ${formatArm(c.a)} (mean ± sd over seeds); ` +
    `the difference, ${points(c.meanDifference)} points (95 % interval ${points(c.interval[0])} to ${points(c.interval[1])}, paired t-test ${p}), `;
  const verdict =
    c.better === "undecided"
      ? `is within what another set of seeds could change: these runs do not show which recipe is better.`
      : `is larger than the spread between seeds: ${c.better === "b" ? c.b.label : c.a.label} does better.`;
  const seeds = c.perSeed.map((s, i) => {
    const q = s.pValue < 0.001 ? "p < 0.001" : `p = ${s.pValue.toFixed(3)}`;
    return `seed ${c.a.seeds[i]}: fixes ${s.fixed}, breaks ${s.broken} (McNemar ${q}${s.pValue < 0.05 ? ", these two models differ" : ""})`;
  });
  return `${head}${verdict}\n  ${c.b.label} vs ${c.a.label}, seed by seed — ${seeds.join("; ")}`;
}

/**
 * Does a second comparison of the same two recipes (e.g. the full profile's, from the results log)
 * reach the same verdict as the first (the reader's run)? One sentence, computed.
 */
export function verdictAgreement(mine: SeedComparison, other: SeedComparison, otherName: string): string {
  const said = (c: SeedComparison) => (c.better === "undecided" ? "no winner" : `${c.better === "b" ? c.b.label : c.a.label} better`);
  if (mine.better === other.better) return `${otherName} agrees with this run: ${said(other)}.`;
  return `${otherName} disagrees with this run: this run finds ${said(mine)}, against ${said(other)} there (${points(other.meanDifference)} points across ${other.a.seeds.length} seeds).`;
}

/** A difference of two accuracies in percentage points, signed: "+1.88", "−0.05". */
function points(x: number): string {
  return `${x >= 0 ? "+" : "−"}${Math.abs(100 * x).toFixed(2)}`;
}

/** The accuracy of each run of an arm, in its order. */
export function armAccuracies(labels: ArrayLike<number>, arm: Arm): number[] {
  return arm.runs.map((r) => accuracyWithError(labels, r.predictions).accuracy);
}

function mean(xs: readonly number[]): number {
  return xs.reduce((s, x) => s + x, 0) / xs.length;
}

function sampleSd(xs: readonly number[]): number {
  const m = mean(xs);
  return Math.sqrt(xs.reduce((s, x) => s + (x - m) ** 2, 0) / (xs.length - 1));
}

/**
 * Two-sided p-value of Student's t with `df` (integer ≥ 1) degrees of freedom: P(|T| ≥ |t|).
 * Exact finite sums for integer df (Abramowitz & Stegun 26.7.3–26.7.4).
 */
export function studentTwoSidedP(t: number, df: number): number {
  if (!(Number.isInteger(df) && df >= 1)) throw new Error(`studentTwoSidedP: df must be an integer ≥ 1, got ${df}`);
  if (Number.isNaN(t)) throw new Error("studentTwoSidedP: t is NaN");
  if (!Number.isFinite(t)) return 0;
  const theta = Math.atan(Math.abs(t) / Math.sqrt(df));
  const c2 = Math.cos(theta) ** 2;
  const s = Math.sin(theta);
  let inside: number; // P(|T| < |t|)
  if (df % 2 === 1) {
    let term = Math.cos(theta);
    let sum = df > 1 ? term : 0;
    for (let j = 3; j <= df - 2; j += 2) {
      term *= ((j - 1) / j) * c2;
      sum += term;
    }
    inside = (2 / Math.PI) * (theta + s * sum);
  } else {
    let term = 1;
    let sum = 1;
    for (let j = 2; j <= df - 2; j += 2) {
      term *= ((j - 1) / j) * c2;
      sum += term;
    }
    inside = s * sum;
  }
  return Math.min(1, Math.max(0, 1 - inside));
}

/** The t such that P(|T| ≥ t) = 0.05 with `df` degrees of freedom (12.706 for df 1, 4.303 for 2, …). */
export function studentTQuantile975(df: number): number {
  let lo = 0,
    hi = 1e4;
  for (let i = 0; i < 200; i++) {
    const mid = (lo + hi) / 2;
    if (studentTwoSidedP(mid, df) > 0.05) lo = mid;
    else hi = mid;
  }
  return (lo + hi) / 2;
}

/**
 * One recipe's runs from the results log, one per seed, for {@link compareAcrossSeeds}: the lines
 * that `match` picks (e.g. full profile, model `ladder-cnn`) and that carry test predictions. Where
 * a seed was logged more than once (the same command run again), the latest line counts.
 *
 * @example loggedArm("ladder-cnn", tsdl.readResultLines(), (l) => l.profile === "full" && l.model === "ladder-cnn")
 */
export function loggedArm(
  label: string,
  lines: readonly ResultLine[],
  match: (line: ResultLine) => boolean,
): Arm & { readonly lines: readonly ResultLine[] } {
  const bySeed = new Map<number, ResultLine>();
  for (const line of lines) {
    const seed = line.seed;
    if (!match(line) || line.testPredictions === undefined || typeof seed !== "number") continue;
    const earlier = bySeed.get(seed);
    if (earlier === undefined || Date.parse(line.date) >= Date.parse(earlier.date)) bySeed.set(seed, line);
  }
  const chosen = [...bySeed.values()].sort((x, y) => x.seed! - y.seed!);
  return { label, runs: chosen.map((l) => ({ seed: l.seed!, predictions: resultPredictions(l)! })), lines: chosen };
}

/**
 * Two arms cut to the seeds both have, so that seed pairs with seed (a logged arm may have seeds
 * the other has not run yet). {@link compareAcrossSeeds} needs two or more shared seeds.
 *
 * @example const [a, b] = onSharedSeeds(loggedArm("plain", log, isPlain), loggedArm("aug", log, isAug)); a.runs.length // shared seeds
 */
export function onSharedSeeds(a: Arm, b: Arm): [Arm, Arm] {
  const shared = (arm: Arm, other: Arm) => ({ label: arm.label, runs: arm.runs.filter((r) => other.runs.some((o) => o.seed === r.seed)) });
  return [shared(a, b), shared(b, a)];
}
