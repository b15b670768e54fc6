/**
 * The site's shared wasm script (assets/wasm/tsdl-wasm.js, bundled by scripts/site/bundle-wasm.mjs):
 * tfjs-backend-wasm 4.22, its single-threaded SIMD binary inside the script (gzipped, base64),
 * and this project's training kernels, registered with the page's tfjs (`window.tf`). A page
 * opened from file:// can fetch nothing from its folder, so the binary comes in the script and
 * reaches tfjs as a blob: URL; single-threaded because the threaded binary needs
 * SharedArrayBuffer, i.e. cross-origin isolation, which a file:// page never has.
 * Loaded on demand by ./page-backend.ts, which calls `window.tsdlWasm.start()`.
 */
import * as tf from "@tensorflow/tfjs";
import * as wasm from "@tensorflow/tfjs-backend-wasm";
// A virtual module of scripts/site/bundle-wasm.mjs: base64 of gzip(tfjs-backend-wasm-simd.wasm).
import { SIMD_WASM_GZIP_BASE64 } from "tsdl:simd-wasm";
import { autoPicksOurs, isOurWasmKernel, registerWasmTrainingKernels, WASM_TRAINING_KERNELS } from "@tsdl/wasm-kernels";
import { type PageWasm, type WasmStart, WASM_GLOBAL } from "./page-backend";
import { gunzipBase64 } from "./gunzip";

/** The names tfjs-backend-wasm asks for: only the SIMD one is used (no threads, SIMD checked first). */
const BINARY_NAMES = ["tfjs-backend-wasm.wasm", "tfjs-backend-wasm-simd.wasm", "tfjs-backend-wasm-threaded-simd.wasm"];

/** Starts tfjs's wasm backend with our kernels; throws, saying why, where it cannot. */
async function start(): Promise<WasmStart> {
  tf.env().set("WASM_HAS_MULTITHREAD_SUPPORT", false);
  if (!(await tf.env().getAsync("WASM_HAS_SIMD_SUPPORT"))) throw new Error("this browser's WebAssembly has no SIMD");
  if (tf.engine().registry["wasm"] === undefined) {
    const bytes = await gunzipBase64(SIMD_WASM_GZIP_BASE64);
    const url = URL.createObjectURL(new Blob([bytes], { type: "application/wasm" }));
    // setWasmPaths wants an entry for every binary; with threads and SIMD settled above, tfjs asks for the SIMD one only.
    wasm.setWasmPaths(Object.fromEntries(BINARY_NAMES.map((n) => [n, url])));
  }
  registerWasmTrainingKernels();
  if (!(await tf.setBackend("wasm"))) throw new Error("tf.setBackend('wasm') returned false");
  await tf.ready();
  return {
    version: wasm.version_wasm,
    threads: wasm.getThreadsCount(),
    ourKernels: WASM_TRAINING_KERNELS.filter((k) => isOurWasmKernel(k)).length,
    gemm: autoPicksOurs() ? "ours" : "xnnpack",
  };
}

(window as unknown as Record<string, PageWasm>)[WASM_GLOBAL] = { start };
