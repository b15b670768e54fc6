import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ensembleResultsTable } from "../../src/results/ensemble-table";
import { parseResultLines, readResultLines, type ResultLine } from "../../src/results/log";

const base = {
  model: "cnn", profile: "full", backend: "wasm", epochs: 15, seconds: 3000, testAccuracy: 0.994,
  date: "2026-11-25T13:00:00Z", command: "npm run train -- --model cnn",
};
const ensemble = (o: Record<string, unknown>) => ({
  ...base, model: "ensemble-cnn-x3", seconds: 3 * 3600, members: [{}, {}, {}], testAccuracy: 0.9952,
  meanMemberAccuracy: 0.995, bestMemberAccuracy: 0.9958, voteAccuracy: 0.9951, meanAgreement: 0.9969, allWrong: 30, ...o,
});
const log = (...lines: object[]) => lines.map((l) => JSON.stringify(l)).join("\n") + "\n";

test("parseResultLines keeps every field and names a malformed line", () => {
  const [line] = parseResultLines(log({ ...base, extra: [1, 2] }));
  assert.equal(line!.model, "cnn");
  assert.deepEqual(line!.extra, [1, 2]);
  assert.equal(parseResultLines("\n\n").length, 0, "blank lines are skipped");
  assert.throws(() => parseResultLines(`${JSON.stringify(base)}\n{oops`), /line 2: not JSON/);
  assert.throws(() => parseResultLines(JSON.stringify({ model: "cnn" })), /line 1: missing field "profile"/);
  assert.throws(() => parseResultLines(log({ ...base, profile: "Full" })), /line 1: profile must be "fast" or "full", got "Full"/);
});

test("readResultLines reads a file; a missing file is an empty log", () => {
  const dir = mkdtempSync(join(tmpdir(), "tsdl-results-"));
  const file = join(dir, "results.jsonl");
  assert.deepEqual(readResultLines(file), []);
  writeFileSync(file, log(base, ensemble({})));
  assert.deepEqual(readResultLines(file).map((r) => r.model), ["cnn", "ensemble-cnn-x3"]);
});

test("ensembleResultsTable: ensembles of the profile only, best first, with the gain over the best member", () => {
  const lines = parseResultLines(log(
    base,
    ensemble({}),
    ensemble({ model: "ensemble-cnn-x5", members: [{}, {}, {}, {}, {}], testAccuracy: 0.9961, bestMemberAccuracy: 0.9955 }),
    ensemble({ model: "ensemble-fast", profile: "fast", testAccuracy: 0.97 }),
  ));
  const df = ensembleResultsTable(lines);
  assert.deepEqual(df.columns, [
    "model", "date", "members", "epochs", "training min", "mean member", "best member", "average", "vote", "average − best", "agreement", "all wrong",
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

test("ensembleResultsTable names an ensemble line without its summary", () => {
  const lines = parseResultLines(log(ensemble({ voteAccuracy: undefined })));
  assert.throws(() => ensembleResultsTable(lines), /ensemble-cnn-x3 \(2026-11-25T13:00:00Z\) has no number "voteAccuracy"/);
});

test("the committed log: every full-profile ensemble has its summary", () => {
  const lines = readResultLines();
  const df = ensembleResultsTable(lines);
  assert.equal(df.height, lines.filter((r) => r.profile === "full" && Array.isArray(r.members)).length);
  for (const row of df.toRecords()) {
    assert.ok((row["best member"] as number) >= (row["mean member"] as number), `${row.model}: best member below the mean`);
  }
});
