/**
 * Saving a trained model to a directory and loading it back, on any backend.
 */
import * as tf from "@tensorflow/tfjs";
import { existsSync, promises as fs, statSync } from "node:fs";
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

/** Is process `pid` still running? (Leftovers of a live save are not ours to touch.) */
function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === "EPERM";
  }
}

/** `.<name>.tmp-<pid>-<n>` / `.<name>.old-<pid>-<n>`: the siblings a save of `<name>` works with. */
function sibling(dir: string, kind: "tmp" | "old"): string {
  return path.join(path.dirname(dir), `.${path.basename(dir)}.${kind}-${process.pid}-${Date.now()}`);
}

/**
 * Cleans up after saves of `dir` that were killed: their temporary folders (and the per-file
 * temporaries of older versions) are removed, and when the kill fell between the two renames
 * of a replacement — `dir` gone, the previous model set aside — that model is put back.
 */
async function recoverModelFolder(dir: string): Promise<void> {
  const parent = path.dirname(dir);
  const prefix = `.${path.basename(dir)}.`;
  const names = existsSync(parent) ? await fs.readdir(parent) : [];
  for (const name of names) {
    const m = /^(tmp|old)-(\d+)-\d+$/.exec(name.startsWith(prefix) ? name.slice(prefix.length) : "");
    if (!m || alive(Number(m[2]))) continue;
    const leftover = path.join(parent, name);
    if (m[1] === "old" && !existsSync(dir)) await fs.rename(leftover, dir);
    else await fs.rm(leftover, { recursive: true, force: true });
  }
  if (existsSync(dir) && statSync(dir).isDirectory()) {
    for (const name of await fs.readdir(dir)) {
      const m = /\.tmp-(\d+)$/.exec(name);
      if (m && !alive(Number(m[1]))) await fs.rm(path.join(dir, name), { force: true });
    }
  }
}

/**
 * Writes `model` to `dir` as `model.json` + `weights.bin` (creating `dir`, replacing an
 * existing model there). Read it back with {@link loadModel}.
 *
 * Atomic as a whole: the files are written into a temporary sibling folder, which then takes
 * `dir`'s place by renames. Killed at any moment, a save leaves either the old model or the new
 * one — never the old model.json with new weights — and the next save or load cleans up.
 */
export async function saveModel(model: tf.LayersModel, dir: string, options: SaveModelOptions = {}): Promise<SavedModelFiles> {
  modelFolderState(dir); // a bad path fails here, named, not as EEXIST/ENOENT from deep inside
  await fs.mkdir(path.dirname(path.resolve(dir)), { recursive: true });
  await recoverModelFolder(path.resolve(dir));
  const tmp = sibling(path.resolve(dir), "tmp");
  const handler = fileHandler(tmp);
  const target: tf.io.IOHandler = options.metadata
    ? {
        save: (artifacts) =>
          handler.save!({
            ...artifacts,
            userDefinedMetadata: { ...(artifacts.userDefinedMetadata ?? {}), ...JSON.parse(JSON.stringify(options.metadata)) },
          }),
      }
    : handler;
  let result: tf.io.SaveResult;
  let old: string | undefined;
  try {
    result = await model.save(target);
    if (existsSync(dir)) {
      old = sibling(path.resolve(dir), "old");
      await fs.rename(dir, old);
    }
    await fs.rename(tmp, dir);
  } catch (err) {
    await fs.rm(tmp, { recursive: true, force: true });
    if (old !== undefined && !existsSync(dir)) await fs.rename(old, dir); // the previous model stays
    throw err;
  }
  if (old !== undefined) await fs.rm(old, { recursive: true, force: true });
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
  await recoverModelFolder(path.resolve(dir));
  return tf.loadLayersModel(fileHandler(dir));
}

/** The `metadata` stored by {@link saveModel}, read from `dir/model.json` without loading weights. */
export async function loadModelMetadata(dir: string): Promise<Record<string, unknown>> {
  return ((await readModelJson(dir)).userDefinedMetadata ?? {}) as Record<string, unknown>;
}
