/**
 * Early stopping: end training when the validation metric has not improved for `patience`
 * epochs, like Keras's EarlyStopping callback.
 */

/** The validation metric to watch. `val_loss` must go down, `val_acc` up. */
export type MonitoredMetric = "val_loss" | "val_acc";

/** Options for early stopping in `fit`. */
export interface EarlyStoppingOptions {
  /** Epochs without improvement to tolerate before stopping (≥ 1). */
  readonly patience: number;
  /** Smallest change that counts as an improvement (default 0). */
  readonly minDelta?: number;
  /** What to watch (default `val_loss`). */
  readonly monitor?: MonitoredMetric;
  /** Put back the weights of the best epoch when stopping or finishing (default false). */
  readonly restoreBestWeights?: boolean;
}

/** What {@link EarlyStopping.update} decided after an epoch. */
export type EarlyStoppingDecision = "improved" | "wait" | "stop";

/** Where early stopping stands (what a training checkpoint keeps of it). */
export interface EarlyStoppingState {
  /** Best value so far; null before the first epoch. */
  readonly best: number | null;
  /** Its epoch (0-based), -1 before the first epoch. */
  readonly bestEpoch: number;
  /** Epochs since the best one. */
  readonly waited: number;
}

/** Tracks the best value of the monitored metric and decides when to stop. */
export class EarlyStopping {
  readonly monitor: MonitoredMetric;
  readonly patience: number;
  readonly minDelta: number;
  private bestValue: number | undefined;
  private bestAt = -1;
  private waited = 0;

  constructor(options: EarlyStoppingOptions) {
    if (!(Number.isInteger(options.patience) && options.patience >= 1)) {
      throw new Error(`earlyStopping.patience must be an integer ≥ 1, got ${options.patience}`);
    }
    const minDelta = options.minDelta ?? 0;
    if (!(Number.isFinite(minDelta) && minDelta >= 0)) {
      throw new Error(`earlyStopping.minDelta must be a number ≥ 0, got ${minDelta}`);
    }
    const monitor = options.monitor ?? "val_loss";
    if (monitor !== "val_loss" && monitor !== "val_acc") {
      throw new Error(`earlyStopping.monitor must be "val_loss" or "val_acc", got "${String(monitor)}"`);
    }
    this.monitor = monitor;
    this.patience = options.patience;
    this.minDelta = minDelta;
  }

  /** Best value seen so far (undefined before the first epoch). */
  get best(): number | undefined {
    return this.bestValue;
  }

  /** Epoch (0-based) of the best value, or -1 before the first epoch. */
  get bestEpoch(): number {
    return this.bestAt;
  }

  /** Where it stands now. */
  state(): EarlyStoppingState {
    return { best: this.bestValue ?? null, bestEpoch: this.bestAt, waited: this.waited };
  }

  /** Continues from a {@link state} of an earlier run. */
  restore(state: EarlyStoppingState): void {
    this.bestValue = state.best ?? undefined;
    this.bestAt = state.bestEpoch;
    this.waited = state.waited;
  }

  /** Records the metric of epoch `epoch` and says whether it improved, or whether to stop. */
  update(value: number, epoch: number): EarlyStoppingDecision {
    // A NaN loss never improves: training has diverged, and waiting will not help it.
    const better =
      !Number.isNaN(value) &&
      (this.bestValue === undefined ||
        (this.monitor === "val_loss" ? value < this.bestValue - this.minDelta : value > this.bestValue + this.minDelta));
    if (better) {
      this.bestValue = value;
      this.bestAt = epoch;
      this.waited = 0;
      return "improved";
    }
    this.waited += 1;
    return this.waited >= this.patience ? "stop" : "wait";
  }
}
