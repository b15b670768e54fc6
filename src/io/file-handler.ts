/**
 * A tfjs IOHandler that reads and writes a model directory on the local disk — `model.json`
 * (topology + weights manifest, tfjs's standard layout) and one `weights.bin` — on every
 * backend. tfjs's own `file://` scheme lives in tfjs-node, which cannot be installed here.
 *
 * Files are written under a temporary name and renamed into place, so an interrupted save never
 * leaves a half-written model behind. model.json records the SHA-256 of weights.bin (`sha256`,
 * beside tfjs's own fields). Loading checks each file before tfjs sees it and says what is wrong
 * (missing file, invalid JSON, missing field, weights file of the wrong size or not matching its
 * checksum; models saved before checksums were recorded load without that check).
 */
import * as tf from "@tensorflow/tfjs";
import { createHash } from "node:crypto";
import { promises as fs } from "node:fs";
import * as path from "node:path";
import { writeFileNamed } from "./folders";

/** Name of the topology + manifest file in a model directory. */
export const MODEL_JSON = "model.json";
/** Name of the weights file in a model directory. */
export const WEIGHTS_BIN = "weights.bin";

/** Bytes per value of each dtype a weights file may hold (tfjs's DTYPE_VALUE_SIZE_MAP). */
const BYTES_PER_VALUE: Readonly<Record<string, number>> = {
  float32: 4,
  int32: 4,
  bool: 1,
  float16: 2,
  uint16: 2,
  uint8: 1,
  complex64: 8,
};

/** Bytes that the weights described by `specs` take in a weights file. */
export function weightBytes(specs: readonly tf.io.WeightsManifestEntry[]): number {
  let total = 0;
  for (const spec of specs) {
    const dtype = spec.quantization?.dtype ?? spec.dtype;
    const size = BYTES_PER_VALUE[dtype];
    if (size === undefined) throw new Error(`weight "${spec.name}" has unsupported dtype "${dtype}"`);
    total += spec.shape.reduce((a, b) => a * b, 1) * size;
  }
  return total;
}

/** The field of model.json that maps each weights file to its SHA-256 (hex); not one of tfjs's. */
const CHECKSUMS = "sha256";

/** SHA-256 of `data`, in hex. */
export function sha256(data: Uint8Array): string {
  return createHash("sha256").update(data).digest("hex");
}

async function writeAtomically(file: string, data: string | Uint8Array): Promise<void> {
  const tmp = `${file}.tmp-${process.pid}`;
  await writeFileNamed(tmp, data);
  await fs.rename(tmp, file);
}

async function readOrExplain(file: string, what: string): Promise<Buffer> {
  try {
    return await fs.readFile(file);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === "ENOENT") throw new Error(`No ${what} at ${file} (file not found)`);
    throw new Error(`Cannot read ${what} ${file}: ${(err as Error).message}`);
  }
}

function parseModelJson(text: string, file: string): tf.io.ModelJSON {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (err) {
    throw new Error(`${file} is not valid JSON (${(err as Error).message}): the model file is corrupt`);
  }
  const obj = json as Partial<tf.io.ModelJSON> | null;
  if (obj === null || typeof obj !== "object" || Array.isArray(obj)) {
    throw new Error(`${file} should hold a JSON object with modelTopology and weightsManifest`);
  }
  if (obj.modelTopology === undefined || obj.modelTopology === null || typeof obj.modelTopology !== "object") {
    throw new Error(`${file} has no modelTopology: not a tfjs layers model file`);
  }
  if (!Array.isArray(obj.weightsManifest) || !obj.weightsManifest.every((g) => Array.isArray(g?.paths) && Array.isArray(g?.weights))) {
    throw new Error(`${file} has no valid weightsManifest (a list of {paths, weights} groups)`);
  }
  return obj as tf.io.ModelJSON;
}

/** Resolves a weights path from the manifest, refusing anything that leaves the model directory. */
function weightsFile(dir: string, relative: string, jsonFile: string): string {
  if (path.isAbsolute(relative) || relative.split(/[\\/]/).includes("..")) {
    throw new Error(`${jsonFile} names weights file "${relative}" outside its directory`);
  }
  return path.join(dir, relative);
}

/** Reads and checks `dir/model.json` (topology and manifest; the weights are not read). */
export async function readModelJson(dir: string): Promise<tf.io.ModelJSON> {
  const jsonFile = path.join(dir, MODEL_JSON);
  return parseModelJson((await readOrExplain(jsonFile, "model file")).toString("utf8"), jsonFile);
}

/**
 * An IOHandler for the model directory `dir`: pass it to `model.save(...)` or
 * `tf.loadLayersModel(...)`. Saving creates `dir` if needed and replaces an existing model.
 */
export function fileHandler(dir: string): tf.io.IOHandler {
  const jsonFile = path.join(dir, MODEL_JSON);
  return {
    async save(artifacts: tf.io.ModelArtifacts): Promise<tf.io.SaveResult> {
      if (artifacts.modelTopology instanceof ArrayBuffer || artifacts.modelTopology === undefined) {
        throw new Error("fileHandler saves layers models (JSON topology) only");
      }
      const weights = artifacts.weightData === undefined ? new ArrayBuffer(0) : tf.io.CompositeArrayBuffer.join(artifacts.weightData);
      const specs = artifacts.weightSpecs ?? [];
      const modelJson: tf.io.ModelJSON & { [CHECKSUMS]: Record<string, string> } = {
        modelTopology: artifacts.modelTopology,
        format: artifacts.format ?? "layers-model",
        generatedBy: artifacts.generatedBy ?? `TensorFlow.js tfjs-layers v${tf.version.tfjs}`,
        convertedBy: artifacts.convertedBy ?? null,
        weightsManifest: [{ paths: [WEIGHTS_BIN], weights: specs }],
        [CHECKSUMS]: { [WEIGHTS_BIN]: sha256(new Uint8Array(weights)) },
        ...(artifacts.trainingConfig ? { trainingConfig: artifacts.trainingConfig } : {}),
        ...(artifacts.userDefinedMetadata ? { userDefinedMetadata: artifacts.userDefinedMetadata } : {}),
      };
      await fs.mkdir(dir, { recursive: true });
      // Weights first: a model.json that exists always has its weights beside it.
      await writeAtomically(path.join(dir, WEIGHTS_BIN), new Uint8Array(weights));
      await writeAtomically(jsonFile, JSON.stringify(modelJson));
      return {
        modelArtifactsInfo: {
          dateSaved: new Date(),
          modelTopologyType: "JSON",
          modelTopologyBytes: JSON.stringify(artifacts.modelTopology).length,
          weightSpecsBytes: JSON.stringify(specs).length,
          weightDataBytes: weights.byteLength,
        },
      };
    },

    async load(): Promise<tf.io.ModelArtifacts> {
      const modelJson = await readModelJson(dir);
      const checksums = (modelJson as { [CHECKSUMS]?: Record<string, unknown> })[CHECKSUMS] ?? {};
      return tf.io.getModelArtifactsForJSON(modelJson, async (manifest) => {
        const specs: tf.io.WeightsManifestEntry[] = [];
        const buffers: ArrayBuffer[] = [];
        for (const group of manifest) {
          const groupBuffers: Buffer[] = [];
          for (const relative of group.paths) {
            groupBuffers.push(await readOrExplain(weightsFile(dir, relative, jsonFile), "weights file"));
          }
          const got = groupBuffers.reduce((sum, b) => sum + b.byteLength, 0);
          const expected = weightBytes(group.weights);
          if (got !== expected) {
            throw new Error(
              `Weights file(s) ${group.paths.join(", ")} in ${dir} hold ${got} bytes but ${MODEL_JSON} describes ${expected}: the files are corrupt or from different saves`,
            );
          }
          group.paths.forEach((relative, i) => {
            const recorded = checksums[relative];
            if (recorded !== undefined && recorded !== sha256(groupBuffers[i]!)) {
              throw new Error(
                `${weightsFile(dir, relative, jsonFile)} does not match its checksum in ${MODEL_JSON}: the model is damaged; save or train it again`,
              );
            }
          });
          specs.push(...group.weights);
          // Copy into fresh ArrayBuffers: a Node Buffer may be a view into a larger shared pool.
          for (const b of groupBuffers) buffers.push(new Uint8Array(b).slice().buffer);
        }
        return [specs, tf.io.CompositeArrayBuffer.join(buffers)];
      });
    },
  };
}
