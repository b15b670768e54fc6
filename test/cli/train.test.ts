import { test } from "node:test";
import assert from "node:assert/strict";
import { spawn, spawnSync } from "node:child_process";
import { once } from "node:events";
import * as path from "node:path";
import { existsSync, lstatSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import * as os from "node:os";
import * as tf from "@tensorflow/tfjs";
import {
  checkedCheckpoint,
  checkedOutputFolder,
  checkedTransferFolder,
  checkpointSettings,
  commandLine,
  HELP,
  parseTrainArgs,
  runName,
  type TrainArgs,
} from "../../scripts/cli/train";
import { projectRoot } from "../../src/data/paths";
import { modelFolderState, saveModel } from "../../src/io/model-files";
import { cnn } from "../../src/models/cnn";
import { readResultLines } from "../../src/results/log";
import { checkpointDir, saveCheckpoint } from "../../src/train/checkpoint";
import type { TrainingState } from "../../src/train/training-state";

test("parseTrainArgs: required flags, defaults and overrides", () => {
  assert.deepEqual(parseTrainArgs(["--model", "cnn", "--epochs", "3", "--profile", "fast", "--backend", "auto"]), {
    model: "cnn",
    dataset: "mnist",
    epochs: 3,
    batchSize: 100,
    lr: 0.002, // the fast cnn recipe's
    optimizer: "adam",
    lrDecay: 1,
    patience: undefined,
    profile: "fast",
    seed: 1,
    backend: "auto",
    out: undefined,
    overwrite: false,
    resume: false,
    name: undefined,
    modelOptions: {},
    augment: false,
    results: undefined,
    perClass: undefined,
    transferFrom: undefined,
    fineTune: false,
  });
  const args = parseTrainArgs([
    "--model=deep-cnn", "--epochs=2", "--batch-size", "64", "--lr", "0.01", "--optimizer", "sgd",
    "--lr-decay", "0.9", "--patience", "2", "--profile", "full", "--seed", "7", "--backend", "cpu", "--out", "x/y", "--overwrite",
    "--dataset", "fashion-mnist", "--resume",
  ]);
  assert.deepEqual(args, {
    model: "deep-cnn", dataset: "fashion-mnist", epochs: 2, batchSize: 64, lr: 0.01, optimizer: "sgd", lrDecay: 0.9, patience: 2,
    profile: "full", seed: 7, backend: "cpu", out: "x/y", overwrite: true, resume: true, name: undefined, modelOptions: {}, augment: false,
    results: undefined, perClass: undefined, transferFrom: undefined, fineTune: false,
  });
  assert.equal(parseTrainArgs(["--help"]), "help");
  assert.match(HELP, /--model <name>\s+one of softmax, mlp, cnn, deep-cnn/);
  assert.match(HELP, /--dataset <name>\s+mnist or fashion-mnist/);
  assert.match(HELP, /--resume\s+continue an interrupted run of this command from its checkpoint/);
});

test("parseTrainArgs: flags left out come from the model's training recipe for the profile", () => {
  const full = parseTrainArgs(["--model", "cnn", "--profile", "full"]);
  assert.notEqual(full, "help");
  if (full === "help") return;
  assert.deepEqual(
    { epochs: full.epochs, lr: full.lr, lrDecay: full.lrDecay, batchSize: full.batchSize, seed: full.seed },
    { epochs: 15, lr: 0.001, lrDecay: 0.85, batchSize: 100, seed: 1 },
  );
});

test("parseTrainArgs: unknown flags, missing flags and bad values are named", () => {
  assert.throws(() => parseTrainArgs(["--model", "cnn", "--epochs", "1", "--epoch", "2"]), /Unknown option '--epoch' \(run with --help for the flags\)/);
  assert.throws(() => parseTrainArgs(["--model", "cnn", "--epochs", "1", "extra"]), /Unexpected argument 'extra'/);
  assert.throws(() => parseTrainArgs(["--epochs", "1"]), /--model is required: one of softmax, mlp, cnn, deep-cnn/);
  assert.throws(() => parseTrainArgs(["--model", "vgg", "--epochs", "1"]), /Unknown model "vgg"/);
  assert.throws(() => parseTrainArgs(["--model", "cnn", "--epochs", "0"]), /--epochs must be an integer ≥ 1, got "0"/);
  assert.throws(() => parseTrainArgs(["--model", "cnn", "--epochs", "1", "--lr", "fast"]), /--lr must be a number in \(0, ∞\], got "fast"/);
  assert.throws(() => parseTrainArgs(["--model", "cnn", "--epochs", "1", "--lr-decay", "1.5"]), /--lr-decay must be a number in \(0, 1\]/);
  assert.throws(() => parseTrainArgs(["--model", "cnn", "--epochs", "1", "--profile", "huge"]), /--profile must be "fast" or "full", got "huge"/);
  assert.throws(() => parseTrainArgs(["--model", "cnn", "--epochs", "1", "--backend", "gpu"]), /Unknown backend "gpu"/);
  assert.throws(() => parseTrainArgs(["--model", "cnn", "--epochs", "1", "--optimizer", "adamw"]), /Unknown optimizer "adamw"/);
  assert.throws(() => parseTrainArgs(["--model", "cnn", "--dataset", "cifar10"]), /Unknown data set "cifar10": expected one of mnist, fashion-mnist/);
});

test("parseTrainArgs: the ladder's model options, augmentation and a name for the result", () => {
  const args = parseTrainArgs([
    "--model", "mlp", "--hidden", "512,512,512,512", "--init", "he", "--dropout", "0", "--batch-norm",
    "--augment", "--name", "ladder-mlp-5x512-bn", "--profile", "full",
  ]);
  assert.notEqual(args, "help");
  if (args === "help") return;
  assert.deepEqual(args.modelOptions, { hidden: [512, 512, 512, 512], init: "he", dropout: 0, batchNorm: true });
  assert.equal(args.name, "ladder-mlp-5x512-bn");
  assert.equal(args.augment, true);
  const narrow = parseTrainArgs(["--model", "cnn", "--filters", "8,16,32", "--dense-units", "64"]);
  assert.deepEqual(narrow !== "help" && narrow.modelOptions, { filters: [8, 16, 32], denseUnits: 64 });
  assert.match(HELP, /--init <name>\s+mlp: kernel initializer, one of zeros, normal, glorot, he/);
});

test("parseTrainArgs: model options are checked at the door, naming the flag", () => {
  assert.throws(() => parseTrainArgs(["--model", "cnn", "--hidden", "64"]), /--hidden does not apply to cnn \(it takes --filters, --dense-units\)/);
  assert.throws(() => parseTrainArgs(["--model", "softmax", "--dropout", "0.5"]), /--dropout does not apply to softmax \(it takes no model flags\)/);
  assert.throws(() => parseTrainArgs(["--model", "mlp", "--hidden", "512,,512"]), /--hidden must be an integer ≥ 1, got ""/);
  assert.throws(() => parseTrainArgs(["--model", "mlp", "--hidden", "512,0"]), /--hidden must be an integer ≥ 1, got "0"/);
  assert.throws(() => parseTrainArgs(["--model", "mlp", "--init", "xavier"]), /Unknown initializer "xavier": expected one of zeros, normal, glorot, he/);
  assert.throws(() => parseTrainArgs(["--model", "mlp", "--dropout", "1"]), /--dropout must be a number in \[0, 1\), got "1"/);
  assert.throws(() => parseTrainArgs(["--model", "cnn", "--dense-units", "0"]), /--dense-units must be an integer ≥ 1, got "0"/);
  assert.throws(() => parseTrainArgs(["--model", "cnn", "--name", "a b"]), /--name must be letters, digits/);
});

test("commandLine: the command to type again, quoted where needed", () => {
  assert.equal(commandLine(["--model", "cnn", "--epochs", "2"]), "npm run train -- --model cnn --epochs 2");
  assert.equal(commandLine(["--out", "my models/a"]), "npm run train -- --out 'my models/a'");
});

test("TSDL_BACKEND is honoured by parseTrainArgs when --backend is absent", () => {
  const saved = process.env.TSDL_BACKEND;
  try {
    process.env.TSDL_BACKEND = "cpu";
    const args = parseTrainArgs(["--model", "softmax", "--profile", "fast"]);
    assert.ok(args !== "help");
    assert.equal(args.backend, "cpu");
  } finally {
    if (saved === undefined) delete process.env.TSDL_BACKEND;
    else process.env.TSDL_BACKEND = saved;
  }
});

test("train, ensemble and combine reject a bad TSDL_BACKEND before any work, naming it", () => {
  const cli = path.join(__dirname, "..", "..", "scripts", "cli");
  const runs: [string, string[]][] = [
    ["train.js", ["--model", "softmax", "--epochs", "1"]],
    ["ensemble.js", ["--model", "softmax", "--members", "2"]],
    ["combine.js", ["--models", "a,b"]],
  ];
  for (const [script, argv] of runs) {
    const r = spawnSync(process.execPath, [path.join(cli, script), ...argv], {
      env: { ...process.env, TSDL_BACKEND: "gpu" },
      encoding: "utf8",
      timeout: 60_000,
    });
    assert.equal(r.status, 1, `${script}: ${r.stderr}`);
    assert.match(r.stderr, /Unknown backend "gpu" \(from TSDL_BACKEND or the argument\)/, script);
    assert.doesNotMatch(r.stdout, /Backend:|MNIST/, `${script} started no work`);
  }
});

test("train checks its model folder before any work: no silent replacement, no file in the way", () => {
  const root = mkdtempSync(path.join(os.tmpdir(), "tsdl-train-out-"));
  try {
    const args = (extra: string[]) => parseTrainArgs(["--model", "softmax", "--profile", "fast", ...extra]) as TrainArgs;
    assert.equal(checkedOutputFolder(args([]), root), path.join(root, "results", "models", "softmax-fast"), "absent: fine");
    const saved = path.join(root, "results", "models", "softmax-fast");
    mkdirSync(saved, { recursive: true });
    assert.equal(checkedOutputFolder(args([]), root), saved, "an empty folder is fine");
    writeFileSync(path.join(saved, "model.json"), "{}");
    assert.throws(() => checkedOutputFolder(args([]), root), /results\/models\/softmax-fast already holds a saved model; pass --overwrite to replace it, or --out another folder/);
    assert.equal(checkedOutputFolder(args(["--overwrite"]), root), saved);
    writeFileSync(path.join(root, "a-file"), "x");
    assert.throws(() => checkedOutputFolder(args(["--out", "a-file"]), root), /a-file is a file, not a model folder/);
    assert.throws(() => checkedOutputFolder(args(["--out", "a-file/model"]), root), /cannot make model folder .*a-file\/model: .*a-file is a file/);
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});

test("train with --out at a file or an existing model exits before loading data or a backend", () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), "tsdl-train-out-"));
  try {
    const file = path.join(dir, "a-file");
    writeFileSync(file, "x");
    mkdirSync(path.join(dir, "model"));
    writeFileSync(path.join(dir, "model", "model.json"), "{}");
    const train = path.join(__dirname, "..", "..", "scripts", "cli", "train.js");
    for (const [out, message] of [[file, /is a file, not a model folder/], [path.join(dir, "model"), /already holds a saved model; pass --overwrite/]] as const) {
      const r = spawnSync(process.execPath, [train, "--model", "softmax", "--epochs", "1", "--out", out], { encoding: "utf8", timeout: 60_000 });
      assert.equal(r.status, 1, r.stderr);
      assert.match(r.stderr, message);
      assert.doesNotMatch(r.stdout, /Backend:|MNIST/, "no work started");
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

/** Does the lock file `file` name process `pid` as its owner (yet)? */
function lockedBy(file: string, pid: number): boolean {
  try {
    return JSON.parse(readFileSync(file, "utf8")).pid === pid;
  } catch {
    return false;
  }
}

/** The compiled command (trainScript below is defined after these tests' position in the file). */
const TRAIN_JS = path.join(__dirname, "..", "..", "scripts", "cli", "train.js");

test("train refuses an --out that would replace the project root, a folder above it, a folder not its own or a symbolic link, --overwrite or not", () => {
  // A fake project root, also the working directory: were a check to fail, only it could be lost.
  const root = mkdtempSync(path.join(os.tmpdir(), "tsdl-train-root-"));
  try {
    writeFileSync(path.join(root, "package.json"), "{}\n");
    writeFileSync(path.join(root, "sentinel.txt"), "keep me");
    for (const dir of ["src", "data/mnist", "thesis/chapters", "results/models/old"]) mkdirSync(path.join(root, dir), { recursive: true });
    writeFileSync(path.join(root, "src", "index.ts"), "// code");
    writeFileSync(path.join(root, "data", "mnist", "train.gz"), "pixels");
    writeFileSync(path.join(root, "thesis", "thesis.txt"), "years of work");
    writeFileSync(path.join(root, "results", "models", "old", "model.json"), "{}");
    symlinkSync(path.join(root, "thesis"), path.join(root, "link"));
    const before = readdirSync(root).sort();
    const env = { ...process.env, TSDL_PROJECT_ROOT: root };
    for (const [out, message] of [
      ["", /the model folder must be a path, got "" \(empty\)/],
      [".", /^train: \. is the project root: a save replaces its folder as a whole, so it never writes there/m],
      ["/", /^train: \/ holds the project root/m],
      ["..", /^train: \.\. holds the project root/m],
      ["src", /^train: src is not a model folder \(it holds index\.ts\)/m],
      ["data", /^train: data is not a model folder \(it holds mnist\/\)/m],
      ["thesis", /^train: thesis is not a model folder \(it holds (chapters\/, thesis\.txt|thesis\.txt, chapters\/)\)/m],
      ["results/models", /^train: results\/models is not a model folder \(it holds old\/\)/m],
      ["link", /^train: link is a symbolic link \(to .*thesis\)/m],
    ] as const) {
      const r = spawnSync(process.execPath, [TRAIN_JS, "--model", "softmax", "--epochs", "1", "--overwrite", "--out", out], { cwd: root, env, encoding: "utf8", timeout: 120_000 });
      assert.equal(r.status, 1, `--out ${JSON.stringify(out)}: ${r.stderr}`);
      assert.match(r.stderr, message, `--out ${JSON.stringify(out)}`);
      assert.doesNotMatch(r.stdout, /Backend:|MNIST/, "refused before any work");
    }
    assert.deepEqual(readdirSync(root).sort(), before, "nothing created or removed in the project");
    assert.equal(readFileSync(path.join(root, "sentinel.txt"), "utf8"), "keep me");
    assert.equal(readFileSync(path.join(root, "thesis", "thesis.txt"), "utf8"), "years of work");
    assert.ok(lstatSync(path.join(root, "link")).isSymbolicLink());
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});

test("two train runs into one --out: the second refuses before any work, naming the lock and the pid; a killed run's lock is taken over", async () => {
  const root = scratchRoot();
  const out = path.join(root, "m");
  const lock = `${out}.lock`;
  const command = [TRAIN_JS, "--model", "softmax", "--epochs", "1", "--profile", "fast", "--out", out];
  const env = { ...process.env, TSDL_PROJECT_ROOT: root, TSDL_WASM_THREADS: "1" };
  try {
    const first = spawn(process.execPath, command, { env, stdio: "ignore" });
    const exited = once(first, "exit");
    while (!lockedBy(lock, first.pid!) && first.exitCode === null) await new Promise((r) => setTimeout(r, 20));
    first.kill("SIGSTOP"); // holds its lock, as a run busy training does
    const second = spawnSync(process.execPath, command, { env, encoding: "utf8", timeout: 120_000 });
    assert.equal(second.status, 1, second.stderr);
    assert.match(second.stderr, new RegExp(`m\\.lock: another run writes to .*m \\(process ${first.pid}, since .*\\); wait for it to finish, or remove the lock file if no such run is going`));
    assert.doesNotMatch(second.stdout, /Backend:|MNIST/, "refused before any work");
    first.kill("SIGKILL");
    await exited;
    assert.ok(existsSync(lock), "a killed run leaves its lock behind");
    const third = spawnSync(process.execPath, command, { env, encoding: "utf8", timeout: 120_000 });
    assert.equal(third.status, 0, third.stderr);
    assert.match(third.stdout, new RegExp(`Took over m\\.lock: its run \\(process ${first.pid}\\) is gone`));
    assert.equal(modelFolderState(out), "model");
    assert.ok(!existsSync(lock), "released when the run ends");
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});

/** A project root of its own (results log, models) that reads the real data/ folder. */
function scratchRoot(): string {
  const root = mkdtempSync(path.join(os.tmpdir(), "tsdl-train-resume-"));
  writeFileSync(path.join(root, "package.json"), "{}\n");
  symlinkSync(path.join(projectRoot(), "data"), path.join(root, "data"));
  return root;
}

/** One finished epoch's state, enough for a checkpoint's settings check. */
const ONE_EPOCH: TrainingState = {
  logs: [{ epoch: 0, loss: 1, acc: 0.5, lr: 0.001, seconds: 1, samplesPerSecond: 1 }],
  optimizer: "adam",
  augmentRandom: null,
  dropoutCalls: [],
  earlyStopping: null,
  specs: [],
  data: new ArrayBuffer(0),
};

test("checkedCheckpoint: a checkpoint is resumed only on request and only with the settings it was made with", async () => {
  const root = mkdtempSync(path.join(os.tmpdir(), "tsdl-train-checkpoint-"));
  try {
    const args = (extra: string[]) => parseTrainArgs(["--model", "softmax", "--profile", "fast", "--epochs", "3", ...extra]) as TrainArgs;
    const out = path.join(root, "m");
    const dir = checkpointDir(out);
    assert.equal(dir, `${out}.checkpoint`);
    assert.deepEqual(checkedCheckpoint(args([]), out, root), { dir, epochs: undefined }, "no checkpoint: a fresh run");
    assert.throws(() => checkedCheckpoint(args(["--resume"]), out, root), /^Error: --resume: there is no checkpoint at m\.checkpoint to resume from$/);
    await saveCheckpoint(dir, ONE_EPOCH, checkpointSettings(args([])));
    assert.throws(
      () => checkedCheckpoint(args([]), out, root),
      /^Error: m\.checkpoint holds the checkpoint of an interrupted run \(1 epoch done\); pass --resume to continue it, or remove that folder to start over$/,
    );
    assert.deepEqual(checkedCheckpoint(args(["--resume"]), out, root), { dir, epochs: 1 });
    assert.deepEqual(checkedCheckpoint(args(["--resume", "--overwrite", "--backend", "cpu"]), out, root).epochs, 1, "flags that do not change training may differ");
    assert.throws(
      () => checkedCheckpoint(args(["--resume", "--epochs", "4", "--augment", "--seed", "2"]), out, root),
      /--resume: the checkpoint at m\.checkpoint comes from a run with other settings \(epochs 3 there, 4 here; seed 1 there, 2 here; augment false there, true here\); give the interrupted command's flags with --resume, or remove that folder to start over/,
    );
    assert.throws(() => checkedCheckpoint(args(["--resume", "--name", "other"]), out, root), /name null there, "other" here/);
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});

test("train killed after its first epoch, then run with --resume, logs the same model and numbers as a run never stopped", async () => {
  const root = scratchRoot();
  const train = path.join(__dirname, "..", "..", "scripts", "cli", "train.js");
  // Augmented: the random stream must pick up where it stopped. One wasm thread: a shared machine.
  const command = (out: string, ...extra: string[]) => [train, "--model", "softmax", "--epochs", "2", "--augment", "--profile", "fast", "--out", out, ...extra];
  const env = { ...process.env, TSDL_PROJECT_ROOT: root, TSDL_WASM_THREADS: "1" };
  const run = (argv: string[]) => spawnSync(process.execPath, argv, { env, encoding: "utf8", timeout: 120_000 });
  const results = path.join(root, "results", "results.jsonl");
  const lines = () => (existsSync(results) ? readFileSync(results, "utf8").trim().split("\n").map((l) => JSON.parse(l) as Record<string, unknown>) : []);
  try {
    const whole = run(command(path.join(root, "whole")));
    assert.equal(whole.status, 0, whole.stderr);
    assert.ok(!existsSync(checkpointDir(path.join(root, "whole"))), "a finished run leaves no checkpoint");

    const out = path.join(root, "stopped");
    const checkpoint = checkpointDir(out);
    const child = spawn(process.execPath, command(out), { env, stdio: "ignore" });
    const exited = once(child, "exit");
    while (!existsSync(path.join(checkpoint, "state.json")) && child.exitCode === null) await new Promise((r) => setTimeout(r, 20));
    child.kill("SIGKILL");
    const [, signal] = await exited;
    assert.equal(signal, "SIGKILL", "killed while training, not finished");
    assert.equal(modelFolderState(out), "absent", "no model saved");
    assert.equal(lines().length, 1, "no result line appended");

    const refused = run(command(out));
    assert.equal(refused.status, 1);
    assert.match(refused.stderr, /stopped\.checkpoint holds the checkpoint of an interrupted run \(1 epoch done\); pass --resume to continue it, or remove that folder to start over/);
    const other = run(command(out, "--resume", "--seed", "5"));
    assert.equal(other.status, 1);
    assert.match(other.stderr, /comes from a run with other settings \(seed 1 there, 5 here\)/);
    for (const r of [refused, other]) assert.doesNotMatch(r.stdout, /Backend:|MNIST/, "refused before any work");

    // A damaged state.bin is refused by its checksum before any work; the checkpoint stays to resume.
    const bin = path.join(checkpoint, "state.bin");
    const good = readFileSync(bin);
    writeFileSync(bin, Buffer.alloc(good.length, 0xff));
    const damaged = run(command(out, "--resume"));
    assert.equal(damaged.status, 1);
    assert.match(damaged.stderr, /stopped\.checkpoint\/state\.bin does not match its checksum: the checkpoint is damaged; remove .*stopped\.checkpoint to start over/);
    writeFileSync(bin, good);

    // Two --resume of one run at once: the second is refused, naming the first's lock and pid
    // (the first is paused while the second tries, so it cannot finish first).
    const resuming = spawn(process.execPath, command(out, "--resume"), { env, stdio: ["ignore", "pipe", "pipe"] });
    const output = { stdout: "", stderr: "" };
    resuming.stdout.on("data", (d) => (output.stdout += d));
    resuming.stderr.on("data", (d) => (output.stderr += d));
    const resumingExit = once(resuming, "exit");
    while (!lockedBy(`${out}.lock`, resuming.pid!) && resuming.exitCode === null) await new Promise((r) => setTimeout(r, 20));
    resuming.kill("SIGSTOP");
    const twice = run(command(out, "--resume"));
    resuming.kill("SIGCONT");
    assert.equal(twice.status, 1);
    assert.match(twice.stderr, new RegExp(`stopped\\.lock: another run writes to .*stopped \\(process ${resuming.pid}, since .*\\); wait for it to finish`));
    for (const r of [damaged, twice]) assert.doesNotMatch(r.stdout, /Backend:|MNIST/, "refused before any work");
    const [status] = await resumingExit;
    const resumed = { status, ...output };
    assert.equal(resumed.status, 0, resumed.stderr);
    assert.ok(!existsSync(`${out}.lock`), "the lock goes with its run");
    assert.match(resumed.stdout, /Resuming after epoch 1 of 2, from .*stopped\.checkpoint/);
    assert.ok(!existsSync(checkpoint), "the checkpoint is removed once the result is logged");
    const [first, second] = lines() as [Record<string, unknown>, Record<string, unknown>];
    assert.equal(lines().length, 2);
    assert.equal(second.resumedFromEpoch, 1);
    assert.equal(first.resumedFromEpoch, undefined);
    for (const field of ["epochs", "testAccuracy", "testLoss", "validationAccuracy", "testPredictions", "backend"]) {
      assert.deepEqual(second[field], first[field], field);
    }
    assert.ok(
      readFileSync(path.join(out, "weights.bin")).equals(readFileSync(path.join(root, "whole", "weights.bin"))),
      "the same weights, bit for bit",
    );
    const again = run(command(out, "--resume", "--overwrite"));
    assert.equal(again.status, 1);
    assert.match(again.stderr, /--resume: there is no checkpoint at .*stopped\.checkpoint to resume from/);
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});

const trainScript = path.join(__dirname, "..", "..", "scripts", "cli", "train.js");
const parsed = (argv: string[]) => parseTrainArgs(argv) as TrainArgs;

test("parseTrainArgs: --resume is refused for a --per-class run, which keeps no checkpoint", () => {
  assert.throws(
    () => parseTrainArgs(["--model", "cnn", "--dataset", "fashion-mnist", "--per-class", "10", "--resume"]),
    /--resume does not apply to --per-class/,
  );
});

test("parseTrainArgs: --per-class takes lesson 8's slice recipe as its defaults; flags still win", () => {
  const args = parsed(["--model", "cnn", "--dataset", "fashion-mnist", "--per-class", "100", "--profile", "full"]);
  assert.deepEqual(
    { epochs: args.epochs, batchSize: args.batchSize, lr: args.lr, lrDecay: args.lrDecay, optimizer: args.optimizer, patience: args.patience, seed: args.seed, perClass: args.perClass },
    { epochs: 6, batchSize: 100, lr: 0.001, lrDecay: 1, optimizer: "adam", patience: 3, seed: 1, perClass: 100 },
  );
  const small = parsed(["--model", "softmax", "--dataset", "mnist", "--per-class", "10", "--epochs", "4", "--patience", "2", "--seed", "3"]);
  assert.deepEqual([small.epochs, small.batchSize, small.patience, small.seed], [4, 10, 2, 3]);
  const transfer = parsed(["--transfer-from", "results/models/cnn-full", "--dataset", "fashion-mnist", "--per-class", "10", "--fine-tune"]);
  assert.deepEqual(
    { model: transfer.model, transferFrom: transfer.transferFrom, fineTune: transfer.fineTune, epochs: transfer.epochs, modelOptions: transfer.modelOptions },
    { model: "transfer", transferFrom: "results/models/cnn-full", fineTune: true, epochs: 20, modelOptions: {} },
  );
  assert.match(HELP, /--transfer-from <dir>/);
  assert.match(HELP, /--per-class <n>/);
  assert.match(HELP, /--fine-tune/);
});

test("parseTrainArgs: the transfer flags are checked together, before any work", () => {
  const fashion = ["--dataset", "fashion-mnist"];
  assert.throws(() => parseTrainArgs(["--transfer-from", "m", ...fashion]), /--transfer-from trains on a labelled slice: give --per-class <n>/);
  assert.throws(() => parseTrainArgs(["--transfer-from", "m", "--model", "cnn", "--per-class", "10", ...fashion]), /--model does not apply to --transfer-from/);
  assert.throws(() => parseTrainArgs(["--transfer-from", " ", "--per-class", "10", ...fashion]), /--transfer-from must name a saved model folder/);
  assert.throws(() => parseTrainArgs(["--model", "cnn", "--fine-tune", "--per-class", "10", ...fashion]), /--fine-tune needs --transfer-from/);
  assert.throws(() => parseTrainArgs(["--model", "cnn", "--per-class", "10"]), /--per-class slices a data set's training split: name it with --dataset/);
  assert.throws(() => parseTrainArgs(["--model", "cnn", "--per-class", "0", ...fashion]), /--per-class must be an integer ≥ 1, got "0"/);
  assert.throws(() => parseTrainArgs(["--model", "cnn", "--per-class", "ten", ...fashion]), /--per-class must be an integer ≥ 1, got "ten"/);
  assert.throws(() => parseTrainArgs(["--transfer-from", "m", "--per-class", "10", "--filters", "8", ...fashion]), /--filters does not apply to --transfer-from/);
  assert.throws(() => parseTrainArgs(["--per-class", "10", ...fashion]), /--model is required: .* \(or --transfer-from <model dir>\)/);
});

test("runName and the default folder: the slice, the base and fine-tuning are in the name", () => {
  const root = mkdtempSync(path.join(os.tmpdir(), "tsdl-train-names-"));
  try {
    const fashion = ["--dataset", "fashion-mnist", "--profile", "full"];
    assert.equal(runName(parsed(["--model", "cnn", ...fashion])), "cnn");
    assert.equal(runName(parsed(["--model", "cnn", "--per-class", "100", ...fashion])), "cnn-100-per-class");
    const tuned = parsed(["--transfer-from", "results/models/cnn-full/", "--per-class", "100", "--fine-tune", ...fashion]);
    assert.equal(runName(tuned), "transfer-cnn-full-100-per-class-fine-tuned");
    assert.equal(checkedOutputFolder(tuned, root), path.join(root, "results", "models", "fashion-mnist-transfer-cnn-full-100-per-class-fine-tuned-full"));
    assert.equal(runName(parsed(["--transfer-from", "b", "--per-class", "10", "--name", "mine", ...fashion])), "mine");
    const onBase = parsed(["--transfer-from", "results/models/cnn-full", "--per-class", "10", "--out", "results/models/cnn-full", "--overwrite", ...fashion]);
    assert.throws(() => checkedOutputFolder(onBase, root), /--out results\/models\/cnn-full is the --transfer-from folder/);
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});

test("checkedTransferFolder: a missing folder, a folder without a model, a corrupt model.json and a base trained on the same data are named", async () => {
  const root = mkdtempSync(path.join(os.tmpdir(), "tsdl-train-base-"));
  try {
    const args = (dir: string, dataset = "fashion-mnist") => parsed(["--transfer-from", dir, "--dataset", dataset, "--per-class", "10"]);
    await assert.rejects(checkedTransferFolder(args("nowhere"), root), /--transfer-from nowhere: no such folder/);
    mkdirSync(path.join(root, "empty"));
    await assert.rejects(checkedTransferFolder(args("empty"), root), /--transfer-from empty holds no model.json: not a saved model folder/);
    writeFileSync(path.join(root, "a-file"), "x");
    await assert.rejects(checkedTransferFolder(args("a-file"), root), /--transfer-from a-file: .*a-file is a file, not a model folder/);
    mkdirSync(path.join(root, "corrupt"));
    writeFileSync(path.join(root, "corrupt", "model.json"), "{ not json");
    await assert.rejects(checkedTransferFolder(args("corrupt"), root), /--transfer-from corrupt: .*model.json is not valid JSON/);
    mkdirSync(path.join(root, "fashion-base"));
    writeFileSync(path.join(root, "fashion-base", "model.json"), JSON.stringify({ modelTopology: {}, weightsManifest: [], userDefinedMetadata: { dataset: "fashion-mnist", model: "cnn" } }));
    await assert.rejects(checkedTransferFolder(args("fashion-base"), root), /--transfer-from fashion-base was trained on fashion-mnist's training images: transfer it to another data set/);
    const ok = await checkedTransferFolder(args("fashion-base", "mnist"), root);
    assert.deepEqual(ok, { dir: path.join(root, "fashion-base"), metadata: { dataset: "fashion-mnist", model: "cnn" } });
    assert.equal(await checkedTransferFolder(parsed(["--model", "cnn"]), root), undefined);
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});

/** Runs train.js on the cpu backend; returns its status and output. */
function train(argv: string[]) {
  return spawnSync(process.execPath, [trainScript, "--backend", "cpu", ...argv], { encoding: "utf8", timeout: 300_000 });
}

test("train: a base that is not a 28×28×1 convolutional network, or a slice larger than a class, stops before any training", async () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), "tsdl-train-transfer-"));
  try {
    await tf.setBackend("cpu");
    const colour = tf.sequential({ name: "colour", layers: [
      tf.layers.conv2d({ inputShape: [32, 32, 3], filters: 2, kernelSize: 3 }), tf.layers.flatten(), tf.layers.dense({ units: 10, activation: "softmax" }),
    ] });
    await saveModel(colour, path.join(dir, "colour"));
    colour.dispose();
    const dense = tf.sequential({ name: "dense_only", layers: [tf.layers.flatten({ inputShape: [28, 28, 1] }), tf.layers.dense({ units: 10, activation: "softmax" })] });
    await saveModel(dense, path.join(dir, "dense"));
    dense.dispose();
    const common = ["--dataset", "fashion-mnist", "--per-class", "10", "--results", path.join(dir, "results.jsonl")];
    for (const [base, message] of [
      ["colour", /--transfer-from .*colour: the base model "colour" takes \[32,32,3\] inputs, not 28×28×1 images/],
      ["dense", /--transfer-from .*dense: the base model "dense_only" has no convolution before its Flatten/],
    ] as const) {
      const r = train(["--transfer-from", path.join(dir, base), "--out", path.join(dir, `out-${base}`), ...common]);
      assert.equal(r.status, 1, r.stderr);
      assert.match(r.stderr, message);
      assert.doesNotMatch(r.stdout, /Fashion-MNIST \(fast\)|Epoch/, "no data loaded, no training");
    }
    const r = train(["--model", "softmax", "--dataset", "fashion-mnist", "--per-class", "600", "--out", path.join(dir, "out-big"), "--results", path.join(dir, "results.jsonl")]);
    assert.equal(r.status, 1, r.stderr);
    assert.match(r.stderr, /--per-class 600: the fast-profile Fashion-MNIST training split has \d+ images of class \d \([^)]+\); at most 565 per class/);
    assert.doesNotMatch(r.stdout, /Epoch/);
    assert.deepEqual(readResultLines(path.join(dir, "results.jsonl")), [], "nothing logged");
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test("train --transfer-from --per-class --fine-tune: trains head and fine-tuning, logs the transfer settings with the chosen model's numbers", async () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), "tsdl-train-transfer-"));
  try {
    await tf.setBackend("cpu");
    // A narrow CNN stands in for the MNIST model: the run is about the plumbing, not the accuracy.
    const base = cnn({ seed: 2, filters: [4, 8], denseUnits: 16 });
    await saveModel(base, path.join(dir, "tiny-mnist"), { metadata: { model: "tiny", dataset: "mnist", date: "2026-12-01T00:00:00.000Z" } });
    base.dispose();
    const results = path.join(dir, "results.jsonl");
    const out = path.join(dir, "out");
    const argv = ["--transfer-from", path.join(dir, "tiny-mnist"), "--dataset", "fashion-mnist", "--per-class", "10", "--fine-tune", "--epochs", "2", "--out", out, "--results", results];
    const r = train(argv);
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stdout, /Training on 10 images per class \(100\), seed 1; validation: 20 per class/);
    assert.match(r.stdout, /Fine-tuning (kept|not kept \(the head's weights are saved\)): validation accuracy/);
    const [line, ...more] = readResultLines(results);
    assert.equal(more.length, 0);
    const t = line!.transfer!;
    assert.equal(line!.model, "transfer-tiny-mnist-10-per-class-fine-tuned");
    assert.equal(line!.dataset, "fashion-mnist");
    assert.deepEqual([line!.perClass, line!.trainSize, line!.validationSize, line!.batchSize, line!.lr], [10, 100, 200, 10, 0.001]);
    assert.deepEqual(line!.earlyStopping, { monitor: "val_acc", patience: 3 });
    assert.equal(t.from, path.join(dir, "tiny-mnist"));
    assert.deepEqual([t.baseModel, t.baseDate, t.fineTuneLr], ["tiny", "2026-12-01T00:00:00.000Z", 0.0001]);
    assert.ok(t.headEpochs >= 1 && t.headEpochs <= 2 && t.fineTuneEpochs! >= 1 && t.fineTuneEpochs! <= 2);
    assert.equal(line!.epochs, t.headEpochs + t.fineTuneEpochs!);
    // The logged model is the one validation chose.
    assert.equal(t.fineTuned, t.fineTuneValidationAccuracy! > t.headValidationAccuracy);
    assert.equal(line!.validationAccuracy, t.fineTuned ? t.fineTuneValidationAccuracy : t.headValidationAccuracy);
    assert.equal(line!.testPredictions!.length, 2000);
    assert.equal(line!.command, commandLine(["--backend", "cpu", ...argv]));
    const saved = JSON.parse(readFileSync(path.join(out, "model.json"), "utf8"));
    assert.deepEqual(saved.userDefinedMetadata.transfer, t);
    const layers = saved.modelTopology.config.layers as { config: { name: string; trainable: boolean } }[];
    assert.equal(layers.find((l) => l.config.name === "conv1")!.config.trainable, t.fineTuned, "a base kept frozen is saved frozen");
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
