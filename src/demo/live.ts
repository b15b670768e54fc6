/**
 * The drawing pad in the live notebook: a notebook output cannot load the site's files, so the
 * output carries everything inline — tfjs, the model just saved and the pad's bundle (about
 * 3.4 MB). Jupyter Notebook runs the scripts of the outputs it trusts (those of this session);
 * JupyterLab too. The export drops this part from the page (between the two markers) and puts
 * the site's own widget in the slot instead, with the shared tfjs.
 */
import { existsSync, readFileSync } from "node:fs";
import * as path from "node:path";
import { projectRoot } from "../data/paths";
import { demoPayloadScript, type DemoPayload } from "./payload";

/** The pad's bundle (scripts/site/bundle-demo.mjs writes it), relative to the project root. */
export const DEMO_BUNDLE = path.join("build", "demo", "tsdl-demo.js");
/** Markers around the live widget in a notebook output. */
export const LIVE_START = "<!-- tsdl-demo-live -->";
export const LIVE_END = "<!-- /tsdl-demo-live -->";

/** `html` without the live widgets (what the export does before placing the site's widget). */
export function withoutLiveWidgets(html: string): string {
  return html
    .split(LIVE_START)
    .map((part, i) => (i === 0 ? part : part.slice(part.indexOf(LIVE_END) + LIVE_END.length)))
    .join("");
}

/** The live widget's HTML for `payload`, or a line saying what to build when the bundle is missing. */
export function liveWidgetHtml(payload: DemoPayload): string {
  const bundle = path.join(projectRoot(), DEMO_BUNDLE);
  if (!existsSync(bundle)) return `<p>(No drawing pad here: ${DEMO_BUNDLE} is missing; run <code>npm run build</code>.)</p>`;
  const tfjs = readFileSync(require.resolve("@tensorflow/tfjs/dist/tf.min.js"), "utf8");
  // Jupyter Notebook has require.js: tf.min.js would register as an anonymous AMD module (an
  // error there) instead of setting window.tf, so `define` is hidden while it runs.
  const loadTf =
    `if (typeof window.tf !== "object") { var tsdlDefine = window.define; window.define = undefined;\n` +
    `try {\n${tfjs}\n} finally { window.define = tsdlDefine; } }`;
  return (
    LIVE_START +
    `<div class="tsdl-demo" data-model-id="${payload.id}"><p>The drawing pad runs when Jupyter trusts this output (run the cell).</p></div>` +
    `<script>${loadTf}</script><script>${demoPayloadScript(payload)}</script><script>${readFileSync(bundle, "utf8")}</script>` +
    LIVE_END
  );
}
