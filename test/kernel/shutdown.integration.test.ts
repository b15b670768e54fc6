// The headless runner on a cell that never ends: nbclient reports the timeout and shuts the kernel
// down (an interrupt, then shutdown_request); the kernel must go quietly, without a stack dump of
// messages it could no longer send ("Socket is closed … EBADF").
import { test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";

const root = join(__dirname, "..", "..", "..");

test("a cell that times out is reported and the kernel shuts down cleanly", () => {
  const base = join(root, "build", "test-notebooks");
  mkdirSync(base, { recursive: true });
  const dir = mkdtempSync(join(base, "timeout-"));
  try {
    const cells = ['console.log("first");', "while (true) {}", 'console.log("never");'];
    const notebook = {
      nbformat: 4,
      nbformat_minor: 5,
      metadata: { kernelspec: { name: "tslab", display_name: "TypeScript", language: "typescript" } },
      cells: cells.map((source, i) => ({ cell_type: "code", id: `c${i}`, metadata: {}, source, outputs: [], execution_count: null })),
    };
    const path = join(dir, "loop.ipynb");
    writeFileSync(path, JSON.stringify(notebook));
    const r = spawnSync(
      process.execPath,
      [join(root, "scripts", "jupyter", "lessons.mjs"), "--out", join(dir, "out"), "--no-html", "--timeout", "3", path],
      {
        encoding: "utf8",
        env: { ...process.env, LESSON_PROFILE: "fast" },
      },
    );
    const output = r.stdout + r.stderr;
    assert.equal(r.status, 1, output);
    assert.match(output, /In \[2\] failed: timed out after 3 s/);
    assert.match(output, /1 later cell\(s\) were not run/);
    assert.doesNotMatch(output, /Socket is closed|EBADF| {4}at /, "no stack dump from the kernel");
    const summary = JSON.parse(readFileSync(join(dir, "out", "summary.json"), "utf8")) as {
      notebooks: { failedCell: number; error: string }[];
    };
    assert.deepEqual([summary.notebooks[0]!.failedCell, summary.notebooks[0]!.error], [2, "timed out after 3 s"]);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
