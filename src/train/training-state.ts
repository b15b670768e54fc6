/**
 * Where a `fit` run stands after an epoch, as plain data: all a later `fit` call needs to go on
 * with the same result as a run that never stopped (`fit`'s `onState` reports it, `resumeFrom`
 * continues from it; `./checkpoint` keeps it on disk).
 *
 * What decides the rest of a run, besides its options: the weights (batch-norm statistics
 * included), the optimizer's state, the epoch reached (it fixes the batch order, seeded by seed
 * and epoch, and the schedule's learning rate), the augmentation stream, each seeded dropout
 * layer's mask counter, and early stopping's progress with its best weights. A `transformBatch`
 * closure keeps its own state out of reach, so `fit` takes neither option with one.
 */
import * as tf from "@tensorflow/tfjs";
import type { SeededRandom } from "../data/batches";
import { seededDropouts } from "../models/seeded-dropout";
import type { EarlyStopping, EarlyStoppingState } from "./early-stopping";
import type { EpochLog } from "./history";
import { optimizerState, setOptimizerState, type OptimizerName } from "./optimizer";

/** A `fit` run after its last finished epoch (see the top of this file). */
export interface TrainingState {
  /** The finished epochs' logs, one per epoch from epoch 0: the history so far. */
  readonly logs: readonly EpochLog[];
  /** The optimizer the run trains with (the saved slots are its). */
  readonly optimizer: OptimizerName;
  /** State of the augmentation stream (`mulberry32`), null without augmentation. */
  readonly augmentRandom: number | null;
  /** Training calls so far of each `SeededDropout` layer, in layer order: where its masks are. */
  readonly dropoutCalls: readonly number[];
  /** Early stopping's progress, null without early stopping. */
  readonly earlyStopping: EarlyStoppingState | null;
  /**
   * The tensors, as `tf.io.encodeWeights` wrote them: the model's weights (`model/<i>`), the
   * optimizer's state (`optimizer/<i>`) and the best epoch's weights kept for
   * `restoreBestWeights` (`best/<i>`, when any).
   */
  readonly specs: readonly tf.io.WeightsManifestEntry[];
  readonly data: ArrayBuffer;
}

/** What {@link captureTrainingState} and {@link restoreTrainingState} work on: `fit`'s own objects. */
export interface RunParts {
  readonly model: tf.LayersModel;
  readonly optimizer: tf.Optimizer;
  readonly optimizerName: OptimizerName;
  /** Number of variables the optimizer trains. */
  readonly variables: number;
  readonly stopper: EarlyStopping | undefined;
}

/** The state after `logs.length` epochs (the caller's tensors are read, not kept). */
export async function captureTrainingState(
  parts: RunParts,
  run: {
    readonly logs: readonly EpochLog[];
    readonly augmentRandom: SeededRandom | undefined;
    readonly best: readonly tf.Tensor[] | undefined;
  },
): Promise<TrainingState> {
  const optimizer = await optimizerState(parts.optimizer, parts.optimizerName);
  try {
    const named = (group: string, tensors: readonly tf.Tensor[]) => tensors.map((tensor, i) => ({ name: `${group}/${i}`, tensor }));
    const { data, specs } = await tf.io.encodeWeights([
      ...named("model", parts.model.getWeights()),
      ...named("optimizer", optimizer),
      ...named("best", run.best ?? []),
    ]);
    return {
      logs: [...run.logs],
      optimizer: parts.optimizerName,
      augmentRandom: run.augmentRandom?.state() ?? null,
      dropoutCalls: seededDropouts(parts.model).map((layer) => layer.trainingCalls),
      earlyStopping: parts.stopper?.state() ?? null,
      specs,
      data,
    };
  } finally {
    tf.dispose(optimizer);
  }
}

/**
 * Checks, before any work, that `state` can continue a run with these options: a state of the
 * same optimizer, with augmentation and early stopping where the options have them, and no more
 * epochs than asked for. Throws naming the mismatch.
 */
export function checkTrainingState(
  state: TrainingState,
  options: { readonly epochs: number; readonly optimizer: OptimizerName; readonly augment: boolean; readonly earlyStopping: boolean },
): void {
  const where = "fit: resumeFrom";
  if (typeof state !== "object" || state === null || !Array.isArray(state.logs) || !(state.data instanceof ArrayBuffer)) {
    throw new Error(`${where} must be a training state reported by onState (or read by loadCheckpoint)`);
  }
  const done = state.logs.length;
  if (done === 0 || done > options.epochs) throw new Error(`${where} has ${done} epochs done, but this run trains ${options.epochs}`);
  if (state.optimizer !== options.optimizer) {
    throw new Error(`${where} comes from a run with ${state.optimizer}, but these options ask for ${options.optimizer}`);
  }
  const same = (what: string, saved: boolean, asked: boolean) => {
    if (saved !== asked)
      throw new Error(
        `${where} comes from a run ${saved ? "with" : "without"} ${what}, but these options have ${asked ? "" : "no "}${what}`,
      );
  };
  same("augmentation", state.augmentRandom !== null, options.augment);
  same("early stopping", state.earlyStopping !== null, options.earlyStopping);
}

/**
 * Puts `state` into a new run: the model's weights, the optimizer's slots, the dropout counters
 * and early stopping. Returns the best epoch's weights, if the state kept any (the caller owns
 * them). Throws, naming the mismatch, when the state is of another model.
 */
export async function restoreTrainingState(parts: RunParts, state: TrainingState): Promise<tf.Tensor[] | undefined> {
  const tensors = tf.io.decodeWeights(state.data, [...state.specs]);
  const group = (name: string) =>
    Object.keys(tensors)
      .filter((k) => k.startsWith(`${name}/`))
      .map((_, i) => tensors[`${name}/${i}`]!);
  const best = group("best");
  try {
    const weights = group("model");
    if (weights.length !== parts.model.weights.length) {
      throw new Error(`fit: resumeFrom holds ${weights.length} model weights, this model has ${parts.model.weights.length}`);
    }
    parts.model.setWeights(weights); // throws, naming the layer, on a shape that does not fit
    await setOptimizerState(parts.optimizer, parts.optimizerName, parts.variables, group("optimizer"));
    const dropouts = seededDropouts(parts.model);
    if (dropouts.length !== state.dropoutCalls.length) {
      throw new Error(`fit: resumeFrom counts ${state.dropoutCalls.length} seeded dropout layers, this model has ${dropouts.length}`);
    }
    dropouts.forEach((layer, i) => (layer.trainingCalls = state.dropoutCalls[i]!));
    if (state.earlyStopping) parts.stopper?.restore(state.earlyStopping);
  } catch (err) {
    tf.dispose(best);
    throw err;
  } finally {
    tf.dispose(Object.values(tensors).filter((t) => !best.includes(t)));
  }
  return best.length > 0 ? best : undefined;
}
