/**
 * Learning-rate schedules: the learning rate for each epoch, computed from the base rate.
 * `fit` applies it between epochs (see `setLearningRate`), never in the middle of one.
 */

/** How the learning rate changes from epoch to epoch (epochs count from 0). */
export type LrSchedule =
  /** The same rate every epoch. */
  | { readonly kind: "constant" }
  /** `lr · decay^epoch`, e.g. decay 0.9 shrinks it by 10 % each epoch. */
  | { readonly kind: "exponential"; readonly decay: number }
  /** `lr · factor^floor(epoch / every)`: drop by `factor` every `every` epochs. */
  | { readonly kind: "step"; readonly every: number; readonly factor: number }
  /** Any rule: gets the epoch and the base rate, returns the rate (must be > 0). */
  | { readonly kind: "custom"; readonly rate: (epoch: number, baseLr: number) => number };

/** The learning rate of epoch `epoch` (0-based) under `schedule`, starting from `baseLr`. */
export function learningRateAt(schedule: LrSchedule, epoch: number, baseLr: number): number {
  if (!Number.isInteger(epoch) || epoch < 0) throw new Error(`epoch must be a non-negative integer, got ${epoch}`);
  let lr: number;
  switch (schedule.kind) {
    case "constant":
      lr = baseLr;
      break;
    case "exponential":
      if (!(schedule.decay > 0 && schedule.decay <= 1)) {
        throw new Error(`exponential schedule: decay must be in (0, 1], got ${schedule.decay}`);
      }
      lr = baseLr * schedule.decay ** epoch;
      break;
    case "step":
      if (!(Number.isInteger(schedule.every) && schedule.every > 0)) {
        throw new Error(`step schedule: every must be a positive integer, got ${schedule.every}`);
      }
      if (!(schedule.factor > 0 && schedule.factor <= 1)) {
        throw new Error(`step schedule: factor must be in (0, 1], got ${schedule.factor}`);
      }
      lr = baseLr * schedule.factor ** Math.floor(epoch / schedule.every);
      break;
    case "custom":
      lr = schedule.rate(epoch, baseLr);
      break;
    default:
      throw new Error(`Unknown schedule kind "${(schedule as { kind: unknown }).kind}"`);
  }
  if (!(Number.isFinite(lr) && lr > 0)) {
    throw new Error(`schedule "${schedule.kind}" gave learning rate ${lr} at epoch ${epoch}: it must be a positive number`);
  }
  return lr;
}
