// The public index (src/index.ts) offers what the lessons call: every value it exports is called
// as `tsdl.<name>` in some notebook, or is listed below with the reason a learner needs it too.
// Commands and tests import from the modules themselves, so they are no reason to export.
import { test } from "node:test";
import assert from "node:assert/strict";
import * as tsdl from "../src/index";
import { cellSource, notebookNames, readNotebook } from "./notebooks/notebooks";

/** Public although no lesson calls it yet, and why. */
const BEYOND_LESSONS: Readonly<Record<string, string>> = {
  showHtml: "a learner's own HTML output in a cell, with a text fallback outside the kernel",
  readDigitCsv: "a learner's own digits in Kaggle's CSV layout (the README's data section)",
  accuracy: "the plainest score (fraction right) for the exercises, beside accuracyWithError",
  SeededDropout: "the layer class behind seededDropout: the MNIST CNN lesson's cell-parity test checks its model is built of it",
  TrainingInterruptedError: "what Stop makes fit throw: a learner's cell can catch it (the README's Stop section)",
};

test("every value of the public index is called by a lesson, or listed with its reason", () => {
  const lessons = notebookNames()
    .map((n) => readNotebook(n).cells.map(cellSource).join("\n"))
    .join("\n");
  const exported = Object.keys(tsdl);
  const unused = exported.filter((name) => !new RegExp(`\\btsdl\\.${name}\\b`).test(lessons) && !(name in BEYOND_LESSONS));
  assert.deepEqual(
    unused,
    [],
    `exported by src/index.ts but called by no lesson: drop them from the index or list them in BEYOND_LESSONS with a reason`,
  );
  for (const [name, why] of Object.entries(BEYOND_LESSONS)) {
    assert.ok(exported.includes(name), `BEYOND_LESSONS lists ${name}, which src/index.ts does not export`);
    assert.ok(why.length > 10, `${name}: say why it is public`);
  }
});
