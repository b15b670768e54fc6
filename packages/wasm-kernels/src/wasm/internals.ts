/**
 * The few parts of tfjs-backend-wasm's `BackendWasm` that our kernels use, behind one checked
 * cast. The package's own .d.ts drags in Emscripten types we don't have, and these members are
 * internal API: checking them once, with an error that names what is missing, turns a future
 * incompatible release into a clear message instead of a wrong gradient.
 */
import type * as tf from "@tensorflow/tfjs-core";

/** The members of the wasm backend our kernels call (all present in tfjs-backend-wasm 4.x). */
export interface WasmBackend {
  /** Allocates an output tensor on the wasm heap (contents uninitialised), refCount 1. */
  makeOutput(shape: number[], dtype: tf.DataType): tf.TensorInfo;
  /** Decrements the refCount of `dataId` and frees it at zero. */
  disposeData(dataId: tf.DataId): boolean;
  /** Increments the refCount of `dataId` (a second TensorInfo shares the buffer). */
  incRef(dataId: tf.DataId): void;
  /** A view of a tensor's bytes on the current wasm heap (invalidated when the heap grows). */
  typedArrayFromHeap(info: tf.TensorInfo): Float32Array | Int32Array | Uint8Array;
  /** How many data buffers the backend holds: a composite kernel must leave it +1. */
  numDataIds(): number;
}

const REQUIRED: readonly (keyof WasmBackend)[] = ["makeOutput", "disposeData", "incRef", "typedArrayFromHeap", "numDataIds"];

/** Narrows the `backend` a kernel receives; throws naming the missing member otherwise. */
export function asWasmBackend(backend: unknown, kernelName: string): WasmBackend {
  const b = backend as Record<string, unknown> | null;
  for (const key of REQUIRED) {
    if (b == null || typeof b[key] !== "function") {
      throw new Error(
        `${kernelName}: the wasm backend object has no ${key}() — tfjs-backend-wasm changed its internals; ` +
          `this project's training kernels were written for 4.22`,
      );
    }
  }
  return backend as WasmBackend;
}

/** A float32 view of `info` on the wasm heap; take it *after* the last allocation. */
export function f32View(backend: WasmBackend, info: tf.TensorInfo): Float32Array {
  const view = backend.typedArrayFromHeap(info);
  if (!(view instanceof Float32Array)) throw new Error(`expected a float32 tensor, got ${info.dtype}`);
  return view;
}
