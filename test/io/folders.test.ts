// What a save may replace (src/io/folders.ts), against real folders in a temporary directory:
// the project root in these tests is a fake one (TSDL_PROJECT_ROOT), so a failing check can
// never reach the real project.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import * as tf from "@tensorflow/tfjs";
import { spawnSync } from "node:child_process";
import { existsSync, promises as fs, readFileSync } from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { selectBackend } from "../../src/backend/select";
import { PROJECT_ROOT_ENV, projectRoot } from "../../src/data/paths";
import { replaceableFolder, writeFileNamed } from "../../src/io/folders";
import { MODEL_FOLDER, saveModel } from "../../src/io/model-files";
import { CHECKPOINT_FOLDER, loadCheckpoint, saveCheckpoint } from "../../src/train/checkpoint";
import type { TrainingState } from "../../src/train/training-state";

let tmp: string;
let fakeRoot: string;
const savedRoot = process.env[PROJECT_ROOT_ENV];

before(async () => {
  await selectBackend();
  tmp = await fs.mkdtemp(path.join(os.tmpdir(), "tsdl-folders-"));
  fakeRoot = path.join(tmp, "project");
  await fs.mkdir(path.join(fakeRoot, "src"), { recursive: true });
  await fs.writeFile(path.join(fakeRoot, "package.json"), "{}\n");
  await fs.writeFile(path.join(fakeRoot, "src", "index.ts"), "// sentinel\n");
  process.env[PROJECT_ROOT_ENV] = fakeRoot;
});

after(async () => {
  if (savedRoot === undefined) delete process.env[PROJECT_ROOT_ENV];
  else process.env[PROJECT_ROOT_ENV] = savedRoot;
  await fs.rm(tmp, { recursive: true, force: true });
});

const tiny = () => tf.sequential({ layers: [tf.layers.dense({ units: 2, inputShape: [3] })] });

test("never the project root, a folder above it, the current folder or the home folder; never empty text", async () => {
  assert.equal(projectRoot(), fakeRoot, "the tests' project root is the fake one");
  assert.throws(() => replaceableFolder("", MODEL_FOLDER), /the model folder must be a path, got "" \(empty\)/);
  assert.throws(() => replaceableFolder("  ", MODEL_FOLDER), /got " {2}" \(empty\)/);
  assert.throws(
    () => replaceableFolder(fakeRoot, MODEL_FOLDER),
    /project is the project root: a save replaces its folder as a whole, so it never writes there/,
  );
  assert.throws(() => replaceableFolder(".", MODEL_FOLDER, fakeRoot), /^Error: \. is the project root/);
  assert.throws(() => replaceableFolder(tmp, MODEL_FOLDER), /holds the project root \(.*project\)/);
  assert.throws(() => replaceableFolder("/", MODEL_FOLDER), /^Error: \/ holds the project root/);
  assert.throws(() => replaceableFolder(path.join(fakeRoot, "src", ".."), MODEL_FOLDER), /is the project root/, "the path is normalised");
  assert.throws(() => replaceableFolder(process.cwd(), MODEL_FOLDER), /is the current folder|holds the current folder/);
  assert.throws(() => replaceableFolder(os.homedir(), MODEL_FOLDER), /is the home folder|holds the/);
  // Inside the project: src/ is a folder of its own, not a saved model.
  assert.throws(
    () => replaceableFolder("src", MODEL_FOLDER, fakeRoot),
    /^Error: src is not a model folder \(it holds index\.ts\): a save would replace it as a whole, so it is left alone, --overwrite or not/,
  );
  const model = tiny();
  try {
    await assert.rejects(saveModel(model, fakeRoot), /is the project root/);
    await assert.rejects(saveModel(model, path.join(fakeRoot, "src")), /src is not a model folder/);
    await assert.rejects(saveModel(model, ""), /model folder must be a path, got ""/);
  } finally {
    model.dispose();
  }
  assert.equal(readFileSync(path.join(fakeRoot, "src", "index.ts"), "utf8"), "// sentinel\n", "nothing replaced");
  assert.deepEqual((await fs.readdir(fakeRoot)).sort(), ["package.json", "src"]);
});

test("an existing folder is replaced only when empty or recognisably a saved model, --overwrite or not", async () => {
  const thesis = path.join(tmp, "thesis");
  await fs.mkdir(path.join(thesis, "figures"), { recursive: true });
  await fs.writeFile(path.join(thesis, "thesis.txt"), "years of work");
  assert.throws(
    () => replaceableFolder(thesis, MODEL_FOLDER),
    /thesis is not a model folder \(it holds (figures\/, thesis\.txt|thesis\.txt, figures\/)\)/,
  );

  const models = path.join(tmp, "results", "models");
  const model = tiny();
  try {
    await saveModel(model, path.join(models, "a"));
    await saveModel(model, path.join(models, "b"), { files: { "member.json": "{}\n" } });
    assert.equal(replaceableFolder(path.join(models, "b"), MODEL_FOLDER), "ours", "model.json, weights.bin, member.json");
    assert.throws(
      () => replaceableFolder(models, MODEL_FOLDER),
      /models is not a model folder \(it holds a\/, b\/\)/,
      "a folder of saved models is not one",
    );
    await assert.rejects(saveModel(model, models), /models is not a model folder/);
    await assert.rejects(saveModel(model, thesis), /thesis is not a model folder/);
    // A saved model with a file of the user's beside it is no longer only ours.
    await fs.writeFile(path.join(models, "a", "notes.txt"), "mine");
    await assert.rejects(saveModel(model, path.join(models, "a")), /a is not a model folder \(it holds .*notes\.txt/);
    await fs.mkdir(path.join(tmp, "empty"));
    assert.equal(replaceableFolder(path.join(tmp, "empty"), MODEL_FOLDER), "empty");
    assert.equal(replaceableFolder(path.join(tmp, "new", "m"), MODEL_FOLDER), "absent");
    await saveModel(model, path.join(tmp, "empty"));
    assert.equal(replaceableFolder(path.join(tmp, "empty"), MODEL_FOLDER), "ours");
  } finally {
    model.dispose();
  }
  assert.equal(readFileSync(path.join(thesis, "thesis.txt"), "utf8"), "years of work");
  assert.ok(existsSync(path.join(thesis, "figures")));
  assert.deepEqual((await fs.readdir(models)).sort(), ["a", "b"]);
  assert.equal(readFileSync(path.join(models, "a", "notes.txt"), "utf8"), "mine");
});

test("a symbolic link is refused, whatever it points to; the link and its target stay as they were", async () => {
  const target = path.join(tmp, "real-model");
  const model = tiny();
  try {
    await saveModel(model, target, { metadata: { v: 1 } });
    const link = path.join(tmp, "link");
    await fs.symlink(target, link);
    assert.throws(
      () => replaceableFolder(link, MODEL_FOLDER),
      /link is a symbolic link \(to .*real-model\): a save replaces the folder itself/,
    );
    await assert.rejects(saveModel(model, link), /is a symbolic link/);
    assert.ok((await fs.lstat(link)).isSymbolicLink());
    assert.deepEqual(JSON.parse(readFileSync(path.join(target, "model.json"), "utf8")).userDefinedMetadata, { v: 1 });
    // A link to the project root is caught by the link rule; a path through a link by the real path.
    const rootLink = path.join(tmp, "root-link");
    await fs.symlink(fakeRoot, rootLink);
    assert.throws(() => replaceableFolder(path.join(rootLink, "src"), MODEL_FOLDER), /src is not a model folder/);
    assert.throws(() => replaceableFolder(path.join(rootLink, "."), MODEL_FOLDER), /is a symbolic link/);
  } finally {
    model.dispose();
  }
});

test("a write error names the file (Node's ENOSPC says only 'write')", async () => {
  await assert.rejects(writeFileNamed("/dev/full", new Uint8Array(10)), (err: NodeJS.ErrnoException) => {
    assert.match(err.message, /^cannot write \/dev\/full: ENOSPC: no space left on device/);
    assert.equal(err.code, "ENOSPC");
    return true;
  });
  assert.equal(CHECKPOINT_FOLDER.marker, "state.json");
});

/** Mounts a small tmpfs at `dir` (root only); false where this machine does not allow it. */
function mountTmpfs(dir: string, options: string): boolean {
  return spawnSync("mount", ["-t", "tmpfs", "-o", options, "tmpfs", dir]).status === 0;
}

test("a full disk during a checkpoint names the file, and the previous checkpoint stays", async (t) => {
  const disk = path.join(tmp, "small-disk");
  await fs.mkdir(disk);
  if (!mountTmpfs(disk, "size=64k")) {
    t.skip("cannot mount a 64 kB tmpfs here (needs root): the /dev/full test above covers the message");
    return;
  }
  try {
    const dir = path.join(disk, "m.checkpoint");
    const state = (bytes: number): TrainingState => ({
      logs: [{ epoch: 0, loss: 1, acc: 0.5, lr: 0.01, seconds: 1, samplesPerSecond: 200 }],
      optimizer: "sgd",
      augmentRandom: null,
      dropoutCalls: [],
      earlyStopping: null,
      specs: [{ name: "w", shape: [bytes / 4], dtype: "float32" }],
      data: new ArrayBuffer(bytes),
    });
    await saveCheckpoint(dir, state(4096), {});
    await assert.rejects(
      saveCheckpoint(dir, state(256 * 1024), {}),
      /cannot write .*small-disk\/\.m\.checkpoint\.tmp-\d+-\d+\/state\.bin: ENOSPC/,
    );
    assert.equal((await loadCheckpoint(dir)).data.byteLength, 4096, "the previous epoch's checkpoint is intact");
    assert.deepEqual(await fs.readdir(disk), ["m.checkpoint"], "the failed write's folder is gone");
  } finally {
    spawnSync("umount", [disk]);
  }
});
