/**
 * Multi-threaded wasm: in a child process (the thread pool is process-wide), start wasm with 2
 * threads, check gradients against cpu, and check the process exits by itself promptly — idle
 * pthread workers must not keep it alive. Plus the version gate and the "already started" case.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { spawn, spawnSync } from "node:child_process";
import * as path from "node:path";
import { selectBackend } from "../../src/backend/select";
import { THREADED_WASM_TESTED_VERSION, threadedWasmBlocker, useThreadedWasm } from "../../src/backend/wasm/threads";

const SELECT = path.join(__dirname, "..", "..", "src", "backend", "select.js");
const TFJS = require.resolve("@tensorflow/tfjs");
const KERNELS = require.resolve("@tsdl/wasm-kernels");

/** The child: 2-thread wasm vs cpu on conv, pool and dense gradients; prints one JSON line. */
const CHILD = `
const tf = require(${JSON.stringify(TFJS)});
const { selectBackend } = require(${JSON.stringify(SELECT)});
function grads() {
  return tf.tidy(() => {
    const n = (shape, k) => tf.sin(tf.range(0, shape.reduce((a, b) => a * b, 1)).mul(k)).reshape(shape);
    const x = n([6, 14, 14, 3], 0.37), w1 = n([3, 3, 3, 16], 0.11), w2 = n([3, 3, 16, 8], 0.07), d = n([8 * 4 * 4, 10], 0.05);
    const f = (x, w1, w2, d) => {
      let h = tf.relu(tf.conv2d(x, w1, 1, "same"));
      h = tf.maxPool(h, 2, 2, "same");
      h = tf.relu(tf.conv2d(h, w2, 2, "same"));
      h = tf.maxPool(h, 2, 1, "same").reshape([6, -1]);
      return tf.matMul(h, d).square().sum();
    };
    return tf.grads(f)([x, w1, w2, d]).map((g) => Array.from(g.dataSync()));
  });
}
(async () => {
  const info = await selectBackend("wasm", { wasmThreads: 2 });
  const onWasm = grads();
  // The project's kernels on the heap (here a shared memory): TSDL_GEMM is read per call.
  const heap = require(${JSON.stringify(KERNELS)}).heapGemm(tf.backend()) !== undefined;
  process.env.TSDL_GEMM = "ours";
  const onWasmOurs = grads();
  delete process.env.TSDL_GEMM;
  await tf.setBackend("cpu");
  const onCpu = grads();
  const error = (got) => {
    let err = 0;
    onCpu.forEach((c, i) => {
      const scale = Math.max(...c.map(Math.abs));
      c.forEach((v, j) => { err = Math.max(err, Math.abs(v - got[i][j]) / scale); });
    });
    return err;
  };
  console.log(JSON.stringify({ threads: info.threads, notices: info.notices, err: error(onWasm), errOurs: error(onWasmOurs), heap }));
})();
`;

test("2-thread wasm: gradients match cpu (XNNPACK, and the project's kernels on the shared heap) and the process exits by itself", {
  timeout: 90_000,
}, async () => {
  const child = spawn(process.execPath, ["-e", CHILD], { stdio: ["ignore", "pipe", "pipe"] });
  let out = "";
  let errText = "";
  let printedAt = 0;
  child.stdout.on("data", (chunk: Buffer) => {
    out += chunk.toString();
    if (out.includes("\n") && printedAt === 0) printedAt = Date.now();
  });
  child.stderr.on("data", (chunk: Buffer) => (errText += chunk.toString()));
  const killer = setTimeout(() => child.kill("SIGKILL"), 80_000);
  const [code, signal] = await new Promise<[number | null, NodeJS.Signals | null]>((resolve) =>
    child.on("exit", (c, s) => resolve([c, s])),
  );
  clearTimeout(killer);
  const exitedAfter = Date.now() - printedAt;
  assert.equal(signal, null, `child was killed (hung?): ${errText}`);
  assert.equal(code, 0, errText);
  const result = JSON.parse(out.trim().split("\n").pop()!) as {
    threads: number;
    notices: string[];
    err: number;
    errOurs: number;
    heap: boolean;
  };
  assert.deepEqual(result.notices, []);
  assert.equal(result.threads, 2);
  assert.ok(result.err < 1e-4, `relative error ${result.err}`);
  assert.ok(result.heap, "the project's GEMM cannot reach the threaded build's (shared) heap");
  assert.ok(result.errOurs < 1e-4, `relative error with TSDL_GEMM=ours ${result.errOurs}`);
  assert.ok(exitedAfter < 5000, `exited ${exitedAfter} ms after its last output`);
});

test("if the threaded build cannot start, wasm falls back to one thread with a one-line notice", { timeout: 60_000 }, () => {
  // os.tmpdir() follows TMPDIR: an unwritable one makes writing the worker script fail.
  const code = `require(${JSON.stringify(SELECT)}).selectBackend("wasm", { wasmThreads: 2 }).then((i) => console.log(JSON.stringify(i)));`;
  const r = spawnSync(process.execPath, ["-e", code], {
    env: { ...process.env, TMPDIR: "/nonexistent/tsdl-test" },
    encoding: "utf8",
    timeout: 50_000,
  });
  assert.equal(r.status, 0, r.stderr);
  const info = JSON.parse(r.stdout.trim().split("\n").pop()!) as { name: string; threads: number; notices: string[] };
  assert.equal(info.name, "wasm");
  assert.equal(info.threads, 1);
  assert.match(info.notices.join(" "), /threaded wasm failed to start \(ENOENT/);
  const warnings = r.stderr.split("\n").filter((l) => l.startsWith("tsdl: wasm runs single-threaded"));
  assert.equal(warnings.length, 1, r.stderr);
});

test("the threaded loader only runs on the tfjs-backend-wasm version it was tested with", () => {
  assert.equal(threadedWasmBlocker(THREADED_WASM_TESTED_VERSION, 2), undefined);
  assert.match(threadedWasmBlocker("4.21.0", 2)!, /tfjs-backend-wasm 4\.21\.0 is not the version .* tested with \(4\.22\.0\)/);
  assert.match(threadedWasmBlocker(THREADED_WASM_TESTED_VERSION, 1)!, /1 thread/);
});

test("asking for threads after wasm started single-threaded keeps it and says so", async () => {
  const info = await selectBackend("wasm", { wasmThreads: 1 });
  assert.equal(info.threads, 1);
  const arranged = useThreadedWasm(2);
  assert.equal(arranged.threads, 1);
  assert.match(arranged.notice ?? "", /already started single-threaded/);
});
