import { test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import {
  appendResult,
  checkAppendable,
  MAX_LINE_BYTES,
  parseResultLog,
  readResultLog,
  resultLine,
  type ResultLineInput,
} from "../../src/results/log";

const machine = { cores: 2, backendSummary: "tfjs 4.22.0 · wasm", node: "v20.0.0" };
const input: ResultLineInput = {
  model: "cnn",
  profile: "full",
  backend: "wasm",
  epochs: 15,
  seconds: 3000.04,
  testAccuracy: 0.994,
  command: "npm run train -- --model cnn",
  ...machine,
};
const base = { ...input, seconds: 3000, date: "2026-11-25T13:00:00Z" };
const problem = (o: Record<string, unknown>) => parseResultLog(`${JSON.stringify({ ...base, ...o })}\n`).problems[0];

test("each line is checked against the schema: types, ranges, misspelt fields, naming line and field", () => {
  assert.equal(problem({}), undefined, "a good line");
  assert.equal(problem({ testAccuracy: 1.5 }), 'results.jsonl line 1: field "testAccuracy": expected a number in [0, 1], got 1.5; skipped');
  assert.equal(
    problem({ testAccuracy: "99.9" }),
    'results.jsonl line 1: field "testAccuracy": expected a number in [0, 1], got "99.9"; skipped',
  );
  assert.equal(problem({ epochs: "many" }), 'results.jsonl line 1: field "epochs": expected an integer ≥ 0, got "many"; skipped');
  assert.equal(problem({ seconds: null }), 'results.jsonl line 1: field "seconds": expected a finite number ≥ 0, got null; skipped');
  assert.equal(problem({ seconds: -1 }), 'results.jsonl line 1: field "seconds": expected a finite number ≥ 0, got -1; skipped');
  assert.equal(problem({ date: 20261125 }), 'results.jsonl line 1: field "date": expected a date (ISO text), got 20261125; skipped');
  assert.equal(problem({ date: "yesterday" }), 'results.jsonl line 1: field "date": expected a date (ISO text), got "yesterday"; skipped');
  assert.equal(
    problem({ testAcuracy: 0.99 }),
    'results.jsonl line 1: field "testAcuracy": not a field of the results log (a misspelt name?); skipped',
  );
  assert.equal(
    problem({ dataset: "cifar" }),
    'results.jsonl line 1: field "dataset": expected "mnist" or "fashion-mnist", got "cifar"; skipped',
  );
  assert.equal(
    problem({
      members: [
        { dir: "a", architecture: "cnn", epochs: 3, seconds: null, testAccuracy: 0.9 },
        { dir: "b", architecture: "cnn", epochs: 3, seconds: 1, testAccuracy: 9 },
      ],
    }),
    'results.jsonl line 1: field "members[1].testAccuracy": expected a number in [0, 1], got 9; skipped',
  );
  assert.equal(
    problem({ transfer: { from: "x", headEpochs: 2, headValidationAccuracy: 0.9 } }),
    'results.jsonl line 1: field "transfer.fineTuned": missing; skipped',
  );
  const two = parseResultLog([JSON.stringify(base), JSON.stringify({ ...base, command: "" })].join("\n"));
  assert.equal(two.lines.length, 1);
  assert.deepEqual(two.problems, ['results.jsonl line 2: field "command": expected a non-empty string, got ""; skipped']);
});

test("resultLine: the one builder — schema order, date, seconds to 0.1, undefined left out, a bad value refused by field", () => {
  const line = resultLine({ ...input, date: "2026-12-01T00:00:00.000Z", perClass: undefined, seed: 3, testPredictions: "72", testSize: 2 });
  assert.deepEqual(Object.keys(line), [
    "model",
    "profile",
    "backend",
    "epochs",
    "seconds",
    "testAccuracy",
    "date",
    "command",
    "testSize",
    "seed",
    "cores",
    "backendSummary",
    "node",
    "testPredictions",
  ]);
  assert.equal(line.seconds, 3000);
  assert.equal("perClass" in line, false);
  const now = Date.now();
  const dated = Date.parse(resultLine(input).date);
  assert.ok(Math.abs(dated - now) < 60_000, "the date defaults to now");
  assert.throws(
    () => resultLine({ ...input, testAccuracy: NaN }),
    /^Error: resultLine: field "testAccuracy": expected a number in \[0, 1\], got NaN$/,
  );
  assert.throws(() => resultLine({ ...input, members: [] }), /field "members": expected a list of at least 1/);
  // @ts-expect-error a misspelt field does not compile
  assert.throws(() => resultLine({ ...input, testAcuracy: 0.9 }), /field "testAcuracy": not a field of the results log/);
});

test("the reader goes line by line: a huge line is refused by number without building it as a string, the others kept", () => {
  const dir = mkdtempSync(join(tmpdir(), "tsdl-schema-"));
  const file = join(dir, "results.jsonl");
  try {
    const good = JSON.stringify(base);
    writeFileSync(file, `${good}\n{"model":"${"x".repeat(600)}"}\n${good}`);
    const small = readResultLog(file, 400);
    assert.equal(small.lines.length, 2, "the lines around it, including a last line without a newline");
    assert.deepEqual(small.problems, [`${file} line 2: longer than 400 bytes, not a result line; skipped`]);
    // The default limit, with a line over it spread across many read chunks.
    writeFileSync(file, `${good}\n${"y".repeat(MAX_LINE_BYTES + 70_000)}\n${good}\n`);
    const big = readResultLog(file);
    assert.equal(big.lines.length, 2);
    assert.match(big.problems[0]!, /line 2: longer than 1,000,000 bytes/);
    assert.equal(readResultLog(file).lines[1]!.model, "cnn", "the line after the huge one is whole");
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test("checkAppendable: a folder, a dangling symlink, an unwritable file or a file as the folder are refused by name", () => {
  const dir = mkdtempSync(join(tmpdir(), "tsdl-schema-"));
  try {
    checkAppendable(join(dir, "results.jsonl")); // absent in a writable folder: fine
    checkAppendable(join(dir, "new", "deeper", "results.jsonl")); // its folders are created on append
    mkdirSync(join(dir, "folder"));
    assert.throws(() => checkAppendable(join(dir, "folder")), /the results log .*folder is not a file/);
    symlinkSync(join(dir, "nowhere"), join(dir, "dangling"));
    assert.throws(() => checkAppendable(join(dir, "dangling")), /the results log .*dangling is a symlink to nothing/);
    writeFileSync(join(dir, "plain"), "");
    assert.throws(() => checkAppendable(join(dir, "plain", "results.jsonl")), /cannot be created: .*plain is not a folder/);
    const locked = join(dir, "locked.jsonl");
    writeFileSync(locked, "");
    // Root writes through a read-only mode; the immutable flag stops root too.
    const immutable = process.getuid?.() === 0 && spawnSync("chattr", ["+i", locked]).status === 0;
    if (!immutable) chmodSync(locked, 0o444);
    try {
      if (immutable || process.getuid?.() !== 0) {
        assert.throws(() => checkAppendable(locked), /the results log .*locked\.jsonl cannot be appended to \((EPERM|EACCES)\)/);
        assert.equal(statSync(locked).size, 0, "nothing written");
      }
    } finally {
      if (immutable) spawnSync("chattr", ["-i", locked]);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test("a write cut short (file-size limit, as a full disk would) leaves no half line: the log is as it was", () => {
  const dir = mkdtempSync(join(tmpdir(), "tsdl-schema-"));
  const file = join(dir, "results.jsonl");
  try {
    const before = `${JSON.stringify(base)}\n`.repeat(3);
    writeFileSync(file, before);
    // bash's `ulimit -f 1` caps files at 1024 bytes; Node ignores SIGXFSZ, so the write comes back short.
    const code = `require(${JSON.stringify(require.resolve("../../src/results/log"))}).appendResult(${JSON.stringify({ ...base, model: "m".repeat(600) })}, ${JSON.stringify(file)})`;
    const r = spawnSync("bash", ["-c", `ulimit -f 1 && exec "$0" -e "$1"`, process.execPath, code], { encoding: "utf8" });
    assert.notEqual(before.length, 0);
    assert.equal(r.status, 1, r.stderr);
    assert.match(
      r.stderr,
      /could not append to .*results\.jsonl: (only \d+ of \d+ bytes could be written \(a full disk\?\); the partial line was removed|.*EFBIG)/,
    );
    assert.equal(readFileSync(file, "utf8"), before, "the log is byte for byte as before");
    appendResult(base, file); // and still appendable
    assert.equal(readResultLog(file).lines.length, 4);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
