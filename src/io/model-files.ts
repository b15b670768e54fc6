/**
 * Saving a trained model to a directory and loading it back, on any backend.
 */
import * as tf from "@tensorflow/tfjs";
import { existsSync, promises as fs, statSync } from "node:fs";
import * as path from "node:path";
import { fileHandler, MODEL_JSON, readModelJson, WEIGHTS_BIN } from "./file-handler";
import { processAlive, replaceableFolder, writeFileNamed, type FolderKind } from "./folders";
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
  /** Small JSON files (name → text, names ending in .json) written beside model.json in the same atomic save, e.g. an ensemble member's record. */
  readonly files?: Readonly<Record<string, string>>;
}

/**
 * A saved model's folder, as {@link replaceableFolder} recognises it: model.json, weights.bin
 * and the small JSON records saved beside them (an ensemble member's member.json, the demo's
 * demo.json) — plain files only.
 */
export const MODEL_FOLDER: FolderKind = {
  what: "model",
  marker: MODEL_JSON,
  allows: (name) => name === WEIGHTS_BIN || name.endsWith(".json"),
};

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
    if (!m || processAlive(Number(m[2]))) continue;
    const leftover = path.join(parent, name);
    if (m[1] === "old" && !existsSync(dir)) await fs.rename(leftover, dir);
    else await fs.rm(leftover, { recursive: true, force: true });
  }
  if (existsSync(dir) && statSync(dir).isDirectory()) {
    for (const name of await fs.readdir(dir)) {
      const m = /\.tmp-(\d+)$/.exec(name);
      if (m && !processAlive(Number(m[1]))) await fs.rm(path.join(dir, name), { force: true });
    }
  }
}

/**
 * Fills the folder `dir` as a whole: `fill` writes into a new temporary sibling folder, which
 * then takes `dir`'s place by renames (replacing what was there: only an empty folder or one of
 * `kind`, see {@link replaceableFolder}; anything else is an error before any write). Killed at any moment, this
 * leaves either the old folder or the new one, and the next write (or {@link loadModel}) of
 * `dir` cleans up. Returns what `fill` returned.
 */
export async function writeFolderAtomically<T>(dir: string, kind: FolderKind, fill: (tmp: string) => Promise<T>): Promise<T> {
  replaceableFolder(dir, kind);
  const full = path.resolve(dir);
  await fs.mkdir(path.dirname(full), { recursive: true });
  await recoverModelFolder(full);
  const tmp = sibling(full, "tmp");
  let result: T;
  let old: string | undefined;
  try {
    await fs.mkdir(tmp);
    result = await fill(tmp);
    if (existsSync(full)) {
      old = sibling(full, "old");
      await fs.rename(full, old);
    }
    await fs.rename(tmp, full);
  } catch (err) {
    await fs.rm(tmp, { recursive: true, force: true });
    if (old !== undefined && !existsSync(full)) await fs.rename(old, full); // the previous folder stays
    throw err;
  }
  if (old !== undefined) await fs.rm(old, { recursive: true, force: true });
  return result;
}

/**
 * Writes `model` to `dir` as `model.json` + `weights.bin` (creating `dir`, replacing an
 * existing model there — never a folder that is not a saved model: {@link MODEL_FOLDER}). Read it
 * back with {@link loadModel}.
 *
 * Atomic as a whole ({@link writeFolderAtomically}): killed at any moment, a save leaves either
 * the old model or the new one — never the old model.json with new weights.
 */
export async function saveModel(model: tf.LayersModel, dir: string, options: SaveModelOptions = {}): Promise<SavedModelFiles> {
  replaceableFolder(dir, MODEL_FOLDER); // a bad path fails here, named, before the model is serialised
  const files = Object.entries(options.files ?? {});
  for (const [name] of files) {
    // .json: what MODEL_FOLDER recognises, so the next save may replace the folder.
    if (name !== path.basename(name) || name.startsWith(".") || name === MODEL_JSON || !name.endsWith(".json")) {
      throw new Error(`saveModel: files: "${name}" must be a plain file name other than ${MODEL_JSON} and ${WEIGHTS_BIN}, ending in .json`);
    }
  }
  const target = (tmp: string): tf.io.IOHandler => {
    const handler = fileHandler(tmp);
    if (!options.metadata) return handler;
    const metadata = JSON.parse(JSON.stringify(options.metadata));
    return {
      save: (artifacts) => handler.save!({ ...artifacts, userDefinedMetadata: { ...(artifacts.userDefinedMetadata ?? {}), ...metadata } }),
    };
  };
  const result = await writeFolderAtomically(dir, MODEL_FOLDER, async (tmp) => {
    const saved = await model.save(target(tmp));
    for (const [name, text] of files) await writeFileNamed(path.join(tmp, name), text);
    return saved;
  });
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
