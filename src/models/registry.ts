/**
 * The model registry: one name per lesson model, so scripts and notebooks can pick a model from
 * a string (`--model cnn`) and still get typed options.
 */
import type * as tf from "@tensorflow/tfjs";
import { parseName } from "../check";
import { cnn, type CnnOptions } from "./cnn";
import { deepCnn, type DeepCnnOptions } from "./deep-cnn";
import { mlp, type MlpOptions } from "./mlp";
import { softmaxRegression, type SoftmaxRegressionOptions } from "./softmax-regression";

/** Options of each registered model, by name. */
export interface ModelOptionsByName {
  softmax: SoftmaxRegressionOptions;
  mlp: MlpOptions;
  cnn: CnnOptions;
  "deep-cnn": DeepCnnOptions;
}

/** The registered model names. */
export type ModelName = keyof ModelOptionsByName;

const BUILDERS: { readonly [N in ModelName]: (options?: ModelOptionsByName[N]) => tf.Sequential } = {
  softmax: softmaxRegression,
  mlp,
  cnn,
  "deep-cnn": deepCnn,
};

/** All registered names, in lesson order. */
export const MODEL_NAMES: readonly ModelName[] = ["softmax", "mlp", "cnn", "deep-cnn"];

/** Parses a model name from user input; an unknown name throws, listing the valid ones. */
export function parseModelName(value: string): ModelName {
  return parseName(value, MODEL_NAMES, "model");
}

/**
 * Builds a registered model by name (uncompiled, like each builder).
 *
 * @example buildModel("cnn", { seed: 1 })
 */
export function buildModel<N extends ModelName>(name: N, options?: ModelOptionsByName[N]): tf.Sequential {
  const builder = BUILDERS[parseModelName(name)] as (options?: ModelOptionsByName[N]) => tf.Sequential;
  return builder(options);
}
