/**
 * Saving a trained model to a directory and loading it back, on any backend.
 */
import * as tf from "@tensorflow/tfjs";
import { existsSync, statSync } from "node:fs";
import * as path from "node:path";
import { fileHandler, MODEL_JSON, readModelJson, WEIGHTS_BIN } from "./file-handler";
// The lessons' models use this custom layer; importing it registers it, so loadModel can read it.
import "../models/seeded-dropout";

/** What {@link saveModel} wrote. */
export interface SavedModelFiles {
  readonly dir: string;
  readonly modelJson: string;
  readonly weightsBin: string;
  /** Size of the weights file in bytes (4 per float32 parameter). */
  readonly weightBytes: number;
}

/** Options for {@link saveModel}. */
export interface SaveModelOptions {
  /** Small JSON-serialisable facts stored in model.json (`userDefinedMetadata`), e.g. test accuracy. */
  readonly metadata?: Readonly<Record<string, unknown>>;
}

/**
 * What is at `dir` now: nothing (`absent`), a saved model (`model`: it holds model.json) or a
 * folder without one (`folder`). Throws, naming the path, when `dir` is empty text, or when it
 * or a folder above it is a file — so a script can check its output before hours of training.
 */
export function modelFolderState(dir: string): "absent" | "model" | "folder" {
  if (typeof dir !== "string" || dir.trim() === "") throw new Error(`model folder must be a path, got ${JSON.stringify(dir)}`);
  const full = path.resolve(dir);
  for (let p = full; ; p = path.dirname(p)) {
    if (existsSync(p)) {
      if (!statSync(p).isDirectory()) {
        throw new Error(p === full ? `${dir} is a file, not a model folder` : `cannot make model folder ${dir}: ${p} is a file`);
      }
      break;
    }
    if (path.dirname(p) === p) break;
  }
  if (!existsSync(full)) return "absent";
  return existsSync(path.join(full, MODEL_JSON)) ? "model" : "folder";
}

/**
 * Writes `model` to `dir` as `model.json` + `weights.bin` (creating `dir`, replacing an
 * existing model there). Read it back with {@link loadModel}.
 */
export async function saveModel(model: tf.LayersModel, dir: string, options: SaveModelOptions = {}): Promise<SavedModelFiles> {
  modelFolderState(dir); // a bad path fails here, named, not as EEXIST/ENOENT from deep inside
  const handler = fileHandler(dir);
  const target: tf.io.IOHandler = options.metadata
    ? {
        save: (artifacts) =>
          handler.save!({
            ...artifacts,
            userDefinedMetadata: { ...(artifacts.userDefinedMetadata ?? {}), ...JSON.parse(JSON.stringify(options.metadata)) },
          }),
      }
    : handler;
  const result = await model.save(target);
  return {
    dir,
    modelJson: path.join(dir, MODEL_JSON),
    weightsBin: path.join(dir, WEIGHTS_BIN),
    weightBytes: result.modelArtifactsInfo.weightDataBytes ?? 0,
  };
}

/**
 * Loads a model saved by {@link saveModel} (or any tfjs layers model directory whose weights
 * sit beside model.json). The model comes back uncompiled unless it was saved compiled.
 * A missing or corrupt file gives an error naming the file and the problem.
 */
export async function loadModel(dir: string): Promise<tf.LayersModel> {
  return tf.loadLayersModel(fileHandler(dir));
}

/** The `metadata` stored by {@link saveModel}, read from `dir/model.json` without loading weights. */
export async function loadModelMetadata(dir: string): Promise<Record<string, unknown>> {
  return ((await readModelJson(dir)).userDefinedMetadata ?? {}) as Record<string, unknown>;
}
