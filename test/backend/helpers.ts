/**
 * Shared helpers for the backend tests: a seeded generator, the same computation run on the
 * cpu and wasm backends, and a relative-error measure.
 */
import * as tf from "@tensorflow/tfjs";
import { selectBackend } from "../../src/backend/select";
import { mulberry32 } from "../../src/data/batches";

/** The library's seeded generator (mulberry32): the same numbers on every run and backend. */
export const rng = mulberry32;

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

/** Starts wasm through the library (training kernels registered), then returns to cpu for setup. */
export async function useWasmAndCpu(): Promise<void> {
  await selectBackend("wasm");
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
