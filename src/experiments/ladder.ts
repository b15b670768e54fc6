/**
 * The ladder of lessons 7 and 8: train one model per rung with the same data and loop, keep what later cells
 * compare (test predictions, curves, time, size), and lay the rungs out in one table.
 *
 * Why not `trainAndEvaluate`: the ladder also varies what that helper fixes — augmentation, the
 * training set (mirrored digits), any model built by hand — and it needs only the predictions,
 * so each rung's model is disposed as soon as it is scored.
 */
import type * as tf from "@tensorflow/tfjs";
import type { DataFrame } from "nodejs-polars";
import pl from "nodejs-polars";
import type { Dataset } from "../data/dataset";
import { accuracyWithError, formatAccuracy, type AccuracyWithError } from "../eval/compare";
import { evaluate } from "../eval/evaluate";
import { fit, type FitOptions } from "../train/fit";
import type { History } from "../train/history";

/** What one rung of the ladder leaves behind (its model is already disposed). */
export interface Rung {
  readonly label: string;
  /** Weights of the model (trainable or not). */
  readonly params: number;
  /** Wall-clock seconds of `fit` (training and the per-epoch validation passes). */
  readonly seconds: number;
  readonly history: History;
  /** The prediction for every test image, in test-set order. */
  readonly predictions: Int32Array;
  /** Test accuracy with its standard error. */
  readonly test: AccuracyWithError;
}

/** The data of a rung: `train` may be a modified copy of the usual training set; without `validation`, no validation passes. */
export interface RungData {
  readonly train: Dataset;
  readonly validation?: Dataset;
  readonly test: Dataset;
}

/**
 * Trains `model` with `fit` (validating after each epoch), scores it on `data.test`, disposes it
 * and returns the {@link Rung}. The model is disposed on failure too: hand it over built.
 *
 * @example const rung = await trainRung("3-layer MLP", tsdl.mlp({ hidden: [256, 256], dropout: 0, seed: 1 }), data, fitOptions);
 */
export async function trainRung(label: string, model: tf.LayersModel, data: RungData, options: FitOptions): Promise<Rung> {
  try {
    if (typeof label !== "string" || label.trim() === "")
      throw new Error(`trainRung: label must be a non-empty string, got ${JSON.stringify(label)}`);
    const started = performance.now();
    const history = await fit(
      model,
      data.validation === undefined ? { train: data.train } : { train: data.train, validation: data.validation },
      options,
    );
    const seconds = (performance.now() - started) / 1000;
    const { predictions } = evaluate(model, data.test);
    const test = accuracyWithError(data.test.labels, predictions);
    return { label, params: model.countParams(), seconds, history, predictions: Int32Array.from(predictions), test };
  } finally {
    model.dispose();
  }
}

/** One line: `label: 97.10 ± 0.37 % on 2,000 test images · 1,195,018 params · 5 epochs in 21 s`. */
export function describeRung(rung: Rung): string {
  return (
    `${rung.label}: ${formatAccuracy(rung.test)} on ${rung.test.n.toLocaleString("en-US")} test images · ` +
    `${rung.params.toLocaleString("en-US")} params · ${rung.history.epochs.length} epoch${rung.history.epochs.length === 1 ? "" : "s"} in ${Math.round(rung.seconds)} s`
  );
}

/** A recipe trained once per seed (an arm of a comparison): what `compareAcrossSeeds` takes. */
export interface ArmRungs {
  readonly label: string;
  readonly runs: readonly SeededRung[];
}

/** A rung trained with a given seed (the model's, the batch order's and the dropout masks'). */
export interface SeededRung extends Rung {
  readonly seed: number;
}

/**
 * Trains the same recipe once per seed: `build(seed)` makes the model, `options` (or
 * `options(seed)`, for options that hold seeded parts of their own) train it with `seed` as fit's seed. Two arms trained with the same seeds see the same batches in the same
 * order, so their difference on each seed is the recipe's, and the spread over seeds is the noise
 * a single run would hide.
 *
 * @example const deep = await trainArm("5 × 512", (seed) => tsdl.mlp({ hidden: [512, 512, 512, 512], seed }), data, options, [1, 2, 3]);
 */
export async function trainArm(
  label: string,
  build: (seed: number) => tf.LayersModel,
  data: RungData,
  options: FitOptions | ((seed: number) => FitOptions),
  seeds: readonly number[],
): Promise<ArmRungs> {
  if (typeof build !== "function") throw new Error("trainArm: build must be a function (seed) => model");
  if (
    !Array.isArray(seeds) ||
    seeds.length === 0 ||
    new Set(seeds).size !== seeds.length ||
    !seeds.every((s) => Number.isInteger(s) && s >= 0)
  ) {
    throw new Error(`trainArm: seeds must be distinct integers ≥ 0, got ${JSON.stringify(seeds)}`);
  }
  const runs: SeededRung[] = [];
  for (const seed of seeds) {
    const seeded = typeof options === "function" ? options(seed) : options;
    runs.push({ ...(await trainRung(`${label} · seed ${seed}`, build(seed), data, { ...seeded, seed })), seed });
  }
  return { label, runs };
}

/**
 * The arms as a table, one row each in the given order: `arm`, `seeds`, `test accuracy (%)` (mean
 * over seeds), `sd over seeds (%)` (empty for one seed), `epochs`, `seconds per run`, `params`.
 */
export function armTable(arms: readonly ArmRungs[]): DataFrame {
  if (arms.length === 0 || arms.some((a) => a.runs.length === 0)) throw new Error("armTable: every arm needs at least one run");
  const accuracies = arms.map((a) => a.runs.map((r) => 100 * r.test.accuracy));
  const mean = (xs: number[]) => xs.reduce((s, x) => s + x, 0) / xs.length;
  const sd = (xs: number[]) => (xs.length < 2 ? null : Math.sqrt(xs.reduce((s, x) => s + (x - mean(xs)) ** 2, 0) / (xs.length - 1)));
  return pl.DataFrame([
    pl.Series(
      "arm",
      arms.map((a) => a.label),
      pl.Utf8,
    ),
    pl.Series(
      "seeds",
      arms.map((a) => a.runs.length),
      pl.Int32,
    ),
    pl.Series("test accuracy (%)", accuracies.map(mean), pl.Float64),
    pl.Series("sd over seeds (%)", accuracies.map(sd), pl.Float64),
    pl.Series(
      "epochs",
      arms.map((a) => a.runs[0]!.history.epochs.length),
      pl.Int32,
    ),
    pl.Series(
      "seconds per run",
      arms.map((a) => Math.round(mean(a.runs.map((r) => r.seconds)))),
      pl.Int32,
    ),
    pl.Series(
      "params",
      arms.map((a) => a.runs[0]!.params),
      pl.Int64,
    ),
  ]);
}
