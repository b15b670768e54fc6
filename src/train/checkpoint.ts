/**
 * A training checkpoint on disk: the {@link TrainingState} of a `fit` run and the settings it was
 * started with, in a folder beside the model folder the run will save to
 * (`results/models/cnn-full.checkpoint/` for `results/models/cnn-full/`):
 *
 *     state.json   the settings, the epochs' logs, the random streams' places, the tensor specs
 *     state.bin    the tensors (weights, optimizer slots), as tf.io.encodeWeights wrote them
 *
 * Written as a whole after every epoch (`writeFolderAtomically`): killed at any moment, it
 * leaves the previous epoch's checkpoint or this one, never a mix. state.json records state.bin's
 * SHA-256, checked whenever the checkpoint is read (checkpoints written before that was recorded
 * are checked by size only): a damaged state.bin is an error, never a run that trains on noise.
 */
import { existsSync, promises as fs, readFileSync } from "node:fs";
import * as path from "node:path";
import { sha256 } from "../io/file-handler";
import { writeFileNamed, type FolderKind } from "../io/folders";
import { writeFolderAtomically } from "../io/model-files";
import type { TrainingState } from "./training-state";

const STATE_JSON = "state.json";
const STATE_BIN = "state.bin";
const FORMAT = 1;

/** What state.json holds. */
interface CheckpointFile {
  readonly format: number;
  /** What the run was asked to do (compared by the caller before it resumes). */
  readonly settings: Readonly<Record<string, unknown>>;
  /** The state without its tensor bytes. */
  readonly state: Omit<TrainingState, "data">;
  /** Length of state.bin, checked on load. */
  readonly bytes: number;
  /** SHA-256 of state.bin (hex), checked on load; absent in checkpoints written before it was recorded. */
  readonly sha256?: string;
}

/** A checkpoint folder, as the rule for what a save may replace recognises it (see ../io/folders). */
export const CHECKPOINT_FOLDER: FolderKind = { what: "checkpoint", marker: STATE_JSON, allows: (name) => name === STATE_BIN };

/** What {@link readCheckpointInfo} tells without loading the tensors. */
export interface CheckpointInfo {
  readonly settings: Readonly<Record<string, unknown>>;
  /** Epochs finished. */
  readonly epochs: number;
}

/** The checkpoint folder of a run that saves its model to `modelDir`: `<modelDir>.checkpoint`. */
export function checkpointDir(modelDir: string): string {
  return `${path.resolve(modelDir)}.checkpoint`;
}

/** Saves `state` and `settings` (plain JSON) to `dir`, replacing the checkpoint there as a whole. */
export async function saveCheckpoint(dir: string, state: TrainingState, settings: Readonly<Record<string, unknown>>): Promise<void> {
  const { data, ...rest } = state;
  const bytes = new Uint8Array(data);
  const file: CheckpointFile = { format: FORMAT, settings, state: rest, bytes: data.byteLength, sha256: sha256(bytes) };
  await writeFolderAtomically(dir, CHECKPOINT_FOLDER, async (tmp) => {
    await writeFileNamed(path.join(tmp, STATE_BIN), bytes);
    await writeFileNamed(path.join(tmp, STATE_JSON), `${JSON.stringify(file)}\n`);
  });
}

/** state.json of the checkpoint in `dir` and state.bin's bytes, checked against it; undefined when there is none. */
function readFile(dir: string): { json: CheckpointFile; bin: Buffer } | undefined {
  if (!existsSync(dir)) return undefined;
  const file = path.join(dir, STATE_JSON);
  let json: CheckpointFile;
  try {
    json = JSON.parse(readFileSync(file, "utf8")) as CheckpointFile;
  } catch (err) {
    throw new Error(`the checkpoint ${dir} cannot be read (${(err as Error).message}); remove it to start over`);
  }
  if (json?.format !== FORMAT || typeof json.settings !== "object" || !Array.isArray(json.state?.logs)) {
    throw new Error(`${file} is not a checkpoint of this version (format ${FORMAT}); remove it to start over`);
  }
  const binFile = path.join(dir, STATE_BIN);
  let bin: Buffer;
  try {
    bin = readFileSync(binFile);
  } catch (err) {
    throw new Error(`the checkpoint ${dir} cannot be read (${(err as Error).message}); remove it to start over`);
  }
  if (bin.byteLength !== json.bytes) {
    throw new Error(`${binFile} holds ${bin.byteLength} bytes, its state.json says ${json.bytes}; remove the checkpoint to start over`);
  }
  if (json.sha256 !== undefined && sha256(bin) !== json.sha256) {
    throw new Error(`${binFile} does not match its checksum: the checkpoint is damaged; remove ${dir} to start over`);
  }
  return { json, bin };
}

/**
 * The settings and epochs of the checkpoint in `dir` (read, and state.bin checked, before any
 * work starts), or undefined when there is none. Throws, naming the file, when it cannot be read
 * or is damaged.
 */
export function readCheckpointInfo(dir: string): CheckpointInfo | undefined {
  const file = readFile(dir)?.json;
  return file && { settings: file.settings, epochs: file.state.logs.length };
}

/** The training state in `dir`, for `fit`'s `resumeFrom`. Throws, naming the folder, when there is none or it is damaged. */
export async function loadCheckpoint(dir: string): Promise<TrainingState> {
  const file = readFile(dir);
  if (file === undefined) throw new Error(`there is no checkpoint at ${dir}`);
  const { json, bin } = file;
  const data = bin.buffer.slice(bin.byteOffset, bin.byteOffset + bin.byteLength) as ArrayBuffer;
  return { ...json.state, data };
}

/** Removes the checkpoint in `dir` (the run it belongs to has finished and logged its result). */
export async function removeCheckpoint(dir: string): Promise<void> {
  await fs.rm(dir, { recursive: true, force: true });
}
