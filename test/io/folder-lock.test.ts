// One run per output folder (src/io/folder-lock.ts), with real processes: a live owner refuses,
// a dead one is taken over. The train command's own test runs two real trainings against it.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { spawn, spawnSync } from "node:child_process";
import { once } from "node:events";
import { existsSync, promises as fs, readFileSync } from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { lockFile, lockFolder } from "../../src/io/folder-lock";

let tmp: string;
before(async () => {
  tmp = await fs.mkdtemp(path.join(os.tmpdir(), "tsdl-lock-"));
});
after(async () => {
  await fs.rm(tmp, { recursive: true, force: true });
});

/** The pid of a process that has exited. */
function deadPid(): number {
  return Number(spawnSync(process.execPath, ["-e", "process.stdout.write(String(process.pid))"], { encoding: "utf8" }).stdout);
}

test("a lock names its owner; a second taker is refused while the owner lives; release frees it", () => {
  const out = path.join(tmp, "models", "m");
  const lock = lockFolder(out);
  assert.equal(lock.file, `${out}.lock`);
  assert.equal(lock.tookOver, undefined);
  const owner = JSON.parse(readFileSync(lock.file, "utf8"));
  assert.deepEqual({ pid: owner.pid, host: owner.host }, { pid: process.pid, host: os.hostname() });
  assert.ok(!Number.isNaN(Date.parse(owner.started)));
  assert.throws(
    () => lockFolder(out),
    new RegExp(
      `m\\.lock: another run writes to .*models/m \\(process ${process.pid}, since .*\\); wait for it to finish, or remove the lock file`,
    ),
  );
  lock.release();
  assert.ok(!existsSync(lock.file));
  lockFolder(out).release();
});

test("a lock left by a killed run is taken over and says whose it was; another host's lock is refused", async () => {
  const out = path.join(tmp, "killed");
  const dead = deadPid();
  await fs.writeFile(lockFile(out), JSON.stringify({ pid: dead, started: "2026-01-01T00:00:00.000Z", host: os.hostname() }));
  const lock = lockFolder(out);
  assert.deepEqual(lock.tookOver, { pid: dead, started: "2026-01-01T00:00:00.000Z", host: os.hostname() });
  assert.equal(JSON.parse(readFileSync(lock.file, "utf8")).pid, process.pid);
  lock.release();

  await fs.writeFile(lockFile(out), JSON.stringify({ pid: dead, started: "2026-01-01T00:00:00.000Z", host: "elsewhere" }));
  assert.throws(() => lockFolder(out), new RegExp(`process ${dead} on elsewhere`), "a pid on another machine cannot be checked from here");
  await fs.rm(lockFile(out));
});

test("a lock held by another live process is refused naming its pid; once that process is killed, it is taken over", async () => {
  const out = path.join(tmp, "child");
  const lockModule = require.resolve("../../src/io/folder-lock");
  // The child takes the lock, says so, and waits (as a training run would) until it is killed.
  const code = `const { lockFolder } = require(${JSON.stringify(lockModule)}); lockFolder(${JSON.stringify(out)}); process.stdout.write("locked"); setInterval(() => {}, 1000);`;
  const child = spawn(process.execPath, ["-e", code], { stdio: ["ignore", "pipe", "inherit"] });
  try {
    await new Promise<void>((resolve) => child.stdout.once("data", () => resolve()));
    assert.throws(() => lockFolder(out), new RegExp(`child\\.lock: another run writes to .*child \\(process ${child.pid}, since `));
  } finally {
    child.kill("SIGKILL");
    await once(child, "exit");
  }
  const lock = lockFolder(out);
  assert.equal(lock.tookOver?.pid, child.pid, "the killed run's lock is taken over, naming it");
  lock.release();
});

test("an output folder whose parent cannot be written is named before any work", () => {
  // /sys refuses new folders even to root: a real unwritable parent on every Linux machine.
  assert.throws(
    () => lockFolder("/sys/tsdl-no-such-folder/m"),
    /cannot make \/sys\/tsdl-no-such-folder \(the output folder's parent\): (EPERM|EACCES)/,
  );
});

test("a full disk under the output folder is named before any work: the lock cannot be written", async (t) => {
  const disk = path.join(tmp, "full-disk");
  await fs.mkdir(disk);
  if (spawnSync("mount", ["-t", "tmpfs", "-o", "size=64k", "tmpfs", disk]).status !== 0) {
    t.skip("cannot mount a 64 kB tmpfs here (needs root)");
    return;
  }
  try {
    // Fill it: a write that does not fit leaves the disk full.
    await fs.writeFile(path.join(disk, "filler"), Buffer.alloc(1 << 20)).catch(() => undefined);
    assert.throws(() => lockFolder(path.join(disk, "m")), /cannot write .*full-disk\/m\.lock in the output folder's parent: ENOSPC/);
    assert.ok(!existsSync(lockFile(path.join(disk, "m"))), "no empty lock left behind");
  } finally {
    spawnSync("umount", [disk]);
  }
});
