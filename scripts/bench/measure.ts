/**
 * The bench's child side (`npm run bench`, scripts/cli/bench.ts): the two reference networks, and
 * one configuration measured in this process — a backend, its threads, `tsdl.fit` or tfjs's
 * `model.fit` — printed as one JSON line per network for the parent to collect.
 */
import * as tf from "@tensorflow/tfjs";
import {
  GEMM_ENV,
  measureCeiling,
  relaxedSimdAvailable,
  type ConvMeasurement,
  type GemmMeasurement,
  measureConv,
  measureGemm,
  TRAINING_CONV_SHAPES,
  TRAINING_GEMM_SHAPES,
} from "@tsdl/wasm-kernels";
import { type BackendName, selectBackend } from "../../src/backend/select";
import { fit } from "../../src/train/fit";
import type { PythonReference } from "./python";

/** Training batch of every framework's rows. */
export const BATCH = 100;

export type Network = "cnn" | "mlp";
export const NETWORKS: readonly Network[] = ["cnn", "mlp"];

/** One measured configuration: a network on a backend. */
export interface Measurement {
  network: Network;
  backend: BackendName | PythonReference["kind"];
  /** What ran, e.g. "tfjs 4.22.0 · wasm 4.22.0 (XNNPACK, SIMD, 2 threads)", "PyTorch 2.13.0+cpu CPU (2 threads)". */
  summary: string;
  threads: number | null;
  params: number;
  trainSamples: number;
  inferSamples: number;
  trainSamplesPerSec: number;
  inferSamplesPerSec: number;
  /** Every timed pass (samples/s); the fields above are the best of them (with rounds: their median over rounds). */
  runs: { train: number[]; infer: number[] };
  /** With `--rounds` > 1: each round's best pass. */
  rounds?: { train: number[]; infer: number[] };
  /** The Python framework and its version (PyTorch, Keras rows): two PyTorch rows differ by it. */
  framework?: string;
  /** This ÷ PyTorch using all cores, same network and run (the first PyTorch found: bench/.venv's 2.13). */
  ratioToTorch?: { train: number; infer: number } | null;
  /** This ÷ PyTorch with the same number of threads. */
  ratioToTorchSameThreads?: { train: number; infer: number } | null;
  /** `tsdl.fit` (the library's default configuration) or tfjs's `model.fit`. */
  trainedWith?: "tsdl.fit" | "model.fit";
  /** tsdl.fit: training workers it chose, and the seconds it took to start them (not in train/s). */
  workers?: number;
  startSeconds?: number;
  note?: string;
}

/** Rates in the JSON: one decimal. */
export function round(v: number): number {
  return Math.round(v * 10) / 10;
}

/** What a child process is asked to run. */
export interface ChildJob {
  backend: BackendName;
  wasmThreads: number;
  networks: Network[];
  train: number;
  infer: number;
  inferBatch: number;
  repeats: number;
  /** Train through the library's `fit` (its default workers) instead of tfjs's `model.fit`. */
  library?: boolean;
  note?: string;
}

function referenceCnn(): tf.Sequential {
  const m = tf.sequential();
  m.add(tf.layers.conv2d({ inputShape: [28, 28, 1], filters: 32, kernelSize: 3, padding: "same", activation: "relu" }));
  m.add(tf.layers.maxPooling2d({ poolSize: 2, padding: "same" }));
  m.add(tf.layers.conv2d({ filters: 64, kernelSize: 3, padding: "same", activation: "relu" }));
  m.add(tf.layers.maxPooling2d({ poolSize: 2, padding: "same" }));
  m.add(tf.layers.conv2d({ filters: 128, kernelSize: 3, padding: "same", activation: "relu" }));
  m.add(tf.layers.maxPooling2d({ poolSize: 2, padding: "same" }));
  m.add(tf.layers.flatten());
  m.add(tf.layers.dropout({ rate: 0.25 }));
  m.add(tf.layers.dense({ units: 128, activation: "relu" }));
  m.add(tf.layers.dense({ units: 10, activation: "softmax" }));
  return m;
}

function mlp(): tf.Sequential {
  const m = tf.sequential();
  m.add(tf.layers.dense({ inputShape: [784], units: 256, activation: "relu" }));
  m.add(tf.layers.dense({ units: 256, activation: "relu" }));
  m.add(tf.layers.dense({ units: 10, activation: "softmax" }));
  return m;
}

const EXPECTED_PARAMS: Record<Network, number> = { cnn: 356_234, mlp: 269_322 };

function inputShape(network: Network): number[] {
  return network === "cnn" ? [28, 28, 1] : [784];
}

async function measure(network: Network, job: ChildJob, summary: string, threads: number | undefined): Promise<Measurement> {
  const model = network === "cnn" ? referenceCnn() : mlp();
  const params = model.countParams();
  if (params !== EXPECTED_PARAMS[network]) {
    throw new Error(`${network} has ${params} parameters, expected ${EXPECTED_PARAMS[network]}`);
  }
  model.compile({ optimizer: tf.train.adam(1e-3), loss: "categoricalCrossentropy" });
  const batch = Math.min(BATCH, job.train);
  const x = tf.randomUniform([job.train, ...inputShape(network)], 0, 1, "float32", 1);
  const y = tf.tidy(() => tf.oneHot(tf.randomUniform([job.train], 0, 10, "int32", 2), 10).toFloat());
  const xi = tf.randomUniform([job.infer, ...inputShape(network)], 0, 1, "float32", 3);

  const trainRuns: number[] = [];
  let library: Pick<Measurement, "workers" | "startSeconds"> = {};
  if (job.library) {
    // One fit call, as a lesson makes it: the first epoch warms up (XNNPACK operators, V8),
    // the next `repeats` are timed; what the call took beyond its epochs is starting the workers.
    const start = performance.now();
    const history = await fit(
      model,
      { train: { xs: x as tf.Tensor4D, ys: y as tf.Tensor2D, size: job.train } },
      {
        epochs: job.repeats + 1,
        batchSize: batch,
        lr: 1e-3,
        progress: false,
      },
    );
    const total = (performance.now() - start) / 1000;
    trainRuns.push(...history.epochs.slice(1).map((e) => e.samplesPerSecond));
    library = { workers: history.workers, startSeconds: round(total - history.seconds.reduce((a, b) => a + b, 0)) };
  } else {
    // Warm-up: XNNPACK operators, V8 tier-up, the optimizer's slots. Small on the slow cpu backend.
    const warm = job.backend === "cpu" ? Math.min(4, job.train) : Math.min(2 * batch, job.train);
    await model.fit(x.slice(0, warm), y.slice(0, warm), { batchSize: Math.min(batch, warm), epochs: 1, verbose: 0 });
    for (let r = 0; r < job.repeats; r++) {
      const start = performance.now();
      await model.fit(x, y, { batchSize: batch, epochs: 1, shuffle: false, verbose: 0 });
      trainRuns.push(job.train / ((performance.now() - start) / 1000));
    }
  }

  const inferBatch = Math.min(job.inferBatch, job.infer);
  tf.dispose(model.predict(xi.slice(0, Math.min(inferBatch, 100))) as tf.Tensor);
  const inferRuns: number[] = [];
  for (let r = 0; r < job.repeats; r++) {
    const start = performance.now();
    const out = model.predict(xi, { batchSize: inferBatch }) as tf.Tensor;
    // Read back only a scalar: reading big tensors back is not what we time.
    await out.sum().data();
    inferRuns.push(job.infer / ((performance.now() - start) / 1000));
    out.dispose();
  }

  tf.dispose([x, y, xi]);
  model.dispose();
  return {
    network,
    backend: job.backend,
    summary,
    threads: threads ?? null,
    params,
    trainSamples: job.train,
    inferSamples: job.infer,
    trainSamplesPerSec: Math.max(...trainRuns),
    inferSamplesPerSec: Math.max(...inferRuns),
    runs: { train: trainRuns.map(round), infer: inferRuns.map(round) },
    trainedWith: job.library ? "tsdl.fit" : "model.fit",
    ...library,
    ...(job.note ? { note: job.note } : {}),
  };
}

/** Child mode: run one backend configuration, print one JSON line per network. */
export async function child(job: ChildJob): Promise<void> {
  const info = await selectBackend(job.backend, { wasmThreads: job.wasmThreads });
  for (const network of job.networks) {
    const m = await measure(network, job, info.summary + (info.notices.length ? ` [${info.notices.join("; ")}]` : ""), info.threads);
    process.stdout.write(`BENCH ${JSON.stringify(m)}\n`);
  }
}

/** Child mode for the GEMM: single-threaded wasm, every training shape; prints one JSON line. */
export async function gemmChild(repeats: number): Promise<void> {
  process.env[GEMM_ENV] = "xnnpack"; // tfjs's MatMul is the baseline: XNNPACK's, not ours
  await selectBackend("wasm", { wasmThreads: 1 });
  const shapes = measureGemm(TRAINING_GEMM_SHAPES, repeats);
  const conv = measureConv(TRAINING_CONV_SHAPES, repeats);
  const fma = relaxedSimdAvailable();
  const ceiling = { plain: measureCeiling(false, 10), fma: fma ? measureCeiling(true, 10) : null };
  const round: GemmRound = { relaxedSimd: fma, ceiling, shapes, conv };
  process.stdout.write(`GEMM ${JSON.stringify(round)}\n`);
}

/** One round of the GEMM measurement: the machine's ceiling, every training product, every convolution kernel. */
export interface GemmRound {
  relaxedSimd: boolean;
  /** GFLOP/s of multiply-adds in registers on one thread (packages/wasm-kernels/src/gemm/ceiling.ts): what a kernel could reach. */
  ceiling: { plain: number; fma: number | null };
  shapes: GemmMeasurement[];
  conv: ConvMeasurement[];
}
