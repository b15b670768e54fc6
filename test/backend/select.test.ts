/**
 * Backend selection: request parsing, the env override, the argument over the env, the
 * one-line report, and that wasm starts with this project's training kernels.
 */
import { afterEach, test } from "node:test";
import assert from "node:assert/strict";
import * as tf from "@tensorflow/tfjs";
import { BACKEND_ENV, backendReport, parseBackendRequest, parseWasmThreads, selectBackend } from "../../src/backend/select";
import { isOurWasmKernel, WASM_TRAINING_KERNELS } from "@tsdl/wasm-kernels";

const savedEnv = process.env[BACKEND_ENV];
afterEach(() => {
  if (savedEnv === undefined) delete process.env[BACKEND_ENV];
  else process.env[BACKEND_ENV] = savedEnv;
});

function tfjsNodeLoads(): boolean {
  try {
    require("@tensorflow/tfjs-node");
    return true;
  } catch {
    return false;
  }
}

test("parseBackendRequest: names, aliases, auto, and a named error for anything else", () => {
  assert.equal(parseBackendRequest(undefined), "auto");
  assert.equal(parseBackendRequest(" Auto "), "auto");
  assert.equal(parseBackendRequest("WASM"), "wasm");
  assert.equal(parseBackendRequest("tfjs-node"), "tensorflow");
  assert.equal(parseBackendRequest("cpu"), "cpu");
  assert.throws(() => parseBackendRequest("gpu"), /Unknown backend "gpu".*TSDL_BACKEND.*auto, tensorflow, wasm, cpu/);
});

test("parseWasmThreads: auto is one per idle core (1–8); numbers 1–8; anything else is refused", () => {
  assert.equal(parseWasmThreads(undefined, 2, 0.1), 2);
  assert.equal(parseWasmThreads("auto", 2, 1.2), 1, "one of two cores busy");
  assert.equal(parseWasmThreads("auto", 2, 6), 1, "never fewer than one");
  assert.equal(parseWasmThreads("auto", 1, 0), 1);
  assert.equal(parseWasmThreads("auto", 32, 0), 8);
  assert.equal(parseWasmThreads("auto", 8, 2.6), 5);
  assert.equal(parseWasmThreads("1", 2, 0), 1);
  assert.equal(parseWasmThreads(3, 2, 5), 3, "an explicit count is kept whatever the load");
  assert.throws(() => parseWasmThreads("0", 2), /Bad wasm thread count "0".*TSDL_WASM_THREADS/);
  assert.throws(() => parseWasmThreads("two", 2), /Bad wasm thread count "two"/);
  assert.throws(() => parseWasmThreads(1.5, 2), /Bad wasm thread count/);
});

// First: `auto` returns the backend already selected, so it must run before the others.
test("auto prefers tfjs-node, and otherwise says why it was skipped", async () => {
  const info = await selectBackend("auto");
  if (tfjsNodeLoads()) {
    assert.equal(info.name, "tensorflow");
    assert.deepEqual(info.skipped, []);
    return;
  }
  assert.equal(info.name, "wasm");
  assert.equal(info.skipped[0]?.name, "tensorflow");
  assert.match(backendReport(info), /skipped: tensorflow — Cannot find module '@tensorflow\/tfjs-node'/);
  await assert.rejects(selectBackend("tensorflow"), /Backend "tensorflow" could not start: Cannot find module/);
});

test("selectBackend called from JavaScript with bad arguments names what it expected", async () => {
  const untyped = selectBackend as (...args: unknown[]) => Promise<unknown>;
  await assert.rejects(
    untyped({ wasmThreads: 1 }),
    /selectBackend: the backend must be one of auto, tensorflow, wasm, cpu, got \{"wasmThreads":1\}; options go second/,
  );
  await assert.rejects(untyped("gpu"), /Unknown backend "gpu"/);
  await assert.rejects(untyped("wasm", { threads: 1 }), /selectBackend: unknown option "threads" \(expected one of wasmThreads\)/);
});

test("the env var picks the backend; an explicit argument wins over it", async () => {
  process.env[BACKEND_ENV] = "cpu";
  const cpu = await selectBackend();
  assert.equal(cpu.name, "cpu");
  assert.equal(tf.getBackend(), "cpu");
  const wasm = await selectBackend("wasm");
  assert.equal(wasm.name, "wasm");
  assert.equal(tf.getBackend(), "wasm");
  process.env[BACKEND_ENV] = "nonsense";
  await assert.rejects(selectBackend(), /Unknown backend "nonsense"/);
});

test("wasm comes up with the training kernels and a one-line report of version, SIMD and threads", async () => {
  const info = await selectBackend("wasm");
  for (const name of WASM_TRAINING_KERNELS) assert.ok(isOurWasmKernel(name), name);
  const line = backendReport(info);
  assert.ok(!line.includes("\n"), line);
  assert.match(
    line,
    new RegExp(
      `^Backend: tfjs ${tf.version.tfjs.replace(/\./g, "\\.")} · wasm \\d+\\.\\d+\\.\\d+ \\(XNNPACK, (no )?SIMD, \\d+ threads?\\)`,
    ),
  );
  assert.ok(info.threads !== undefined && info.threads >= 1);
  assert.match(line, new RegExp(`${info.threads} thread`));
});
