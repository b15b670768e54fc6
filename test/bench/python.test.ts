import { test } from "node:test";
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { findPythonReferences } from "../../scripts/bench/python";

test("bench: without bench/.venv the PyTorch 2.13 and Keras rows are missing, each with the setup command", () => {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), "bench-py-"));
  const { found, missing } = findPythonReferences(root, { pytorch: true, keras: true });
  assert.ok(found.every((r) => r.origin !== "bench/.venv"));
  const reason = (backend: string) => missing.find((m) => m.backend === backend)?.reason;
  assert.equal(reason("PyTorch 2.13 (bench/.venv)"), "no bench/.venv: run npm run bench:setup");
  assert.equal(reason("Keras 3 on TensorFlow (bench/.venv)"), "no bench/.venv: run npm run bench:setup");
});

test("bench: a bench/.venv whose Python lacks a package names the import error", () => {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), "bench-py-"));
  const bin = path.join(root, "bench", ".venv", "bin");
  fs.mkdirSync(bin, { recursive: true });
  // A stand-in Python that has no torch and no keras.
  fs.writeFileSync(path.join(bin, "python"), `#!/bin/sh\necho "ModuleNotFoundError: No module named 'torch'" >&2\nexit 1\n`, {
    mode: 0o755,
  });
  const { found, missing } = findPythonReferences(root, { pytorch: true, keras: false });
  assert.ok(found.every((r) => r.origin !== "bench/.venv"));
  assert.equal(
    missing.find((m) => m.backend === "PyTorch 2.13 (bench/.venv)")?.reason,
    "ModuleNotFoundError: No module named 'torch': run npm run bench:setup",
  );
  assert.equal(
    missing.some((m) => m.backend.startsWith("Keras")),
    false,
    "Keras not asked for",
  );
});
