import { test } from "node:test";
import assert from "node:assert/strict";
import * as path from "node:path";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import * as os from "node:os";
import { commandLine } from "../../scripts/cli/train";
import { HELP, parseTrainArgs, type TrainArgs } from "../../scripts/cli/train-args";
import {
  checkedCheckpoint,
  checkedOutputFolder,
  checkedTransferFolder,
  checkpointSettings,
  runName,
} from "../../src/experiments/train-run";
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
    "--model=deep-cnn",
    "--epochs=2",
    "--batch-size",
    "64",
    "--lr",
    "0.01",
    "--optimizer",
    "sgd",
    "--lr-decay",
    "0.9",
    "--patience",
    "2",
    "--profile",
    "full",
    "--seed",
    "7",
    "--backend",
    "cpu",
    "--out",
    "x/y",
    "--overwrite",
    "--dataset",
    "fashion-mnist",
    "--resume",
  ]);
  assert.deepEqual(args, {
    model: "deep-cnn",
    dataset: "fashion-mnist",
    epochs: 2,
    batchSize: 64,
    lr: 0.01,
    optimizer: "sgd",
    lrDecay: 0.9,
    patience: 2,
    profile: "full",
    seed: 7,
    backend: "cpu",
    out: "x/y",
    overwrite: true,
    resume: true,
    name: undefined,
    modelOptions: {},
    augment: false,
    results: undefined,
    perClass: undefined,
    transferFrom: undefined,
    fineTune: false,
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
  assert.throws(
    () => parseTrainArgs(["--model", "cnn", "--epochs", "1", "--epoch", "2"]),
    /Unknown option '--epoch' \(run with --help for the flags\)/,
  );
  assert.throws(() => parseTrainArgs(["--model", "cnn", "--epochs", "1", "extra"]), /Unexpected argument 'extra'/);
  assert.throws(() => parseTrainArgs(["--epochs", "1"]), /--model is required: one of softmax, mlp, cnn, deep-cnn/);
  assert.throws(() => parseTrainArgs(["--model", "vgg", "--epochs", "1"]), /Unknown model "vgg"/);
  assert.throws(() => parseTrainArgs(["--model", "cnn", "--epochs", "0"]), /--epochs must be an integer ≥ 1, got "0"/);
  assert.throws(() => parseTrainArgs(["--model", "cnn", "--epochs", "1", "--lr", "fast"]), /--lr must be a number in \(0, ∞\], got "fast"/);
  assert.throws(() => parseTrainArgs(["--model", "cnn", "--epochs", "1", "--lr-decay", "1.5"]), /--lr-decay must be a number in \(0, 1\]/);
  assert.throws(
    () => parseTrainArgs(["--model", "cnn", "--epochs", "1", "--profile", "huge"]),
    /--profile must be "fast" or "full", got "huge"/,
  );
  assert.throws(() => parseTrainArgs(["--model", "cnn", "--epochs", "1", "--backend", "gpu"]), /Unknown backend "gpu"/);
  assert.throws(() => parseTrainArgs(["--model", "cnn", "--epochs", "1", "--optimizer", "adamw"]), /Unknown optimizer "adamw"/);
  assert.throws(
    () => parseTrainArgs(["--model", "cnn", "--dataset", "cifar10"]),
    /Unknown data set "cifar10": expected one of mnist, fashion-mnist/,
  );
});

test("parseTrainArgs: the ladder's model options, augmentation and a name for the result", () => {
  const args = parseTrainArgs([
    "--model",
    "mlp",
    "--hidden",
    "512,512,512,512",
    "--init",
    "he",
    "--dropout",
    "0",
    "--batch-norm",
    "--augment",
    "--name",
    "ladder-mlp-5x512-bn",
    "--profile",
    "full",
  ]);
  assert.notEqual(args, "help");
  if (args === "help") return;
  assert.deepEqual(args.modelOptions, { hidden: [512, 512, 512, 512], init: "he", dropout: 0, batchNorm: true });
  assert.equal(args.name, "ladder-mlp-5x512-bn");
  assert.equal(args.augment, true);
  const narrow = parseTrainArgs(["--model", "cnn", "--filters", "8,16,32", "--dense-units", "64"]);
  assert.deepEqual(narrow !== "help" && narrow.modelOptions, { filters: [8, 16, 32], denseUnits: 64 });
  const twoConv = parseTrainArgs([
    "--model",
    "cnn",
    "--filters",
    "32,64",
    "--kernel-size",
    "5",
    "--dense-units",
    "1024",
    "--conv-dropout",
    "0",
  ]);
  assert.deepEqual(twoConv !== "help" && twoConv.modelOptions, { filters: [32, 64], denseUnits: 1024, kernelSize: 5, convDropout: 0 });
  assert.throws(() => parseTrainArgs(["--model", "cnn", "--conv-dropout", "1"]), /--conv-dropout must be a number in \[0, 1\), got "1"/);
  assert.match(HELP, /--init <name>\s+mlp: kernel initializer, one of zeros, normal, glorot, he/);
});

test("parseTrainArgs: model options are checked at the door, naming the flag", () => {
  assert.throws(
    () => parseTrainArgs(["--model", "cnn", "--hidden", "64"]),
    /--hidden does not apply to cnn \(it takes --filters, --dense-units, --kernel-size, --conv-dropout\)/,
  );
  assert.throws(
    () => parseTrainArgs(["--model", "softmax", "--dropout", "0.5"]),
    /--dropout does not apply to softmax \(it takes no model flags\)/,
  );
  assert.throws(() => parseTrainArgs(["--model", "mlp", "--hidden", "512,,512"]), /--hidden must be an integer ≥ 1, got ""/);
  assert.throws(() => parseTrainArgs(["--model", "mlp", "--hidden", "512,0"]), /--hidden must be an integer ≥ 1, got "0"/);
  assert.throws(
    () => parseTrainArgs(["--model", "mlp", "--init", "xavier"]),
    /Unknown initializer "xavier": expected one of zeros, normal, glorot, he/,
  );
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

test("train checks its model folder before any work: no silent replacement, no file in the way", () => {
  const root = mkdtempSync(path.join(os.tmpdir(), "tsdl-train-out-"));
  try {
    const args = (extra: string[]) => parseTrainArgs(["--model", "softmax", "--profile", "fast", ...extra]) as TrainArgs;
    assert.equal(checkedOutputFolder(args([]), root), path.join(root, "results", "models", "softmax-fast"), "absent: fine");
    const saved = path.join(root, "results", "models", "softmax-fast");
    mkdirSync(saved, { recursive: true });
    assert.equal(checkedOutputFolder(args([]), root), saved, "an empty folder is fine");
    writeFileSync(path.join(saved, "model.json"), "{}");
    assert.throws(
      () => checkedOutputFolder(args([]), root),
      /results\/models\/softmax-fast already holds a saved model; pass --overwrite to replace it, or --out another folder/,
    );
    assert.equal(checkedOutputFolder(args(["--overwrite"]), root), saved);
    writeFileSync(path.join(root, "a-file"), "x");
    assert.throws(() => checkedOutputFolder(args(["--out", "a-file"]), root), /a-file is a file, not a model folder/);
    assert.throws(
      () => checkedOutputFolder(args(["--out", "a-file/model"]), root),
      /cannot make model folder .*a-file\/model: .*a-file is a file/,
    );
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});

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
    assert.throws(
      () => checkedCheckpoint(args(["--resume"]), out, root),
      /^Error: --resume: there is no checkpoint at m\.checkpoint to resume from$/,
    );
    await saveCheckpoint(dir, ONE_EPOCH, checkpointSettings(args([])));
    assert.throws(
      () => checkedCheckpoint(args([]), out, root),
      /^Error: m\.checkpoint holds the checkpoint of an interrupted run \(1 epoch done\); pass --resume to continue it, or remove that folder to start over$/,
    );
    assert.deepEqual(checkedCheckpoint(args(["--resume"]), out, root), { dir, epochs: 1 });
    assert.deepEqual(
      checkedCheckpoint(args(["--resume", "--overwrite", "--backend", "cpu"]), out, root).epochs,
      1,
      "flags that do not change training may differ",
    );
    assert.throws(
      () => checkedCheckpoint(args(["--resume", "--epochs", "4", "--augment", "--seed", "2"]), out, root),
      /--resume: the checkpoint at m\.checkpoint comes from a run with other settings \(epochs 3 there, 4 here; seed 1 there, 2 here; augment false there, true here\); give the interrupted command's flags with --resume, or remove that folder to start over/,
    );
    assert.throws(() => checkedCheckpoint(args(["--resume", "--name", "other"]), out, root), /name null there, "other" here/);
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});

const parsed = (argv: string[]) => parseTrainArgs(argv) as TrainArgs;

test("parseTrainArgs: --resume is refused for a --per-class run, which keeps no checkpoint", () => {
  assert.throws(
    () => parseTrainArgs(["--model", "cnn", "--dataset", "fashion-mnist", "--per-class", "10", "--resume"]),
    /--resume does not apply to --per-class/,
  );
});

test("parseTrainArgs: --per-class takes lesson 10's slice recipe as its defaults; flags still win", () => {
  const args = parsed(["--model", "cnn", "--dataset", "fashion-mnist", "--per-class", "100", "--profile", "full"]);
  assert.deepEqual(
    {
      epochs: args.epochs,
      batchSize: args.batchSize,
      lr: args.lr,
      lrDecay: args.lrDecay,
      optimizer: args.optimizer,
      patience: args.patience,
      seed: args.seed,
      perClass: args.perClass,
    },
    { epochs: 6, batchSize: 100, lr: 0.001, lrDecay: 1, optimizer: "adam", patience: 3, seed: 1, perClass: 100 },
  );
  const small = parsed([
    "--model",
    "softmax",
    "--dataset",
    "mnist",
    "--per-class",
    "10",
    "--epochs",
    "4",
    "--patience",
    "2",
    "--seed",
    "3",
  ]);
  assert.deepEqual([small.epochs, small.batchSize, small.patience, small.seed], [4, 10, 2, 3]);
  const transfer = parsed(["--transfer-from", "results/models/cnn-full", "--dataset", "fashion-mnist", "--per-class", "10", "--fine-tune"]);
  assert.deepEqual(
    {
      model: transfer.model,
      transferFrom: transfer.transferFrom,
      fineTune: transfer.fineTune,
      epochs: transfer.epochs,
      modelOptions: transfer.modelOptions,
    },
    { model: "transfer", transferFrom: "results/models/cnn-full", fineTune: true, epochs: 20, modelOptions: {} },
  );
  assert.match(HELP, /--transfer-from <dir>/);
  assert.match(HELP, /--per-class <n>/);
  assert.match(HELP, /--fine-tune/);
});

test("parseTrainArgs: the transfer flags are checked together, before any work", () => {
  const fashion = ["--dataset", "fashion-mnist"];
  assert.throws(
    () => parseTrainArgs(["--transfer-from", "m", ...fashion]),
    /--transfer-from trains on a labelled slice: give --per-class <n>/,
  );
  assert.throws(
    () => parseTrainArgs(["--transfer-from", "m", "--model", "cnn", "--per-class", "10", ...fashion]),
    /--model does not apply to --transfer-from/,
  );
  assert.throws(
    () => parseTrainArgs(["--transfer-from", " ", "--per-class", "10", ...fashion]),
    /--transfer-from must name a saved model folder/,
  );
  assert.throws(
    () => parseTrainArgs(["--model", "cnn", "--fine-tune", "--per-class", "10", ...fashion]),
    /--fine-tune needs --transfer-from/,
  );
  assert.throws(
    () => parseTrainArgs(["--model", "cnn", "--per-class", "10"]),
    /--per-class slices a data set's training split: name it with --dataset/,
  );
  assert.throws(() => parseTrainArgs(["--model", "cnn", "--per-class", "0", ...fashion]), /--per-class must be an integer ≥ 1, got "0"/);
  assert.throws(
    () => parseTrainArgs(["--model", "cnn", "--per-class", "ten", ...fashion]),
    /--per-class must be an integer ≥ 1, got "ten"/,
  );
  assert.throws(
    () => parseTrainArgs(["--transfer-from", "m", "--per-class", "10", "--filters", "8", ...fashion]),
    /--filters does not apply to --transfer-from/,
  );
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
    assert.equal(
      checkedOutputFolder(tuned, root),
      path.join(root, "results", "models", "fashion-mnist-transfer-cnn-full-100-per-class-fine-tuned-full"),
    );
    assert.equal(runName(parsed(["--transfer-from", "b", "--per-class", "10", "--name", "mine", ...fashion])), "mine");
    const onBase = parsed([
      "--transfer-from",
      "results/models/cnn-full",
      "--per-class",
      "10",
      "--out",
      "results/models/cnn-full",
      "--overwrite",
      ...fashion,
    ]);
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
    writeFileSync(
      path.join(root, "fashion-base", "model.json"),
      JSON.stringify({ modelTopology: {}, weightsManifest: [], userDefinedMetadata: { dataset: "fashion-mnist", model: "cnn" } }),
    );
    await assert.rejects(
      checkedTransferFolder(args("fashion-base"), root),
      /--transfer-from fashion-base was trained on fashion-mnist's training images: transfer it to another data set/,
    );
    const ok = await checkedTransferFolder(args("fashion-base", "mnist"), root);
    assert.deepEqual(ok, { dir: path.join(root, "fashion-base"), metadata: { dataset: "fashion-mnist", model: "cnn" } });
    assert.equal(await checkedTransferFolder(parsed(["--model", "cnn"]), root), undefined);
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});
