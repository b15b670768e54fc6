/**
 * Choosing the tensor backend: one call, used by every notebook and script.
 *
 * Preference order: `tensorflow` (tfjs-node, libtensorflow) where it loads, else `wasm`
 * (XNNPACK + SIMD, multi-threaded, with this project's training kernels), else the pure-JS
 * `cpu` backend. tfjs-node is an optional dependency because its install downloads
 * libtensorflow from the web, which fails on machines without that access: the project must
 * still install and run.
 */
import * as tf from "@tensorflow/tfjs";
import * as os from "node:os";
import * as path from "node:path";
import { checkOptions, describe as describeValue } from "../check";

/** The backends the library knows how to start. */
export type BackendName = "tensorflow" | "wasm" | "cpu";

/** Environment variable that forces a backend (same values as {@link BackendName}, or `auto`). */
export const BACKEND_ENV = "TSDL_BACKEND";

/** Environment variable for the wasm thread count: `auto` (one per idle core, default) or a number 1–8. */
export const WASM_THREADS_ENV = "TSDL_WASM_THREADS";

const ORDER: readonly BackendName[] = ["tensorflow", "wasm", "cpu"];

/** The most threads tfjs-backend-wasm's thread pool takes. */
const MAX_WASM_THREADS = 8;

/** What {@link selectBackend} started, for the one-line report. */
export interface BackendInfo {
  readonly name: BackendName;
  /** e.g. "tfjs 4.22.0 · wasm 4.22.0 (XNNPACK, SIMD, 2 threads)" */
  readonly summary: string;
  /** Threads the backend computes with (wasm: XNNPACK's pool; cpu: 1; tensorflow: its own pool, unknown). */
  readonly threads: number | undefined;
  /** Backends that were tried first and why they did not start. */
  readonly skipped: readonly { name: BackendName; reason: string }[];
  /** Anything that runs differently than asked (e.g. wasm single-threaded and why). */
  readonly notices: readonly string[];
}

/** Options of {@link selectBackend}. */
export interface SelectOptions {
  /** wasm threads: `auto` = one per idle core (see {@link parseWasmThreads}), or 1–8. Default: `TSDL_WASM_THREADS`, else `auto`. */
  readonly wasmThreads?: number | "auto";
}

let current: BackendInfo | undefined;

function isBackendName(value: string): value is BackendName {
  return (ORDER as readonly string[]).includes(value);
}

/** Parses a backend request; throws on an unknown name rather than silently using another. */
export function parseBackendRequest(value: string | undefined): BackendName | "auto" {
  const v = (value ?? "").trim().toLowerCase();
  if (v === "" || v === "auto") return "auto";
  if (v === "tfjs-node" || v === "node") return "tensorflow";
  if (isBackendName(v)) return v;
  throw new Error(`Unknown backend "${value}" (from ${BACKEND_ENV} or the argument): expected one of auto, ${ORDER.join(", ")}`);
}

function isAuto(value: number | string | undefined): boolean {
  const v = typeof value === "string" ? value.trim().toLowerCase() : value;
  return v === undefined || v === "" || v === "auto";
}

/**
 * Resolves a wasm thread request (`auto`, a number, or the text of {@link WASM_THREADS_ENV}).
 *
 * `auto` = one thread per core that is idle now: cores minus the 1-minute load average,
 * rounded, at least 1, at most 8. Why not simply one per core: XNNPACK splits every op evenly
 * and waits for the slowest thread, so a thread that shares its core with another busy process
 * slows every op. Measured on 2 cores, reference CNN: idle machine ~600 (2 threads) vs ~400
 * (1 thread) samples/s; with one other busy process ~290 (2) vs ~400 (1).
 */
export function parseWasmThreads(value: number | string | undefined, cores = os.cpus().length, loadAverage = os.loadavg()[0] ?? 0): number {
  if (isAuto(value)) {
    const idle = Math.round(cores - loadAverage);
    return Math.max(1, Math.min(idle, cores, MAX_WASM_THREADS));
  }
  const n = typeof value === "number" ? value : Number(value);
  if (!Number.isInteger(n) || n < 1 || n > MAX_WASM_THREADS) {
    throw new Error(
      `Bad wasm thread count "${value}" (from ${WASM_THREADS_ENV} or the option): expected auto or an integer 1–${MAX_WASM_THREADS}`,
    );
  }
  return n;
}

async function tryTensorflow(): Promise<void> {
  // Loading the package registers the "tensorflow" backend; it throws when libtensorflow is missing.
  require("@tensorflow/tfjs-node");
  if (!(await tf.setBackend("tensorflow"))) throw new Error("tf.setBackend('tensorflow') returned false");
}

async function tryWasm(threads: number): Promise<void> {
  const wasm = require("@tensorflow/tfjs-backend-wasm") as typeof import("@tensorflow/tfjs-backend-wasm");
  const kernels = require("@tsdl/wasm-kernels") as typeof import("@tsdl/wasm-kernels");
  const threading = require("./wasm/threads") as typeof import("./wasm/threads");
  if (tf.engine().registry["wasm"] === undefined) {
    const dist = path.dirname(require.resolve("@tensorflow/tfjs-backend-wasm/package.json"));
    wasm.setWasmPaths(path.join(dist, "dist") + path.sep);
    if (threads > 1) threading.useThreadedWasm(threads);
  }
  kernels.registerWasmTrainingKernels();
  if (!(await tf.setBackend("wasm"))) throw new Error("tf.setBackend('wasm') returned false");
}

async function tryCpu(): Promise<void> {
  if (!(await tf.setBackend("cpu"))) throw new Error("tf.setBackend('cpu') returned false");
}

async function describe(name: BackendName): Promise<{ summary: string; threads: number | undefined; notices: string[] }> {
  const version = tf.version.tfjs;
  if (name === "wasm") {
    const wasm = require("@tensorflow/tfjs-backend-wasm") as typeof import("@tensorflow/tfjs-backend-wasm");
    const threading = require("./wasm/threads") as typeof import("./wasm/threads");
    const threads = wasm.getThreadsCount();
    const simd = (await tf.env().getAsync("WASM_HAS_SIMD_SUPPORT")) ? "SIMD" : "no SIMD";
    const notice = threading.wasmThreading()?.notice;
    return {
      summary: `tfjs ${version} · wasm ${wasm.version_wasm} (XNNPACK, ${simd}, ${threads} thread${threads === 1 ? "" : "s"})`,
      threads,
      notices: notice ? [`wasm single-threaded: ${notice}`] : [],
    };
  }
  if (name === "tensorflow") {
    return { summary: `tfjs ${version} · tensorflow (tfjs-node, libtensorflow)`, threads: undefined, notices: [] };
  }
  return { summary: `tfjs ${version} · cpu (pure JavaScript, slow to train)`, threads: 1, notices: [] };
}

/**
 * Starts the best available backend (or the one asked for) and returns what runs.
 *
 * @param request `auto` (default) tries tensorflow → wasm → cpu; a name forces that backend and
 *   fails with a clear error if it cannot start. Without an argument, `TSDL_BACKEND` decides.
 * @param options `wasmThreads` (default: `TSDL_WASM_THREADS`, else one per idle core). It only
 *   takes effect when wasm starts for the first time in the process.
 */
export async function selectBackend(request?: BackendName | "auto", options: SelectOptions = {}): Promise<BackendInfo> {
  if (request !== undefined && typeof request !== "string") {
    throw new Error(
      `selectBackend: the backend must be one of auto, ${ORDER.join(", ")}, got ${describeValue(request)}; ` +
        `options go second, e.g. selectBackend("auto", { wasmThreads: 1 })`,
    );
  }
  checkOptions(options, ["wasmThreads"], "selectBackend");
  const wanted = parseBackendRequest(request ?? process.env[BACKEND_ENV]);
  const threadRequest = options.wasmThreads ?? process.env[WASM_THREADS_ENV];
  const load = os.loadavg()[0] ?? 0;
  const threads = parseWasmThreads(threadRequest, os.cpus().length, load);
  if (current && (wanted === "auto" || wanted === current.name) && tf.getBackend() === current.name) {
    return current;
  }
  const candidates = wanted === "auto" ? ORDER : [wanted];
  const skipped: { name: BackendName; reason: string }[] = [];
  const starters: Record<BackendName, () => Promise<void>> = {
    tensorflow: tryTensorflow,
    wasm: () => tryWasm(threads),
    cpu: tryCpu,
  };
  for (const name of candidates) {
    try {
      await starters[name]();
      await tf.ready();
      const described = await describe(name);
      const cores = os.cpus().length;
      const autoCut = isAuto(threadRequest) && threads < Math.min(cores, MAX_WASM_THREADS);
      if (name === "wasm" && autoCut && described.threads === threads) {
        described.notices.push(
          `auto threads: ${threads} of ${cores} cores, load average ${load.toFixed(2)}; ${WASM_THREADS_ENV}=${cores} overrides`,
        );
      }
      current = { name, ...described, skipped };
      return current;
    } catch (err) {
      const reason = firstLine(err);
      if (wanted !== "auto") throw new Error(`Backend "${name}" could not start: ${reason}`);
      skipped.push({ name, reason });
    }
  }
  throw new Error(`No backend could start: ${skipped.map((s) => `${s.name}: ${s.reason}`).join("; ")}`);
}

function firstLine(err: unknown): string {
  const text = err instanceof Error ? err.message : String(err);
  return text.split("\n")[0]!.slice(0, 200);
}

/** One line for a notebook or log: what runs and, briefly, why the faster ones did not. */
export function backendReport(info: BackendInfo): string {
  const why = info.skipped.length ? ` (skipped: ${info.skipped.map((s) => `${s.name} — ${s.reason}`).join("; ")})` : "";
  const notes = info.notices.length ? ` [${info.notices.join("; ")}]` : "";
  return `Backend: ${info.summary}${notes}${why}`;
}
