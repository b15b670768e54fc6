import { test } from "node:test";
import assert from "node:assert/strict";
import { pageName, parseRunSummary } from "../../scripts/site/summary";

const run = {
  notebook: "01-convolution-basics.ipynb",
  ok: true,
  cellsRun: 9,
  cellsNotRun: 0,
  seconds: 12.3,
  backend: "tfjs 4.22.0 · wasm",
  executed: "out/executed/01-convolution-basics.ipynb",
  html: "out/html/01-convolution-basics.html",
};

test("parseRunSummary returns the runs in order with their fields", () => {
  const s = parseRunSummary({
    profile: "fast",
    date: "2026-01-02T03:04:05+0000",
    notebooks: [run, { ...run, notebook: "02-x.ipynb", ok: false, error: "boom" }],
  });
  assert.equal(s.profile, "fast");
  assert.deepEqual(
    s.notebooks.map((n) => n.notebook),
    ["01-convolution-basics.ipynb", "02-x.ipynb"],
  );
  assert.equal(s.notebooks[0]!.seconds, 12.3);
  assert.equal(s.notebooks[0]!.backend, "tfjs 4.22.0 · wasm");
  assert.equal(s.notebooks[1]!.error, "boom");
  assert.equal("html" in s.notebooks[0]!, false, "fields the site does not use are dropped");
});

test("parseRunSummary names the field that is missing or wrong", () => {
  assert.throws(() => parseRunSummary([], "s.json"), /s\.json: expected a JSON object/);
  assert.throws(() => parseRunSummary({ date: "d", notebooks: [run] }), /"profile" must be a string, got undefined/);
  assert.throws(() => parseRunSummary({ profile: "fast", date: "d", notebooks: [] }), /"notebooks" is empty/);
  assert.throws(
    () => parseRunSummary({ profile: "fast", date: "d", notebooks: [{ ...run, seconds: "12" }] }),
    /notebooks\[0\]: "seconds" must be a number ≥ 0, got "12"/,
  );
  assert.throws(() => parseRunSummary({ profile: "fast", date: "d", notebooks: [{ ...run, ok: 1 }] }), /"ok" must be true or false/);
  assert.throws(
    () => parseRunSummary({ profile: "fast", date: "d", notebooks: [{ ...run, backend: 3 }] }),
    /"backend" must be a string when present/,
  );
  assert.throws(
    () => parseRunSummary({ profile: "fast", date: "d", notebooks: [run, run] }),
    /notebooks\[1\]: "01-convolution-basics.ipynb" is listed twice/,
  );
});

test("pageName maps a notebook to its page and rejects names that are not plain files", () => {
  assert.equal(pageName("01-convolution-basics.ipynb"), "01-convolution-basics.html");
  assert.equal(pageName("07_training.v2.ipynb"), "07_training.v2.html");
  for (const bad of ["../01-x.ipynb", "a/b.ipynb", "01 x.ipynb", "01-x.py", "index.ipynb", ".ipynb", "x<y>.ipynb"]) {
    assert.throws(() => pageName(bad), /must look like "01-some-name.ipynb"/, bad);
  }
});
