/**
 * The demo manifest: what a lesson run leaves beside its saved model so that the site export
 * can put that very model into the lesson's page — never a stale one.
 *
 * `saveDemoModel` writes `demo.json` next to `model.json` / `weights.bin` and shows a slot in
 * the notebook's output that names the manifest and the demo's id: a SHA-256 of both model files
 * and of demo.json's facts (all but the id itself). The export finds the slot in the executed
 * notebook, reads the manifest and checks that the files on disk still hash to that id: a model
 * replaced by a later run is refused, and so is an edited demo.json (a test accuracy typed in).
 */
import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import * as path from "node:path";
import { MODEL_JSON, WEIGHTS_BIN } from "../io/file-handler";
import type { DemoFacts, DemoModelJson, DemoPayload } from "./payload";

/** File name of the manifest in a model folder. */
export const DEMO_MANIFEST = "demo.json";
/** Format tag of the manifest; bumped when its fields change. */
export const DEMO_FORMAT = "tsdl-demo/2";
/** CSS class of the slot the lesson's output leaves for the exported page. */
export const DEMO_SLOT_CLASS = "tsdl-demo-slot";

/** Contents of `demo.json`. */
export interface DemoManifest extends DemoFacts {
  readonly format: typeof DEMO_FORMAT;
}

/**
 * The id of the demo in `dir`: SHA-256 of model.json, weights.bin and `facts` (the manifest
 * without its id, as JSON in the manifest's own key order).
 */
export function demoId(dir: string, facts: Omit<DemoManifest, "id">): string {
  const hash = createHash("sha256");
  for (const name of [MODEL_JSON, WEIGHTS_BIN]) hash.update(readFileSync(path.join(dir, name)));
  return hash.update(JSON.stringify(facts)).digest("hex");
}

/** The slot's HTML: where the exported page puts the pad (attributes are hex and a relative path). */
export function demoSlotHtml(manifestPath: string, id: string, text: string): string {
  const attr = manifestPath.replace(/&/g, "&amp;").replace(/"/g, "&quot;").replace(/</g, "&lt;");
  return `<div class="${DEMO_SLOT_CLASS}" data-manifest="${attr}" data-model-id="${id}"><p>${text}</p></div>`;
}

/** The slots in a page's HTML, in order: the manifest path (as written) and the model id. */
export function findDemoSlots(html: string): { readonly html: string; readonly manifest: string; readonly id: string }[] {
  const re = new RegExp(`<div class="${DEMO_SLOT_CLASS}" data-manifest="([^"]*)" data-model-id="([0-9a-f]{64})"><p>[^<]*</p></div>`, "g");
  return [...html.matchAll(re)].map((m) => ({
    html: m[0],
    manifest: m[1]!
      .replace(/&lt;/g, "<")
      .replace(/&quot;/g, '"')
      .replace(/&amp;/g, "&"),
    id: m[2]!,
  }));
}

function fail(file: string, problem: string): never {
  throw new Error(`${file}: ${problem}`);
}

/**
 * Reads a manifest and checks it against the page's slot and the model files beside it: the
 * manifest's id must be `expectedId`, and model.json + weights.bin must still hash to it.
 * Errors name the file and say what to re-run.
 */
export function readDemoManifest(file: string, expectedId: string): DemoManifest {
  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch {
    fail(file, "demo manifest not found: re-run the lesson that saves the model");
  }
  let m: DemoManifest;
  try {
    m = JSON.parse(text) as DemoManifest;
  } catch (err) {
    fail(file, `not valid JSON (${(err as Error).message})`);
  }
  if (m.format !== DEMO_FORMAT)
    fail(file, `format is ${JSON.stringify(m.format)}, expected "${DEMO_FORMAT}": re-run the lesson that saves the model`);
  if (!Array.isArray(m.examples) || typeof m.test?.accuracy !== "number" || typeof m.savedAt !== "string") {
    fail(file, "missing examples, test or savedAt");
  }
  if (m.id !== expectedId) {
    fail(
      file,
      `describes model ${m.id.slice(0, 12)}…, but the page was made with model ${expectedId.slice(0, 12)}…: a later run replaced it; re-run the lessons`,
    );
  }
  const { id, ...facts } = m;
  const onDisk = demoId(path.dirname(file), facts);
  if (onDisk !== id) {
    fail(
      file,
      `it and the model files beside it hash to ${onDisk.slice(0, 12)}…, not to the id they were saved with (${id.slice(0, 12)}…): ` +
        `demo.json or the model was changed since the lesson's run; re-run the lessons`,
    );
  }
  return m;
}

/** The page's payload for the model in `dir` described by `m`: model.json's topology and weights manifest, weights.bin in base64. */
export function demoPayload(dir: string, m: DemoManifest): DemoPayload {
  const modelJson = JSON.parse(readFileSync(path.join(dir, MODEL_JSON), "utf8")) as DemoModelJson;
  return {
    id: m.id,
    savedAt: m.savedAt,
    metadata: m.metadata,
    test: m.test,
    examples: m.examples,
    modelJson: { modelTopology: modelJson.modelTopology, weightsManifest: modelJson.weightsManifest },
    weights: readFileSync(path.join(dir, WEIGHTS_BIN)).toString("base64"),
  };
}
