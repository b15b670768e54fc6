/**
 * Composing wasm kernels inside a kernel, the way tfjs-backend-wasm's own composite kernels do
 * (BatchMatMul calls `reshape`, Reverse calls `identity`): call the other kernels' functions
 * directly with the same `backend`, get plain TensorInfos back, and free the intermediates with
 * `backend.disposeData`. Nothing goes through the engine, so nothing lands on the gradient tape
 * or in `tf.memory()`, and the one TensorInfo returned is handed to the engine as the output.
 */
import * as tf from "@tensorflow/tfjs-core";
import type { WasmBackend } from "./internals";

/** Attribute values the kernels we call take. */
export type Attrs = Record<string, unknown>;

/** A kernel function as registered with tfjs (typed loosely: tfjs types attrs per kernel). */
export type RawKernelFunc = (args: {
  inputs: Record<string, tf.TensorInfo>;
  backend: unknown;
  attrs?: Attrs;
}) => tf.TensorInfo | tf.TensorInfo[];

function kernelFuncOf(kernelName: string): RawKernelFunc {
  const config = tf.getKernel(kernelName, "wasm");
  if (config === undefined) throw new Error(`Kernel '${kernelName}' is not registered for backend 'wasm'`);
  return config.kernelFunc as unknown as RawKernelFunc;
}

/** Tracks intermediate results so that exactly one output survives, also when a step throws. */
export class KernelScope {
  private readonly temps: tf.TensorInfo[] = [];

  constructor(readonly backend: WasmBackend) {}

  /** Runs the wasm kernel registered as `kernelName` (ours where we replaced it). */
  run(kernelName: string, inputs: Record<string, tf.TensorInfo>, attrs: Attrs = {}): tf.TensorInfo {
    return this.call(kernelFuncOf(kernelName), inputs, attrs);
  }

  /** Runs a given kernel function (e.g. the stock one we wrap) and tracks its output. */
  call(func: RawKernelFunc, inputs: Record<string, tf.TensorInfo>, attrs: Attrs = {}): tf.TensorInfo {
    const out = func({ inputs, backend: this.backend, attrs });
    if (Array.isArray(out)) throw new Error("KernelScope.call: multi-output kernels are not supported");
    return this.track(out);
  }

  /** Takes ownership of an output made elsewhere (e.g. by `backend.makeOutput`). */
  track(info: tf.TensorInfo): tf.TensorInfo {
    this.temps.push(info);
    return info;
  }

  /** Whether `info` is one of this scope's outputs (a kernel must return a fresh buffer). */
  owns(info: tf.TensorInfo): boolean {
    return this.temps.includes(info);
  }

  /** Frees every tracked TensorInfo except `keep` (pass none to free all). */
  release(keep?: tf.TensorInfo): void {
    for (const t of this.temps) if (t !== keep) this.backend.disposeData(t.dataId);
    this.temps.length = 0;
  }
}

/**
 * Runs `body` with a fresh scope and returns its result; every other intermediate is freed,
 * and on an exception all of them are.
 */
export function withScope(backend: WasmBackend, body: (scope: KernelScope) => tf.TensorInfo): tf.TensorInfo {
  const scope = new KernelScope(backend);
  let result: tf.TensorInfo | undefined;
  try {
    const out = body(scope);
    // The engine wraps a kernel's output as a *new* tensor: returning an input would alias it.
    if (!scope.owns(out)) throw new Error("withScope: the result must be produced inside the scope");
    result = out;
    return out;
  } finally {
    scope.release(result);
  }
}
