/**
 * One run per output folder at a time: `<folder>.lock`, created beside the folder with O_EXCL
 * (so of two runs started together exactly one gets it), holding the owner's pid, start time
 * and host. A second run is refused, naming the lock and the pid. A lock whose process is gone
 * (a run killed with SIGKILL, or Ctrl-C) is taken over, and the taker says so: a killed run
 * never leaves its folder stuck. Creating the lock is also the check that the folder's parent
 * can be written, before any work.
 */
import { closeSync, linkSync, mkdirSync, openSync, readFileSync, renameSync, statSync, unlinkSync, writeSync } from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { processAlive } from "./folders";

/** What a lock file holds. */
export interface LockOwner {
  readonly pid: number;
  /** When the owner took the lock (ISO 8601). */
  readonly started: string;
  readonly host: string;
}

/** A lock held by this process. */
export interface FolderLock {
  /** The lock file, `<folder>.lock`. */
  readonly file: string;
  /** The dead owner whose lock was taken over, if any (say so to the user). */
  readonly tookOver: LockOwner | undefined;
  /** Removes the lock (also done when the process exits); a lock no longer ours is left alone. */
  release(): void;
}

/** The lock file of `folder`: `<folder>.lock`. */
export function lockFile(folder: string): string {
  return `${path.resolve(folder)}.lock`;
}

function readOwner(file: string): LockOwner | undefined {
  try {
    const json = JSON.parse(readFileSync(file, "utf8")) as Partial<LockOwner>;
    if (Number.isInteger(json.pid) && typeof json.started === "string" && typeof json.host === "string") return json as LockOwner;
  } catch {
    // unreadable or half written: judged below
  }
  return undefined;
}

/** Creates `file` holding `owner`, or returns false when it exists; other errors name the folder. */
function create(file: string, owner: LockOwner): boolean {
  let fd: number;
  try {
    fd = openSync(file, "wx");
  } catch (err) {
    const e = err as NodeJS.ErrnoException;
    if (e.code === "EEXIST") return false;
    throw new Error(`cannot write in ${path.dirname(file)} (the output folder's parent): ${e.message}`);
  }
  try {
    writeSync(fd, `${JSON.stringify(owner)}\n`);
  } catch (err) {
    closeSync(fd);
    unlinkSync(file);
    throw new Error(`cannot write ${file} in the output folder's parent: ${(err as Error).message}`);
  }
  closeSync(fd);
  return true;
}

/**
 * Takes the lock of `folder` for this process (creating the parent folder if needed), or throws
 * naming the lock file and the run that holds it. A lock left by a process that is gone is taken
 * over ({@link FolderLock.tookOver}). The lock is released by {@link FolderLock.release} or when
 * the process exits.
 */
export function lockFolder(folder: string): FolderLock {
  const file = lockFile(folder);
  try {
    mkdirSync(path.dirname(file), { recursive: true });
  } catch (err) {
    throw new Error(`cannot make ${path.dirname(file)} (the output folder's parent): ${(err as Error).message}`);
  }
  const me: LockOwner = { pid: process.pid, started: new Date().toISOString(), host: os.hostname() };
  let tookOver: LockOwner | undefined;
  while (!create(file, me)) {
    const owner = readOwner(file);
    if (owner !== undefined && (owner.host !== me.host || processAlive(owner.pid))) {
      const where = owner.host === me.host ? `process ${owner.pid}` : `process ${owner.pid} on ${owner.host}`;
      throw new Error(
        `${file}: another run writes to ${folder} (${where}, since ${owner.started}); wait for it to finish, ` +
          `or remove the lock file if no such run is going`,
      );
    }
    if (owner === undefined && age(file) < 5_000) {
      // Just created by a run that has not written its pid yet: theirs.
      throw new Error(
        `${file}: another run is taking the lock of ${folder}; wait for it to finish, or remove the lock file if no such run is going`,
      );
    }
    // The owner is gone. Move its lock aside (a rename is atomic), and check that what moved is
    // the dead owner's: had another run taken the lock over in between, its lock goes back.
    const aside = `${file}.stale-${process.pid}`;
    try {
      renameSync(file, aside);
    } catch {
      continue; // someone else moved it first: try again
    }
    const moved = readOwner(aside);
    if (moved !== undefined && moved.host === me.host && processAlive(moved.pid)) {
      try {
        linkSync(aside, file);
      } catch {
        // a third run took the lock: the next round names it
      }
      unlinkSync(aside);
      continue;
    }
    unlinkSync(aside);
    tookOver = owner ?? { pid: 0, started: "unknown", host: me.host };
  }
  let held = true;
  const release = (): void => {
    if (!held) return;
    held = false;
    process.removeListener("exit", release);
    if (readOwner(file)?.pid === me.pid) unlinkSync(file);
  };
  process.on("exit", release);
  return { file, tookOver, release };
}

/** How long ago `file` was last changed, in ms (Infinity when it is gone). */
function age(file: string): number {
  try {
    return Date.now() - statSync(file).mtimeMs;
  } catch {
    return Infinity;
  }
}
