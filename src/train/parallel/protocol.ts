/**
 * Messages between `fit` (the main thread) and its training workers. Arrays travel as
 * Float32Array copies whose buffers are transferred, not cloned.
 */
import type { BackendName } from "../../backend/select";

/** The model a worker rebuilds: its topology (`model.toJSON`) and every weight, in `model.weights` order. */
export interface InitMessage {
  readonly type: "init";
  readonly backend: BackendName;
  readonly topology: object;
  readonly weights: readonly Float32Array[];
}

/** One worker's share of a training step: rows [start, start + n) of a batch of `total`. */
export interface StepMessage {
  readonly type: "step";
  /** The trainable weights after the previous step, in `model.trainableWeights` order. */
  readonly weights: readonly Float32Array[];
  readonly x: Float32Array;
  readonly xShape: readonly number[];
  readonly y: Float32Array;
  readonly classes: number;
  readonly start: number;
  readonly total: number;
  /** Training calls so far of each seeded dropout layer, in layer order: the step's masks follow from them. */
  readonly dropoutCalls: readonly number[];
}

/** What a worker computed: gradients of (sum of its rows' losses) / total, so that the shares add up to the batch mean's. */
export interface StepResult {
  readonly type: "result";
  readonly grads: readonly Float32Array[];
  readonly lossSum: number;
  readonly correct: number;
}

export type ToWorker = InitMessage | StepMessage;
export type FromWorker = { readonly type: "ready"; readonly summary: string } | StepResult | { readonly type: "error"; readonly message: string };
