/**
 * A training checkpoint on disk: the {@link TrainingState} of a `fit` run and the settings it was
 * started with, in a folder beside the model folder the run will save to
 * (`results/models/cnn-full.checkpoint/` for `results/models/cnn-full/`):
 *
 *     state.json   the settings, the epochs' logs, the random streams' places, the tensor specs
 *     state.bin    the tensors (weights, optimizer slots), as tf.io.encodeWeights wrote them
 *
 * Written as a whole after every epoch (`writeFolderAtomically`): killed at any moment, it
 * leaves the previous epoch's checkpoint or this one, never a mix.
 */
import { existsSync, promises as fs, readFileSync } from "node:fs";
import * as path from "node:path";
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
}

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
  const file: CheckpointFile = { format: FORMAT, settings, state: rest, bytes: data.byteLength };
  await writeFolderAtomically(dir, async (tmp) => {
    await fs.writeFile(path.join(tmp, STATE_BIN), new Uint8Array(data));
    await fs.writeFile(path.join(tmp, STATE_JSON), `${JSON.stringify(file)}\n`);
  });
}

function readFile(dir: string): CheckpointFile | undefined {
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
  return json;
}

/**
 * The settings and epochs of the checkpoint in `dir` (small: read before any work starts), or
 * undefined when there is none. Throws, naming the folder, when it cannot be read.
 */
export function readCheckpointInfo(dir: string): CheckpointInfo | undefined {
  const file = readFile(dir);
  return file && { settings: file.settings, epochs: file.state.logs.length };
}

/** The training state in `dir`, for `fit`'s `resumeFrom`. Throws, naming the folder, when there is none or it is damaged. */
export async function loadCheckpoint(dir: string): Promise<TrainingState> {
  const file = readFile(dir);
  if (file === undefined) throw new Error(`there is no checkpoint at ${dir}`);
  const bytes = await fs.readFile(path.join(dir, STATE_BIN));
  if (bytes.byteLength !== file.bytes) {
    throw new Error(`${path.join(dir, STATE_BIN)} holds ${bytes.byteLength} bytes, its state.json says ${file.bytes}; remove the checkpoint to start over`);
  }
  const data = bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength);
  return { ...file.state, data };
}

/** Removes the checkpoint in `dir` (the run it belongs to has finished and logged its result). */
export async function removeCheckpoint(dir: string): Promise<void> {
  await fs.rm(dir, { recursive: true, force: true });
}
