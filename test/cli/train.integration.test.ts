// The command line run as a process: train.js, ensemble.js and combine.js started by node, killed
// and resumed (integration tier: seconds to minutes each; see scripts/test.mjs).
import { test } from "node:test";
import assert from "node:assert/strict";
import { spawn, spawnSync } from "node:child_process";
import { once } from "node:events";
import * as path from "node:path";
import { existsSync, lstatSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import * as os from "node:os";
import * as tf from "@tensorflow/tfjs";
import { commandLine } from "../../scripts/cli/train";
import { projectRoot } from "../../src/data/paths";
import { modelFolderState, saveModel } from "../../src/io/model-files";
import { cnn } from "../../src/models/cnn";
import { readResultLines } from "../../src/results/log";
import { checkpointDir } from "../../src/train/checkpoint";

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

test("train with --out at a file or an existing model exits before loading data or a backend", () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), "tsdl-train-out-"));
  try {
    const file = path.join(dir, "a-file");
    writeFileSync(file, "x");
    mkdirSync(path.join(dir, "model"));
    writeFileSync(path.join(dir, "model", "model.json"), "{}");
    const train = path.join(__dirname, "..", "..", "scripts", "cli", "train.js");
    for (const [out, message] of [
      [file, /is a file, not a model folder/],
      [path.join(dir, "model"), /already holds a saved model; pass --overwrite/],
    ] as const) {
      const r = spawnSync(process.execPath, [train, "--model", "softmax", "--epochs", "1", "--out", out], {
        encoding: "utf8",
        timeout: 60_000,
      });
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
      const r = spawnSync(process.execPath, [TRAIN_JS, "--model", "softmax", "--epochs", "1", "--overwrite", "--out", out], {
        cwd: root,
        env,
        encoding: "utf8",
        timeout: 120_000,
      });
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
    assert.match(
      second.stderr,
      new RegExp(
        `m\\.lock: another run writes to .*m \\(process ${first.pid}, since .*\\); wait for it to finish, or remove the lock file if no such run is going`,
      ),
    );
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

test("train killed after its first epoch, then run with --resume, logs the same model and numbers as a run never stopped", async () => {
  const root = scratchRoot();
  const train = path.join(__dirname, "..", "..", "scripts", "cli", "train.js");
  // Augmented: the random stream must pick up where it stopped. One wasm thread: a shared machine.
  const command = (out: string, ...extra: string[]) => [
    train,
    "--model",
    "softmax",
    "--epochs",
    "2",
    "--augment",
    "--profile",
    "fast",
    "--out",
    out,
    ...extra,
  ];
  const env = { ...process.env, TSDL_PROJECT_ROOT: root, TSDL_WASM_THREADS: "1" };
  const run = (argv: string[]) => spawnSync(process.execPath, argv, { env, encoding: "utf8", timeout: 120_000 });
  const results = path.join(root, "results", "results.jsonl");
  const lines = () =>
    existsSync(results)
      ? readFileSync(results, "utf8")
          .trim()
          .split("\n")
          .map((l) => JSON.parse(l) as Record<string, unknown>)
      : [];
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
    assert.match(
      refused.stderr,
      /stopped\.checkpoint holds the checkpoint of an interrupted run \(1 epoch done\); pass --resume to continue it, or remove that folder to start over/,
    );
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
    assert.match(
      damaged.stderr,
      /stopped\.checkpoint\/state\.bin does not match its checksum: the checkpoint is damaged; remove .*stopped\.checkpoint to start over/,
    );
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
    assert.match(
      twice.stderr,
      new RegExp(`stopped\\.lock: another run writes to .*stopped \\(process ${resuming.pid}, since .*\\); wait for it to finish`),
    );
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
/** Runs train.js on the cpu backend; returns its status and output. */
function train(argv: string[]) {
  return spawnSync(process.execPath, [trainScript, "--backend", "cpu", ...argv], { encoding: "utf8", timeout: 300_000 });
}

test("train: a base that is not a 28×28×1 convolutional network, or a slice larger than a class, stops before any training", async () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), "tsdl-train-transfer-"));
  try {
    await tf.setBackend("cpu");
    const colour = tf.sequential({
      name: "colour",
      layers: [
        tf.layers.conv2d({ inputShape: [32, 32, 3], filters: 2, kernelSize: 3 }),
        tf.layers.flatten(),
        tf.layers.dense({ units: 10, activation: "softmax" }),
      ],
    });
    await saveModel(colour, path.join(dir, "colour"));
    colour.dispose();
    const dense = tf.sequential({
      name: "dense_only",
      layers: [tf.layers.flatten({ inputShape: [28, 28, 1] }), tf.layers.dense({ units: 10, activation: "softmax" })],
    });
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
    const r = train([
      "--model",
      "softmax",
      "--dataset",
      "fashion-mnist",
      "--per-class",
      "600",
      "--out",
      path.join(dir, "out-big"),
      "--results",
      path.join(dir, "results.jsonl"),
    ]);
    assert.equal(r.status, 1, r.stderr);
    assert.match(
      r.stderr,
      /--per-class 600: the fast-profile Fashion-MNIST training split has \d+ images of class \d \([^)]+\); at most 565 per class/,
    );
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
    await saveModel(base, path.join(dir, "tiny-mnist"), {
      metadata: { model: "tiny", dataset: "mnist", date: "2026-12-01T00:00:00.000Z" },
    });
    base.dispose();
    const results = path.join(dir, "results.jsonl");
    const out = path.join(dir, "out");
    const argv = [
      "--transfer-from",
      path.join(dir, "tiny-mnist"),
      "--dataset",
      "fashion-mnist",
      "--per-class",
      "10",
      "--fine-tune",
      "--epochs",
      "2",
      "--out",
      out,
      "--results",
      results,
    ];
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
