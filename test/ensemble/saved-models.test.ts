import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import * as tf from "@tensorflow/tfjs";
import { mkdtempSync, rmSync } from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { selectBackend } from "../../src/backend/select";
import { memberProbabilities } from "../../src/ensemble/report";
import { savedModelOutputs } from "../../src/ensemble/saved-models";
import { saveModel } from "../../src/io/model-files";
import { buildModel } from "../../src/models/registry";
import { HELP, parseCombineArgs } from "../../scripts/cli/combine";

let dir: string;
before(async () => {
  await selectBackend();
  dir = mkdtempSync(path.join(os.tmpdir(), "tsdl-saved-"));
});
after(() => rmSync(dir, { recursive: true, force: true }));

test("savedModelOutputs: one model in memory at a time, the same probabilities as the live models, metadata kept", async () => {
  const xs = tf.randomUniform([7, 28, 28, 1], 0, 1, "float32", 3) as tf.Tensor4D;
  const small = tf.zeros([2, 14, 14, 1]) as tf.Tensor4D;
  const models = [buildModel("softmax", { seed: 1 }), buildModel("mlp", { hidden: [8], dropout: 0, seed: 2 })];
  const dirs = [path.join(dir, "a"), path.join(dir, "b")];
  for (let i = 0; i < 2; i++) await saveModel(models[i]!, dirs[i]!, { metadata: { model: i === 0 ? "softmax" : "mlp", epochs: i + 1 } });
  const expected = models.map((m) => memberProbabilities(m, xs).probabilities);
  const start = tf.memory().numTensors;
  const out = await savedModelOutputs(dirs, xs);
  assert.equal(tf.memory().numTensors, start, "every loaded model is freed");
  assert.deepEqual(
    out.map((o) => o.dir),
    dirs,
  );
  assert.deepEqual(
    out.map((o) => o.metadata.epochs),
    [1, 2],
  );
  out.forEach((o, i) => {
    assert.equal(o.outputs.numClasses, 10);
    Array.from(o.outputs.probabilities).forEach((p, j) => assert.ok(Math.abs(p - expected[i]![j]!) < 1e-6));
  });

  await assert.rejects(savedModelOutputs([path.join(dir, "missing")], xs), /Cannot load the model in .*missing/);
  await assert.rejects(savedModelOutputs(dirs, small), /the model in .*a takes 28×28×1 images, the test images are 14×14×1/);
  await assert.rejects(savedModelOutputs([], xs), /give at least one model folder/);
  assert.equal(tf.memory().numTensors, start, "nothing is left behind by a refused call");
  tf.dispose([xs, small]);
  models.forEach((m) => m.dispose());
});

test("parseCombineArgs: folders, name, profile; bad input named", () => {
  assert.deepEqual(parseCombineArgs(["--models", "a, b/c", "--profile", "full", "--name", "mix-2"]), {
    models: ["a", "b/c"],
    profile: "full",
    name: "mix-2",
    backend: "auto",
    results: undefined,
  });
  assert.equal(parseCombineArgs(["--help"]), "help");
  assert.match(HELP, /Choose the models before you look/);
  assert.throws(() => parseCombineArgs(["--profile", "full"]), /--models is required/);
  assert.throws(() => parseCombineArgs(["--models", "a,,b"]), /--models has an empty entry: "a,,b"/);
  assert.throws(() => parseCombineArgs(["--models", "a,b,a"]), /--models lists a twice/);
  assert.throws(() => parseCombineArgs(["--models", "a,b", "--name", "my mix"]), /--name must be letters/);
  assert.throws(() => parseCombineArgs(["--models", "a,b", "--profile", "huge"]), /--profile must be "fast" or "full", got "huge"/);
  assert.throws(() => parseCombineArgs(["--models", "a,b", "extra"]), /Unexpected argument 'extra'/);
});
