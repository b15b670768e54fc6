/**
 * The bench's parent side (`npm run bench`, scripts/cli/bench.ts): every configuration in its own
 * child process, the Python frameworks beside them, round after round; the JSON written at the end.
 */
import * as tf from "@tensorflow/tfjs";
import { spawn, spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { TRAINING_GEMM_SHAPES } from "@tsdl/wasm-kernels";
import { type BackendName, parseWasmThreads } from "../../src/backend/select";
import { BATCH, type ChildJob, type GemmRound, type Measurement, type Network, round } from "./measure";
import { findPythonReferences, type PythonReference, runPythonReference } from "./python";
import { addRatios, fmt, gemmOverRounds, medianOverRounds, printGemmTable, printTable } from "./rounds";

/** The command whose `--child` and `--gemm-child` modes measure one configuration. */
const BENCH_SCRIPT = path.join(__dirname, "..", "cli", "bench.js");

/** Node 20 and 21 have relaxed SIMD behind a flag (on by default from Node 22). */
const RELAXED_SIMD_FLAG = Number(process.versions.node.split(".")[0]) < 22 ? ["--experimental-wasm-relaxed-simd"] : [];

/** What one bench measures, checked by the command. */
export interface BenchSettings {
  readonly root: string;
  readonly train: number;
  readonly infer: number;
  readonly cpuTrain: number;
  readonly cpuInfer: number;
  readonly inferBatch: number;
  readonly repeats: number;
  readonly rounds: number;
  readonly networks: Network[];
  readonly backends: BackendName[];
  readonly threadCounts: number[];
  readonly torch: boolean;
  readonly keras: boolean;
  readonly gemm: boolean;
  readonly loadBefore: number[];
  readonly busy: boolean;
  readonly out: string;
}

function runGemmChild(repeats: number): GemmRound {
  const r = spawnSync(process.execPath, [...RELAXED_SIMD_FLAG, BENCH_SCRIPT, "--gemm-child", String(repeats)], {
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
    const proc = spawn(process.execPath, [BENCH_SCRIPT, "--child", JSON.stringify(job)], { stdio: ["ignore", "pipe", "pipe"] });
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

export function loadAverage(): number[] {
  return os.loadavg().map((v) => Math.round(v * 100) / 100);
}

function packageVersion(name: string): string | null {
  try {
    return (JSON.parse(fs.readFileSync(require.resolve(`${name}/package.json`), "utf8")) as { version: string }).version;
  } catch {
    return null;
  }
}

/** Runs every round, prints the tables and writes the JSON; returns the load average at the end. */
export async function runBench(s: BenchSettings): Promise<number[]> {
  const { root, train, infer, cpuTrain, cpuInfer, inferBatch, repeats, rounds, networks, backends, threadCounts, loadBefore, busy } = s;
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
  const references = findPythonReferences(root, { pytorch: !!s.torch, keras: !!s.keras });
  for (const m of references.missing) console.log(`${m.backend}: no row (${m.reason})`);
  skipped.push(...references.missing);
  if (!s.torch) skipped.push({ backend: "pytorch", reason: "--no-torch" });
  if (!s.keras) skipped.push({ backend: "keras", reason: "--no-keras" });
  const frameworks = new Set<string>();
  const perRound: Measurement[][] = [];
  const gemmRounds: GemmRound[] = [];
  const measureGemmKernels = backends.includes("wasm") && s.gemm;
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
    /**
     * GFLOP/s on one thread: tfjs's wasm MatMul (XNNPACK) and this project's GEMM (packages/wasm-kernels/src/gemm/)
     * on the training products; the convolutions' three kernels with XNNPACK and with the GEMM; the
     * machine's ceiling (multiply-adds in registers, packages/wasm-kernels/src/gemm/ceiling.ts).
     */
    gemm,
    skipped,
  };
  fs.mkdirSync(path.dirname(s.out), { recursive: true });
  fs.writeFileSync(s.out, JSON.stringify(file, null, 2) + "\n");
  return loadAfter;
}
