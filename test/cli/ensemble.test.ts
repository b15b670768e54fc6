import { test } from "node:test";
import assert from "node:assert/strict";
import { spawn, spawnSync } from "node:child_process";
import { once } from "node:events";
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { commandLine, defaultRunDir, ensembleRecipe, HELP, parseEnsembleArgs, type EnsembleArgs } from "../../scripts/cli/ensemble";
import { projectRoot } from "../../src/data/paths";
import { ensembleName, ensembleRunDir, MEMBER_JSON } from "../../src/ensemble/run-folder";
import { lockFolder } from "../../src/io/folder-lock";
import { modelFolderState } from "../../src/io/model-files";

const args = (argv: string[]): EnsembleArgs => {
  const a = parseEnsembleArgs(argv);
  assert.notEqual(a, "help");
  return a as EnsembleArgs;
};

test("parseEnsembleArgs: defaults and overrides", () => {
  assert.deepEqual(args(["--model", "cnn", "--profile", "fast"]), {
    model: "cnn",
    members: 5,
    augment: false,
    profile: "fast",
    epochs: undefined,
    seed: 1,
    backend: "auto",
    out: undefined,
    results: undefined,
    only: undefined,
  });
  assert.deepEqual(
    args(["--model=deep-cnn", "--members", "3", "--augment", "--profile", "full", "--epochs", "20", "--seed", "7", "--backend", "cpu", "--out", "x/y"]),
    { model: "deep-cnn", members: 3, augment: true, profile: "full", epochs: 20, seed: 7, backend: "cpu", out: "x/y", results: undefined, only: undefined },
  );
  assert.deepEqual(args(["--model", "cnn", "--only", "5,1,3"]).only, [1, 3, 5]);
  assert.deepEqual(args(["--model", "cnn", "--members", "2", "--only", "2"]).only, [2]);
  assert.equal(parseEnsembleArgs(["--help"]), "help");
  assert.match(HELP, /--model <name>\s+one of softmax, mlp, cnn, deep-cnn/);
  assert.match(HELP, /Run the same command\s+again after an interruption/);
});

test("parseEnsembleArgs: unknown flags and bad values are named", () => {
  assert.throws(() => parseEnsembleArgs(["--model", "cnn", "--member", "3"]), /Unknown option '--member' \(run with --help for the flags\)/);
  assert.throws(() => parseEnsembleArgs(["--model", "cnn", "extra"]), /Unexpected argument 'extra'/);
  assert.throws(() => parseEnsembleArgs(["--members", "3"]), /--model is required: one of softmax, mlp, cnn, deep-cnn/);
  assert.throws(() => parseEnsembleArgs(["--model", "vgg"]), /Unknown model "vgg"/);
  assert.throws(() => parseEnsembleArgs(["--model", "cnn", "--members", "0"]), /--members must be an integer ≥ 1, got "0"/);
  assert.throws(() => parseEnsembleArgs(["--model", "cnn", "--epochs", "two"]), /--epochs must be an integer ≥ 1, got "two"/);
  assert.throws(() => parseEnsembleArgs(["--model", "cnn", "--profile", "huge"]), /--profile must be "fast" or "full", got "huge"/);
  assert.throws(() => parseEnsembleArgs(["--model", "cnn", "--augment=yes"]), /--augment/);
  assert.throws(() => parseEnsembleArgs(["--model", "cnn", "--only", "1,6"]), /--only lists member 6, but the ensemble has members 1–5/);
  assert.throws(() => parseEnsembleArgs(["--model", "cnn", "--only", "2,2"]), /--only lists a member twice: "2,2"/);
  assert.throws(() => parseEnsembleArgs(["--model", "cnn", "--only", "1,,2"]), /--only must be an integer ≥ 1, got ""/);
  assert.throws(() => parseEnsembleArgs(["--model", "cnn", "--only", "0"]), /--only must be an integer ≥ 1, got "0"/);
});

test("names, run folders and recipes follow the settings that change training", () => {
  const base = args(["--model", "cnn", "--profile", "full"]);
  assert.equal(ensembleName(base), "ensemble-cnn-x5");
  assert.equal(defaultRunDir(base), path.join("results", "models", "ensemble-cnn-x5-full"));
  const aug = args(["--model", "cnn", "--profile", "full", "--augment", "--members", "3", "--epochs", "20", "--seed", "4"]);
  assert.equal(ensembleName(aug), "ensemble-cnn-x3-aug");
  assert.equal(defaultRunDir(aug), path.join("results", "models", "ensemble-cnn-x3-aug-e20-s4-full"));
  // Asking for the recipe's own epoch count is the default run.
  assert.equal(defaultRunDir(args(["--model", "cnn", "--profile", "full", "--epochs", "15"])), defaultRunDir(base));
  assert.deepEqual(ensembleRecipe(base), { model: "cnn", epochs: 15, batchSize: 100, lr: 0.001, lrDecay: 0.85, optimizer: "adam" });
  assert.deepEqual(ensembleRecipe(aug).augment, {});
  assert.equal(ensembleRecipe(aug).epochs, 20);
  assert.equal(
    ensembleRunDir({ model: "cnn", members: 5, augment: false, profile: "full" }),
    path.join(projectRoot(), "results", "models", "ensemble-cnn-x5-full"),
    "the folder lesson 7 looks in is the one the script writes",
  );
  assert.throws(() => ensembleName({ model: "cnn", members: 0, augment: false }), /members must be an integer ≥ 1, got 0/);
  assert.equal(commandLine(["--model", "cnn", "--augment"]), "npm run ensemble -- --model cnn --augment");
});

test("ensemble stopped (SIGTERM) while training its first member leaves no finished-looking model and no result line; the rerun completes", async () => {
  const root = mkdtempSync(path.join(os.tmpdir(), "tsdl-ensemble-kill-"));
  writeFileSync(path.join(root, "package.json"), "{}\n");
  symlinkSync(path.join(projectRoot(), "data"), path.join(root, "data"));
  const runDir = path.join(root, "run");
  const results = path.join(root, "results.jsonl");
  const script = path.join(__dirname, "..", "..", "scripts", "cli", "ensemble.js");
  const argv = [script, "--model", "softmax", "--members", "2", "--epochs", "2", "--profile", "fast", "--out", runDir, "--results", results];
  const env = { ...process.env, TSDL_PROJECT_ROOT: root, TSDL_WASM_THREADS: "1" };
  /** Every member folder that holds a model must be a finished member (member.json); returns the finished ones. */
  const finishedMembers = () =>
    (existsSync(runDir) ? readdirSync(runDir) : []).filter((name) => {
      const dir = path.join(runDir, name);
      if (modelFolderState(dir) !== "model") return false;
      assert.ok(existsSync(path.join(dir, MEMBER_JSON)), `${name} holds a model but no ${MEMBER_JSON}: a half-written member`);
      return true;
    });
  try {
    const child = spawn(process.execPath, argv, { env, stdio: ["ignore", "pipe", "pipe"] });
    let output = "";
    const exited = once(child, "exit");
    await new Promise<void>((resolve, reject) => {
      child.stdout.on("data", (chunk: Buffer) => {
        output += chunk.toString();
        if (/member 1\/2 · seed 1/.test(output)) resolve();
      });
      child.once("exit", () => reject(new Error(`ensemble exited before its first member started:\n${output}`)));
    });
    child.kill("SIGTERM");
    const [code, signal] = await exited;
    assert.equal(signal, "SIGTERM", `stopped by the signal, not finished (exit code ${code})`);
    assert.doesNotMatch(output, /member 1\/2 done/, "stopped during the first member's training");
    assert.deepEqual(finishedMembers(), [], "no member looks finished");
    assert.ok(!existsSync(results), "no result line");

    const rerun = spawnSync(process.execPath, argv, { env, encoding: "utf8", timeout: 120_000 });
    assert.equal(rerun.status, 0, rerun.stderr);
    assert.deepEqual(finishedMembers(), ["member-1", "member-2"]);
    assert.deepEqual(readdirSync(runDir).sort(), ["member-1", "member-2"], "no leftovers of the stopped run");
    const lines = readFileSync(results, "utf8").trim().split("\n");
    assert.equal(lines.length, 1);
    assert.equal(JSON.parse(lines[0]!).membersLoaded, 0);
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});

test("ensemble refuses a run folder another run holds, naming the lock and the pid, before any work", () => {
  const root = mkdtempSync(path.join(os.tmpdir(), "tsdl-ensemble-lock-"));
  writeFileSync(path.join(root, "package.json"), "{}\n");
  const runDir = path.join(root, "run");
  const lock = lockFolder(runDir); // this test's process plays the ensemble that is running
  try {
    const script = path.join(__dirname, "..", "..", "scripts", "cli", "ensemble.js");
    const r = spawnSync(process.execPath, [script, "--model", "softmax", "--members", "2", "--profile", "fast", "--out", runDir], {
      env: { ...process.env, TSDL_PROJECT_ROOT: root },
      encoding: "utf8",
      timeout: 120_000,
    });
    assert.equal(r.status, 1, r.stderr);
    assert.match(r.stderr, new RegExp(`run\\.lock: another run writes to .*run \\(process ${process.pid}, since `));
    assert.doesNotMatch(r.stdout, /Backend:|MNIST/, "refused before any work");
  } finally {
    lock.release();
    rmSync(root, { recursive: true, force: true });
  }
});
