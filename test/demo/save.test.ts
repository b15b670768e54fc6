import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import * as tf from "@tensorflow/tfjs";
import { promises as fs } from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { selectBackend } from "../../src/backend/select";
import { evaluate } from "../../src/eval/evaluate";
import { loadModel } from "../../src/io/model-files";
import { cnn } from "../../src/models/cnn";
import { DEMO_MANIFEST, findDemoSlots, readDemoManifest, demoSlotHtml, type DemoManifest } from "../../src/demo/manifest";
import { saveDemoModel } from "../../src/demo/save";
import { randomTestSet } from "./fixtures";

let tmp: string;
before(async () => {
  await selectBackend();
  tmp = await fs.mkdtemp(path.join(os.tmpdir(), "tsdl-demo-"));
});
after(async () => {
  await fs.rm(tmp, { recursive: true, force: true });
});

test("saveDemoModel writes the model, a manifest whose id matches the files, and examples from the test set", async () => {
  const start = tf.memory().numTensors;
  const model = cnn({ seed: 1 });
  const data = randomTestSet(40, 7);
  const evaluation = evaluate(model, data);
  const dir = path.join(tmp, "mnist-cnn-fast");
  const saved = await saveDemoModel(model, dir, { metadata: { profile: "fast" }, test: data, evaluation });
  const m = JSON.parse(await fs.readFile(path.join(dir, DEMO_MANIFEST), "utf8")) as DemoManifest;
  assert.equal(m.id, saved.id);
  assert.deepEqual(m.metadata, { profile: "fast" });
  assert.equal(m.test.size, 40);
  assert.equal(m.test.accuracy, evaluation.accuracy);
  const mistakes = m.examples.filter((e) => e.label !== e.predicted);
  const correct = m.examples.filter((e) => e.label === e.predicted);
  assert.equal(mistakes.length, Math.min(2, evaluation.predictions.filter((p, i) => p !== data.labels[i]).length));
  for (const e of m.examples) {
    assert.equal(e.label, data.labels[e.index]);
    assert.equal(e.predicted, evaluation.predictions[e.index]);
    const bytes = Buffer.from(e.pixels, "base64");
    assert.equal(bytes.length, 784);
    const expected = tf.tidy(() => data.xs.slice([e.index, 0, 0, 0], [1, 28, 28, 1]).mul(255).round().dataSync());
    assert.deepEqual(Array.from(bytes), Array.from(expected));
  }
  assert.equal(new Set(correct.map((e) => e.label)).size, correct.length, "one correct example per class");
  assert.equal(readDemoManifest(saved.manifest, saved.id).id, saved.id);
  const reloaded = await loadModel(dir);
  reloaded.dispose();
  model.dispose();
  data.dispose();
  assert.equal(tf.memory().numTensors, start);
});

test("a manifest whose model was replaced, or that names another model, is refused with a message", async () => {
  const dir = path.join(tmp, "replaced");
  const data = randomTestSet(20, 7);
  const first = cnn({ seed: 2 });
  const saved = await saveDemoModel(first, dir, { test: data, evaluation: evaluate(first, data) });
  assert.throws(() => readDemoManifest(saved.manifest, "0".repeat(64)), /a later run replaced it; re-run the lessons/);
  const second = cnn({ seed: 3 });
  const { saveModel } = await import("../../src/io/model-files");
  // saveModel replaces the folder as a whole, so the first model's manifest goes with it.
  await saveModel(second, dir);
  assert.throws(() => readDemoManifest(saved.manifest, saved.id), /demo manifest not found: re-run the lesson/);
  // Weights changed in place under a manifest: the hash says so.
  const again = await saveDemoModel(first, dir, { test: data, evaluation: evaluate(first, data) });
  const weights = path.join(dir, "weights.bin");
  const bytes = await fs.readFile(weights);
  bytes[0] = bytes[0]! ^ 0xff;
  await fs.writeFile(weights, bytes);
  assert.throws(
    () => readDemoManifest(again.manifest, again.id),
    /not to the id they were saved with .*: demo\.json or the model was changed since the lesson's run; re-run the lessons/,
  );
  assert.throws(() => readDemoManifest(path.join(tmp, "nowhere", DEMO_MANIFEST), saved.id), /demo manifest not found/);
  first.dispose();
  second.dispose();
  data.dispose();
});

test("bad arguments are named before anything is written", async () => {
  const model = cnn({ seed: 1 });
  const data = randomTestSet(10, 7);
  const dir = path.join(tmp, "never");
  await assert.rejects(
    saveDemoModel(model, dir, { test: data, evaluation: { ...evaluate(model, data), predictions: new Int32Array(3) } }),
    /of the same length/,
  );
  const flat = tf.sequential({ layers: [tf.layers.dense({ units: 10, inputShape: [784], activation: "softmax" })] });
  await assert.rejects(saveDemoModel(flat, dir, { test: data, evaluation: evaluate(model, data) }), /the model takes \[null,784\]/);
  await assert.rejects(fs.stat(dir), /ENOENT/);
  model.dispose();
  flat.dispose();
  data.dispose();
});

test("slots are found in a page and round-trip their manifest path and id", () => {
  const id = "ab".repeat(32);
  const html = `<p>before</p>${demoSlotHtml('results/models/a"b&c/demo.json', id, "pad here")}<p>after</p>`;
  const slots = findDemoSlots(html);
  assert.equal(slots.length, 1);
  assert.equal(slots[0]!.manifest, 'results/models/a"b&c/demo.json');
  assert.equal(slots[0]!.id, id);
  assert.ok(html.includes(slots[0]!.html));
  assert.deepEqual(findDemoSlots('<div class="tsdl-demo-slot">no id</div>'), []);
});
