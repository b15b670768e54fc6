/**
 * `npm run bench`: training and inference throughput of two reference networks on every tfjs
 * backend that starts here, and in the same run on the Python frameworks found
 * (scripts/bench/python.ts: PyTorch 2.13 and Keras 3 from bench/.venv, Debian's PyTorch 1.13).
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
import * as os from "node:os";
import * as path from "node:path";
import { parseArgs } from "node:util";
import { type BackendName, parseWasmThreads } from "../../src/backend/select";
import { projectRoot } from "../../src/data/paths";
import { BATCH, type ChildJob, child, gemmChild, NETWORKS, type Network } from "../bench/measure";
import { loadAverage, runBench } from "../bench/run";

const ROOT = projectRoot();
/** 1-minute load average above which the machine counts as busy (2 cores: a quarter of one is already noise). */
const BUSY_LOAD = 0.5;

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
  const loadAfter = await runBench({
    root: ROOT,
    train,
    infer,
    cpuTrain,
    cpuInfer,
    inferBatch,
    repeats,
    rounds,
    networks,
    backends,
    threadCounts,
    torch: !values["no-torch"],
    keras: !values["no-keras"],
    gemm: !values["no-gemm"],
    loadBefore,
    busy,
    out: values.out,
  });
  console.log(`load average ${loadBefore.join(" ")} → ${loadAfter.join(" ")}; wrote ${path.relative(process.cwd(), values.out)}`);
}

main().catch((err: unknown) => {
  console.error(err instanceof Error ? err.message : err);
  process.exitCode = 1;
});
