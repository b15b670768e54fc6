/**
 * Multi-threaded wasm under Node: start tfjs-backend-wasm's threaded SIMD build ourselves.
 *
 * Four things stand in the way under Node, each worked around here:
 * 1. its WASM_HAS_MULTITHREAD_SUPPORT flag returns false when IS_NODE — we bypass the flag by
 *    creating the backend ourselves and registering it as `wasm`;
 * 2. its pthread worker script is handed over as a blob: URL, which Node's worker_threads
 *    refuses (ERR_WORKER_PATH) — we write the same script to a file and point the loader there
 *    (and the workers to the loader's .js file instead of a Blob);
 * 3. its C++ caps threads at emscripten_num_logical_cores() / 2 (1 on a 2-vCPU machine) —
 *    we answer that import with 2 × the thread count wanted;
 * 4. V8 runs new wasm code with its baseline compiler (Liftoff) and tiers hot functions up to
 *    TurboFan after a "budget" of execution; in the pthread workers that tier-up practically
 *    never happened with the default budget, so the second thread computed at a fraction of
 *    the speed and 2 threads were no faster than 1 (measured: 80 convolutions 1.87 s with
 *    either). We lower the budget (`--wasm-tiering-budget`, process-wide, wasm only) before
 *    compiling the module: the same run took 0.89 s with 2 threads.
 * The pthread workers are `unref`'d, so they never keep a finished script alive.
 *
 * This depends on the package's internals, so it only runs for the version it was tested with;
 * anything else — or any failure while starting — falls back to the stock single-threaded
 * backend, with a one-line notice.
 */
import * as tf from "@tensorflow/tfjs";
import { createHash } from "node:crypto";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import * as v8 from "node:v8";

/** The tfjs-backend-wasm version whose internals this loader was written and tested against. */
export const THREADED_WASM_TESTED_VERSION = "4.22.0";

/** How the wasm backend was (or will be) started. */
export interface WasmThreading {
  /** Threads XNNPACK uses (1 = single-threaded). */
  threads: number;
  /** Why fewer threads than asked for run, if so (one line). */
  notice?: string;
}

/** Why the threaded build cannot be used here, or undefined if it can (pure: for tests too). */
export function threadedWasmBlocker(version: string, threads: number): string | undefined {
  if (!Number.isInteger(threads) || threads < 2) return `${threads} thread(s) asked for`;
  if (version !== THREADED_WASM_TESTED_VERSION) {
    return `tfjs-backend-wasm ${version} is not the version the threaded loader was tested with (${THREADED_WASM_TESTED_VERSION})`;
  }
  if (typeof SharedArrayBuffer !== "function" || typeof Atomics !== "object") {
    return "this Node has no SharedArrayBuffer/Atomics";
  }
  return undefined;
}

interface EmscriptenWorker {
  unref(): void;
  terminate(): unknown;
}
interface PThreadApi {
  runningWorkers: EmscriptenWorker[];
  unusedWorkers: EmscriptenWorker[];
  terminateAllThreads(): void;
}
/** The Emscripten module object of the threaded build (the config object we pass becomes it). */
interface ThreadedModule {
  cwrap(name: string, ret: string | null, args: string[]): (...a: number[]) => number;
  PThread?: PThreadApi;
  tfjs?: Record<string, unknown>;
  [key: string]: unknown;
}
type WasmImports = { env: Record<string, unknown> };
/** The slice of the WebAssembly global we use (lib ES2022 without DOM does not declare it). */
interface WebAssemblyApi {
  instantiate(bytes: Uint8Array, imports: WasmImports): Promise<{ instance: unknown; module: unknown }>;
}
const WA = (globalThis as unknown as { WebAssembly: WebAssemblyApi }).WebAssembly;

const START_TIMEOUT_MS = 30_000;

/** V8's default is 1,800,000; see point 4 above. */
const WASM_TIERING_BUDGET = 1000;

let state: WasmThreading | undefined;

/** What {@link useThreadedWasm} arranged (undefined if it was never called). */
export function wasmThreading(): WasmThreading | undefined {
  return state;
}

function packageDir(): string {
  return path.dirname(require.resolve("@tensorflow/tfjs-backend-wasm/package.json"));
}

/** The pthread worker script, written once per content hash to the temp directory. */
function workerScriptFile(dir: string): string {
  const { wasmWorkerContents } = require(path.join(dir, "wasm-out", "tfjs-backend-wasm-threaded-simd.worker.js")) as {
    wasmWorkerContents: string;
  };
  // The package escapes newlines the same way before making its Blob: the template literal
  // turned the script's "\n" string escapes into real newlines.
  const source = wasmWorkerContents.replace(/\n/g, "\\n");
  const hash = createHash("sha256").update(source).digest("hex").slice(0, 12);
  const file = path.join(os.tmpdir(), `tsdl-tfjs-wasm-worker-${hash}.js`);
  if (!fs.existsSync(file)) {
    const tmp = `${file}.${process.pid}.tmp`;
    fs.writeFileSync(tmp, source);
    fs.renameSync(tmp, file);
  }
  return file;
}

function unrefAll(pthread: PThreadApi | undefined): void {
  for (const w of [...(pthread?.runningWorkers ?? []), ...(pthread?.unusedWorkers ?? [])]) w.unref();
}

async function startThreaded(threads: number): Promise<tf.KernelBackend> {
  const dir = packageDir();
  const wasmPkg = require("@tensorflow/tfjs-backend-wasm") as typeof import("@tensorflow/tfjs-backend-wasm");
  const loaderJs = path.join(dir, "wasm-out", "tfjs-backend-wasm-threaded-simd.js");
  const wasmFile = path.join(dir, "dist", "tfjs-backend-wasm-threaded-simd.wasm");
  const factory = require(loaderJs) as (config: ThreadedModule) => Promise<ThreadedModule>;
  const worker = workerScriptFile(dir);
  // Must precede compiling the module (point 4 in the file comment).
  v8.setFlagsFromString(`--wasm-tiering-budget=${WASM_TIERING_BUDGET}`);

  const config = {
    locateFile: (p: string) => (p.endsWith(".worker.js") ? worker : path.join(dir, "dist", p)),
    // Workers load the module from this path (the package passes a Blob, unusable in Node).
    mainScriptUrlOrBlob: loaderJs,
    instantiateWasm: (imports: WasmImports, receive: (instance: unknown, module: unknown) => void) => {
      imports.env["emscripten_num_logical_cores"] = () => 2 * threads;
      WA.instantiate(fs.readFileSync(wasmFile), imports).then(
        (r) => receive(r.instance, r.module),
        (e: unknown) => failed(e),
      );
      return {};
    },
  } as unknown as ThreadedModule;
  let failed: (e: unknown) => void = () => {};
  const failure = new Promise<never>((_, reject) => {
    failed = reject;
  });
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`threaded wasm did not start within ${START_TIMEOUT_MS} ms`)), START_TIMEOUT_MS);
    timer.unref();
  });
  try {
    const module = await Promise.race([factory(config), failure, timeout]);
    // What the package's own init() adds before constructing the backend.
    module.tfjs = {
      init: module.cwrap("init", null, []),
      initWithThreadsCount: module.cwrap("init_with_threads_count", null, ["number"]),
      getThreadsCount: module.cwrap("get_threads_count", "number", []),
      registerTensor: module.cwrap("register_tensor", null, ["number", "number", "number"]),
      disposeData: module.cwrap("dispose_data", null, ["number"]),
      dispose: module.cwrap("dispose", null, []),
    };
    wasmPkg.setThreadsCount(threads);
    const backend = new wasmPkg.BackendWasm(module as unknown as ConstructorParameters<typeof wasmPkg.BackendWasm>[0]);
    // pthreadpool's threads are running workers, which Emscripten ref()s: unref them all.
    unrefAll(module.PThread);
    return backend;
  } catch (err) {
    config.PThread?.terminateAllThreads();
    throw err;
  } finally {
    clearTimeout(timer);
  }
}

/**
 * Makes the `wasm` backend start multi-threaded (call before the first `tf.setBackend('wasm')`).
 * Falls back to the stock single-threaded backend, with a one-line notice on stderr, when the
 * threaded build can't be used or fails to start. Returns what was arranged; the thread count
 * actually running is `getThreadsCount()` of tfjs-backend-wasm once the backend is up.
 */
export function useThreadedWasm(threads: number): WasmThreading {
  if (state !== undefined) return state;
  if (tf.engine().registry["wasm"] !== undefined) {
    // Already running: replacing it would dispose every tensor on it.
    state = { threads: 1, notice: "wasm was already started single-threaded" };
    return state;
  }
  const version = (require("@tensorflow/tfjs-backend-wasm/package.json") as { version: string }).version;
  const blocker = threadedWasmBlocker(version, threads);
  if (blocker !== undefined) {
    state = { threads: 1, ...(threads >= 2 ? { notice: blocker } : {}) };
    if (threads >= 2) console.warn(`tsdl: wasm runs single-threaded: ${blocker}`);
    return state;
  }
  const stock = tf.findBackendFactory("wasm");
  if (stock == null) throw new Error("tfjs-backend-wasm is not loaded: no 'wasm' backend factory to replace");
  const arranged: WasmThreading = { threads };
  state = arranged;
  tf.removeBackend("wasm");
  tf.registerBackend(
    "wasm",
    async () => {
      try {
        return await startThreaded(threads);
      } catch (err) {
        const reason = (err instanceof Error ? err.message : String(err)).split("\n")[0];
        arranged.threads = 1;
        arranged.notice = `threaded wasm failed to start (${reason})`;
        console.warn(`tsdl: wasm runs single-threaded: ${arranged.notice}`);
        return stock();
      }
    },
    2,
  );
  return arranged;
}
