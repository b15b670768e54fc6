import { test } from "node:test";
import assert from "node:assert/strict";
import { commandLine, HELP, parseTrainArgs } from "../../scripts/train";

test("parseTrainArgs: required flags, defaults and overrides", () => {
  assert.deepEqual(parseTrainArgs(["--model", "cnn", "--epochs", "3", "--profile", "fast", "--backend", "auto"]), {
    model: "cnn",
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
    name: undefined,
    modelOptions: {},
    augment: false,
  });
  const args = parseTrainArgs([
    "--model=deep-cnn", "--epochs=2", "--batch-size", "64", "--lr", "0.01", "--optimizer", "sgd",
    "--lr-decay", "0.9", "--patience", "2", "--profile", "full", "--seed", "7", "--backend", "cpu", "--out", "x/y",
  ]);
  assert.deepEqual(args, {
    model: "deep-cnn", epochs: 2, batchSize: 64, lr: 0.01, optimizer: "sgd", lrDecay: 0.9, patience: 2,
    profile: "full", seed: 7, backend: "cpu", out: "x/y", name: undefined, modelOptions: {}, augment: false,
  });
  assert.equal(parseTrainArgs(["--help"]), "help");
  assert.match(HELP, /--model <name>\s+one of softmax, mlp, cnn, deep-cnn/);
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
