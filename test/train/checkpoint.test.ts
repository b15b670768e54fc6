import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { promises as fs } from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import * as tf from "@tensorflow/tfjs";
import { selectBackend } from "../../src/backend/select";
import type { Dataset } from "../../src/data/dataset";
import { softmaxRegression } from "../../src/models/softmax-regression";
import { checkpointDir, loadCheckpoint, readCheckpointInfo, removeCheckpoint, saveCheckpoint } from "../../src/train/checkpoint";
import { fit, type FitOptions } from "../../src/train/fit";
import type { TrainingState } from "../../src/train/training-state";
import { squaresDataset } from "./synthetic";

let tmp: string;
let train: Dataset;

before(async () => {
  await selectBackend();
  tmp = await fs.mkdtemp(path.join(os.tmpdir(), "tsdl-checkpoint-"));
  train = squaresDataset(200, 3);
});

after(async () => {
  train.dispose();
  await fs.rm(tmp, { recursive: true, force: true });
});

const OPTIONS: FitOptions = { epochs: 3, batchSize: 25, lr: 0.01, seed: 2, augment: {}, progress: false };
const SETTINGS = { model: "softmax", epochs: 3, augment: true };

/** The pid of a process that has exited (leftovers named after it belong to a killed write). */
function deadPid(): number {
  return Number(spawnSync(process.execPath, ["-e", "process.stdout.write(String(process.pid))"], { encoding: "utf8" }).stdout);
}

test("a checkpoint saved after each epoch reads back as the state fit reported, and resumes to the same weights", async () => {
  const dir = checkpointDir(path.join(tmp, "softmax-fast"));
  assert.equal(dir, path.join(tmp, "softmax-fast.checkpoint"));
  assert.equal(readCheckpointInfo(dir), undefined, "none yet");
  const start = tf.memory().numTensors;

  const whole = softmaxRegression({ seed: 1 });
  await fit(whole, { train }, OPTIONS);
  const stopped = softmaxRegression({ seed: 1 });
  let reported: TrainingState | undefined;
  await assert.rejects(
    fit(
      stopped,
      { train },
      {
        ...OPTIONS,
        onState: async (state) => {
          await saveCheckpoint(dir, state, SETTINGS);
          reported = state;
          if (state.logs.length === 2) throw new Error("interrupted");
        },
      },
    ),
    /interrupted/,
  );
  stopped.dispose();
  assert.deepEqual(readCheckpointInfo(dir), { settings: SETTINGS, epochs: 2 });
  assert.deepEqual((await fs.readdir(tmp)).sort(), ["softmax-fast.checkpoint"], "one folder, replaced as a whole each epoch");
  const loaded = await loadCheckpoint(dir);
  const { data, ...fields } = loaded;
  const { data: reportedData, ...reportedFields } = reported!;
  assert.deepEqual(fields, reportedFields);
  assert.ok(Buffer.from(data).equals(Buffer.from(reportedData)), "the same tensor bytes");

  const resumed = softmaxRegression({ seed: 1 });
  await fit(resumed, { train }, { ...OPTIONS, resumeFrom: loaded });
  assert.deepEqual(
    resumed.getWeights().map((w) => Array.from(w.dataSync())),
    whole.getWeights().map((w) => Array.from(w.dataSync())),
  );
  whole.dispose();
  resumed.dispose();
  assert.equal(tf.memory().numTensors, start, "no tensor leaked");

  await removeCheckpoint(dir);
  assert.equal(readCheckpointInfo(dir), undefined);
  await assert.rejects(loadCheckpoint(dir), /there is no checkpoint at .*softmax-fast\.checkpoint/);
});

test("a checkpoint write killed half way is cleaned up by the next; a damaged checkpoint is an error naming it", async () => {
  const dir = checkpointDir(path.join(tmp, "damaged"));
  const state: TrainingState = {
    logs: [{ epoch: 0, loss: 1, acc: 0.5, lr: 0.01, seconds: 1, samplesPerSecond: 200 }],
    optimizer: "sgd",
    augmentRandom: 7,
    dropoutCalls: [],
    earlyStopping: null,
    specs: [{ name: "model/0", shape: [2], dtype: "float32" }],
    data: new Float32Array([1, 2]).buffer,
  };
  const leftover = path.join(tmp, `.damaged.checkpoint.tmp-${deadPid()}-1`);
  await fs.mkdir(leftover);
  await fs.writeFile(path.join(leftover, "state.bin"), "half");
  await saveCheckpoint(dir, state, SETTINGS);
  assert.ok(!(await fs.readdir(tmp)).some((name) => name.startsWith(".damaged")), "the killed write's folder is gone");
  assert.deepEqual(Array.from(new Float32Array((await loadCheckpoint(dir)).data)), [1, 2]);

  await fs.writeFile(path.join(dir, "state.bin"), "short");
  await assert.rejects(
    loadCheckpoint(dir),
    /damaged\.checkpoint\/state\.bin holds 5 bytes, its state\.json says 8; remove the checkpoint to start over/,
  );
  await fs.writeFile(path.join(dir, "state.json"), "{ not json");
  assert.throws(() => readCheckpointInfo(dir), /the checkpoint .*damaged\.checkpoint cannot be read \(.*\); remove it to start over/);
  await fs.writeFile(path.join(dir, "state.json"), JSON.stringify({ format: 0 }));
  assert.throws(() => readCheckpointInfo(dir), /state\.json is not a checkpoint of this version \(format 1\); remove it to start over/);
});

test("a state.bin replaced by random, zero or 0xFF bytes of the same size is refused by its checksum, before any training", async () => {
  const dir = checkpointDir(path.join(tmp, "checksum"));
  const state: TrainingState = {
    logs: [{ epoch: 0, loss: 1, acc: 0.5, lr: 0.01, seconds: 1, samplesPerSecond: 200 }],
    optimizer: "sgd",
    augmentRandom: null,
    dropoutCalls: [],
    earlyStopping: null,
    specs: [{ name: "model/0", shape: [64], dtype: "float32" }],
    data: Float32Array.from({ length: 64 }, (_, i) => i / 7).buffer,
  };
  await saveCheckpoint(dir, state, SETTINGS);
  const bin = path.join(dir, "state.bin");
  const good = await fs.readFile(bin);
  for (const [what, bytes] of [
    ["random", Buffer.from(Array.from({ length: good.length }, (_, i) => (i * 73 + 19) % 256))],
    ["zero", Buffer.alloc(good.length, 0)],
    ["0xFF", Buffer.alloc(good.length, 0xff)],
  ] as const) {
    await fs.writeFile(bin, bytes);
    const message =
      /checksum\.checkpoint\/state\.bin does not match its checksum: the checkpoint is damaged; remove .*checksum\.checkpoint to start over/;
    assert.throws(() => readCheckpointInfo(dir), message, what);
    await assert.rejects(loadCheckpoint(dir), message, what);
  }
  // A checkpoint written before checksums were recorded: checked by size only, still resumable.
  await fs.writeFile(bin, good);
  const json = JSON.parse(await fs.readFile(path.join(dir, "state.json"), "utf8"));
  assert.match(json.sha256, /^[0-9a-f]{64}$/);
  delete json.sha256;
  await fs.writeFile(path.join(dir, "state.json"), JSON.stringify(json));
  assert.deepEqual(new Float32Array((await loadCheckpoint(dir)).data), new Float32Array(state.data));
});

test("a checkpoint is never written over a folder that is not a checkpoint, nor through a symbolic link", async () => {
  const dir = path.join(tmp, "thesis.checkpoint");
  await fs.mkdir(path.join(dir, "chapters"), { recursive: true });
  await fs.writeFile(path.join(dir, "thesis.txt"), "years of work");
  const state: TrainingState = {
    logs: [],
    optimizer: "sgd",
    augmentRandom: null,
    dropoutCalls: [],
    earlyStopping: null,
    specs: [],
    data: new ArrayBuffer(0),
  };
  await assert.rejects(
    saveCheckpoint(dir, state, SETTINGS),
    /thesis\.checkpoint is not a checkpoint folder \(it holds (chapters\/, thesis\.txt|thesis\.txt, chapters\/)\)/,
  );
  assert.equal(await fs.readFile(path.join(dir, "thesis.txt"), "utf8"), "years of work");
  const link = path.join(tmp, "link.checkpoint");
  await fs.symlink(dir, link);
  await assert.rejects(saveCheckpoint(link, state, SETTINGS), /link\.checkpoint is a symbolic link \(to .*thesis\.checkpoint\)/);
  assert.ok((await fs.lstat(link)).isSymbolicLink(), "the link is left as it was");
});
