import { test } from "node:test";
import assert from "node:assert/strict";
import { commandLine, HELP, parseTrainArgs } from "../../scripts/train";

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
  });
  const args = parseTrainArgs([
    "--model=deep-cnn", "--epochs=2", "--batch-size", "64", "--lr", "0.01", "--optimizer", "sgd",
    "--lr-decay", "0.9", "--patience", "2", "--profile", "full", "--seed", "7", "--backend", "cpu", "--out", "x/y",
    "--dataset", "fashion-mnist",
  ]);
  assert.deepEqual(args, {
    model: "deep-cnn", dataset: "fashion-mnist", epochs: 2, batchSize: 64, lr: 0.01, optimizer: "sgd", lrDecay: 0.9, patience: 2,
    profile: "full", seed: 7, backend: "cpu", out: "x/y",
  });
  assert.equal(parseTrainArgs(["--help"]), "help");
  assert.match(HELP, /--model <name>\s+one of softmax, mlp, cnn, deep-cnn/);
  assert.match(HELP, /--dataset <name>\s+mnist or fashion-mnist/);
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
  assert.throws(() => parseTrainArgs(["--model", "cnn", "--dataset", "cifar10"]), /unknown data set "cifar10": expected one of mnist, fashion-mnist/);
});

test("commandLine: the command to type again, quoted where needed", () => {
  assert.equal(commandLine(["--model", "cnn", "--epochs", "2"]), "npm run train -- --model cnn --epochs 2");
  assert.equal(commandLine(["--out", "my models/a"]), "npm run train -- --out 'my models/a'");
});
