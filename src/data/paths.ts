/**
 * Where the project's files are, wherever the code runs from.
 *
 * The library runs from build/src/… (tests, scripts) and, in notebooks, through the symlink
 * node_modules/tsdl → build/src, while the kernel's working directory is notebooks/. Neither
 * `process.cwd()` nor a fixed `../..` is reliable, so the root is found by walking up from this
 * compiled file to the first folder with a package.json — or taken from TSDL_PROJECT_ROOT, which
 * the project's tslab kernelspec sets.
 */
import { existsSync } from "node:fs";
import * as path from "node:path";

/** Environment variable that names the project root explicitly (set by the tslab kernelspec). */
export const PROJECT_ROOT_ENV = "TSDL_PROJECT_ROOT";

/**
 * The project root: `TSDL_PROJECT_ROOT` when set (it must contain a package.json), else the
 * nearest folder above this file that holds a package.json.
 */
export function projectRoot(): string {
  const fromEnv = process.env[PROJECT_ROOT_ENV];
  if (fromEnv !== undefined && fromEnv.trim() !== "") {
    const root = path.resolve(fromEnv);
    if (!existsSync(path.join(root, "package.json"))) {
      throw new Error(`${PROJECT_ROOT_ENV}=${fromEnv} is not the project root: it has no package.json`);
    }
    return root;
  }
  // Node resolves the node_modules/tsdl symlink, so __dirname is the real build/src/data folder.
  let dir = __dirname;
  for (;;) {
    if (existsSync(path.join(dir, "package.json"))) return dir;
    const parent = path.dirname(dir);
    if (parent === dir) {
      throw new Error(`Cannot find the project root: no package.json above ${__dirname}; set ${PROJECT_ROOT_ENV}`);
    }
    dir = parent;
  }
}

/** The folder with the four MNIST .gz files: `<project root>/data/mnist`. */
export function defaultMnistDir(): string {
  return path.join(projectRoot(), "data", "mnist");
}

/** A path as a person reads it: relative to the project `root` when inside it, else absolute. */
export function shownPath(root: string, file: string): string {
  const r = path.relative(root, file);
  return r === "" ? "." : r.startsWith("..") || path.isAbsolute(r) ? file : r;
}
