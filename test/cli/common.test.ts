import { test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync } from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import type { BackendInfo } from "../../src/backend/select";
import * as cli from "../../scripts/cli/common";
import { appendResult, resultLine } from "../../src/results/log";

test("parseFlags: values, switches and the shared run flags", () => {
  const specs = { ...cli.RUN_FLAGS, augment: { type: "boolean" } } as const;
  const values = cli.parseFlags(["--model=cnn", "--seed", "3", "--augment"], specs);
  assert.deepEqual({ ...values }, { model: "cnn", seed: "3", augment: true });
  assert.deepEqual({ ...cli.parseFlags([], specs) }, {});
  assert.deepEqual(Object.keys(cli.RUN_FLAGS).sort(), ["backend", "help", "model", "out", "profile", "seed"]);
});

test("parseFlags: Node's error cut to its first sentence, with a pointer to --help", () => {
  const specs = { model: { type: "string" }, augment: { type: "boolean" } } as const;
  assert.throws(() => cli.parseFlags(["--modle", "cnn"], specs), {
    message: "Unknown option '--modle' (run with --help for the flags)",
  });
  assert.throws(() => cli.parseFlags(["extra"], specs), /^Error: Unexpected argument 'extra' \(run with --help for the flags\)$/);
  assert.throws(() => cli.parseFlags(["--augment=yes"], specs), /--augment.*\(run with --help for the flags\)$/);
});

test("integerFlag, positiveFlag, profileFlag: accept what a person means, name the flag otherwise", () => {
  assert.equal(cli.integerFlag("epochs", " 12 ", 1), 12);
  assert.equal(cli.integerFlag("seed", "0", 0), 0);
  for (const bad of ["0", "1.5", "1e3", "0x10", "", "two", "9007199254740993"]) {
    assert.throws(() => cli.integerFlag("epochs", bad, 1), { message: `--epochs must be an integer ≥ 1, got "${bad}"` });
  }
  assert.equal(cli.positiveFlag("lr", "1e-3"), 0.001);
  assert.equal(cli.positiveFlag("lr-decay", "1", 1), 1);
  assert.throws(() => cli.positiveFlag("lr", " "), { message: `--lr must be a number in (0, ∞], got " "` });
  assert.throws(() => cli.positiveFlag("lr", "-1"), /--lr must be a number in \(0, ∞\]/);
  assert.throws(() => cli.positiveFlag("lr-decay", "1.01", 1), { message: `--lr-decay must be a number in (0, 1], got "1.01"` });
  assert.equal(cli.profileFlag("fast"), "fast");
  assert.equal(cli.profileFlag("full"), "full");
  // LESSON_PROFILE forgives case; a flag does not.
  assert.throws(() => cli.profileFlag("Full"), { message: `--profile must be "fast" or "full", got "Full"` });
});

test("npmCommandLine: quotes only what a shell would split or expand", () => {
  assert.equal(cli.npmCommandLine("train", []), "npm run train --");
  assert.equal(
    cli.npmCommandLine("ensemble", ["--model=cnn", "--out", "a b", "--x", "it's", "$HOME"]),
    `npm run ensemble -- --model=cnn --out 'a b' --x 'it'\\''s' '$HOME'`,
  );
});

test("splitSizesLine: the three split sizes, with thousands separators", () => {
  const sizes = { train: { size: 55000 }, validation: { size: 5000 }, test: { size: 10000 } };
  assert.equal(cli.splitSizesLine("full", sizes), "MNIST (full): 55,000 train, 5,000 validation, 10,000 test");
});

test("appendResult: one JSON line per run, appended, folder created; machine fields last", () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), "tsdl-cli-"));
  try {
    const backend: BackendInfo = { name: "cpu", summary: "tfjs test · cpu", threads: 1, skipped: [], notices: [] };
    const machine = cli.machineFields(backend);
    assert.deepEqual(machine, { cores: os.cpus().length, backendSummary: "tfjs test · cpu", node: process.version });
    const line = (seed: number) => ({
      model: "cnn",
      profile: "fast" as const,
      backend: backend.name,
      epochs: 1,
      seconds: 1.5,
      testAccuracy: 0.9,
      date: "2024-01-01T00:00:00.000Z",
      command: cli.npmCommandLine("train", ["--seed", String(seed)]),
      seed,
      ...machine,
    });
    const file = path.join(dir, "nested", "results.jsonl");
    appendResult(line(1), file);
    appendResult(line(2), file);
    const lines = readFileSync(file, "utf8").split("\n");
    assert.equal(lines.length, 3, "two lines, each ended by a newline");
    assert.equal(lines[2], "");
    assert.deepEqual(
      lines.slice(0, 2).map((l) => JSON.parse(l) as unknown),
      [line(1), line(2)],
    );
    assert.deepEqual(Object.keys(JSON.parse(lines[0]!) as object).slice(-3), ["cores", "backendSummary", "node"]);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test("runSettings: a flag wins, else the environment; bad values name the flag or variable", () => {
  assert.deepEqual(cli.runSettings({}, {}), { profile: "fast", backend: "auto" });
  assert.deepEqual(cli.runSettings({}, { TSDL_BACKEND: "cpu", LESSON_PROFILE: "full" }), { profile: "full", backend: "cpu" });
  assert.deepEqual(cli.runSettings({ backend: "wasm", profile: "fast" }, { TSDL_BACKEND: "cpu", LESSON_PROFILE: "full" }), {
    profile: "fast",
    backend: "wasm",
  });
  assert.throws(() => cli.runSettings({}, { TSDL_BACKEND: "gpu" }), /Unknown backend "gpu" \(from TSDL_BACKEND or the argument\)/);
  assert.throws(() => cli.runSettings({}, { LESSON_PROFILE: "quick" }), /Unknown LESSON_PROFILE "quick"/);
  assert.throws(() => cli.runSettings({}, { TSDL_WASM_THREADS: "0" }), /Bad wasm thread count "0" \(from TSDL_WASM_THREADS/);
  assert.throws(() => cli.runSettings({ profile: "Full" }, {}), /--profile must be "fast" or "full", got "Full"/);
});

test("logResult: a log that fails after training keeps the line beside the run and prints the command that logs it", () => {
  const root = mkdtempSync(path.join(os.tmpdir(), "tsdl-cli-"));
  try {
    const result = resultLine({
      model: "cnn",
      profile: "fast",
      backend: "cpu",
      epochs: 1,
      seconds: 1,
      testAccuracy: 0.9,
      command: "npm run train -- --model cnn",
      cores: 1,
      backendSummary: "cpu",
      node: process.version,
    });
    const log = path.join(root, "results.jsonl");
    mkdirSync(log); // what the pre-flight would refuse, arriving after it: appending fails
    const keep = path.join(root, "cnn-fast.result.jsonl");
    assert.throws(
      () => cli.logResult(root, result, log, keep),
      (err: Error) =>
        /could not append to .*results\.jsonl/.test(err.message) &&
        err.message.includes(
          `The run is kept: its result line is in cnn-fast.result.jsonl. Once results.jsonl can be written, log it with:\n  cat ${keep} >> ${log}`,
        ),
    );
    assert.deepEqual(JSON.parse(readFileSync(keep, "utf8")), result);
    // Where even that cannot be written, the message carries the line itself.
    assert.throws(
      () => cli.logResult(root, result, log, path.join(root, "missing", "x.jsonl")),
      (err: Error) => err.message.endsWith(`once it can be written:\n${JSON.stringify(result)}`),
    );
    rmSync(log, { recursive: true });
    cli.logResult(root, result, log, keep);
    assert.deepEqual(JSON.parse(readFileSync(log, "utf8")), result, "a writable log: appended");
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});

test("train, ensemble and combine refuse a log they could not append to before any work, naming it", () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), "tsdl-cli-"));
  const cliDir = path.join(__dirname, "..", "..", "scripts", "cli");
  try {
    const dangling = path.join(dir, "log.jsonl");
    symlinkSync(path.join(dir, "nowhere.jsonl"), dangling);
    const runs: [string, string[]][] = [
      ["train.js", ["--model", "softmax", "--epochs", "1", "--out", path.join(dir, "model")]],
      ["ensemble.js", ["--model", "softmax", "--members", "2", "--out", path.join(dir, "run")]],
      ["combine.js", ["--models", "a,b"]],
    ];
    for (const [script, argv] of runs) {
      const r = spawnSync(process.execPath, [path.join(cliDir, script), ...argv, "--results", dangling], {
        encoding: "utf8",
        timeout: 60_000,
      });
      assert.equal(r.status, 1, `${script}: ${r.stderr}`);
      assert.match(r.stderr, /the results log .*log\.jsonl is a symlink to nothing/, script);
      assert.doesNotMatch(r.stdout, /Backend|MNIST/, `${script} started no work`);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
