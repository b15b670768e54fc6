/**
 * "Run it here" in the exported site: the files every lesson page's Run controls use, copied
 * into the site's assets (see scripts/site/runner/ and bundle-runner.mjs): runner/page.js (loaded
 * by each page, deferred), and what the first Run loads — tfjs and its wasm backend
 * (wasm/tsdl-wasm.js: scripts/site/bundle-wasm.mjs; both shared with the drawing pad),
 * runner/tsdl-runner.js and runner/mnist-fast.js (scripts/site/mnist-asset.ts).
 */
import { cpSync, existsSync, mkdirSync, statSync, writeFileSync } from "node:fs";
import * as path from "node:path";
import { mnistAsset, mnistAssetScript } from "./mnist-asset";

/** The controls' script, relative to the assets folder. */
export const RUN_CONTROLS = "runner/page.js";
const BUILT = ["page.js", "tsdl-runner.js"];

/** Bytes of each file the runner adds to the site (tfjs counted where the site did not have it). */
export interface RunnerAssetBytes {
  readonly controls: number;
  readonly runner: number;
  readonly mnist: number;
  readonly tfjs: number;
  /** The shared wasm backend script (tfjs-backend-wasm, its SIMD binary, our kernels). */
  readonly wasm: number;
}

/** The controls' script tag for a page; `assets` is the assets folder relative to the page. */
export function runControlsHtml(assets: string): string {
  return `<script defer src="${assets}/${RUN_CONTROLS}"></script>`;
}

/**
 * Writes the runner's files into `<site>/<assets>`: the two bundles from build/runner, the wasm
 * backend's script from build/wasm, the MNIST asset from `mnistDir`, and tfjs unless the site has
 * it already. Throws when the bundles are missing.
 */
export function copyRunnerAssets(
  ctx: { root: string; site: string; assets: string },
  tfjsMinJs: string,
  mnistDir: string,
): RunnerAssetBytes {
  const target = path.join(ctx.site, ctx.assets, "runner");
  mkdirSync(target, { recursive: true });
  for (const f of BUILT) {
    const from = path.join(ctx.root, "build", "runner", f);
    if (!existsSync(from)) throw new Error(`${from} missing: run "npm run build" first`);
    cpSync(from, path.join(target, f));
  }
  const wasmFrom = path.join(ctx.root, "build", "wasm", "tsdl-wasm.js");
  if (!existsSync(wasmFrom)) throw new Error(`${wasmFrom} missing: run "npm run build" first`);
  const wasmTarget = path.join(ctx.site, ctx.assets, "wasm", "tsdl-wasm.js");
  mkdirSync(path.dirname(wasmTarget), { recursive: true });
  cpSync(wasmFrom, wasmTarget);
  const mnist = mnistAssetScript(mnistAsset(mnistDir));
  writeFileSync(path.join(target, "mnist-fast.js"), mnist);
  const tfjsTarget = path.join(ctx.site, ctx.assets, "tfjs", "tf.min.js");
  let tfjs = 0;
  if (!existsSync(tfjsTarget)) {
    mkdirSync(path.dirname(tfjsTarget), { recursive: true });
    cpSync(tfjsMinJs, tfjsTarget);
    tfjs = statSync(tfjsTarget).size;
  }
  const size = (f: string) => statSync(path.join(target, f)).size;
  return {
    controls: size("page.js"),
    runner: size("tsdl-runner.js"),
    mnist: Buffer.byteLength(mnist),
    tfjs,
    wasm: statSync(wasmTarget).size,
  };
}
