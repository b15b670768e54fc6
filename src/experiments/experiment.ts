/**
 * One experiment of lesson 6: build a lesson model, train it with a recipe, evaluate it on the
 * test set — and the tables that compare several such runs.
 *
 * Why a helper: the lesson trains four models the same way, and each run's numbers (parameters,
 * seconds, test accuracy, predictions) feed several later cells; one call per model keeps the
 * notebook's cells short and the four runs strictly comparable.
 */
import * as tf from "@tensorflow/tfjs";
import { checkOptions } from "../check";
import type { DataFrame } from "nodejs-polars";
import pl from "nodejs-polars";
import { NUM_CLASSES, type Dataset } from "../data/dataset";
import { evaluate, type Evaluation } from "../eval/evaluate";
import { perClassAccuracy } from "../eval/per-class";
import { buildModel, parseModelName, type ModelName, type ModelOptionsByName } from "../models/registry";
import { fit } from "../train/fit";
import type { History } from "../train/history";
import type { ProgressMode } from "../train/progress";
import { recipeFitOptions, type TrainingRecipe } from "./recipes";

/** The data of an experiment: MNIST's `loadMnist()` result fits. */
export interface ExperimentData {
  readonly train: Dataset;
  readonly validation: Dataset;
  readonly test: Dataset;
}

/** Options of {@link trainAndEvaluate}. */
export interface ExperimentOptions<N extends ModelName> {
  /** Options of the model builder (e.g. `{ dropout: 0 }` for the MLP); the seed defaults to the recipe's. */
  readonly model?: ModelOptionsByName[N];
  /** Progress display of `fit` (default `true`: in place in a notebook, a line on a terminal). */
  readonly progress?: boolean | ProgressMode;
}

/** What one experiment produced. Call `dispose()` (or `model.dispose()`) when done. */
export interface ExperimentRun<N extends ModelName = ModelName> {
  readonly name: N;
  /** The trained model (owned by the run). */
  readonly model: tf.Sequential;
  readonly recipe: TrainingRecipe;
  readonly history: History;
  /** Weights of the model (trainable or not). */
  readonly params: number;
  /** Wall-clock seconds of `fit`: training and the per-epoch validation passes. */
  readonly seconds: number;
  /** Mean wall-clock seconds per epoch. */
  readonly secondsPerEpoch: number;
  /** Backend that trained the model (`tf.getBackend()`). */
  readonly backend: string;
  /** Test-set evaluation: accuracy, loss, and every prediction with its confidence. */
  readonly test: Evaluation;
  /** Frees the model's weights. */
  dispose(): void;
}

/**
 * Builds model `name` (seeded with the recipe's seed), trains it on `data.train` with `recipe`
 * (validating on `data.validation` after each epoch), evaluates it on `data.test` and returns
 * the run. The caller owns the returned model; a failure disposes it.
 *
 * @example const run = await trainAndEvaluate("cnn", data, trainingRecipe("cnn", "fast"));
 */
export async function trainAndEvaluate<N extends ModelName>(
  name: N,
  data: ExperimentData,
  recipe: TrainingRecipe,
  options: ExperimentOptions<N> = {},
): Promise<ExperimentRun<N>> {
  checkOptions(options, ["model", "progress"], "trainAndEvaluate");
  parseModelName(name);
  const fitOptions = recipeFitOptions(recipe, recipe.seed); // checks the recipe before building anything
  const model = buildModel(name, { seed: recipe.seed, ...options.model } as ModelOptionsByName[N]);
  try {
    const started = performance.now();
    const history = await fit(
      model,
      { train: data.train, validation: data.validation },
      {
        ...fitOptions,
        ...(options.progress !== undefined ? { progress: options.progress } : {}),
      },
    );
    const seconds = (performance.now() - started) / 1000;
    const test = evaluate(model, data.test);
    return {
      name,
      model,
      recipe,
      history,
      params: model.countParams(),
      seconds,
      secondsPerEpoch: seconds / history.epochs.length,
      backend: tf.getBackend(),
      test,
      dispose: () => model.dispose(),
    };
  } catch (err) {
    model.dispose();
    throw err;
  }
}

/** One line about a run, e.g. `cnn: 356,234 params · 3 epochs in 98.1 s (32.7 s/epoch, wasm) · test accuracy 97.35 %`. */
export function describeRun(run: ExperimentRun): string {
  return (
    `${run.name}: ${run.params.toLocaleString("en-US")} params · ${run.history.epochs.length} epochs in ` +
    `${run.seconds.toFixed(1)} s (${run.secondsPerEpoch.toFixed(1)} s/epoch, ${run.backend}) · ` +
    `test accuracy ${(100 * run.test.accuracy).toFixed(2)} % on ${run.test.size.toLocaleString("en-US")} images`
  );
}

function checkRuns(runs: readonly ExperimentRun[], where: string): void {
  if (runs.length === 0) throw new Error(`${where}: no runs given`);
  const names = runs.map((r) => r.name);
  const twice = names.find((n, i) => names.indexOf(n) !== i);
  if (twice !== undefined) throw new Error(`${where}: model "${twice}" appears twice; give each run once`);
}

/** The comparison table: one row per run with `model`, `params`, `epochs`, `seconds` (of training, rounded), `test_accuracy`. */
export function resultsFrame(runs: readonly ExperimentRun[]): DataFrame {
  checkRuns(runs, "resultsFrame");
  return pl.DataFrame([
    pl.Series(
      "model",
      runs.map((r) => r.name),
      pl.Utf8,
    ),
    pl.Series(
      "params",
      runs.map((r) => r.params),
      pl.Int64,
    ),
    pl.Series(
      "epochs",
      runs.map((r) => r.history.epochs.length),
      pl.Int32,
    ),
    // Whole seconds: the table compares minutes of training, and float columns print 4 decimals.
    pl.Series(
      "seconds",
      runs.map((r) => Math.round(r.seconds)),
      pl.Int32,
    ),
    pl.Series(
      "test_accuracy",
      runs.map((r) => r.test.accuracy),
      pl.Float64,
    ),
  ]);
}

/**
 * Test accuracy per digit: a `digit` column (0..9) and one column per run, named after its
 * model. `labels` are the test labels the runs were evaluated on.
 */
export function perClassFrame(runs: readonly ExperimentRun[], labels: ArrayLike<number>): DataFrame {
  checkRuns(runs, "perClassFrame");
  const columns = runs.map((r) => {
    const perClass = perClassAccuracy(labels, r.test.predictions, NUM_CLASSES);
    return pl.Series(
      r.name,
      perClass.map((c) => c.accuracy),
      pl.Float64,
    );
  });
  return pl.DataFrame([
    pl.Series(
      "digit",
      Array.from({ length: NUM_CLASSES }, (_, d) => d),
      pl.Int32,
    ),
    ...columns,
  ]);
}
