/**
 * What a save may replace. Saves replace a folder as a whole (`writeFolderAtomically`: the old
 * folder is renamed away and removed), so the one rule lives here and every save — a model, a
 * training checkpoint, an ensemble's member, the demo model — and the command line before any
 * training call it:
 *
 * - the path is not empty text (an unset `$DIR` in a script), not a symbolic link (the link
 *   would be replaced by a real folder, its target left stale), and not the project root, the
 *   current folder, the home folder or any folder above one of them;
 * - an existing folder is empty or recognisably ours (its {@link FolderKind} says which files a
 *   save of that kind writes); anything else is an error naming it, whatever the caller's
 *   `--overwrite` says.
 *
 * Also: {@link writeFileNamed}, a write whose error names the file (Node's ENOSPC says only
 * "write").
 */
import { existsSync, lstatSync, promises as fs, readdirSync, readlinkSync, realpathSync, statSync, type Dirent } from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { projectRoot } from "../data/paths";

/** A kind of folder that saves replace: what to call it, and which entries a save of it writes. */
export interface FolderKind {
  /** As errors name it: "model", "checkpoint". */
  readonly what: string;
  /** The file a save of this kind always writes (model.json, state.json). */
  readonly marker: string;
  /** Whether a plain file of this name may sit in such a folder (the marker is always allowed). */
  readonly allows: (name: string) => boolean;
}

/** What is at a folder a save may replace: nothing, an empty folder, or a folder of its kind. */
export type ReplaceableState = "absent" | "empty" | "ours";

/** `<name>.tmp-<pid>`: a file a killed save left inside its folder (cleaned by the next save). */
const LEFTOVER = /\.tmp-\d+$/;

/** The folders no save ever replaces, with what to call them: each of these and everything above it. */
function protectedFolders(): { readonly dir: string; readonly name: string }[] {
  const out: { dir: string; name: string }[] = [];
  try {
    out.push({ dir: projectRoot(), name: "the project root" });
  } catch {
    // Outside the project (no package.json above): the other folders still count.
  }
  out.push({ dir: process.cwd(), name: "the current folder" }, { dir: os.homedir(), name: "the home folder" });
  return out.map((p) => ({ ...p, dir: realPath(p.dir) }));
}

/** `p` with symbolic links resolved as far as it exists (the rest appended as written). */
function realPath(p: string): string {
  const full = path.resolve(p);
  let base = full;
  while (!existsSync(base)) {
    const parent = path.dirname(base);
    if (parent === base) return full;
    base = parent;
  }
  return path.join(realpathSync(base), path.relative(base, full));
}

/** A few of a folder's entries, as a person would list them: `thesis.txt, chapter-1/, …`. */
function sample(entries: readonly Dirent[]): string {
  const names = entries.slice(0, 3).map((e) => (e.isDirectory() ? `${e.name}/` : e.name));
  return names.join(", ") + (entries.length > 3 ? `, … (${entries.length} entries)` : "");
}

/**
 * Checks that a save of `kind` may write the folder `dir` (relative to `base`; see the top of
 * this file), before any work. Returns what is there; throws, naming `dir` as given and the
 * problem, otherwise.
 */
export function replaceableFolder(dir: string, kind: FolderKind, base: string = process.cwd()): ReplaceableState {
  if (typeof dir !== "string" || dir.trim() === "") {
    throw new Error(
      `the ${kind.what} folder must be a path, got ${JSON.stringify(dir)} (empty): name a folder, e.g. results/models/<name>`,
    );
  }
  const full = path.resolve(base, dir);
  for (let p = path.dirname(full); ; p = path.dirname(p)) {
    if (existsSync(p)) {
      if (!statSync(p).isDirectory()) throw new Error(`cannot make ${kind.what} folder ${dir}: ${p} is a file`);
      break;
    }
    if (path.dirname(p) === p) break;
  }
  let link = false;
  try {
    link = lstatSync(full).isSymbolicLink();
  } catch {
    // absent: nothing to lstat
  }
  if (link) {
    throw new Error(
      `${dir} is a symbolic link (to ${readlinkSync(full)}): a save replaces the folder itself, which would turn the link into a ` +
        `real folder, so links are refused; give the folder it points to, or another path`,
    );
  }
  const real = realPath(full);
  for (const p of protectedFolders()) {
    if (p.dir === real || p.dir.startsWith(real === path.sep ? real : real + path.sep)) {
      const where = p.dir === real ? `is ${p.name}` : `holds ${p.name} (${p.dir})`;
      throw new Error(
        `${dir} ${where}: a save replaces its folder as a whole, so it never writes there; give a folder of its own, e.g. results/models/<name>`,
      );
    }
  }
  if (!existsSync(full)) return "absent";
  if (!statSync(full).isDirectory()) throw new Error(`${dir} is a file, not a ${kind.what} folder`);
  const entries = readdirSync(full, { withFileTypes: true });
  if (entries.length === 0) return "empty";
  const ours =
    entries.some((e) => e.name === kind.marker && e.isFile()) &&
    entries.every((e) => e.isFile() && (e.name === kind.marker || kind.allows(e.name) || LEFTOVER.test(e.name)));
  if (!ours) {
    throw new Error(
      `${dir} is not a ${kind.what} folder (it holds ${sample(entries)}): a save would replace it as a whole, so it is ` +
        `left alone, --overwrite or not; give a new or empty folder`,
    );
  }
  return "ours";
}

/** Writes `data` to `file`; an error (ENOSPC, EACCES, …) names the file, which Node's "write" does not. */
export async function writeFileNamed(file: string, data: string | Uint8Array): Promise<void> {
  try {
    await fs.writeFile(file, data);
  } catch (err) {
    const e = err as NodeJS.ErrnoException;
    throw Object.assign(new Error(`cannot write ${file}: ${e.message}`), { code: e.code });
  }
}

/**
 * Is process `pid` running on this host? EPERM means it runs as another user. A lock's owner and
 * the leftovers of a live save both belong to a running process and are not ours to touch.
 */
export function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === "EPERM";
  }
}
