import { test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import * as path from "node:path";
import { parseCombineArgs } from "../../scripts/cli/combine";

test("combine: an ensemble of one model is refused before any work", () => {
  assert.throws(
    () => parseCombineArgs(["--models", "results/models/cnn-full"]),
    /--models names one model \(results\/models\/cnn-full\): an ensemble needs at least 2/,
  );
  const parsed = parseCombineArgs(["--models", "a,b", "--profile", "fast"]);
  assert.notEqual(parsed, "help");
  assert.deepEqual(parsed !== "help" && parsed.models, ["a", "b"]);
  // The command itself: refused with the message, nothing loaded.
  const r = spawnSync(process.execPath, [path.join(__dirname, "..", "..", "scripts", "cli", "combine.js"), "--models", "one-dir"], {
    encoding: "utf8",
    timeout: 60_000,
  });
  assert.equal(r.status, 1, r.stderr);
  assert.match(r.stderr, /^combine: --models names one model \(one-dir\): an ensemble needs at least 2\n$/);
  assert.doesNotMatch(r.stdout, /Backend|MNIST/);
});
