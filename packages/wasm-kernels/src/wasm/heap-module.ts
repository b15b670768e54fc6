/**
 * WebAssembly kernels that work on the tfjs wasm heap in place: a module written by this project
 * (max-pool-grad-kernel.ts) imports the backend's own memory, so its functions read and write
 * tensors where they are, by byte address, with no copy in or out. The memory is tfjs-backend-wasm's
 * internal (4.x, see backendMemory); where it is missing, or the engine lacks SIMD, callers keep
 * their JavaScript path.
 */
import { instantiate, type WasmMemory, webAssembly } from "../gemm/wasm-api";
import { type Environment, environment, gemmChoice } from "./gemm-matmul";
import type { WasmBackend } from "./internals";

/**
 * The backend's wasm memory, or undefined if this tfjs-backend-wasm does not expose it where 4.x
 * does: the single-threaded build exports it (`asm.memory`), the threaded build creates it shared
 * in JavaScript (`wasmMemory`).
 */
export function backendMemory(backend: WasmBackend): WasmMemory | undefined {
  const module = (backend as unknown as { wasm?: { asm?: { memory?: unknown }; wasmMemory?: unknown } }).wasm;
  const memory = (module?.asm?.memory ?? module?.wasmMemory) as WasmMemory | undefined;
  return memory !== undefined && memory.buffer !== undefined ? memory : undefined;
}

/**
 * Whether the project's heap kernels may run: not when `TSDL_GEMM=xnnpack`, the one opt-out
 * from every wasm kernel this project generates (read per call, as gemmChoice is).
 */
export function heapKernelsAllowed(env: Environment = environment()): boolean {
  return gemmChoice(env) !== "xnnpack";
}

/** Instances per memory and module builder: a module is compiled once per backend memory. */
const instances = new WeakMap<object, Map<string, Record<string, unknown> | null>>();

/**
 * The exports of the module `build(shared)` makes, instantiated against the backend's memory;
 * undefined where that memory is not reachable or the engine refuses the module (no SIMD).
 * `key` names the builder (one instance per key and memory).
 */
export function heapExports(
  backend: WasmBackend,
  key: string,
  build: (shared: boolean) => Uint8Array,
): Record<string, unknown> | undefined {
  const memory = backendMemory(backend);
  if (memory === undefined) return undefined;
  let byKey = instances.get(memory);
  if (byKey === undefined) {
    byKey = new Map();
    instances.set(memory, byKey);
  }
  if (!byKey.has(key)) {
    const shared = typeof SharedArrayBuffer !== "undefined" && memory.buffer instanceof SharedArrayBuffer;
    const bytes = build(shared);
    byKey.set(key, webAssembly.validate(bytes) ? instantiate(bytes, { env: { memory } }) : null);
  }
  return byKey.get(key) ?? undefined;
}
