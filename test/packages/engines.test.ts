// `npm ci` must install without EBADENGINE warnings on every Node.js we support (20, 22, 24):
// every package in package-lock.json must accept the Node.js that runs this test. CI runs the
// unit tests under Node 20, 22 and 24, so each of them is checked.
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";

// semver: the range syntax npm itself uses for `engines`.
const semver = require("semver") as { satisfies(version: string, range: string, options?: object): boolean };

const root = join(__dirname, "..", "..", "..");

interface LockEntry {
  version?: string;
  engines?: { node?: string } | string[];
}

test(`every locked package accepts Node.js ${process.version}`, () => {
  const lock = JSON.parse(readFileSync(join(root, "package-lock.json"), "utf8")) as { packages: Record<string, LockEntry> };
  const refusing = Object.entries(lock.packages)
    .filter(([path, p]) => path !== "" && p.engines && !Array.isArray(p.engines) && p.engines.node)
    .filter(([, p]) => !semver.satisfies(process.version, (p.engines as { node: string }).node, { includePrerelease: true }))
    .map(([path, p]) => `${path}@${p.version} wants node ${(p.engines as { node: string }).node}`);
  assert.deepEqual(
    refusing,
    [],
    "npm ci would warn EBADENGINE for these (an `overrides` entry in package.json can pick a version that accepts it)",
  );
  // The check itself works: the commander that katex 0.19 asks for (^15) refuses Node 20.
  assert.equal(semver.satisfies("20.19.0", ">=22.12.0"), false);
});
