import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import * as tf from "@tensorflow/tfjs";
import { spawn, spawnSync } from "node:child_process";
import { promises as fs } from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { selectBackend } from "../../src/backend/select";
import { MODEL_JSON, WEIGHTS_BIN, weightBytes } from "../../src/io/file-handler";
import { loadModel, loadModelMetadata, saveModel } from "../../src/io/model-files";
import { cnn } from "../../src/models/cnn";
import { deepCnn } from "../../src/models/deep-cnn";

let tmp: string;

before(async () => {
  await selectBackend();
  tmp = await fs.mkdtemp(path.join(os.tmpdir(), "tsdl-io-"));
});

after(async () => {
  await fs.rm(tmp, { recursive: true, force: true });
});

function predictions(model: tf.LayersModel, x: tf.Tensor): Float32Array {
  return tf.tidy(() => (model.predict(x) as tf.Tensor).dataSync() as Float32Array);
}

for (const [name, build] of [
  ["cnn", cnn],
  ["deep-cnn", deepCnn],
] as const) {
  test(`${name}: save then load gives identical predictions and weights`, async () => {
    const model = build({ seed: 4 });
    const dir = path.join(tmp, name);
    const start = tf.memory().numTensors;
    const saved = await saveModel(model, dir, { metadata: { testAccuracy: 0.5, model: name } });
    assert.equal(tf.memory().numTensors, start, "saving leaves no tensors behind");
    assert.equal(saved.weightBytes, 4 * model.countParams());
    assert.equal((await fs.stat(saved.weightsBin)).size, 4 * model.countParams());
    assert.deepEqual((await fs.readdir(dir)).sort(), [MODEL_JSON, WEIGHTS_BIN], "no temporary files left");

    const loaded = await loadModel(dir);
    assert.equal(tf.memory().numTensors, start + loaded.getWeights().length, "loading creates just the weights");
    assert.equal(loaded.countParams(), model.countParams());
    const x = tf.randomUniform([6, 28, 28, 1], 0, 1, "float32", 11);
    assert.deepEqual(predictions(loaded, x), predictions(model, x));
    model.getWeights().forEach((w, i) => assert.deepEqual(loaded.getWeights()[i]!.dataSync(), w.dataSync()));
    assert.deepEqual(await loadModelMetadata(dir), { testAccuracy: 0.5, model: name });
    const dropouts = (m: tf.LayersModel) =>
      m.layers.filter((l) => l.getClassName() === "SeededDropout").map((l) => [l.name, l.getConfig()["rate"], l.getConfig()["seed"]]);
    assert.equal(dropouts(loaded).length, 2);
    assert.deepEqual(dropouts(loaded), dropouts(model), "the seeded dropout layers come back with their rate and seed");
    x.dispose();
    model.dispose();
    loaded.dispose();
  });
}

test("saving again replaces the model in place", async () => {
  const dir = path.join(tmp, "replace");
  const a = cnn({ seed: 1 });
  const b = cnn({ seed: 2 });
  await saveModel(a, dir);
  await saveModel(b, dir);
  const loaded = await loadModel(dir);
  assert.deepEqual(loaded.getWeights()[0]!.dataSync(), b.getWeights()[0]!.dataSync());
  for (const m of [a, b, loaded]) m.dispose();
});

test("missing or corrupt files give errors that name the file and the problem", async () => {
  const start = tf.memory().numTensors;
  await assert.rejects(loadModel(path.join(tmp, "nowhere")), /No model file at .*nowhere\/model\.json \(file not found\)/);

  const dir = path.join(tmp, "corrupt");
  const model = cnn({ seed: 1 });
  await saveModel(model, dir);
  model.dispose();
  const json = await fs.readFile(path.join(dir, MODEL_JSON), "utf8");
  const bin = await fs.readFile(path.join(dir, WEIGHTS_BIN));

  await fs.writeFile(path.join(dir, WEIGHTS_BIN), bin.subarray(0, bin.length - 8));
  await assert.rejects(loadModel(dir), /hold 1424928 bytes but model\.json describes 1424936: the files are corrupt/);

  await fs.rm(path.join(dir, WEIGHTS_BIN));
  await assert.rejects(loadModel(dir), /No weights file at .*corrupt\/weights\.bin \(file not found\)/);
  await fs.writeFile(path.join(dir, WEIGHTS_BIN), bin);

  await fs.writeFile(path.join(dir, MODEL_JSON), json.slice(0, 100));
  await assert.rejects(loadModel(dir), /model\.json is not valid JSON .*: the model file is corrupt/);

  await fs.writeFile(path.join(dir, MODEL_JSON), JSON.stringify({ weightsManifest: [] }));
  await assert.rejects(loadModel(dir), /has no modelTopology: not a tfjs layers model file/);

  const parsed = JSON.parse(json);
  await fs.writeFile(path.join(dir, MODEL_JSON), JSON.stringify({ ...parsed, weightsManifest: "x" }));
  await assert.rejects(loadModel(dir), /has no valid weightsManifest/);

  parsed.weightsManifest[0].paths = ["../../etc/passwd"];
  await fs.writeFile(path.join(dir, MODEL_JSON), JSON.stringify(parsed));
  await assert.rejects(loadModel(dir), /names weights file "\.\.\/\.\.\/etc\/passwd" outside its directory/);
  assert.equal(tf.memory().numTensors, start, "failed loads leave no tensors");
});

test("weightBytes: 4 bytes per float32/int32 value, quantized sizes when quantized", () => {
  assert.equal(
    weightBytes([
      { name: "a", shape: [3, 3], dtype: "float32" },
      { name: "b", shape: [2], dtype: "int32" },
      { name: "c", shape: [5], dtype: "float32", quantization: { dtype: "uint8", scale: 1, min: 0 } },
    ]),
    9 * 4 + 2 * 4 + 5,
  );
  assert.throws(() => weightBytes([{ name: "s", shape: [1], dtype: "string" }]), /weight "s" has unsupported dtype "string"/);
});

test("saveModel into a file, below a file or to an empty path: a named error, nothing written", async () => {
  const file = path.join(tmp, "not-a-folder");
  await fs.writeFile(file, "x");
  const model = tf.sequential({ layers: [tf.layers.dense({ units: 2, inputShape: [3] })] });
  try {
    await assert.rejects(saveModel(model, file), /not-a-folder is a file, not a model folder/);
    await assert.rejects(saveModel(model, path.join(file, "m")), /cannot make model folder .*: .*not-a-folder is a file/);
    await assert.rejects(saveModel(model, ""), /model folder must be a path, got ""/);
    assert.equal(await fs.readFile(file, "utf8"), "x");
  } finally {
    model.dispose();
  }
});

test("saveModel's files are written into the folder in the same save; names that are not plain files are refused", async () => {
  const dir = path.join(tmp, "with-files");
  const model = tf.sequential({ layers: [tf.layers.dense({ units: 2, inputShape: [3] })] });
  try {
    await saveModel(model, dir, { files: { "member.json": '{"member":1}\n' } });
    assert.deepEqual((await fs.readdir(dir)).sort(), ["member.json", MODEL_JSON, WEIGHTS_BIN]);
    assert.equal(await fs.readFile(path.join(dir, "member.json"), "utf8"), '{"member":1}\n');
    await saveModel(model, dir);
    assert.deepEqual((await fs.readdir(dir)).sort(), [MODEL_JSON, WEIGHTS_BIN], "a new save replaces the folder as a whole");
    for (const name of [MODEL_JSON, WEIGHTS_BIN, "../x.json", "a/b.json", ".hidden"]) {
      await assert.rejects(
        saveModel(model, dir, { files: { [name]: "x" } }),
        /saveModel: files: ".*" must be a plain file name other than model\.json and weights\.bin/,
      );
    }
  } finally {
    model.dispose();
  }
});

/** The pid of a process that has exited (leftovers named after it belong to a killed save). */
function deadPid(): number {
  const r = spawnSync(process.execPath, ["-e", "process.stdout.write(String(process.pid))"], { encoding: "utf8" });
  return Number(r.stdout);
}

test("a save killed between its renames: the next load puts the old model back; the next save cleans every leftover", async () => {
  const parent = path.join(tmp, "recover");
  const dir = path.join(parent, "m");
  const model = tf.sequential({ layers: [tf.layers.dense({ units: 2, inputShape: [3] })] });
  try {
    await saveModel(model, dir, { metadata: { version: 1 } });
    const pid = deadPid();
    // What a kill between "dir → .m.old-…" and ".m.tmp-… → dir" leaves, plus a stale per-file temporary.
    await fs.rename(dir, path.join(parent, `.m.old-${pid}-1`));
    await fs.mkdir(path.join(parent, `.m.tmp-${pid}-2`));
    await fs.writeFile(path.join(parent, `.m.tmp-${pid}-2`, WEIGHTS_BIN), "half");
    const loaded = await loadModel(dir);
    loaded.dispose();
    assert.deepEqual(await loadModelMetadata(dir), { version: 1 }, "the previous model is back");
    await fs.writeFile(path.join(dir, `${WEIGHTS_BIN}.tmp-${pid}`), "stale");
    await saveModel(model, dir, { metadata: { version: 2 } });
    assert.deepEqual(await fs.readdir(parent), ["m"], "no sibling leftovers");
    assert.deepEqual((await fs.readdir(dir)).sort(), [MODEL_JSON, WEIGHTS_BIN], "no stale temporaries inside");
    assert.deepEqual(await loadModelMetadata(dir), { version: 2 });
  } finally {
    model.dispose();
  }
});

test("kill -9 during repeated saves: the folder always loads as one save, metadata matching weights", async () => {
  const dir = path.join(tmp, "killed");
  const modelFiles = require.resolve("../../src/io/model-files");
  // A 4 MB model saved over and over; version k has every weight equal to k and metadata { k }.
  const code = `
    const tf = require("@tensorflow/tfjs");
    const { saveModel } = require(${JSON.stringify(modelFiles)});
    (async () => {
      await tf.setBackend("cpu");
      const model = tf.sequential({ layers: [tf.layers.dense({ units: 1000, inputShape: [1000], useBias: false })] });
      for (let k = 1; ; k++) {
        model.setWeights([tf.fill([1000, 1000], k)]);
        await saveModel(model, ${JSON.stringify(dir)}, { metadata: { k } });
        if (k === 1) process.stdout.write("saved\\n");
      }
    })();`;
  for (let round = 0; round < 3; round++) {
    const child = spawn(process.execPath, ["-e", code], { stdio: ["ignore", "pipe", "inherit"] });
    await new Promise<void>((resolve) => child.stdout.once("data", () => resolve()));
    await new Promise((r) => setTimeout(r, 150 + 200 * Math.random()));
    child.kill("SIGKILL");
    await new Promise((r) => child.once("exit", r));
    const model = await loadModel(dir);
    try {
      const { k } = (await loadModelMetadata(dir)) as { k: number };
      const w = model.getWeights()[0]!.dataSync();
      assert.ok(k >= 1 && w[0] === k && w[w.length - 1] === k, `metadata says version ${k}, weights are ${w[0]}…${w[w.length - 1]}`);
    } finally {
      model.dispose();
    }
  }
});

test("weights.bin carries its SHA-256 in model.json: a damaged file of the right size is refused, a model saved before checksums loads", async () => {
  const dir = path.join(tmp, "checksum");
  const model = tf.sequential({ layers: [tf.layers.dense({ units: 4, inputShape: [3] })] });
  await saveModel(model, dir);
  const start = tf.memory().numTensors;
  const bin = path.join(dir, WEIGHTS_BIN);
  const good = await fs.readFile(bin);
  for (const bytes of [Buffer.alloc(good.length, 0xff), Buffer.alloc(good.length, 0)]) {
    await fs.writeFile(bin, bytes);
    await assert.rejects(loadModel(dir), /checksum\/weights\.bin does not match its checksum in model\.json: the model is damaged/);
  }
  assert.equal(tf.memory().numTensors, start, "failed loads leave no tensors");
  await fs.writeFile(bin, good);
  const json = JSON.parse(await fs.readFile(path.join(dir, MODEL_JSON), "utf8"));
  assert.match(json.sha256[WEIGHTS_BIN], /^[0-9a-f]{64}$/);
  delete json.sha256;
  await fs.writeFile(path.join(dir, MODEL_JSON), JSON.stringify(json));
  const loaded = await loadModel(dir);
  assert.deepEqual(loaded.getWeights()[0]!.dataSync(), model.getWeights()[0]!.dataSync(), "no checksum recorded: loads as before");
  loaded.dispose();
  model.dispose();
});
