/**
 * Lesson 6's ladder: train one model per rung with the same data and loop, keep what later cells
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
import { accuracyWithError, formatAccuracy, pairedComparison, type AccuracyWithError } from "../eval/compare";
import { evaluate } from "../eval/evaluate";
import { fit, type FitOptions } from "./fit";
import type { History } from "./history";

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

/** The data of a rung: `train` may be a modified copy of the usual training set. */
export interface RungData {
  readonly train: Dataset;
  readonly validation: Dataset;
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
    if (typeof label !== "string" || label.trim() === "") throw new Error(`trainRung: label must be a non-empty string, got ${JSON.stringify(label)}`);
    const started = performance.now();
    const history = await fit(model, { train: data.train, validation: data.validation }, options);
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
    `${rung.params.toLocaleString("en-US")} params · ${rung.history.epochs.length} epochs in ${Math.round(rung.seconds)} s`
  );
}

/**
 * "B against A": on the same test images, how many B fixes and breaks, with McNemar's p-value,
 * as a sentence for a notebook. Both rungs must be scored on the same labels.
 */
export function pairedSentence(labels: ArrayLike<number>, a: Rung, b: Rung): string {
  const c = pairedComparison(labels, a.predictions, b.predictions);
  const p = c.pValue < 0.001 ? "p < 0.001" : `p = ${c.pValue.toFixed(3)}`;
  return (
    `${b.label} vs ${a.label}: ${formatAccuracy(c.b)} vs ${formatAccuracy(c.a)}; of ${c.n.toLocaleString("en-US")} test images ` +
    `it fixes ${c.fixed} and breaks ${c.broken} (McNemar ${p}); ${c.bothWrong} are wrong for both`
  );
}

/**
 * The ladder as a table, one row per rung in the given order: `rung`, `test accuracy (%)`,
 * `± s.e. (%)` (one standard error, √(p(1−p)/n)), `epochs`, `seconds`, `params`.
 */
export function ladderTable(rungs: readonly Rung[]): DataFrame {
  if (rungs.length === 0) throw new Error("ladderTable: no rungs given");
  return pl.DataFrame([
    pl.Series("rung", rungs.map((r) => r.label), pl.Utf8),
    pl.Series("test accuracy (%)", rungs.map((r) => 100 * r.test.accuracy), pl.Float64),
    pl.Series("± s.e. (%)", rungs.map((r) => 100 * r.test.standardError), pl.Float64),
    pl.Series("epochs", rungs.map((r) => r.history.epochs.length), pl.Int32),
    pl.Series("seconds", rungs.map((r) => Math.round(r.seconds)), pl.Int32),
    pl.Series("params", rungs.map((r) => r.params), pl.Int64),
  ]);
}
