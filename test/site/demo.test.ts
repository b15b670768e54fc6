// The export's drawing-pad step on a real (untrained) saved model: slot → widget + model script.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { selectBackend } from "../../src/backend/select";
import { demoPayload, findDemoSlots, readDemoManifest } from "../../src/demo/manifest";
import { LIVE_START, liveWidgetHtml } from "../../src/demo/live";
import { parseDemoPayloadScript } from "../../src/demo/payload";
import { saveDemoModel } from "../../src/demo/save";
import { evaluate } from "../../src/eval/evaluate";
import { saveModel } from "../../src/io/model-files";
import { cnn } from "../../src/models/cnn";
import { embedDemos } from "../../scripts/site/demo";
import { externalReferences } from "../../scripts/site/html";
import { randomTestSet } from "../demo/fixtures";

let tmp: string;
before(async () => {
  await selectBackend();
  tmp = mkdtempSync(join(tmpdir(), "tsdl-site-demo-"));
});
after(() => rmSync(tmp, { recursive: true, force: true }));

async function savedSlot(dir: string, seed: number): Promise<string> {
  const data = randomTestSet(20, seed);
  const model = cnn({ seed });
  const saved = await saveDemoModel(model, join(tmp, dir), {
    metadata: { profile: "fast" },
    test: data,
    evaluation: evaluate(model, data),
  });
  model.dispose();
  data.dispose();
  // What the notebook's output holds: the slot, naming the manifest relative to the project root.
  return `<p>before</p><div class="tsdl-demo-slot" data-manifest="${dir}/demo.json" data-model-id="${saved.id}"><p>pad</p></div><p>after</p>`;
}

test("a slot becomes the widget with the shared tfjs and bundle and the run's own model, weights intact; the notebook's inline copy goes", async () => {
  const slot = await savedSlot("models/a", 1);
  const manifest = readDemoManifest(join(tmp, "models/a/demo.json"), findDemoSlots(slot)[0]!.id);
  const live = liveWidgetHtml(demoPayload(join(tmp, "models/a"), manifest));
  assert.ok(
    live.startsWith(LIVE_START) && live.includes("<script>") && live.length > 1e6,
    "the notebook's widget carries tfjs and the model inline",
  );
  const html = slot + live + "<p>end</p>";
  const site = join(tmp, "site");
  const { html: out, demos } = embedDemos(html, { root: tmp, site, assets: "assets" });
  assert.equal(demos.length, 1);
  assert.equal(findDemoSlots(out).length, 0);
  assert.ok(!out.includes(LIVE_START) && !out.includes("<script>") && out.includes("<p>end</p>"), "inline widget removed");
  assert.ok(out.length < 2000, `page of ${out.length} characters`);
  const id = demos[0]!.id;
  assert.ok(out.includes(`<div class="tsdl-demo" data-model-id="${id}">`));
  const scripts = [...out.matchAll(/<script defer src="([^"]+)"><\/script>/g)].map((m) => m[1]);
  assert.deepEqual(scripts, ["assets/tfjs/tf.min.js", demos[0]!.file, "assets/tsdl-demo.js"]);
  assert.deepEqual(externalReferences(out), []);
  const payload = parseDemoPayloadScript(readFileSync(join(site, demos[0]!.file), "utf8"));
  assert.equal(payload.id, id);
  assert.deepEqual(payload.metadata, { profile: "fast" });
  assert.deepEqual(Buffer.from(payload.weights, "base64"), readFileSync(join(tmp, "models/a/weights.bin")));
  assert.ok(payload.examples.length > 0);
});

test("a page whose model was overwritten since its run is refused, and nothing is written for it", async () => {
  const html = await savedSlot("models/b", 2);
  const other = cnn({ seed: 9 });
  await saveModel(other, join(tmp, "models/b"));
  other.dispose();
  const site = join(tmp, "site-b");
  // saveModel replaced the folder as a whole, the run's manifest with it.
  assert.throws(() => embedDemos(html, { root: tmp, site, assets: "assets" }), /demo manifest not found: re-run the lesson/);
  assert.equal(existsSync(join(site, "demo")), false);
});

test("an edited demo.json (a test accuracy typed in) is refused: the demo's id covers it", async () => {
  const html = await savedSlot("models/c", 3);
  const file = join(tmp, "models/c/demo.json");
  const manifest = JSON.parse(readFileSync(file, "utf8"));
  const site = join(tmp, "site-c");
  assert.equal(embedDemos(html, { root: tmp, site, assets: "assets" }).demos.length, 1, "as saved: exported");
  rmSync(site, { recursive: true, force: true });
  writeFileSync(file, JSON.stringify({ ...manifest, test: { ...manifest.test, accuracy: 0.9999 } }, null, 1));
  assert.throws(
    () => embedDemos(html, { root: tmp, site, assets: "assets" }),
    /models\/c\/demo\.json: it and the model files beside it hash to [0-9a-f]{12}…, not to the id they were saved with/,
  );
  assert.equal(existsSync(join(site, "demo")), false, "nothing written for it");
  writeFileSync(file, JSON.stringify({ ...manifest, format: "tsdl-demo/1" }, null, 1));
  assert.throws(
    () => embedDemos(html, { root: tmp, site, assets: "assets" }),
    /format is "tsdl-demo\/1", expected "tsdl-demo\/2": re-run the lesson/,
  );
});
