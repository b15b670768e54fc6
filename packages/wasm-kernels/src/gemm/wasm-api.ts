/**
 * The part of the WebAssembly JS API the project's generated modules use (the project's
 * TypeScript libs declare none: no DOM), and the two steps every module with its own memory
 * takes: instantiate, grow the memory to fit.
 */

/** A module's linear memory (shared under the threaded tfjs-backend-wasm build). */
export interface WasmMemory {
  readonly buffer: ArrayBuffer | SharedArrayBuffer;
  grow(pages: number): number;
}

interface WasmApi {
  validate(bytes: Uint8Array): boolean;
  Module: new (bytes: Uint8Array) => object;
  Instance: new (module: object, imports?: Record<string, Record<string, unknown>>) => { exports: Record<string, unknown> };
}

/** The engine's WebAssembly object. */
export const webAssembly = (globalThis as unknown as { WebAssembly: WasmApi }).WebAssembly;

/** Compiles and instantiates `bytes`; returns the instance's exports. */
export function instantiate(bytes: Uint8Array, imports: Record<string, Record<string, unknown>> = {}): Record<string, unknown> {
  return new webAssembly.Instance(new webAssembly.Module(bytes), imports).exports;
}

const PAGE = 65536;

/** Grows `memory` (never shrinks it) so that it holds at least `floats` float32 values. */
export function growToFloats(memory: WasmMemory, floats: number): void {
  const need = Math.ceil((floats * 4) / PAGE) - memory.buffer.byteLength / PAGE;
  if (need > 0) memory.grow(need);
}
