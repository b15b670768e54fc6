/**
 * How many training workers `fit` uses: the `workers` option, else `TSDL_TRAIN_WORKERS`, else
 * `auto` — decided by what pays, and one worker where data parallelism would change the model.
 */
import type * as tf from "@tensorflow/tfjs";
import * as os from "node:os";
import { WASM_THREADS_ENV } from "../../backend/select";
import { describe } from "../../check";

/** Environment variable for the training worker count: `auto` (default) or an integer 1–8. */
export const TRAIN_WORKERS_ENV = "TSDL_TRAIN_WORKERS";

/** The most workers `fit` starts. */
export const MAX_TRAIN_WORKERS = 8;

/**
 * Fewest rows a worker gets of a batch under `auto`: a guard against shares too small for their
 * ops to pay for the messages. Chosen, not measured: no batch that small has been timed.
 */
export const MIN_ROWS_PER_WORKER = 16;

/**
 * Fewest training samples (size × epochs) of a `fit` call for which `auto` starts workers:
 * starting them took 0.8 s in the idle bench (each loads its own backend), and 5,000 samples
 * are ~11 s of the reference CNN on one thread. The threshold itself is chosen, not measured.
 */
export const MIN_SAMPLES_FOR_WORKERS = 5_000;

/** The decision and, when it is not what was asked or what `auto` usually gives, why. */
export interface WorkerChoice {
  readonly count: number;
  readonly reason?: string;
}

/** Parses a worker request (`auto`, a number, or the text of {@link TRAIN_WORKERS_ENV}). */
export function parseTrainWorkers(value: unknown, source = `the workers option or ${TRAIN_WORKERS_ENV}`): number | "auto" {
  if (value === undefined || value === "" || (typeof value === "string" && value.trim().toLowerCase() === "auto")) return "auto";
  const n = typeof value === "number" ? value : typeof value === "string" ? Number(value.trim()) : NaN;
  if (!Number.isInteger(n) || n < 1 || n > MAX_TRAIN_WORKERS) {
    throw new Error(`Bad training worker count ${describe(value)} (from ${source}): expected auto or an integer 1–${MAX_TRAIN_WORKERS}`);
  }
  return n;
}

function hasLayer(model: tf.LayersModel, className: string): boolean {
  const walk = (layers: readonly tf.layers.Layer[]): boolean =>
    layers.some((l) => l.getClassName() === className || ("layers" in l && walk((l as unknown as tf.LayersModel).layers)));
  return walk(model.layers);
}

function hasConvolution(model: tf.LayersModel): boolean {
  return ["Conv2D", "DepthwiseConv2D", "SeparableConv2D"].some((c) => hasLayer(model, c));
}

/**
 * Cores this process may use: all of them, unless `TSDL_WASM_THREADS` is set to a number — the
 * README's recipe for training processes side by side sets it to 1 so that they don't compete.
 */
function coresForThisProcess(cores: number, wasmThreadsEnv: string | undefined): number {
  const n = Number(wasmThreadsEnv);
  return Number.isInteger(n) && n >= 1 ? Math.min(n, cores) : cores;
}

/**
 * Decides the worker count of a `fit` call.
 *
 * `auto` trains convolutional networks on wasm (or cpu) with one single-threaded worker per core
 * this process may use, and everything else on the main thread: a dense network gains nothing
 * from workers — the bench's MLP, batch 100, epochs 2–4, 2026-12-02: 8,100–9,400 samples/s on
 * the main thread, 7,300–8,700 with two workers; calls too
 * small to win back the workers' start ({@link MIN_SAMPLES_FOR_WORKERS}) stay on it too. Batch
 * normalisation always trains on one worker: on several, each would normalise with its slice's
 * statistics, a different model.
 */
export function chooseTrainWorkers(
  request: number | "auto",
  context: {
    readonly model: tf.LayersModel;
    readonly backend: string;
    readonly batchSize: number;
    /** Training samples the call will see: set size × epochs. */
    readonly samples: number;
  },
  cores = os.availableParallelism(),
  wasmThreadsEnv = process.env[WASM_THREADS_ENV],
): WorkerChoice {
  const batchNorm = hasLayer(context.model, "BatchNormalization");
  if (request !== "auto") {
    if (request > 1 && batchNorm)
      return { count: 1, reason: "batch normalisation trains on one worker (each would see only its slice's statistics)" };
    if (request > 1 && context.backend !== "wasm" && context.backend !== "cpu") {
      return { count: 1, reason: `the ${context.backend} backend trains on one worker (it has its own thread pool)` };
    }
    if (request > context.batchSize) {
      // Each worker takes whole rows of a batch: the ones beyond batchSize would get none.
      const idle = request - context.batchSize;
      return {
        count: context.batchSize,
        reason: `${idle} of ${request} workers would be idle with batches of ${context.batchSize} image${context.batchSize === 1 ? "" : "s"}; using ${context.batchSize}`,
      };
    }
    return { count: request };
  }
  if (batchNorm || !hasConvolution(context.model) || (context.backend !== "wasm" && context.backend !== "cpu")) return { count: 1 };
  if (context.samples < MIN_SAMPLES_FOR_WORKERS) return { count: 1 };
  const count = Math.min(
    coresForThisProcess(cores, wasmThreadsEnv),
    MAX_TRAIN_WORKERS,
    Math.floor(context.batchSize / MIN_ROWS_PER_WORKER),
  );
  return { count: Math.max(1, count) };
}
