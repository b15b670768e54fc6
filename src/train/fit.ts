/**
 * The training loop: mini-batches from `forEachBatch`, one `optimizer.minimize` step each, an
 * optional learning-rate schedule and early stopping, and a progress display.
 *
 * Why our own loop instead of `model.fit`: we need the learning rate to change between epochs
 * without recreating the optimizer, a progress display we control (in-place HTML in tslab), and
 * few device reads — on wasm, reading tensors back is the slow part. Loss and accuracy are
 * summed on the device batch after batch (accuracy from the same forward pass as the gradient
 * step) and read back only when the display is due and at the end of each epoch.
 */
import * as tf from "@tensorflow/tfjs";
import { checkInteger, checkOptions, parseName } from "../check";
import { batchCount, forEachBatch, mulberry32, type BatchSource } from "../data/batches";
import { evaluate, type LabeledImages } from "../eval/evaluate";
import { correctCount, crossEntropy } from "../eval/loss";
import { checkInputs, checkSoftmaxOutput, classifierWidth } from "../eval/predict";
import { checkFinite, firstNonFiniteTensor } from "../tensor/finite";
import { augmentBatch } from "../augment/batch";
import { resolveAugmentOptions, type AugmentOptions } from "../augment/options";
import { EarlyStopping, type EarlyStoppingOptions } from "./early-stopping";
import { historyFromLogs, type EpochLog, type History } from "./history";
import { createOptimizer, OPTIMIZER_NAMES, setLearningRate, type OptimizerName } from "./optimizer";
import { TrainingProgress, type ProgressMode } from "./progress";
import { learningRateAt, type LrSchedule } from "./schedule";
import { chooseTrainWorkers, parseTrainWorkers, TRAIN_WORKERS_ENV } from "./parallel/count";
import { TrainingWorkers, type ParallelStep } from "./parallel/pool";
import type { BackendName } from "../backend/select";
import { InterruptWatch, kernelInterruptSignal, TrainingInterruptedError } from "./interrupt";
import { captureTrainingState, checkTrainingState, restoreTrainingState, type TrainingState } from "./training-state";

/** Data for {@link fit}: MNIST's `Dataset`s fit both fields. */
export interface FitData {
  readonly train: BatchSource;
  /** Evaluated after every epoch (dropout off); needed for early stopping. */
  readonly validation?: LabeledImages;
}

/** Options for {@link fit}. */
export interface FitOptions {
  /** Passes over the training set (upper bound with early stopping). */
  readonly epochs: number;
  readonly batchSize: number;
  /** Base learning rate (the schedule scales it per epoch). */
  readonly lr: number;
  /** Default `adam`. A new optimizer is created per `fit` call and disposed at its end. */
  readonly optimizer?: OptimizerName;
  /** Learning rate per epoch (default constant). */
  readonly schedule?: LrSchedule;
  /** Stop when the validation metric stops improving (needs `data.validation`). */
  readonly earlyStopping?: EarlyStoppingOptions;
  /**
   * Seed of the batch order (epoch e shuffles with a seed derived from `seed` and e). Default 0,
   * so that a run repeats; initial weights are seeded by the model builder, not here.
   */
  readonly seed?: number;
  /** Called after each epoch with its log (awaited). */
  readonly onEpoch?: (log: EpochLog) => void | Promise<void>;
  /** `true` (default) picks the display for where we run; `false` shows nothing; or a mode. */
  readonly progress?: boolean | ProgressMode;
  /** Batch size of the validation pass (default max(batchSize, 500)). */
  readonly validationBatchSize?: number;
  /**
   * Augment every training batch with {@link augmentBatch}: `{}` is {@link DEFAULT_DIGIT_AUGMENT},
   * any field given overrides it. Validation is never augmented. The transforms come from one
   * seeded stream per `fit` call (derived from `seed`), so each batch and epoch gets fresh ones
   * and the run still repeats. Default: no augmentation.
   */
  readonly augment?: Partial<AugmentOptions>;
  /**
   * A transform applied to every training batch after `augment`, e.g. `randomHorizontalFlip(seed)`
   * for images whose mirror is the same class. Returns a new tensor; fit disposes it.
   */
  readonly transformBatch?: (x: tf.Tensor4D) => tf.Tensor4D;
  /**
   * Data parallelism: worker threads, each with a copy of the model on a single-threaded
   * backend, take equal shares of every batch; their gradients are summed in worker order and
   * applied once here. `auto` (default: `TSDL_TRAIN_WORKERS`, else auto) uses one worker per
   * core for convolutional networks on wasm and the main thread otherwise (see
   * {@link chooseTrainWorkers}). Augmentation and dropout masks are drawn for the whole batch,
   * so a run equals the one-worker run up to float rounding and repeats exactly for a given count.
   */
  readonly workers?: number | "auto";
  /**
   * Called after each epoch with the run's state (awaited), e.g. to save a checkpoint
   * (`saveCheckpoint`): after `onEpoch` and early stopping's decision, and not after the epoch
   * at which early stopping ends the run.
   */
  readonly onState?: (state: TrainingState) => void | Promise<void>;
  /**
   * Continue a run from a state its `onState` reported: the same options (epochs may be more)
   * and a model built the same way; the weights are the state's. Training starts at the epoch
   * after the state's and ends as the uninterrupted run would have, bit for bit on one backend.
   */
  readonly resumeFrom?: TrainingState;
  /**
   * Stops training between batches when aborted: fit then stops its workers, frees what it
   * holds and rejects with a {@link TrainingInterruptedError}; the model keeps the weights of the
   * last batch. Default: in the project's tslab kernel, its interrupt (the Stop button).
   */
  readonly signal?: AbortSignal;
}

const FIT_OPTION_KEYS: readonly string[] = [
  "epochs",
  "batchSize",
  "lr",
  "optimizer",
  "schedule",
  "earlyStopping",
  "seed",
  "onEpoch",
  "progress",
  "validationBatchSize",
  "augment",
  "transformBatch",
  "workers",
  "onState",
  "resumeFrom",
  "signal",
];

function checkFitOptions(options: FitOptions): void {
  checkOptions(options, FIT_OPTION_KEYS, "fit");
  checkInteger(options.epochs, "epochs", "fit");
  checkInteger(options.batchSize, "batchSize", "fit");
  if (options.optimizer !== undefined) parseName(options.optimizer, OPTIMIZER_NAMES, "optimizer", "fit");
  if (options.transformBatch !== undefined && typeof options.transformBatch !== "function") {
    throw new Error(`fit: transformBatch must be a function (x) => x, got ${String(options.transformBatch)}`);
  }
  if (options.transformBatch !== undefined && (options.onState !== undefined || options.resumeFrom !== undefined)) {
    throw new Error("fit: onState and resumeFrom do not combine with transformBatch (its own random state cannot be saved)");
  }
  if (options.resumeFrom !== undefined) {
    checkTrainingState(options.resumeFrom, {
      epochs: options.epochs,
      optimizer: options.optimizer ?? "adam",
      augment: options.augment !== undefined,
      earlyStopping: options.earlyStopping !== undefined,
    });
  }
  if (options.signal !== undefined && !(options.signal instanceof AbortSignal)) {
    throw new Error(`fit: signal must be an AbortSignal, got ${String(options.signal)}`);
  }
  if (options.seed !== undefined && !Number.isSafeInteger(options.seed)) {
    throw new Error(`fit: seed must be an integer, got ${options.seed}`);
  }
  workerRequest(options); // throws on a bad count
}

function workerRequest(options: FitOptions): number | "auto" {
  return options.workers === undefined
    ? parseTrainWorkers(process.env[TRAIN_WORKERS_ENV], TRAIN_WORKERS_ENV)
    : parseTrainWorkers(options.workers, "fit's workers option");
}

function checkData(model: tf.LayersModel, data: FitData): void {
  checkSoftmaxOutput(model);
  const classes = classifierWidth(model);
  const sets: [string, { xs: tf.Tensor; ys: tf.Tensor2D; size: number }][] = [["train", data.train]];
  if (data.validation) sets.push(["validation", data.validation]);
  for (const [name, ds] of sets) {
    if (ds.size === 0) throw new Error(`fit: the ${name} set is empty`);
    try {
      checkInputs(model, ds.xs);
    } catch (err) {
      throw new Error(`fit: ${name} set: ${(err as Error).message}`);
    }
    if (ds.ys.shape[1] !== classes) {
      throw new Error(`fit: ${name} targets have ${ds.ys.shape[1]} columns but the model predicts ${classes} classes`);
    }
    checkFinite(ds.xs, `the ${name} set's images`, "fit");
    checkFinite(ds.ys, `the ${name} set's targets`, "fit");
  }
}

/** Lets the event loop run, so that tslab sends display updates while training goes on. */
function yieldToEventLoop(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

/**
 * Seed of the augmentation stream. Salted so that it never coincides with a shuffle seed
 * (`epochSeed(0, 0)` is 0): shuffling and augmenting from the same numbers would correlate them.
 */
function augmentSeed(seed: number): number {
  return (seed ^ 0x2545f491) | 0;
}

/**
 * Throws unless `loss` is finite: a NaN or infinite loss means the weights are no longer
 * numbers (the data was checked at the door), and every later epoch would log NaN as if training.
 */
function checkLoss(loss: number, where: string): void {
  if (!Number.isFinite(loss)) {
    throw new Error(
      `fit: the loss became ${loss} ${where}; training stopped (the weights are no longer usable): try a lower learning rate`,
    );
  }
}

function epochSeed(seed: number, epoch: number): number {
  // A different order each epoch; the multiplier keeps nearby seeds from sharing epochs.
  return (seed * 100_003 + epoch) | 0;
}

/** Sums of one epoch, kept on the device; only {@link read} moves numbers to JavaScript. */
class EpochTotals {
  private lossSum: tf.Scalar = tf.scalar(0);
  private correct: tf.Scalar = tf.scalar(0, "int32");
  /** Sums that arrive as numbers (from training workers). */
  private hostLoss = 0;
  private hostCorrect = 0;
  samples = 0;

  addNumbers(lossSum: number, correct: number, batch: number): void {
    this.hostLoss += lossSum;
    this.hostCorrect += correct;
    this.samples += batch;
  }

  add(meanLoss: tf.Scalar, correct: tf.Scalar, batch: number): void {
    const lossSum = tf.tidy(() => tf.add(this.lossSum, tf.mul(meanLoss, batch)) as tf.Scalar);
    const total = tf.add(this.correct, correct) as tf.Scalar;
    this.lossSum.dispose();
    this.correct.dispose();
    this.lossSum = lossSum;
    this.correct = total;
    this.samples += batch;
  }

  read(): { loss: number; acc: number } {
    return {
      loss: (this.lossSum.dataSync()[0]! + this.hostLoss) / this.samples,
      acc: (this.correct.dataSync()[0]! + this.hostCorrect) / this.samples,
    };
  }

  dispose(): void {
    this.lossSum.dispose();
    this.correct.dispose();
  }
}

/** Weight copies of the best epoch so far, for `restoreBestWeights`. */
class BestWeights {
  private saved: tf.Tensor[] | undefined;

  save(model: tf.LayersModel): void {
    this.adopt(model.getWeights().map((w) => w.clone()));
  }

  /** Keeps `copies` (now owned here), e.g. a resumed run's. */
  adopt(copies: tf.Tensor[] | undefined): void {
    this.dispose();
    this.saved = copies;
  }

  /** The copies held, if any. */
  get tensors(): readonly tf.Tensor[] | undefined {
    return this.saved;
  }

  restore(model: tf.LayersModel): boolean {
    if (!this.saved) return false;
    model.setWeights(this.saved);
    return true;
  }

  dispose(): void {
    if (this.saved) tf.dispose(this.saved);
    this.saved = undefined;
  }
}

/**
 * Trains `model` (built, compiled or not) on `data.train` and returns the per-epoch history.
 *
 * Loss: categorical cross-entropy on the model's softmax output. Dropout is on while training
 * and off for validation. Leaves `tf.memory().numTensors` as it found it (the optimizer and its
 * state are disposed at the end).
 *
 * @example
 * const history = await fit(model, { train, validation }, { epochs: 3, batchSize: 100, lr: 1e-3 });
 */
export async function fit(model: tf.LayersModel, data: FitData, options: FitOptions): Promise<History> {
  checkFitOptions(options);
  checkData(model, data);
  const schedule = options.schedule ?? { kind: "constant" };
  learningRateAt(schedule, 0, options.lr); // validates the base rate and schedule before any work
  const stopper = options.earlyStopping ? new EarlyStopping(options.earlyStopping) : undefined;
  if (stopper && !data.validation) {
    throw new Error(`fit: earlyStopping monitors ${stopper.monitor}, which needs data.validation`);
  }
  const restoreBest = options.earlyStopping?.restoreBestWeights ?? false;
  const seed = options.seed ?? 0;
  // Checked before any work; ONE generator for the whole call (augmentBatch's TSDoc explains why).
  const augment = options.augment === undefined ? undefined : resolveAugmentOptions(options.augment);
  const augmentRandom = augment ? mulberry32(options.resumeFrom?.augmentRandom ?? augmentSeed(seed)) : undefined;
  const progressOption = options.progress ?? true;
  const progress = new TrainingProgress({
    epochs: options.epochs,
    samplesPerEpoch: data.train.size,
    ...(progressOption === false ? { mode: "silent" as const } : progressOption === true ? {} : { mode: progressOption }),
  });

  const optimizerName = options.optimizer ?? "adam";
  const optimizer = createOptimizer(optimizerName, options.lr);
  const variables = model.trainableWeights.map((w) => w.read() as tf.Variable);
  const request = workerRequest(options);
  const choice = chooseTrainWorkers(request, {
    model,
    backend: tf.getBackend(),
    batchSize: options.batchSize,
    samples: data.train.size * options.epochs,
  });
  let workers: TrainingWorkers | undefined;
  const best = new BestWeights();
  const logs: EpochLog[] = [...(options.resumeFrom?.logs ?? [])];
  const run = { model, optimizer, optimizerName, variables: variables.length, stopper };
  let stoppedEarly = false;
  let restored = false;
  const interrupt = new InterruptWatch(options.signal ?? kernelInterruptSignal());
  const interrupted = (epoch: number, batches: number): TrainingInterruptedError =>
    new TrainingInterruptedError(
      epoch,
      batches,
      historyFromLogs(logs, { workers: workers?.count ?? 1, stoppedEarly, restoredBestWeights: false }),
      options.epochs,
      batchCount(data.train.size, options.batchSize),
    );
  try {
    if (options.resumeFrom) best.adopt(await restoreTrainingState(run, options.resumeFrom));
    if (choice.count > 1) {
      try {
        workers = await TrainingWorkers.start(model, variables, choice.count, tf.getBackend() as BackendName);
      } catch (err) {
        // Asked for: a promise, so its failure is an error. Under auto, workers are only a
        // speed-up: a model they can't rebuild (a layer class registered in this thread only)
        // trains here, and the line above the table says why.
        if (request !== "auto") throw err;
        progress.note(`One worker: the training workers could not start (${err instanceof Error ? err.message : String(err)})`);
      }
      if (workers) {
        progress.note(
          `Data parallel: ${workers.count} workers (${workers.summary}), ${Math.ceil(options.batchSize / workers.count)} images each per batch of ${options.batchSize}${choice.reason ? ` (${choice.reason})` : ""}`,
        );
      }
    } else if (choice.reason) {
      progress.note(`One worker: ${choice.reason}`);
    }
    for (let epoch = logs.length; epoch < options.epochs; epoch++) {
      await interrupt.check(() => interrupted(epoch, 0));
      const lr = learningRateAt(schedule, epoch, options.lr);
      setLearningRate(optimizer, lr);
      const started = performance.now();
      progress.startEpoch(epoch);
      const totals = new EpochTotals();
      // With workers, batch t+1 is drawn and augmented here while they compute batch t.
      let inFlight: { step: Promise<ParallelStep>; size: number; batch: number } | undefined;
      let batches = 0;
      const batchesPerEpoch = Math.ceil(data.train.size / options.batchSize);
      const settle = async (): Promise<void> => {
        if (!inFlight) return;
        const { step, size, batch } = inFlight;
        inFlight = undefined;
        const result = await step;
        checkLoss(result.lossSum, `in epoch ${epoch + 1}, batch ${batch} of ${batchesPerEpoch}`);
        const grads: tf.NamedTensorMap = {};
        variables.forEach((v, i) => (grads[v.name] = tf.tensor(result.grads[i]!, v.shape)));
        optimizer.applyGradients(grads);
        tf.dispose(Object.values(grads));
        totals.addNumbers(result.lossSum, result.correct, size);
      };
      let trained: { loss: number; acc: number };
      try {
        await forEachBatch(data.train, options.batchSize, { seed: epochSeed(seed, epoch) }, async (batchX, y, step) => {
          await interrupt.check(async () => {
            await settle(); // the batch in flight is applied: "after batch `step`" holds
            return interrupted(epoch, step);
          });
          batches++;
          let batchCorrect: tf.Scalar | undefined;
          let meanLoss: tf.Scalar | null = null;
          const augmented = augment ? augmentBatch(batchX, augment, augmentRandom!) : batchX;
          const x = options.transformBatch ? options.transformBatch(augmented) : augmented;
          if (augmented !== batchX && augmented !== x) augmented.dispose();
          try {
            if (workers) {
              const xData = x.dataSync() as Float32Array;
              const yData = y.dataSync() as Float32Array;
              await settle();
              const step = workers.step(xData, x.shape, yData, y.shape[1]);
              step.catch(() => {}); // awaited by the next settle(); this only keeps Node from calling it unhandled meanwhile
              inFlight = { step, size: x.shape[0], batch: batches };
            } else {
              meanLoss = optimizer.minimize(
                () => {
                  const p = model.apply(x, { training: true }) as tf.Tensor2D;
                  // Counted from the same forward pass; kept so that minimize's tidy spares it.
                  batchCorrect = tf.keep(correctCount(y, p));
                  return tf.mean(crossEntropy(y, p)) as tf.Scalar;
                },
                true,
                variables,
              );
              totals.add(meanLoss!, batchCorrect!, x.shape[0]);
            }
          } finally {
            meanLoss?.dispose();
            batchCorrect?.dispose();
            if (x !== batchX) x.dispose();
          }
          if (progress.due()) {
            // Read back for the display anyway: checked here, and for the whole epoch below.
            const sofar = totals.read();
            checkLoss(sofar.loss, `in epoch ${epoch + 1}, at or before batch ${batches} of ${batchesPerEpoch}`);
            progress.update({ samples: totals.samples, ...sofar });
            await yieldToEventLoop();
          }
        });
        await settle();
        trained = totals.read();
        checkLoss(trained.loss, `in epoch ${epoch + 1}, at or before batch ${batchesPerEpoch} of ${batchesPerEpoch}`);
      } finally {
        await inFlight?.step.catch(() => {}); // a failed batch's step: its error is already on its way out
        totals.dispose();
      }
      // The loss alone misses weights gone NaN on wasm (relu there maps NaN to 0): one read per epoch.
      const badWeight = firstNonFiniteTensor(variables);
      if (badWeight >= 0) {
        throw new Error(
          `fit: the weights became NaN or infinite in epoch ${epoch + 1} (${variables[badWeight]!.name}); training stopped (the model is no longer usable): try a lower learning rate`,
        );
      }
      const trainSeconds = (performance.now() - started) / 1000;
      const validation = data.validation
        ? evaluate(model, data.validation, { batchSize: options.validationBatchSize ?? Math.max(options.batchSize, 500) })
        : undefined;
      if (validation) checkLoss(validation.loss, `on the validation set after epoch ${epoch + 1}`);
      const log: EpochLog = {
        epoch,
        loss: trained.loss,
        acc: trained.acc,
        ...(validation ? { valLoss: validation.loss, valAcc: validation.accuracy } : {}),
        lr,
        seconds: (performance.now() - started) / 1000,
        samplesPerSecond: data.train.size / trainSeconds,
      };
      logs.push(log);
      progress.endEpoch(log);
      await options.onEpoch?.(log);
      await yieldToEventLoop();

      if (stopper && validation) {
        const decision = stopper.update(stopper.monitor === "val_loss" ? validation.loss : validation.accuracy, epoch);
        if (decision === "improved" && restoreBest) best.save(model);
        if (decision === "stop") {
          stoppedEarly = epoch < options.epochs - 1;
          if (stoppedEarly) {
            progress.stoppedEarly(
              `Early stopping after epoch ${epoch + 1}: ${stopper.monitor} has not improved for ${stopper.patience} epoch(s); best was epoch ${stopper.bestEpoch + 1}.`,
            );
          }
          break;
        }
      }
      if (options.onState) await options.onState(await captureTrainingState(run, { logs, augmentRandom, best: best.tensors }));
    }
    if (restoreBest) restored = best.restore(model);
  } finally {
    interrupt.dispose();
    best.dispose();
    optimizer.dispose();
    await workers?.close();
  }
  return historyFromLogs(logs, {
    workers: workers?.count ?? 1,
    stoppedEarly,
    ...(stopper && stopper.bestEpoch >= 0 ? { bestEpoch: stopper.bestEpoch } : {}),
    restoredBestWeights: restored,
  });
}
