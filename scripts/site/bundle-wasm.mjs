// Bundles the site's shared wasm script (src/backend/browser/wasm-page.ts) with esbuild into
// build/wasm/tsdl-wasm.js: tfjs-backend-wasm 4.22 for the browser, its single-threaded SIMD
// binary (gzipped, base64: a script, not a fetch, so that file:// pages can load it) and this
// project's training kernels. tfjs stays out (the page's shared copy, window.tf). The drawing pad
// and the lesson runner load it on first use (src/backend/browser/page-backend.ts). The kernels
// `require` tfjs-backend-wasm, so esbuild takes its CommonJS build (main; one copy for the
// `import` too), whose Node-only modules (fs, os, path, perf_hooks) the package's own `browser`
// field maps to nothing; they are reached only under Node.
//
//   node scripts/site/bundle-wasm.mjs        (part of `npm run build`)
import { build } from "esbuild";
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { gzipSync } from "node:zlib";
import { root } from "../jupyter/jupyter-env.mjs";
import { kernelsFromSource } from "./kernels-from-source.mjs";
import { tfjsFromPage } from "./tfjs-from-page.mjs";

const require = createRequire(import.meta.url);
const binary = readFileSync(
  join(dirname(require.resolve("@tensorflow/tfjs-backend-wasm/package.json")), "dist", "tfjs-backend-wasm-simd.wasm"),
);
const simdWasm = {
  name: "simd-wasm",
  setup(b) {
    b.onResolve({ filter: /^tsdl:simd-wasm$/ }, (args) => ({ path: args.path, namespace: "simd-wasm" }));
    b.onLoad({ filter: /.*/, namespace: "simd-wasm" }, () => ({
      contents: `export const SIMD_WASM_GZIP_BASE64 = ${JSON.stringify(gzipSync(binary, { level: 9 }).toString("base64"))};`,
      loader: "js",
    }));
  },
};

const result = await build({
  entryPoints: [join(root, "src", "backend", "browser", "wasm-page.ts")],
  outfile: join(root, "build", "wasm", "tsdl-wasm.js"),
  bundle: true,
  format: "iife",
  platform: "browser",
  target: "es2022",
  minify: true,
  metafile: true,
  logLevel: "warning",
  alias: kernelsFromSource,
  plugins: [tfjsFromPage("tsdl-wasm.js"), simdWasm],
});
const bytes = Object.values(result.metafile.outputs).reduce((s, o) => s + o.bytes, 0);
console.log(
  `bundle-wasm: build/wasm/tsdl-wasm.js ${(bytes / 1e3).toFixed(1)} kB (the SIMD binary ${(binary.length / 1e3).toFixed(1)} kB inside, gzipped)`,
);
