/**
 * The drawing pad in the exported site: a lesson whose run called `tsdl.saveDemoModel` has a
 * slot in its output (see src/demo/manifest.ts). For each slot, the export checks that the
 * model on disk is the one that run saved, writes it with its facts into `demo/<id>.js` (a
 * script, so file:// pages can load it) and puts the widget with its three deferred scripts in
 * the slot's place: the site's shared tfjs, the page's model, the site's shared widget bundle.
 */
import { cpSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import * as path from "node:path";
import { demoPayload, findDemoSlots, readDemoManifest } from "../../src/demo/manifest";
import { DEMO_BUNDLE, withoutLiveWidgets } from "../../src/demo/live";
import { demoPayloadScript, type DemoPayload } from "../../src/demo/payload";

/** Where the shared files go in the site's assets folder. */
const TFJS_FILE = path.join("tfjs", "tf.min.js");
const BUNDLE_FILE = "tsdl-demo.js";
/** A page with a pad and its model may take this much, beyond the site's shared files. */
export const PAGE_BUDGET_BYTES = 3_000_000;
/** The folder of the pages' models in the site. */
export const DEMO_DIR = "demo";

/** One model put into a page. */
export interface EmbeddedDemo {
  readonly id: string;
  /** The model script, relative to the site. */
  readonly file: string;
  readonly bytes: number;
  readonly manifest: string;
  readonly test: DemoPayload["test"];
  readonly profile: unknown;
}

/** Where the export runs: the project root (slots name manifests relative to it), the draft site, its assets folder. */
export interface DemoContext {
  readonly root: string;
  readonly site: string;
  readonly assets: string;
}

/**
 * `html` with every demo slot replaced by the widget; the models are written to `site/demo/`.
 * Throws, naming the problem, for a stale model or a page over {@link PAGE_BUDGET_BYTES}.
 */
export function embedDemos(html: string, ctx: DemoContext): { html: string; demos: EmbeddedDemo[] } {
  const demos: EmbeddedDemo[] = [];
  html = withoutLiveWidgets(html); // the notebook's inline copy; the page shares tfjs instead
  for (const slot of findDemoSlots(html)) {
    const manifestFile = path.resolve(ctx.root, slot.manifest);
    const m = readDemoManifest(manifestFile, slot.id);
    const payload = demoPayload(path.dirname(manifestFile), m);
    const file = `${DEMO_DIR}/${m.id.slice(0, 16)}.js`;
    const script = demoPayloadScript(payload);
    mkdirSync(path.join(ctx.site, DEMO_DIR), { recursive: true });
    writeFileSync(path.join(ctx.site, file), script);
    const widget =
      `<div class="tsdl-demo" data-model-id="${m.id}"><p>The drawing pad needs JavaScript.</p></div>\n` +
      (demos.length === 0 ? `<script defer src="${ctx.assets}/${TFJS_FILE}"></script>\n` : "") +
      `<script defer src="${file}"></script>\n` +
      (demos.length === 0 ? `<script defer src="${ctx.assets}/${BUNDLE_FILE}"></script>\n` : "");
    html = html.replace(slot.html, widget);
    demos.push({ id: m.id, file, bytes: Buffer.byteLength(script), manifest: slot.manifest, test: m.test, profile: m.metadata["profile"] });
  }
  const total = Buffer.byteLength(html) + demos.reduce((sum, d) => sum + d.bytes, 0);
  if (demos.length && total > PAGE_BUDGET_BYTES) {
    throw new Error(`the page and its model take ${(total / 1e6).toFixed(2)} MB, over the ${PAGE_BUDGET_BYTES / 1e6} MB budget`);
  }
  return { html, demos };
}

/** Copies the files every demo page shares into the site's assets: tfjs (one copy) and the widget bundle. */
export function copyDemoAssets(ctx: DemoContext, tfjsMinJs: string): { tfjs: number; bundle: number } {
  const bundle = path.join(ctx.root, DEMO_BUNDLE);
  const assets = path.join(ctx.site, ctx.assets);
  mkdirSync(path.join(assets, path.dirname(TFJS_FILE)), { recursive: true });
  cpSync(tfjsMinJs, path.join(assets, TFJS_FILE));
  try {
    cpSync(bundle, path.join(assets, BUNDLE_FILE));
  } catch {
    throw new Error(`${bundle} missing: run "npm run build" first`);
  }
  return { tfjs: readFileSync(tfjsMinJs).length, bundle: readFileSync(bundle).length };
}
