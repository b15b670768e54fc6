/**
 * Shared helpers for the kernel tests: the wasm backend with our kernels (one thread, where they
 * run), a seeded generator, the same computation run on the cpu and wasm backends, and a
 * relative-error measure.
 */
import * as path from "node:path";
import * as tf from "@tensorflow/tfjs";
import { registerWasmTrainingKernels } from "../src/register";

/** Seeded uniform numbers in [0, 1) (mulberry32): the same on every run and backend. */
export function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Uniform values in [-1, 1) as a plain array (so each backend builds its own tensor). */
export function randomValues(n: number, next: () => number): Float32Array {
  const out = new Float32Array(n);
  for (let i = 0; i < n; i++) out[i] = next() * 2 - 1;
  return out;
}

/** An integer in [lo, hi]. */
export function randInt(next: () => number, lo: number, hi: number): number {
  return lo + Math.floor(next() * (hi - lo + 1));
}

/** max |a - b| / max |b|: 0 for identical arrays; scale-free for gradients of any size. */
export function relError(a: ArrayLike<number>, b: ArrayLike<number>): number {
  if (a.length !== b.length) throw new Error(`length ${a.length} vs ${b.length}`);
  let diff = 0;
  let scale = 0;
  for (let i = 0; i < a.length; i++) {
    diff = Math.max(diff, Math.abs(a[i]! - b[i]!));
    scale = Math.max(scale, Math.abs(b[i]!));
  }
  return scale === 0 ? diff : diff / scale;
}

/** The wasm backend (single-threaded in Node: where our kernels run) with our kernels registered, as a user would start it. */
export async function useWasm(): Promise<void> {
  const wasm = require("@tensorflow/tfjs-backend-wasm") as typeof import("@tensorflow/tfjs-backend-wasm");
  wasm.setWasmPaths(path.join(path.dirname(require.resolve("@tensorflow/tfjs-backend-wasm/package.json")), "dist") + path.sep);
  registerWasmTrainingKernels();
  if (!(await tf.setBackend("wasm"))) throw new Error("tf.setBackend('wasm') returned false");
}

/** Starts wasm with our kernels, then returns to cpu for setup. */
export async function useWasmAndCpu(): Promise<void> {
  await useWasm();
  await tf.setBackend("cpu");
}

/** Data buffers the active backend holds (catches leaks inside composite kernels too). */
export function backendDataIds(): number {
  return (tf.backend() as unknown as { numDataIds(): number }).numDataIds();
}

/**
 * Runs `compute` (which builds its tensors from plain arrays and returns tensors) on `backend`
 * and reads the results back as plain arrays, disposing everything it made — and fails if any
 * tensor or backend buffer outlives it.
 */
export async function runOn(backend: "cpu" | "wasm", compute: () => tf.Tensor[]): Promise<Float32Array[]> {
  await tf.setBackend(backend);
  const tensorsBefore = tf.memory().numTensors;
  const buffersBefore = backendDataIds();
  const outs = tf.tidy(compute);
  let values: Float32Array[];
  try {
    values = await Promise.all(outs.map(async (t) => Float32Array.from(await t.data())));
  } finally {
    tf.dispose(outs);
  }
  if (tf.memory().numTensors !== tensorsBefore || backendDataIds() !== buffersBefore) {
    throw new Error(`${backend}: leaked ${tf.memory().numTensors - tensorsBefore} tensors / ${backendDataIds() - buffersBefore} buffers`);
  }
  return values;
}
