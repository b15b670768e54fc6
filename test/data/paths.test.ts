import { test } from "node:test";
import assert from "node:assert/strict";
import { existsSync, readFileSync } from "node:fs";
import * as path from "node:path";
import { defaultMnistDir, PROJECT_ROOT_ENV, projectRoot } from "../../src/data/paths";
import { tempDir } from "./fixtures";

function withEnv<T>(value: string | undefined, fn: () => T): T {
  const saved = process.env[PROJECT_ROOT_ENV];
  if (value === undefined) delete process.env[PROJECT_ROOT_ENV];
  else process.env[PROJECT_ROOT_ENV] = value;
  try {
    return fn();
  } finally {
    if (saved === undefined) delete process.env[PROJECT_ROOT_ENV];
    else process.env[PROJECT_ROOT_ENV] = saved;
  }
}

test("projectRoot walks up from the compiled file to this project's package.json", () => {
  const root = withEnv(undefined, projectRoot);
  const pkg = JSON.parse(readFileSync(path.join(root, "package.json"), "utf8")) as { name: string };
  assert.equal(pkg.name, "tsdl-lessons");
  assert.equal(withEnv(undefined, defaultMnistDir), path.join(root, "data", "mnist"));
  assert.ok(existsSync(path.join(withEnv(undefined, defaultMnistDir), "train-images-idx3-ubyte.gz")));
});

test("TSDL_PROJECT_ROOT overrides the search, and must hold a package.json", () => {
  const root = withEnv(undefined, projectRoot);
  assert.equal(withEnv(root + path.sep + ".", projectRoot), root);
  const { dir, cleanup } = tempDir("root");
  try {
    assert.throws(() => withEnv(dir, projectRoot), new RegExp(`${PROJECT_ROOT_ENV}=.* is not the project root: it has no package.json`));
  } finally {
    cleanup();
  }
});
