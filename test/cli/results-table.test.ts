import { test } from "node:test";
import assert from "node:assert/strict";
import { join } from "node:path";
import { expectedReadme, renderReadme, resultsTable } from "../../scripts/cli/results-table";
import { parseResultLog } from "../../src/results/log";

const line = (o: Record<string, unknown>) => JSON.stringify({
  model: "cnn", profile: "full", backend: "wasm", epochs: 12, seconds: 3000, testAccuracy: 0.9931,
  date: "2026-11-25T13:00:00Z", command: "npm run train -- --model cnn --epochs 12", ...o });

test("the table lists full-profile runs, best first, with their command", () => {
  const rows = parseResultLog([line({}), line({ model: "deep-cnn", testAccuracy: 0.9942 }), line({ profile: "fast", model: "x" })].join("\n")).lines;
  const table = resultsTable(rows);
  assert.match(table, /\| deep-cnn \| 99\.42 % \| 12 \| 50 min \| wasm \| 2026-11-25 \| `npm run train -- --model cnn --epochs 12` \|\n\| cnn \| 99\.31 %/);
  assert.doesNotMatch(table, /\| x \|/);
});

test("a run on another data set than MNIST names it next to the model", () => {
  const rows = parseResultLog([line({ dataset: "fashion-mnist", testAccuracy: 0.92 }), line({ dataset: "mnist" })].join("\n")).lines;
  const table = resultsTable(rows);
  assert.match(table, /\| cnn \| 99\.31 %/);
  assert.match(table, /\| cnn \(fashion-mnist\) \| 92\.00 %/);
});

test("renderReadme replaces only the marked section and needs the markers", () => {
  assert.throws(() => renderReadme("no markers", "t"), /no results markers/);
});

test("README.md's results table matches results/results.jsonl (run `npm run results` after a run)", () => {
  const { current, expected } = expectedReadme(join(__dirname, "..", "..", ".."));
  assert.equal(current, expected);
});
