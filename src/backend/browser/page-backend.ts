/**
 * The backend of a site page, one for the page: the drawing pad and the lesson runner both ask
 * here, and the first to ask loads the site's shared wasm script (assets/wasm/tsdl-wasm.js,
 * ./wasm-page.ts) and starts tfjs's wasm backend with this project's training kernels. Where that
 * cannot happen (no SIMD, a script that does not load, an engine error) the page runs tfjs's cpu
 * backend and says why in one line. What runs is also left on `<html>` as read-only facts, for
 * the browser test and the curious: `data-tsdl-backend` (wasm or cpu), `data-tsdl-wasm-kernels`
 * (how many of our kernels are registered) and `data-tsdl-gemm` (ours or xnnpack).
 */
import * as tf from "@tensorflow/tfjs";
import { loadScript } from "./site-assets";

/** The global the shared wasm script sets. */
export const WASM_GLOBAL = "tsdlWasm";
/** The shared wasm script, relative to the site's assets folder. */
export const WASM_SCRIPT = "wasm/tsdl-wasm.js";

/** What the shared wasm script reports once the backend runs. */
export interface WasmStart {
  /** tfjs-backend-wasm's version. */
  readonly version: string;
  readonly threads: number;
  /** How many of this project's wasm training kernels are registered. */
  readonly ourKernels: number;
  /** Which GEMM runs plain matrix products: ours (relaxed-SIMD FMA) or XNNPACK's. */
  readonly gemm: "ours" | "xnnpack";
}

/** The shared wasm script's interface (`window.tsdlWasm`). */
export interface PageWasm {
  start(): Promise<WasmStart>;
}

/** The page's backend, as the pad and the runner report it. */
export interface PageBackend {
  readonly name: "wasm" | "cpu";
  /** e.g. "tfjs 4.22.0 · wasm 4.22.0 (XNNPACK, SIMD, 1 thread; 7 training kernels of this project; GEMM: ours, relaxed-SIMD FMA), in this page" */
  readonly summary: string;
  /** Why the page runs cpu instead of wasm, in one line; absent on wasm. */
  readonly notice?: string;
}

const STARTED = "__tsdlPageBackend";

async function startWasm(assets: string): Promise<WasmStart> {
  const w = window as unknown as Record<string, PageWasm | undefined>;
  if (!w[WASM_GLOBAL]) await loadScript(`${assets}/${WASM_SCRIPT}`);
  const api = w[WASM_GLOBAL];
  if (!api) throw new Error(`${WASM_SCRIPT} loaded but set no window.${WASM_GLOBAL}`);
  return api.start();
}

async function start(assets: string | null): Promise<PageBackend> {
  const where = "in this page";
  let notice: string;
  if (assets === null) {
    notice = "a notebook's output has no site to load the wasm backend from";
  } else {
    try {
      const s = await startWasm(assets);
      Object.assign(document.documentElement.dataset, { tsdlBackend: "wasm", tsdlWasmKernels: String(s.ourKernels), tsdlGemm: s.gemm });
      const gemm = s.gemm === "ours" ? "ours, relaxed-SIMD FMA" : "XNNPACK's";
      return {
        name: "wasm",
        summary:
          `tfjs ${tf.version.tfjs} · wasm ${s.version} (XNNPACK, SIMD, ${s.threads} thread${s.threads === 1 ? "" : "s"}; ` +
          `${s.ourKernels} training kernels of this project; GEMM: ${gemm}), ${where}`,
      };
    } catch (err) {
      notice = `wasm could not start: ${(err as Error)?.message ?? String(err)}`;
    }
  }
  if (!(await tf.setBackend("cpu"))) throw new Error("tfjs's cpu backend did not start either");
  await tf.ready();
  document.documentElement.dataset["tsdlBackend"] = "cpu";
  return { name: "cpu", summary: `tfjs ${tf.version.tfjs} · cpu (pure JavaScript), ${where}`, notice };
}

/**
 * Starts the page's backend once (later calls share the first's result): wasm from the site's
 * `assets` folder (a URL, relative to the page or absolute), or cpu with a notice where it
 * cannot start or `assets` is null (a notebook's output: no site around it).
 */
export function pageBackend(assets: string | null): Promise<PageBackend> {
  const w = window as unknown as Record<string, Promise<PageBackend> | undefined>;
  w[STARTED] ??= start(assets);
  return w[STARTED];
}
