import { test } from "node:test";
import assert from "node:assert/strict";
import { join } from "node:path";
import { comparisonsText, expectedReadme, renderReadme, resultsTable } from "../../scripts/cli/results-table";
import { testSplitLabels } from "../../src/data/datasets";
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

test("comparisonsText: a verdict across seeds where both arms have two or more, one seed's count otherwise", () => {
  const labels = testSplitLabels("mnist");
  /** Predictions right on all but the first `wrong` test images. */
  const predictions = (wrong: number) => Array.from(labels, (l, i) => (i < wrong ? (l + 1) % 10 : l)).join("");
  const line = (model: string, seed: number, wrong: number) =>
    ({ model, profile: "full", backend: "wasm", epochs: 12, seconds: 1, testAccuracy: 1 - wrong / 1e4, date: "2026-12-07T00:00:00Z", command: "c", seed, testPredictions: predictions(wrong) }) as never;
  const text = comparisonsText([
    line("ladder-mlp-3", 1, 200), line("ladder-mlp-3", 2, 210), line("ladder-mlp-3", 3, 190),
    line("ladder-mlp-5x512", 1, 150), line("ladder-mlp-5x512", 2, 160), line("ladder-mlp-5x512", 3, 140),
    line("ladder-cnn", 1, 50), line("ladder-cnn-aug", 1, 40),
  ]).split("\n");
  assert.match(text[0]!, /^- \*\*Depth \(lesson 6\)\.\*\* Across 3 seeds: ladder-mlp-5x512 98\.50 ± 0\.10 % vs ladder-mlp-3 98\.00 ± 0\.10 %/);
  assert.match(text[0]!, /ladder-mlp-5x512 does better\..*seed 1: fixes 50, breaks 0/);
  assert.match(text[3]!, /Augmentation .* one seed logged for both: ladder-cnn-aug fixes 10 test images and breaks 0/);
  assert.match(text[4]!, /Transfer .* no seed logged for both arms yet\./);
});
