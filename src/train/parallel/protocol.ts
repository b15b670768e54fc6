/**
 * Messages between `fit` (the main thread) and its training workers. The weights and gradients
 * of each step are not in the messages: they live in shared memory (flat.ts), written before the
 * message that announces them is posted, so the message orders the two threads' accesses.
 */
import type { BackendName } from "../../backend/select";

/** The model a worker rebuilds, and the shared memory it trains through. */
export interface InitMessage {
  readonly type: "init";
  readonly backend: BackendName;
  /** Its topology (`model.toJSON`) and every weight, in `model.weights` order. */
  readonly topology: object;
  readonly weights: readonly Float32Array[];
  /** The trainable weights before each step, in `model.trainableWeights` order, end to end. */
  readonly sharedWeights: Float32Array;
  /** Where this worker leaves its gradients, in the same layout. */
  readonly sharedGrads: Float32Array;
}

/** One worker's share of a training step: rows [start, start + n) of a batch of `total`. */
export interface StepMessage {
  readonly type: "step";
  readonly x: Float32Array;
  readonly xShape: readonly number[];
  readonly y: Float32Array;
  readonly classes: number;
  readonly start: number;
  readonly total: number;
  /** Training calls so far of each seeded dropout layer, in layer order: the step's masks follow from them. */
  readonly dropoutCalls: readonly number[];
}

/**
 * A worker's step is done: its gradients of (sum of its rows' losses) / total are in its shared
 * gradients, so that the shares add up to the batch mean's.
 */
export interface StepResult {
  readonly type: "result";
  readonly lossSum: number;
  readonly correct: number;
}

export type ToWorker = InitMessage | StepMessage;
export type FromWorker =
  | { readonly type: "ready"; readonly summary: string }
  | StepResult
  | { readonly type: "error"; readonly message: string };
