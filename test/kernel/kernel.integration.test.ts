// The project's tslab kernel speaks Jupyter's protocol: scripts/jupyter/kernel-test.mjs runs Jupyter's
// conformance suite and the kernel's own protocol tests (test/kernel/test_tslab_kernel.py).
import { test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { join } from "node:path";

const root = join(__dirname, "..", "..", "..");

test("the tslab kernel passes Jupyter's conformance suite and its protocol tests", () => {
  const r = spawnSync(process.execPath, [join(root, "scripts", "jupyter", "kernel-test.mjs")], { encoding: "utf8" });
  const output = r.stdout + r.stderr;
  assert.equal(r.status, 0, output);
  const ran = Number(/^Ran (\d+) tests? in/m.exec(output)?.[1]);
  assert.ok(ran >= 22, `expected the 12 conformance and 10 protocol tests, ran ${ran}:\n${output}`);
  // Exactly the suite's tests that do not apply to tslab (history ×3, pager, clear_output) are skipped.
  assert.match(output, /^OK \(skipped=5\)$/m, output);
});
