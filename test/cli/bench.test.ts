import { test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import * as path from "node:path";

test("npm run bench -- --help prints the usage and runs nothing", () => {
  const r = spawnSync(process.execPath, [path.join(__dirname, "..", "..", "scripts", "cli", "bench.js"), "--help"], {
    encoding: "utf8",
    timeout: 60_000,
  });
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stdout, /^Training and inference throughput/);
  assert.match(r.stdout, /Usage: npm run bench -- \[options\]/);
  for (const flag of ["--train", "--rounds", "--backends", "--no-torch", "--no-keras", "--out", "--help"])
    assert.ok(r.stdout.includes(`  ${flag}`), flag);
  assert.doesNotMatch(r.stdout, /samples\/s|load average/, "no benchmark ran");
  assert.equal(r.stderr, "");
});
