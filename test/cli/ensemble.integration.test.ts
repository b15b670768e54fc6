// The ensemble command run as a process, stopped and rerun (integration tier; see scripts/test.mjs).
import { test } from "node:test";
import assert from "node:assert/strict";
import { spawn, spawnSync } from "node:child_process";
import { once } from "node:events";
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { projectRoot } from "../../src/data/paths";
import { MEMBER_JSON } from "../../src/ensemble/run-folder";
import { lockFolder } from "../../src/io/folder-lock";
import { modelFolderState } from "../../src/io/model-files";

test("ensemble stopped (SIGTERM) while training its first member leaves no finished-looking model and no result line; the rerun completes", async () => {
  const root = mkdtempSync(path.join(os.tmpdir(), "tsdl-ensemble-kill-"));
  writeFileSync(path.join(root, "package.json"), "{}\n");
  symlinkSync(path.join(projectRoot(), "data"), path.join(root, "data"));
  const runDir = path.join(root, "run");
  const results = path.join(root, "results.jsonl");
  const script = path.join(__dirname, "..", "..", "scripts", "cli", "ensemble.js");
  const argv = [
    script,
    "--model",
    "softmax",
    "--members",
    "2",
    "--epochs",
    "2",
    "--profile",
    "fast",
    "--out",
    runDir,
    "--results",
    results,
  ];
  const env = { ...process.env, TSDL_PROJECT_ROOT: root, TSDL_WASM_THREADS: "1" };
  /** Every member folder that holds a model must be a finished member (member.json); returns the finished ones. */
  const finishedMembers = () =>
    (existsSync(runDir) ? readdirSync(runDir) : []).filter((name) => {
      const dir = path.join(runDir, name);
      if (modelFolderState(dir) !== "model") return false;
      assert.ok(existsSync(path.join(dir, MEMBER_JSON)), `${name} holds a model but no ${MEMBER_JSON}: a half-written member`);
      return true;
    });
  try {
    const child = spawn(process.execPath, argv, { env, stdio: ["ignore", "pipe", "pipe"] });
    let output = "";
    const exited = once(child, "exit");
    await new Promise<void>((resolve, reject) => {
      child.stdout.on("data", (chunk: Buffer) => {
        output += chunk.toString();
        if (/member 1\/2 · seed 1/.test(output)) resolve();
      });
      child.once("exit", () => reject(new Error(`ensemble exited before its first member started:\n${output}`)));
    });
    child.kill("SIGTERM");
    const [code, signal] = await exited;
    assert.equal(signal, "SIGTERM", `stopped by the signal, not finished (exit code ${code})`);
    assert.doesNotMatch(output, /member 1\/2 done/, "stopped during the first member's training");
    assert.deepEqual(finishedMembers(), [], "no member looks finished");
    assert.ok(!existsSync(results), "no result line");

    const rerun = spawnSync(process.execPath, argv, { env, encoding: "utf8", timeout: 120_000 });
    assert.equal(rerun.status, 0, rerun.stderr);
    assert.deepEqual(finishedMembers(), ["member-1", "member-2"]);
    assert.deepEqual(readdirSync(runDir).sort(), ["member-1", "member-2"], "no leftovers of the stopped run");
    const lines = readFileSync(results, "utf8").trim().split("\n");
    assert.equal(lines.length, 1);
    assert.equal(JSON.parse(lines[0]!).membersLoaded, 0);
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});

test("ensemble refuses a run folder another run holds, naming the lock and the pid, before any work", () => {
  const root = mkdtempSync(path.join(os.tmpdir(), "tsdl-ensemble-lock-"));
  writeFileSync(path.join(root, "package.json"), "{}\n");
  const runDir = path.join(root, "run");
  const lock = lockFolder(runDir); // this test's process plays the ensemble that is running
  try {
    const script = path.join(__dirname, "..", "..", "scripts", "cli", "ensemble.js");
    const r = spawnSync(process.execPath, [script, "--model", "softmax", "--members", "2", "--profile", "fast", "--out", runDir], {
      env: { ...process.env, TSDL_PROJECT_ROOT: root },
      encoding: "utf8",
      timeout: 120_000,
    });
    assert.equal(r.status, 1, r.stderr);
    assert.match(r.stderr, new RegExp(`run\\.lock: another run writes to .*run \\(process ${process.pid}, since `));
    assert.doesNotMatch(r.stdout, /Backend:|MNIST/, "refused before any work");
  } finally {
    lock.release();
    rmSync(root, { recursive: true, force: true });
  }
});
