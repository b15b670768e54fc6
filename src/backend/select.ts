/**
 * Choosing the tensor backend: one call, used by every notebook and script.
 *
 * Preference order: `tensorflow` (tfjs-node, libtensorflow) where it loads, else `wasm`
 * (XNNPACK + SIMD, with this project's training kernels), else the pure-JS `cpu` backend.
 * tfjs-node is an optional dependency because its install downloads libtensorflow from the
 * web, which fails on machines without that access: the project must still install and run.
 */
import * as tf from "@tensorflow/tfjs";
import * as path from "node:path";

/** The backends the library knows how to start. */
export type BackendName = "tensorflow" | "wasm" | "cpu";

/** Environment variable that forces a backend (same values as {@link BackendName}, or `auto`). */
export const BACKEND_ENV = "TSDL_BACKEND";

const ORDER: readonly BackendName[] = ["tensorflow", "wasm", "cpu"];

/** What {@link selectBackend} started, for the one-line report. */
export interface BackendInfo {
  readonly name: BackendName;
  /** e.g. "tfjs 4.22.0 · wasm (SIMD, 1 thread)" */
  readonly summary: string;
  /** Backends that were tried first and why they did not start. */
  readonly skipped: readonly { name: BackendName; reason: string }[];
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
  throw new Error(
    `Unknown backend "${value}" (from ${BACKEND_ENV} or the argument): expected one of auto, ${ORDER.join(", ")}`,
  );
}

async function tryTensorflow(): Promise<void> {
  // Loading the package registers the "tensorflow" backend; it throws when libtensorflow is missing.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  require("@tensorflow/tfjs-node");
  if (!(await tf.setBackend("tensorflow"))) throw new Error("tf.setBackend('tensorflow') returned false");
}

async function tryWasm(): Promise<void> {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const wasm = require("@tensorflow/tfjs-backend-wasm") as typeof import("@tensorflow/tfjs-backend-wasm");
  const dist = path.dirname(require.resolve("@tensorflow/tfjs-backend-wasm/package.json"));
  wasm.setWasmPaths(path.join(dist, "dist") + path.sep);
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const kernels = require("./wasm-kernels") as typeof import("./wasm-kernels");
  kernels.registerWasmTrainingKernels();
  if (!(await tf.setBackend("wasm"))) throw new Error("tf.setBackend('wasm') returned false");
}

async function tryCpu(): Promise<void> {
  if (!(await tf.setBackend("cpu"))) throw new Error("tf.setBackend('cpu') returned false");
}

const STARTERS: Record<BackendName, () => Promise<void>> = {
  tensorflow: tryTensorflow,
  wasm: tryWasm,
  cpu: tryCpu,
};

function describe(name: BackendName): string {
  const version = tf.version.tfjs;
  if (name === "wasm") {
    const simd = tf.env().getBool("WASM_HAS_SIMD_SUPPORT") ? "SIMD" : "no SIMD";
    const threads = tf.env().getBool("WASM_HAS_MULTITHREAD_SUPPORT") ? "multi-threaded" : "1 thread";
    return `tfjs ${version} · wasm (XNNPACK, ${simd}, ${threads})`;
  }
  if (name === "tensorflow") return `tfjs ${version} · tensorflow (tfjs-node, libtensorflow)`;
  return `tfjs ${version} · cpu (pure JavaScript, slow to train)`;
}

/**
 * Starts the best available backend (or the one asked for) and returns what runs.
 *
 * @param request `auto` (default) tries tensorflow → wasm → cpu; a name forces that backend and
 *   fails with a clear error if it cannot start. Without an argument, `TSDL_BACKEND` decides.
 */
export async function selectBackend(request?: BackendName | "auto"): Promise<BackendInfo> {
  const wanted = request ?? parseBackendRequest(process.env[BACKEND_ENV]);
  if (current && (wanted === "auto" || wanted === current.name) && tf.getBackend() === current.name) {
    return current;
  }
  const candidates = wanted === "auto" ? ORDER : [wanted];
  const skipped: { name: BackendName; reason: string }[] = [];
  for (const name of candidates) {
    try {
      await STARTERS[name]();
      await tf.ready();
      current = { name, summary: describe(name), skipped };
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
  const why = info.skipped.length
    ? ` (skipped: ${info.skipped.map((s) => `${s.name} — ${s.reason}`).join("; ")})`
    : "";
  return `Backend: ${info.summary}${why}`;
}
