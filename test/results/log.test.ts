import { test } from "node:test";
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ensembleResultsTable } from "../../src/results/ensemble-table";
import {
  appendResult,
  encodePredictions,
  parseResultLog,
  readResultLines,
  readResultLog,
  resultPredictions,
  type ResultLine,
} from "../../src/results/log";

const base = {
  model: "cnn",
  profile: "full" as const,
  backend: "wasm",
  epochs: 15,
  seconds: 3000,
  testAccuracy: 0.994,
  date: "2026-11-25T13:00:00Z",
  command: "npm run train -- --model cnn",
};
const member = (i: number) => ({
  member: i,
  seed: i,
  epochs: 15,
  seconds: 3600,
  validationAccuracy: 0.995,
  testAccuracy: 0.994,
  backend: "wasm",
  date: base.date,
});
const ensemble = (o: Record<string, unknown>) => ({
  ...base,
  model: "ensemble-cnn-x3",
  seconds: 3 * 3600,
  members: [member(1), member(2), member(3)],
  testAccuracy: 0.9952,
  meanMemberAccuracy: 0.995,
  bestMemberAccuracy: 0.9958,
  voteAccuracy: 0.9951,
  meanAgreement: 0.9969,
  allWrong: 30,
  ...o,
});
const parsed = (text: string) => parseResultLog(text).lines;
const log = (...lines: object[]) => lines.map((l) => JSON.stringify(l)).join("\n") + "\n";

test("parseResultLog keeps every field, skips blank lines and reports each bad line by number", () => {
  const {
    lines: [line],
  } = parseResultLog(log({ ...base, accuracyByK: [0.99, 0.995] }));
  assert.equal(line!.model, "cnn");
  assert.deepEqual(line!.accuracyByK, [0.99, 0.995]);
  assert.deepEqual(parseResultLog("\n\n"), { lines: [], problems: [] }, "blank lines are skipped");
  const bad = parseResultLog(
    [
      JSON.stringify(base),
      "{oops",
      JSON.stringify({ model: "cnn" }),
      JSON.stringify({ ...base, profile: "Full" }),
      "[1]",
      JSON.stringify({ ...base, model: "mlp" }),
    ].join("\n"),
  );
  assert.deepEqual(
    bad.lines.map((r) => r.model),
    ["cnn", "mlp"],
    "the good lines around the bad ones are kept",
  );
  assert.equal(bad.problems.length, 4);
  assert.match(bad.problems[0]!, /^results\.jsonl line 2: not JSON \(.*\); skipped$/);
  assert.match(bad.problems[1]!, /^results\.jsonl line 3: field "profile": missing; skipped$/);
  assert.match(bad.problems[2]!, /^results\.jsonl line 4: field "profile": expected "fast" or "full", got "Full"; skipped$/);
  assert.match(bad.problems[3]!, /^results\.jsonl line 5: not a JSON object; skipped$/);
});

test("readResultLines reads a file; a missing file is an empty log", () => {
  const dir = mkdtempSync(join(tmpdir(), "tsdl-results-"));
  const file = join(dir, "results.jsonl");
  assert.deepEqual(readResultLines(file), []);
  writeFileSync(file, log(base, ensemble({})));
  assert.deepEqual(
    readResultLines(file).map((r) => r.model),
    ["cnn", "ensemble-cnn-x3"],
  );
  rmSync(dir, { recursive: true, force: true });
});

test("a log whose last line lost its newline: the next record starts a new line, nothing is glued or lost", () => {
  const dir = mkdtempSync(join(tmpdir(), "tsdl-results-"));
  const file = join(dir, "results.jsonl");
  try {
    // What an interrupted write leaves: a whole record without its newline, then half a record.
    writeFileSync(file, JSON.stringify(base));
    appendResult({ ...base, model: "mlp" }, file);
    assert.deepEqual(
      readResultLines(file).map((r) => r.model),
      ["cnn", "mlp"],
    );
    writeFileSync(file, `${readFileSync(file, "utf8")}{"model":"deep-cnn","prof`);
    appendResult({ ...base, model: "softmax" }, file);
    const text = readFileSync(file, "utf8");
    assert.ok(text.endsWith("\n"), "a record ends its line");
    const read = readResultLog(file);
    assert.deepEqual(
      read.lines.map((r) => r.model),
      ["cnn", "mlp", "softmax"],
      "the half record is the only loss",
    );
    assert.equal(read.problems.length, 1);
    assert.match(read.problems[0]!, /line 3: not JSON/);
    // The reader's warnings name the line; the table is still built from the good lines.
    const warned: string[] = [];
    const warn = console.warn;
    console.warn = (m: string) => warned.push(m);
    try {
      assert.equal(readResultLines(file).length, 3);
    } finally {
      console.warn = warn;
    }
    assert.equal(warned.length, 1);
    assert.match(warned[0]!, /results\.jsonl line 3: not JSON .*; skipped/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test("appendResult refuses a record the reader would skip, before writing", () => {
  const dir = mkdtempSync(join(tmpdir(), "tsdl-results-"));
  const file = join(dir, "results.jsonl");
  try {
    assert.throws(
      () => appendResult({ ...base, profile: "quick" } as never, file),
      /appendResult: .*field "profile": expected "fast" or "full"/,
    );
    assert.equal(existsSync(file), false);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test("two processes appending 200 records each at once: 400 whole lines, none lost or mixed", async () => {
  const dir = mkdtempSync(join(tmpdir(), "tsdl-results-"));
  const file = join(dir, "results.jsonl");
  const logModule = require.resolve("../../src/results/log");
  // Long records (a ~6 kB field) make interleaving likely if writes were not whole.
  const child = (who: string) =>
    new Promise<number | null>((resolve, reject) => {
      const code = `
        const { appendResult } = require(${JSON.stringify(logModule)});
        const pad = "${"x".repeat(6000)}";
        for (let i = 0; i < 200; i++) appendResult({ ...${JSON.stringify(base)}, model: "${who}-" + i, backendSummary: pad }, ${JSON.stringify(file)});`;
      const p = spawn(process.execPath, ["-e", code], { stdio: ["ignore", "ignore", "inherit"] });
      p.on("error", reject);
      p.on("exit", resolve);
    });
  try {
    assert.deepEqual(await Promise.all([child("a"), child("b")]), [0, 0]);
    const read = readResultLog(file);
    assert.deepEqual(read.problems, []);
    assert.equal(read.lines.length, 400);
    for (const who of ["a", "b"]) {
      const mine = read.lines.map((r) => r.model).filter((m) => m.startsWith(`${who}-`));
      assert.deepEqual(
        mine,
        Array.from({ length: 200 }, (_, i) => `${who}-${i}`),
        `${who}'s records, whole and in order`,
      );
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test("ensembleResultsTable: ensembles of the profile only, best first, with the gain over the best member", () => {
  const lines = parsed(
    log(
      base,
      ensemble({}),
      ensemble({ model: "ensemble-cnn-x5", members: [1, 2, 3, 4, 5].map(member), testAccuracy: 0.9961, bestMemberAccuracy: 0.9955 }),
      ensemble({ model: "ensemble-fast", profile: "fast", testAccuracy: 0.97 }),
    ),
  );
  const df = ensembleResultsTable(lines);
  assert.deepEqual(df.columns, [
    "model",
    "date",
    "members",
    "epochs",
    "training min",
    "mean member",
    "best member",
    "average",
    "vote",
    "average − best",
    "agreement",
    "all wrong",
  ]);
  assert.deepEqual(df.getColumn("model").toArray(), ["ensemble-cnn-x5", "ensemble-cnn-x3"]);
  assert.deepEqual(df.getColumn("members").toArray(), [5, 3]);
  assert.deepEqual(df.getColumn("date").toArray(), [base.date.slice(0, 10), base.date.slice(0, 10)]);
  assert.deepEqual(df.getColumn("training min").toArray(), [180, 180]);
  const gain = df.getColumn("average − best").toArray() as number[];
  assert.ok(Math.abs(gain[0]! - 0.0006) < 1e-12 && Math.abs(gain[1]! + 0.0006) < 1e-12, `gains ${gain}`);
  assert.deepEqual(ensembleResultsTable(lines, "fast").getColumn("model").toArray(), ["ensemble-fast"]);
  assert.equal(ensembleResultsTable([base as ResultLine]).height, 0, "no ensemble: an empty table");
});

test("ensembleResultsTable leaves out an ensemble line without its summary, naming it, and keeps the others", () => {
  const lines = parsed(log(ensemble({ voteAccuracy: undefined }), ensemble({ model: "ensemble-mlp-x2" })));
  const warned: string[] = [];
  const warn = console.warn;
  console.warn = (m: string) => warned.push(m);
  try {
    assert.deepEqual(ensembleResultsTable(lines).getColumn("model").toArray(), ["ensemble-mlp-x2"]);
  } finally {
    console.warn = warn;
  }
  assert.equal(warned.length, 1);
  assert.match(warned[0]!, /ensemble-cnn-x3 \(2026-11-25T13:00:00Z\) has no number "voteAccuracy"; left out of the table/);
});

test("the committed log: no bad line, and every full-profile ensemble has its summary", () => {
  assert.deepEqual(readResultLog().problems, [], "the committed log has no bad line");
  const lines = readResultLines();
  const df = ensembleResultsTable(lines);
  assert.equal(df.height, lines.filter((r) => r.profile === "full" && Array.isArray(r.members)).length);
  for (const row of df.toRecords()) {
    assert.ok((row["best member"] as number) >= (row["mean member"] as number), `${row.model}: best member below the mean`);
  }
});

test("test predictions: encoded one digit per image, read back from a line, checked against testSize", () => {
  assert.equal(encodePredictions([7, 2, 1, 0, 4]), "72104");
  assert.equal(encodePredictions(Int32Array.from([9, 9])), "99");
  const [line, old] = parsed(log({ ...base, testSize: 5, testPredictions: "72104" }, base));
  assert.deepEqual(resultPredictions(line!), Int32Array.from([7, 2, 1, 0, 4]));
  assert.equal(resultPredictions(old!), undefined, "older lines carry none");
  assert.throws(() => encodePredictions([3, 10]), /prediction 1 is 10, not a digit 0–9/);
  assert.throws(() => encodePredictions([]), /no predictions/);
  assert.match(
    parseResultLog(log({ ...base, testSize: 4, testPredictions: "72104" })).problems[0]!,
    /line 1: field "testPredictions": expected one digit per test image \(testSize 4\), got 5 characters/,
  );
  assert.match(
    parseResultLog(log({ ...base, testPredictions: "7a1" })).problems[0]!,
    /line 1: field "testPredictions": expected one digit 0–9 per test image, got "7a1"/,
  );
  assert.match(parseResultLog(log({ ...base, testPredictions: [7, 2] })).problems[0]!, /got a list/);
});
