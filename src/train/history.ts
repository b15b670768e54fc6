/**
 * The record of a training run: one entry per finished epoch, as columns (ready for a plot or a
 * polars DataFrame) and as rows.
 */

/** What `fit` measured in one epoch. */
export interface EpochLog {
  /** 0-based epoch number. */
  readonly epoch: number;
  /** Mean training loss over the epoch's batches (weighted by batch size, with dropout on). */
  readonly loss: number;
  /** Training accuracy over the epoch (dropout on, weights changing during the epoch). */
  readonly acc: number;
  /** Validation loss, when a validation set was given. */
  readonly valLoss?: number;
  /** Validation accuracy, when a validation set was given. */
  readonly valAcc?: number;
  /** Learning rate used in this epoch. */
  readonly lr: number;
  /** Wall-clock seconds of the epoch, validation included. */
  readonly seconds: number;
  /** Training samples per second (validation excluded). */
  readonly samplesPerSecond: number;
}

/** Per-epoch columns of a run; `valLoss`/`valAcc` are empty when there was no validation set. */
export interface History {
  readonly loss: readonly number[];
  readonly acc: readonly number[];
  readonly valLoss: readonly number[];
  readonly valAcc: readonly number[];
  readonly lr: readonly number[];
  readonly seconds: readonly number[];
  /** The same numbers as rows, one per epoch. */
  readonly epochs: readonly EpochLog[];
  /** True when early stopping ended the run before the requested number of epochs. */
  readonly stoppedEarly: boolean;
  /** Epoch (0-based) with the best monitored value under early stopping, else undefined. */
  readonly bestEpoch?: number;
  /** True when the weights were set back to those of `bestEpoch` at the end. */
  readonly restoredBestWeights: boolean;
  /** Training workers that shared each batch (1: the main thread alone). */
  readonly workers: number;
}

/** Builds the columns of a {@link History} from its rows. */
export function historyFromLogs(
  logs: readonly EpochLog[],
  extra: { stoppedEarly: boolean; bestEpoch?: number; restoredBestWeights: boolean; workers: number },
): History {
  const hasValidation = logs.length > 0 && logs.every((l) => l.valLoss !== undefined && l.valAcc !== undefined);
  return {
    loss: logs.map((l) => l.loss),
    acc: logs.map((l) => l.acc),
    valLoss: hasValidation ? logs.map((l) => l.valLoss!) : [],
    valAcc: hasValidation ? logs.map((l) => l.valAcc!) : [],
    lr: logs.map((l) => l.lr),
    seconds: logs.map((l) => l.seconds),
    epochs: [...logs],
    stoppedEarly: extra.stoppedEarly,
    ...(extra.bestEpoch !== undefined ? { bestEpoch: extra.bestEpoch } : {}),
    restoredBestWeights: extra.restoredBestWeights,
    workers: extra.workers,
  };
}
