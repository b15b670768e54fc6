/**
 * Optimizers by name, and changing an optimizer's learning rate without losing its state.
 *
 * Why not a new optimizer per epoch when the learning rate changes: Adam and RMSProp keep
 * running averages of the gradients (and Adam a step count for bias correction); a fresh
 * optimizer would throw them away every epoch. In tfjs 4.22, Adam/RMSProp read the public-in-JS
 * `learningRate` field at every update, while SGD multiplies by a cached scalar `c = −lr` that
 * only its `setLearningRate` refreshes — so each needs its own way of being told.
 */
import * as tf from "@tensorflow/tfjs";
import { parseName } from "../check";
import { FusedAdam } from "./fused-adam";

/** Optimizers that `fit` can create. */
export type OptimizerName = "adam" | "sgd" | "momentum" | "rmsprop";

/** All names, for help texts and errors. */
export const OPTIMIZER_NAMES: readonly OptimizerName[] = ["adam", "sgd", "momentum", "rmsprop"];

/** Momentum of the `momentum` optimizer (SGD with momentum): the usual 0.9. */
export const SGD_MOMENTUM = 0.9;

/** Parses an optimizer name from user input; an unknown name throws, listing the valid ones. */
export function parseOptimizerName(value: string): OptimizerName {
  return parseName(value, OPTIMIZER_NAMES, "optimizer");
}

function checkLr(lr: number): void {
  if (!(Number.isFinite(lr) && lr > 0)) throw new Error(`learning rate must be a positive number, got ${lr}`);
}

/** Creates an optimizer with tfjs's default hyper-parameters besides the learning rate. */
export function createOptimizer(name: OptimizerName, lr: number): tf.Optimizer {
  checkLr(lr);
  switch (name) {
    case "adam":
      return new FusedAdam(lr); // tfjs's Adam, bit for bit, with less overhead per step
    case "sgd":
      return tf.train.sgd(lr);
    case "momentum": {
      const optimizer = tf.train.momentum(lr, SGD_MOMENTUM);
      // tfjs 4.22's Momentum.dispose() skips SGD's: its learning-rate scalar `c` would leak.
      const disposeOwn = optimizer.dispose.bind(optimizer);
      optimizer.dispose = () => {
        disposeOwn();
        (optimizer as unknown as { c: tf.Scalar }).c.dispose();
      };
      return optimizer;
    }
    case "rmsprop":
      return tf.train.rmsprop(lr);
  }
}

/** The learning rate an optimizer uses now. */
export function getLearningRate(optimizer: tf.Optimizer): number {
  const lr = (optimizer as unknown as { learningRate?: unknown }).learningRate;
  if (typeof lr !== "number") throw new Error(`Optimizer ${optimizer.getClassName()} has no numeric learningRate`);
  return lr;
}

/**
 * Sets an optimizer's learning rate in place, keeping its accumulated state (moments, step
 * count). Works for tfjs's SGD (and Momentum, its subclass), Adam, RMSProp, Adagrad, Adadelta
 * and Adamax, which all read `learningRate` when they update.
 */
export function setLearningRate(optimizer: tf.Optimizer, lr: number): void {
  checkLr(lr);
  // Not `instanceof tf.SGDOptimizer`: tfjs makes instanceof duck-typed for optimizers, so
  // every optimizer would pass. SGD and Momentum are the ones with a setLearningRate method.
  const withSetter = optimizer as unknown as { setLearningRate?: (lr: number) => void };
  if (typeof withSetter.setLearningRate === "function") {
    withSetter.setLearningRate(lr);
    return;
  }
  getLearningRate(optimizer); // throws for an optimizer without the field
  (optimizer as unknown as { learningRate: number }).learningRate = lr;
}

/** Slot tensors each optimizer keeps per trained variable (Adam: m, v; momentum: velocity; RMSProp: mean square, moment). */
const SLOTS: Readonly<Record<OptimizerName, number>> = { adam: 2, sgd: 0, momentum: 1, rmsprop: 2 };

/** Adam's running powers β₁ᵗ⁺¹ and β₂ᵗ⁺¹ (private in tfjs's types, plain fields at run time). */
interface AdamPowers {
  readonly accBeta1: tf.Variable;
  readonly accBeta2: tf.Variable;
}

/**
 * An optimizer's state, as copies the caller disposes: the step count, its slots (in tfjs's
 * `getWeights` order) and, for Adam, its running powers of β₁ and β₂. Why those too: tfjs's
 * `setWeights` recomputes them as pow(β, t + 1), which is not bit for bit the product the run
 * accumulated step by step — a resumed run would drift from an uninterrupted one.
 */
export async function optimizerState(optimizer: tf.Optimizer, name: OptimizerName): Promise<tf.Tensor[]> {
  // The step count comes as a new scalar; the slots are the optimizer's live variables.
  const [iterations, ...slots] = await optimizer.getWeights();
  const powers = name === "adam" ? [(optimizer as unknown as AdamPowers).accBeta1, (optimizer as unknown as AdamPowers).accBeta2] : [];
  return [iterations!.tensor, ...slots.map((s) => s.tensor.clone()), ...powers.map((p) => p.clone())];
}

/**
 * Puts an {@link optimizerState} into a new optimizer `name` that trains `variables` variables.
 * Copies: the caller still disposes `state`. Throws when the count does not fit.
 */
export async function setOptimizerState(
  optimizer: tf.Optimizer,
  name: OptimizerName,
  variables: number,
  state: readonly tf.Tensor[],
): Promise<void> {
  const weights = 1 + SLOTS[name] * variables;
  const expected = weights + (name === "adam" ? 2 : 0);
  if (state.length !== expected) {
    throw new Error(`optimizer state: ${name} training ${variables} variables keeps ${expected} tensors, got ${state.length}`);
  }
  await optimizer.setWeights(state.slice(0, weights).map((tensor, i) => ({ name: i === 0 ? "iter" : `slot${i}`, tensor })));
  if (name === "adam") {
    const powers = optimizer as unknown as AdamPowers;
    powers.accBeta1.assign(state[weights]!);
    powers.accBeta2.assign(state[weights + 1]!);
  }
}
