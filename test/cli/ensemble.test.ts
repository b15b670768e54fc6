import { test } from "node:test";
import assert from "node:assert/strict";
import * as path from "node:path";
import { commandLine, defaultRunDir, ensembleRecipe, HELP, parseEnsembleArgs, type EnsembleArgs } from "../../scripts/cli/ensemble";
import { projectRoot } from "../../src/data/paths";
import { ensembleName, ensembleRunDir } from "../../src/ensemble/run-folder";

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
    args([
      "--model=deep-cnn",
      "--members",
      "3",
      "--augment",
      "--profile",
      "full",
      "--epochs",
      "20",
      "--seed",
      "7",
      "--backend",
      "cpu",
      "--out",
      "x/y",
    ]),
    {
      model: "deep-cnn",
      members: 3,
      augment: true,
      profile: "full",
      epochs: 20,
      seed: 7,
      backend: "cpu",
      out: "x/y",
      results: undefined,
      only: undefined,
    },
  );
  assert.deepEqual(args(["--model", "cnn", "--only", "5,1,3"]).only, [1, 3, 5]);
  assert.deepEqual(args(["--model", "cnn", "--members", "2", "--only", "2"]).only, [2]);
  assert.equal(parseEnsembleArgs(["--help"]), "help");
  assert.match(HELP, /--model <name>\s+one of softmax, mlp, cnn, deep-cnn/);
  assert.match(HELP, /Run the same command\s+again after an interruption/);
});

test("parseEnsembleArgs: unknown flags and bad values are named", () => {
  assert.throws(
    () => parseEnsembleArgs(["--model", "cnn", "--member", "3"]),
    /Unknown option '--member' \(run with --help for the flags\)/,
  );
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
    "the folder lesson 9 looks in is the one the script writes",
  );
  assert.throws(() => ensembleName({ model: "cnn", members: 0, augment: false }), /members must be an integer ≥ 1, got 0/);
  assert.equal(commandLine(["--model", "cnn", "--augment"]), "npm run ensemble -- --model cnn --augment");
});
