/**
 * The main thread's side of data-parallel training: starts the workers, splits each batch among
 * them, and sums their gradients in worker order (a fixed order, so a run repeats exactly for a
 * given worker count).
 */
import type * as tf from "@tensorflow/tfjs";
import * as path from "node:path";
import { Worker } from "node:worker_threads";
import type { BackendName } from "../../backend/select";
import { type SeededDropout, seededDropouts } from "../../models/seeded-dropout";
import { copyInto, flatLayout, sharedFloats } from "./flat";
import type { FromWorker, StepMessage, StepResult } from "./protocol";

/**
 * The summed result of one step: gradients of the batch's mean loss (views of one buffer, valid
 * until the next step), its loss sum and correct count.
 */
export interface ParallelStep {
  readonly grads: Float32Array[];
  readonly lossSum: number;
  readonly correct: number;
}

/** Rows of a batch of `total` for each of `count` workers: sizes differ by at most one, in order. */
export function splitRows(total: number, count: number): { start: number; size: number }[] {
  const parts: { start: number; size: number }[] = [];
  let start = 0;
  for (let i = 0; i < count; i++) {
    const size = Math.floor(total / count) + (i < total % count ? 1 : 0);
    parts.push({ start, size });
    start += size;
  }
  return parts;
}

interface Pending {
  resolve: (message: FromWorker) => void;
  reject: (err: Error) => void;
}

/** One worker thread and the one request it may have in flight. */
class WorkerHandle {
  private pending: Pending | undefined;
  private failure: Error | undefined;
  readonly worker: Worker;

  constructor(
    readonly label: string,
    script: string,
  ) {
    this.worker = new Worker(script);
    this.worker.on("message", (message: FromWorker) => {
      const p = this.pending;
      this.pending = undefined;
      if (message.type === "error") p?.reject(new Error(`${this.label} failed: ${message.message}`));
      else p?.resolve(message);
    });
    this.worker.on("error", (err) => this.fail(new Error(`${this.label} crashed: ${err.message}`)));
    this.worker.on("exit", (code) => this.fail(new Error(`${this.label} exited (code ${code}) during training`)));
  }

  private fail(err: Error): void {
    this.failure ??= err;
    const p = this.pending;
    this.pending = undefined;
    p?.reject(this.failure);
  }

  request(message: object, transfer: ArrayBuffer[] = []): Promise<FromWorker> {
    if (this.failure) return Promise.reject(this.failure);
    return new Promise((resolve, reject) => {
      this.pending = { resolve, reject };
      this.worker.postMessage(message, transfer);
    });
  }

  async terminate(): Promise<void> {
    this.worker.removeAllListeners("exit");
    this.worker.on("error", () => {}); // a late error of a worker being stopped is not news
    await this.worker.terminate();
  }
}

/** Training workers for one `fit` call; {@link close} them in a `finally`. */
export class TrainingWorkers {
  /** Each trainable weight's offset in the flat (shared) arrays. */
  private readonly offsets: number[];
  /** The gradients summed over the workers, in the same layout. */
  private readonly sum: Float32Array;
  /** The model's seeded dropout layers, whose streams the workers follow. */
  private readonly dropouts: SeededDropout[];

  private constructor(
    model: tf.LayersModel,
    private readonly variables: readonly tf.Variable[],
    private readonly handles: readonly WorkerHandle[],
    private readonly sharedWeights: Float32Array,
    private readonly sharedGrads: readonly Float32Array[],
    /** What the workers run on, e.g. "tfjs 4.22.0 · wasm 4.22.0 (XNNPACK, SIMD, 1 thread)". */
    readonly summary: string,
  ) {
    this.offsets = flatLayout(variables.map((v) => v.size)).offsets;
    this.sum = new Float32Array(sharedWeights.length);
    this.dropouts = seededDropouts(model);
  }

  get count(): number {
    return this.handles.length;
  }

  /** Starts `count` workers with copies of `model` on `backend`; a worker that cannot start is an error naming it. */
  static async start(
    model: tf.LayersModel,
    variables: readonly tf.Variable[],
    count: number,
    backend: BackendName,
  ): Promise<TrainingWorkers> {
    const script = path.join(__dirname, "worker.js");
    const handles = Array.from({ length: count }, (_, i) => new WorkerHandle(`training worker ${i + 1} of ${count}`, script));
    try {
      const topology = model.toJSON(undefined, false) as object;
      const weights = model.weights.map((w) => (w.read().dataSync() as Float32Array).slice());
      const { total } = flatLayout(variables.map((v) => v.size));
      const sharedWeights = sharedFloats(total);
      const sharedGrads = handles.map(() => sharedFloats(total));
      const replies = await Promise.all(
        handles.map((h, i) => h.request({ type: "init", backend, topology, weights, sharedWeights, sharedGrads: sharedGrads[i] })),
      );
      const summary = replies[0]!.type === "ready" ? replies[0]!.summary : "?";
      return new TrainingWorkers(model, variables, handles, sharedWeights, sharedGrads, summary);
    } catch (err) {
      await Promise.all(handles.map((h) => h.terminate()));
      throw err;
    }
  }

  /**
   * Shares the current weights, sends each worker its rows of the batch (`x` of shape `xShape`,
   * one-hot `y` with `classes` columns), and returns the gradients summed in worker order.
   */
  async step(x: Float32Array, xShape: readonly number[], y: Float32Array, classes: number): Promise<ParallelStep> {
    const total = xShape[0]!;
    const pixels = x.length / total;
    this.variables.forEach((v, i) => copyInto(v, this.sharedWeights, this.offsets[i]!));
    const parts = splitRows(total, this.handles.length).filter((p) => p.size > 0);
    const dropoutCalls = this.dropouts.map((d) => d.trainingCalls);
    const replies = await Promise.all(
      parts.map((p, i) => {
        const message: StepMessage = {
          type: "step",
          x: x.slice(p.start * pixels, (p.start + p.size) * pixels),
          xShape: [p.size, ...xShape.slice(1)],
          y: y.slice(p.start * classes, (p.start + p.size) * classes),
          classes,
          start: p.start,
          total,
          dropoutCalls,
        };
        return this.handles[i]!.request(message, [message.x.buffer as ArrayBuffer, message.y.buffer as ArrayBuffer]);
      }),
    );
    // One training call per dropout layer, as on one thread: the model's streams stay where one
    // thread would have left them after every step (for a later fit, a checkpoint).
    for (const d of this.dropouts) d.trainingCalls++;
    const results = replies as StepResult[];
    const sum = this.sum;
    sum.set(this.sharedGrads[0]!);
    for (const grads of this.sharedGrads.slice(1, results.length)) {
      for (let k = 0; k < sum.length; k++) sum[k] = sum[k]! + grads[k]!;
    }
    return {
      grads: this.variables.map((v, i) => sum.subarray(this.offsets[i]!, this.offsets[i]! + v.size)),
      lossSum: results.reduce((s, r) => s + r.lossSum, 0),
      correct: results.reduce((s, r) => s + r.correct, 0),
    };
  }

  /** Stops the workers. */
  async close(): Promise<void> {
    await Promise.all(this.handles.map((h) => h.terminate()));
  }
}
