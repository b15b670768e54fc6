/**
 * `npm run bench`: training and inference throughput of two reference networks on every tfjs
 * backend that starts here, and in the same run on the Python frameworks found
 * (bench-python.ts: PyTorch 2.13 and Keras 3 from bench/.venv, Debian's PyTorch 1.13).
 *
 * - reference CNN: conv32-pool-conv64-pool-conv128-pool-dense128-10 (3×3 'same' convs, relu,
 *   2×2 'same' max pools, dropout 0.25), 356,234 parameters;
 * - MLP 784-256-256-10, 269,322 parameters.
 * Adam, batch 100, synthetic MNIST-shaped data (throughput does not depend on the values).
 *
 * Each tfjs backend configuration runs in its own child process (wasm's thread pool is per
 * process; a fresh heap for each). Results go to stdout as a table and to bench/results.json.
 *
 *   npm run bench -- [flags]   (the flags: {@link HELP}, `npm run bench -- --help`)
 * Each rate is the best of `--repeats` timed passes (cpu: one), which filters out moments when
 * other processes took the cores; every pass is recorded in the JSON. With `--rounds n`, every
 * configuration runs n times, interleaved (round 1 runs them all, then round 2, …): each rate
 * is then the median over rounds and each ratio to PyTorch the median of the rounds' ratios, so
 * that a host whose speed drifts over minutes favours no configuration.
 */
import * as tf from "@tensorflow/tfjs";
import { spawn, spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { parseArgs } from "node:util";
import { projectRoot } from "../../src/data/paths";
import { type BackendName, parseWasmThreads, selectBackend } from "../../src/backend/select";
import { fit } from "../../src/train/fit";
import { type GemmMeasurement, TRAINING_GEMM_SHAPES, measureGemm } from "../../src/backend/gemm/measure";
import { relaxedSimdAvailable } from "../../src/backend/gemm/gemm";
import { type PythonReference, findPythonReferences, runPythonReference } from "./bench-python";

const ROOT = projectRoot();
/** 1-minute load average above which the machine counts as busy (2 cores: a quarter of one is already noise). */
const BUSY_LOAD = 0.5;
const BATCH = 100;

type Network = "cnn" | "mlp";
const NETWORKS: readonly Network[] = ["cnn", "mlp"];

/** One measured configuration: a network on a backend. */
interface Measurement {
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

function round(v: number): number {
  return Math.round(v * 10) / 10;
}

/** What a child process is asked to run. */
interface ChildJob {
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
async function child(job: ChildJob): Promise<void> {
  const info = await selectBackend(job.backend, { wasmThreads: job.wasmThreads });
  for (const network of job.networks) {
    const m = await measure(network, job, info.summary + (info.notices.length ? ` [${info.notices.join("; ")}]` : ""), info.threads);
    process.stdout.write(`BENCH ${JSON.stringify(m)}\n`);
  }
}

/** Node 20 and 21 have relaxed SIMD behind a flag (on by default from Node 22). */
const RELAXED_SIMD_FLAG = Number(process.versions.node.split(".")[0]) < 22 ? ["--experimental-wasm-relaxed-simd"] : [];

/** Child mode for the GEMM: single-threaded wasm, every training shape; prints one JSON line. */
async function gemmChild(repeats: number): Promise<void> {
  await selectBackend("wasm", { wasmThreads: 1 });
  const shapes = measureGemm(TRAINING_GEMM_SHAPES, repeats);
  process.stdout.write(`GEMM ${JSON.stringify({ relaxedSimd: relaxedSimdAvailable(), shapes })}\n`);
}

interface GemmRound {
  relaxedSimd: boolean;
  shapes: GemmMeasurement[];
}

function runGemmChild(repeats: number): GemmRound {
  const r = spawnSync(process.execPath, [...RELAXED_SIMD_FLAG, __filename, "--gemm-child", String(repeats)], {
    encoding: "utf8",
    maxBuffer: 1 << 20,
  });
  const line = r.stdout.split("\n").find((l) => l.startsWith("GEMM "));
  if (r.status !== 0 || line === undefined)
    throw new Error(`GEMM measurement failed: ${r.stderr.trim().split("\n").pop() ?? `exit code ${r.status}`}`);
  return JSON.parse(line.slice(5)) as GemmRound;
}

function runChild(job: ChildJob): Promise<{ results: Measurement[]; error?: string }> {
  return new Promise((resolve) => {
    const proc = spawn(process.execPath, [__filename, "--child", JSON.stringify(job)], { stdio: ["ignore", "pipe", "pipe"] });
    let out = "";
    let err = "";
    proc.stdout.on("data", (d: Buffer) => {
      out += d.toString();
      for (const line of d.toString().split("\n")) {
        if (line.startsWith("BENCH ")) {
          const m = JSON.parse(line.slice(6)) as Measurement;
          console.log(`  ${m.network} on ${m.backend}: ${fmt(m.trainSamplesPerSec)} train / ${fmt(m.inferSamplesPerSec)} infer samples/s`);
        }
      }
    });
    proc.stderr.on("data", (d: Buffer) => (err += d.toString()));
    proc.on("exit", (code) => {
      const results = out
        .split("\n")
        .filter((l) => l.startsWith("BENCH "))
        .map((l) => JSON.parse(l.slice(6)) as Measurement);
      const lastError = err
        .split("\n")
        .map((l) => l.trim())
        .filter((l) => /Error|could not start/.test(l))
        .pop();
      resolve(code === 0 ? { results } : { results, error: lastError ?? `exit code ${code}` });
    });
  });
}

/** Sizes shared by every run of one bench. */
interface Sizes {
  train: number;
  infer: number;
  inferBatch: number;
  repeats: number;
}

function runReference(ref: PythonReference, network: Network, threads: number, z: Sizes): Measurement {
  const r = runPythonReference(ref, { network, batch: BATCH, threads, ...z });
  return {
    network,
    backend: ref.kind,
    summary: `${r.framework} CPU (${r.threads} threads)`,
    framework: r.framework,
    threads: r.threads,
    params: r.params,
    trainSamples: z.train,
    inferSamples: z.infer,
    trainSamplesPerSec: r.trainSamplesPerSec,
    inferSamplesPerSec: r.inferSamplesPerSec,
    runs: { train: r.runs.train.map(round), infer: r.runs.infer.map(round) },
  };
}

function fmt(v: number): string {
  return v >= 100 ? v.toFixed(0) : v.toFixed(1);
}

function loadAverage(): number[] {
  return os.loadavg().map((v) => Math.round(v * 100) / 100);
}

function packageVersion(name: string): string | null {
  try {
    return (JSON.parse(fs.readFileSync(require.resolve(`${name}/package.json`), "utf8")) as { version: string }).version;
  } catch {
    return null;
  }
}

export const HELP = `Training and inference throughput of the reference CNN and MLP on every tfjs backend (and PyTorch, Keras).

Usage: npm run bench -- [options]

Options:
  --train <n>           training samples per timed pass (default 2000)
  --infer <n>           inference samples per timed pass (default 10000)
  --cpu-train <n>       training samples on the cpu backend (default 100)
  --cpu-infer <n>       inference samples on the cpu backend (default 500)
  --infer-batch <n>     inference batch size (default 1000)
  --repeats <n>         timed passes per rate, the best kept (default 3; cpu: one)
  --rounds <n>          run every configuration n times, interleaved; rates are medians (default 1)
  --backends <list>     tensorflow,wasm,cpu (default all three)
  --wasm-threads <list> wasm thread counts to time (default <cores>,1)
  --networks <list>     cnn,mlp (default both)
  --no-torch            skip PyTorch (bench/.venv's and Debian's)
  --no-keras            skip Keras
  --no-gemm             skip the GEMM kernels' GFLOP/s (measured when wasm is among the backends)
  --allow-busy          run even when the machine is busy
  --out <file>          where the JSON goes (default bench/results.json)
  --help                show this text`;

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      help: { type: "boolean", default: false },
      child: { type: "string" },
      train: { type: "string", default: "2000" },
      infer: { type: "string", default: "10000" },
      "cpu-train": { type: "string", default: "100" },
      "cpu-infer": { type: "string", default: "500" },
      "infer-batch": { type: "string", default: "1000" },
      repeats: { type: "string", default: "3" },
      rounds: { type: "string", default: "1" },
      backends: { type: "string", default: "tensorflow,wasm,cpu" },
      "wasm-threads": { type: "string", default: `${os.cpus().length},1` },
      networks: { type: "string", default: NETWORKS.join(",") },
      "no-torch": { type: "boolean", default: false },
      "no-keras": { type: "boolean", default: false },
      "no-gemm": { type: "boolean", default: false },
      "gemm-child": { type: "string" },
      "allow-busy": { type: "boolean", default: false },
      out: { type: "string", default: path.join(ROOT, "bench", "results.json") },
    },
  });
  if (values.help) {
    console.log(HELP);
    return;
  }
  if (values.child !== undefined) return child(JSON.parse(values.child) as ChildJob);
  if (values["gemm-child"] !== undefined) return gemmChild(Number(values["gemm-child"]));

  const count = (name: string, v: string): number => {
    const n = Number(v);
    if (!Number.isInteger(n) || n < 1) throw new Error(`--${name} must be a positive integer, got "${v}"`);
    return n;
  };
  const train = count("train", values.train);
  const infer = count("infer", values.infer);
  const cpuTrain = count("cpu-train", values["cpu-train"]);
  const cpuInfer = count("cpu-infer", values["cpu-infer"]);
  const inferBatch = count("infer-batch", values["infer-batch"]);
  const repeats = count("repeats", values.repeats);
  const rounds = count("rounds", values.rounds);
  const networks = values.networks.split(",").map((n) => {
    if (!(NETWORKS as readonly string[]).includes(n)) throw new Error(`Unknown network "${n}": expected ${NETWORKS.join(", ")}`);
    return n as Network;
  });
  const backends = values.backends.split(",").map((b) => {
    if (!["tensorflow", "wasm", "cpu"].includes(b)) throw new Error(`Unknown backend "${b}": expected tensorflow, wasm, cpu`);
    return b as BackendName;
  });
  const threadCounts = [...new Set(values["wasm-threads"].split(",").map((t) => parseWasmThreads(t)))];

  const loadBefore = loadAverage();
  console.log(
    `bench: ${train} train / ${infer} inference samples (cpu: ${cpuTrain} / ${cpuInfer}), batch ${BATCH}, ${rounds} round(s); load average ${loadBefore.join(" ")}`,
  );
  const busy = loadBefore[0]! > BUSY_LOAD;
  if (busy && !values["allow-busy"]) {
    throw new Error(
      `load average ${loadBefore[0]} > ${BUSY_LOAD}: other processes share these cores, and the numbers would say little. ` +
        `Rerun on an idle machine, or pass --allow-busy to measure anyway (the file is then marked "busy": true).`,
    );
  }
  const skipped: { backend: string; reason: string }[] = [];

  const jobs: ChildJob[] = [];
  for (const backend of backends) {
    if (backend === "wasm") {
      // The library's default configuration: wasm threads auto, tsdl.fit choosing its workers.
      jobs.push({ backend, wasmThreads: parseWasmThreads("auto"), networks, train, infer, inferBatch, repeats, library: true });
      for (const t of threadCounts) jobs.push({ backend, wasmThreads: t, networks, train, infer, inferBatch, repeats });
    } else if (backend === "cpu") {
      const note = `cpu backend: small sample (${cpuTrain} train / ${cpuInfer} inference samples) — it trains the CNN at ~1 sample/s`;
      jobs.push({ backend, wasmThreads: 1, networks, train: cpuTrain, infer: cpuInfer, inferBatch, repeats: 1, note });
    } else {
      jobs.push({ backend, wasmThreads: 1, networks, train, infer, inferBatch, repeats });
    }
  }
  const references = findPythonReferences(ROOT, { pytorch: !values["no-torch"], keras: !values["no-keras"] });
  for (const m of references.missing) console.log(`${m.backend}: no row (${m.reason})`);
  skipped.push(...references.missing);
  if (values["no-torch"]) skipped.push({ backend: "pytorch", reason: "--no-torch" });
  if (values["no-keras"]) skipped.push({ backend: "keras", reason: "--no-keras" });
  const frameworks = new Set<string>();
  const perRound: Measurement[][] = [];
  const gemmRounds: GemmRound[] = [];
  const measureGemmKernels = backends.includes("wasm") && !values["no-gemm"];
  for (let round = 1; round <= rounds; round++) {
    if (rounds > 1) console.log(`round ${round} of ${rounds}`);
    const measured: Measurement[] = [];
    for (const job of jobs) {
      const label = job.library
        ? `wasm, library default (tsdl.fit, its workers; ${job.wasmThreads} thread(s) for inference)`
        : job.backend === "wasm"
          ? `wasm, ${job.wasmThreads} thread(s), model.fit`
          : job.backend;
      console.log(`- ${label}`);
      const { results: r, error } = await runChild(job);
      measured.push(...r);
      if (error && round === 1) {
        skipped.push({ backend: label, reason: error });
        console.log(`  skipped: ${error}`);
      }
    }
    for (const ref of references.found) {
      // All cores (the reference for ratioToTorch), and one thread: on a shared machine
      // multi-threaded numbers collapse first, so the 1-thread pair stays comparable.
      for (const threads of [...new Set([os.cpus().length, 1])]) {
        console.log(`- ${ref.kind} (${ref.origin}), ${threads} thread(s)`);
        for (const network of networks) {
          try {
            const m = runReference(ref, network, threads, { train, infer, inferBatch, repeats });
            frameworks.add(m.framework!);
            measured.push(m);
            console.log(
              `  ${network} on ${m.framework}: ${fmt(m.trainSamplesPerSec)} train / ${fmt(m.inferSamplesPerSec)} infer samples/s`,
            );
          } catch (err) {
            const reason = `${ref.script} failed: ${String((err as { stderr?: string }).stderr ?? err)
              .trim()
              .split("\n")
              .pop()}`;
            if (round === 1) skipped.push({ backend: `${ref.kind} (${ref.origin})`, reason });
            console.log(`  skipped: ${reason}`);
          }
        }
      }
    }
    addRatios(measured, measured.find((m) => m.backend === "pytorch")?.framework);
    if (measureGemmKernels) {
      console.log(`- GEMM kernels, 1 thread (${TRAINING_GEMM_SHAPES.length} training shapes)`);
      try {
        gemmRounds.push(runGemmChild(Math.max(5, repeats)));
      } catch (err) {
        if (round === 1) skipped.push({ backend: "gemm", reason: (err as Error).message });
        console.log(`  skipped: ${(err as Error).message}`);
      }
    }
    perRound.push(measured);
  }
  const results = rounds === 1 ? perRound[0]! : medianOverRounds(perRound);

  const loadAfter = loadAverage();
  printTable(results);
  const gemm = gemmRounds.length === 0 ? null : gemmOverRounds(gemmRounds);
  if (gemm !== null) printGemmTable(gemm);
  const torchReference = results.find((m) => m.backend === "pytorch")?.framework;
  if (torchReference !== undefined) console.log(`÷ PyTorch: ÷ ${torchReference} on the same network in the same round`);
  const file = {
    date: new Date().toISOString(),
    machine: {
      cores: os.cpus().length,
      cpuModel: os.cpus()[0]?.model ?? "unknown",
      totalMemGiB: Math.round(os.totalmem() / 2 ** 30),
      platform: `${os.platform()} ${os.release()}`,
      loadAverage: { before: loadBefore, after: loadAfter },
      busy,
    },
    versions: {
      node: process.version,
      tfjs: tf.version.tfjs,
      "tfjs-backend-wasm": packageVersion("@tensorflow/tfjs-backend-wasm"),
      "tfjs-node": packageVersion("@tensorflow/tfjs-node"),
      // Every Python framework in the rows; ratios are to the first PyTorch (bench/.venv's).
      python: [...frameworks],
    },
    settings: {
      batch: BATCH,
      inferBatch,
      train,
      infer,
      cpuTrain,
      cpuInfer,
      repeats,
      rounds,
      reported:
        rounds === 1
          ? "best of the repeated passes (cpu: one pass)"
          : "median over rounds of each round's best pass (cpu: one pass); ratios: median of the rounds' ratios",
      data: "synthetic, MNIST-shaped",
      optimizer: "adam",
    },
    results,
    /** GFLOP/s on one thread: tfjs's wasm MatMul (XNNPACK) and this project's GEMM (src/backend/gemm/). */
    gemm,
    skipped,
  };
  fs.mkdirSync(path.dirname(values.out), { recursive: true });
  fs.writeFileSync(values.out, JSON.stringify(file, null, 2) + "\n");
  console.log(`load average ${loadBefore.join(" ")} → ${loadAfter.join(" ")}; wrote ${path.relative(process.cwd(), values.out)}`);
}

/**
 * Sets each measurement's ratios to the run of PyTorch `torch` (a framework string; the first
 * PyTorch found) on the same network in the same list (one round). Python rows get none.
 */
function addRatios(results: Measurement[], torch: string | undefined): void {
  const ratio = (m: Measurement, t: Measurement | undefined) =>
    t && m.framework === undefined
      ? { train: m.trainSamplesPerSec / t.trainSamplesPerSec, infer: m.inferSamplesPerSec / t.inferSamplesPerSec }
      : null;
  const torchRun = (network: Network, threads: number | null) =>
    results.find((t) => t.framework === torch && torch !== undefined && t.network === network && t.threads === threads);
  for (const m of results) {
    m.ratioToTorch = ratio(m, torchRun(m.network, os.cpus().length));
    m.ratioToTorchSameThreads = m.threads === null ? null : ratio(m, torchRun(m.network, m.threads));
  }
}

function median(values: readonly number[]): number {
  const v = [...values].sort((a, b) => a - b);
  const mid = Math.floor(v.length / 2);
  return v.length % 2 === 1 ? v[mid]! : (v[mid - 1]! + v[mid]!) / 2;
}

/** One measurement per configuration: rates and ratios are medians over the rounds, every pass kept. */
function medianOverRounds(perRound: readonly Measurement[][]): Measurement[] {
  const key = (m: Measurement) => `${m.network} ${m.backend} ${m.framework ?? ""} ${m.threads} ${m.trainedWith ?? ""}`;
  return perRound[0]!.map((first) => {
    const same = perRound.map((round) => round.find((m) => key(m) === key(first))).filter((m): m is Measurement => m !== undefined);
    const medianRatio = (pick: (m: Measurement) => { train: number; infer: number } | null | undefined) => {
      const ratios = same.map(pick).filter((r): r is { train: number; infer: number } => r != null);
      return ratios.length === 0 ? null : { train: median(ratios.map((r) => r.train)), infer: median(ratios.map((r) => r.infer)) };
    };
    return {
      ...first,
      trainSamplesPerSec: median(same.map((m) => m.trainSamplesPerSec)),
      inferSamplesPerSec: median(same.map((m) => m.inferSamplesPerSec)),
      runs: { train: same.flatMap((m) => m.runs.train), infer: same.flatMap((m) => m.runs.infer) },
      rounds: { train: same.map((m) => round(m.trainSamplesPerSec)), infer: same.map((m) => round(m.inferSamplesPerSec)) },
      ratioToTorch: medianRatio((m) => m.ratioToTorch),
      ratioToTorchSameThreads: medianRatio((m) => m.ratioToTorchSameThreads),
      ...(first.startSeconds !== undefined ? { startSeconds: median(same.map((m) => m.startSeconds!)) } : {}),
    };
  });
}

/** Each shape's GFLOP/s: the median over rounds. */
function gemmOverRounds(rounds: readonly GemmRound[]): GemmRound {
  const at = (i: number, pick: (g: GemmMeasurement["gflops"]) => number | null) => {
    const v = rounds.map((r) => pick(r.shapes[i]!.gflops)).filter((x): x is number => x !== null);
    return v.length === 0 ? null : median(v);
  };
  return {
    relaxedSimd: rounds[0]!.relaxedSimd,
    shapes: rounds[0]!.shapes.map((s, i) => ({
      ...s,
      gflops: { tfjs: at(i, (g) => g.tfjs)!, plain: at(i, (g) => g.plain)!, fma: at(i, (g) => g.fma) },
    })),
  };
}

function printGemmTable(gemm: GemmRound): void {
  const rows = gemm.shapes.map((s) => [
    s.network,
    s.role,
    `${s.m}×${s.k}·${s.k}×${s.n}`,
    s.gflops.tfjs.toFixed(1),
    s.gflops.plain.toFixed(1),
    s.gflops.fma === null ? "—" : s.gflops.fma.toFixed(1),
  ]);
  const head = ["network", "product", "A·B", "tfjs MatMul", "ours SIMD", "ours FMA"];
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (r: string[]) =>
    r
      .map((c, i) => c.padEnd(widths[i]!))
      .join("  ")
      .trimEnd();
  console.log(
    ["", `GEMM GFLOP/s, 1 thread${gemm.relaxedSimd ? "" : " (no relaxed SIMD here: no FMA column)"}`, line(head), ...rows.map(line)].join(
      "\n",
    ),
  );
}

function ratioText(r: { train: number; infer: number } | null | undefined): string {
  return r ? `${r.train.toFixed(2)} / ${r.infer.toFixed(2)}` : "—";
}

function printTable(results: Measurement[]): void {
  const rows = results.map((m) => [
    m.network,
    m.trainedWith === "tsdl.fit"
      ? `wasm tsdl.fit (${m.workers} worker${m.workers === 1 ? "" : "s"})`
      : m.framework !== undefined
        ? `${m.framework.replace(/ on TensorFlow /, "/TF ")} ×${m.threads}`
        : m.backend === "wasm"
          ? `${m.backend} ×${m.threads}`
          : m.backend,
    fmt(m.trainSamplesPerSec),
    fmt(m.inferSamplesPerSec),
    ratioText(m.ratioToTorch),
    ratioText(m.ratioToTorchSameThreads),
    m.note ? "small sample" : "",
  ]);
  const head = ["network", "backend", "train/s", "infer/s", "÷ PyTorch all cores", "÷ PyTorch same threads", ""];
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (r: string[]) =>
    r
      .map((c, i) => c.padEnd(widths[i]!))
      .join("  ")
      .trimEnd();
  console.log(["", line(head), ...rows.map(line)].join("\n"));
}

main().catch((err: unknown) => {
  console.error(err instanceof Error ? err.message : err);
  process.exitCode = 1;
});
