/**
 * Stopping a training run between batches: `fit`'s `signal` option, or — in a notebook — the
 * kernel's Stop button.
 *
 * The project's tslab kernel (patches/tslab+1.0.22.patch) turns Jupyter's interrupt (SIGINT)
 * into an abort of the AbortSignal it keeps on `globalThis` under {@link KERNEL_INTERRUPT_KEY},
 * and puts a fresh one there for the work that starts afterwards. `fit` listens to that signal
 * while it runs: a listener is how the kernel knows the cell's work will end on its own, so it
 * waits a few seconds for the cell to fail with this module's error (which says where training
 * stopped) instead of answering "Interrupted asynchronously" while training goes on.
 */
import type { History } from "./history";

/** The `globalThis` key under which the kernel keeps its interrupt signal (a registered symbol: no import needed). */
export const KERNEL_INTERRUPT_KEY = Symbol.for("tslab.interruptSignal");

/** The kernel's current interrupt signal, when running in the project's tslab kernel. */
export function kernelInterruptSignal(): AbortSignal | undefined {
  const signal = (globalThis as Record<symbol, unknown>)[KERNEL_INTERRUPT_KEY];
  return signal instanceof AbortSignal ? signal : undefined;
}

/** `fit` stopped because its signal was aborted; the model keeps the weights of the last batch applied. */
export class TrainingInterruptedError extends Error {
  constructor(
    /** Epochs finished before the interrupt. */
    readonly epochsDone: number,
    /** Batches applied in the epoch that was running (0: it had not started). */
    readonly batchesDone: number,
    /** The finished epochs, as `fit` would have returned them. */
    readonly history: History,
    epochs: number,
    batchesPerEpoch: number,
  ) {
    const where =
      batchesDone > 0
        ? `in epoch ${epochsDone + 1} of ${epochs}, after batch ${batchesDone} of ${batchesPerEpoch}`
        : epochsDone > 0
          ? `after epoch ${epochsDone} of ${epochs}`
          : "before its first batch";
    super(`fit: training interrupted ${where}; the model keeps the weights it had then`);
  }
}
// On the prototype, so that the stack's first line (written when the error is made) carries it.
Object.defineProperty(TrainingInterruptedError.prototype, "name", { value: "TrainingInterruptedError" });

/** How often a run on the main thread lets the event loop see an interrupt (the kernel's SIGINT is an event). */
const YIELD_MS = 100;

/** `fit`'s side of an interrupt: {@link check} between batches, {@link dispose} in a `finally`. */
export class InterruptWatch {
  private lastYield = performance.now();
  private readonly onAbort = (): void => {};

  constructor(private readonly signal: AbortSignal | undefined) {
    signal?.addEventListener("abort", this.onAbort);
  }

  /**
   * Resolves, or throws what `interrupted()` builds once the signal is aborted. Yields to the
   * event loop now and then, so that an interrupt is seen by code that otherwise never waits.
   */
  async check(interrupted: () => Error | Promise<Error>): Promise<void> {
    if (!this.signal) return;
    if (performance.now() - this.lastYield >= YIELD_MS) {
      await new Promise((resolve) => setImmediate(resolve));
      this.lastYield = performance.now();
    }
    if (this.signal.aborted) throw await interrupted();
  }

  dispose(): void {
    this.signal?.removeEventListener("abort", this.onAbort);
  }
}
