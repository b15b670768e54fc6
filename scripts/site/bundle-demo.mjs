// Bundles the drawing pad's page code (src/demo/browser/main.ts and what it imports from the
// library: the MNIST-style preprocessing, SeededDropout) into one script for the site,
// build/demo/tsdl-demo.js, with esbuild. tfjs is not bundled: the page loads the site's shared
// copy first, and every `import ... from "@tensorflow/tfjs"` here becomes `window.tf` — so
// SeededDropout registers itself with the very tfjs that loads the model.
//
//   node scripts/site/bundle-demo.mjs        (part of `npm run build`)
import { build } from "esbuild";
import { join } from "node:path";
import { root } from "../jupyter/jupyter-env.mjs";
import { tfjsFromPage } from "./tfjs-from-page.mjs";

import { createRequire } from "node:module";
const { DEMO_BUNDLE } = createRequire(import.meta.url)(join(root, "build", "src", "demo", "live.js"));

const result = await build({
  entryPoints: [join(root, "src", "demo", "browser", "main.ts")],
  outfile: join(root, DEMO_BUNDLE),
  bundle: true,
  format: "iife",
  platform: "browser",
  target: "es2020",
  minify: true,
  sourcemap: false,
  metafile: true,
  logLevel: "warning",
  plugins: [tfjsFromPage("tsdl-demo.js")],
});
const bytes = Object.values(result.metafile.outputs).reduce((s, o) => s + o.bytes, 0);
console.log(`bundle-demo: build/demo/tsdl-demo.js ${(bytes / 1e3).toFixed(1)} kB`);
