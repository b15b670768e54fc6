/**
 * The Python frameworks `npm run bench` compares with, each run by a script in bench/ that
 * prints one JSON object: current PyTorch and Keras 3 on TensorFlow from the bench's own
 * environment bench/.venv/ (`npm run bench:setup`), and Debian's PyTorch (python3-torch, 1.13)
 * as a second PyTorch row. What is not there is returned as a reason, for the bench to print.
 */
import { execFileSync, spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";

/** One framework found: which Python runs which script. */
export interface PythonReference {
  kind: "pytorch" | "keras";
  python: string;
  script: string;
  /** Where it comes from, for the log: "bench/.venv" or "Debian (/usr/bin/python3)". */
  origin: string;
}

/** What a reference script prints (torch_bench.py, keras_bench.py). */
export interface ReferenceRun {
  params: number;
  threads: number;
  /** e.g. "PyTorch 2.13.0+cpu", "Keras 3.15.1 on TensorFlow 2.21.0". */
  framework: string;
  trainSamplesPerSec: number;
  inferSamplesPerSec: number;
  runs: { train: number[]; infer: number[] };
}

/** Runs `python -c code`; undefined when it succeeds, else the last line of its error. */
function tryImport(python: string, code: string): string | undefined {
  const r = spawnSync(python, ["-c", code], { encoding: "utf8", timeout: 120_000 });
  if (r.error) return r.error.message;
  if (r.status === 0) return undefined;
  return (r.stderr ?? "").trim().split("\n").pop() || `exit code ${r.status}`;
}

/**
 * The references found under `root`, bench/.venv's PyTorch first (the one ratios are taken
 * against), and a reason for each one missing.
 */
export function findPythonReferences(
  root: string,
  want: { pytorch: boolean; keras: boolean },
): { found: PythonReference[]; missing: { backend: string; reason: string }[] } {
  const found: PythonReference[] = [];
  const missing: { backend: string; reason: string }[] = [];
  const venvPython = path.join(root, "bench", ".venv", "bin", "python");
  const hasVenv = fs.existsSync(venvPython);
  const script = (name: string) => path.join(root, "bench", name);
  const fromVenv = (kind: PythonReference["kind"], label: string, code: string, file: string) => {
    const why = hasVenv ? tryImport(venvPython, code) : "no bench/.venv";
    if (why === undefined) found.push({ kind, python: venvPython, script: script(file), origin: "bench/.venv" });
    else missing.push({ backend: label, reason: `${why}: run npm run bench:setup` });
  };
  if (want.pytorch) {
    fromVenv("pytorch", "PyTorch 2.13 (bench/.venv)", "import torch", "torch_bench.py");
    const debian = ["python3", "/usr/bin/python3"].find((py) => tryImport(py, "import torch") === undefined && !isVenv(py, venvPython));
    if (debian !== undefined)
      found.push({ kind: "pytorch", python: debian, script: script("torch_bench.py"), origin: `Debian (${debian})` });
    else missing.push({ backend: "PyTorch (Debian)", reason: "no python3 that imports torch (apt-get install python3-torch)" });
  }
  if (want.keras) {
    fromVenv("keras", "Keras 3 on TensorFlow (bench/.venv)", "import keras, tensorflow", "keras_bench.py");
  }
  return { found, missing };
}

/** Whether `py` is bench/.venv's own Python (python3 on PATH may be it, when the venv is active). */
function isVenv(py: string, venvPython: string): boolean {
  const r = spawnSync(py, ["-c", "import sys; print(sys.prefix)"], { encoding: "utf8" });
  return r.status === 0 && path.resolve(r.stdout.trim()) === path.resolve(path.dirname(path.dirname(venvPython)));
}

/** Runs one reference script on one network; throws with its stderr when it fails. */
export function runPythonReference(
  ref: PythonReference,
  args: { network: string; train: number; infer: number; batch: number; inferBatch: number; threads: number; repeats: number },
): ReferenceRun {
  const argv = [ref.script, "--network", args.network, "--train", String(args.train), "--infer", String(args.infer)];
  argv.push("--batch", String(args.batch), "--infer-batch", String(args.inferBatch), "--threads", String(args.threads));
  argv.push("--repeats", String(args.repeats));
  const text = execFileSync(ref.python, argv, { encoding: "utf8", maxBuffer: 1 << 20, stdio: ["ignore", "pipe", "pipe"] });
  return JSON.parse(text.trim().split("\n").pop()!) as ReferenceRun;
}
