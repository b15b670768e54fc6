/**
 * BatchMatMul on the project's GEMM (TSDL_GEMM=ours; unset, where relaxed SIMD is on and wasm
 * runs one thread): the wrapper takes the plain single-batch float32 products and hands everything
 * else to the kernel it wraps; on either kernel (FMA, plain SIMD forced) products match float64;
 * through tfjs, products and a dense layer's gradients agree with the cpu backend and leave no
 * tensor or buffer behind.
 */
import { before, test } from "node:test";
import assert from "node:assert/strict";
import * as tf from "@tensorflow/tfjs";
import { isOurWasmKernel } from "../src/register";
import { relaxedSimdAvailable } from "../src/gemm/gemm";
import { autoPicksOurs, GEMM_ENV, gemmChoice, gemmMatMul } from "../src/wasm/gemm-matmul";
import type { RawKernelFunc } from "../src/wasm/kernel-scope";
import { backendDataIds, randomValues, relError, rng, useWasm } from "./helpers";

before(async () => {
  process.env[GEMM_ENV] = "ours"; // before the kernels are registered
  await useWasm();
  assert.ok(isOurWasmKernel("BatchMatMul"));
});

test("TSDL_GEMM: ours, xnnpack, or unset (auto); anything else is refused naming the choices", () => {
  assert.equal(gemmChoice({ [GEMM_ENV]: "ours" }), "ours");
  assert.equal(gemmChoice({ [GEMM_ENV]: "xnnpack" }), "xnnpack");
  assert.equal(gemmChoice({}), "auto");
  assert.equal(gemmChoice({ [GEMM_ENV]: "" }), "auto");
  assert.throws(() => gemmChoice({ [GEMM_ENV]: "fast" }), /TSDL_GEMM="fast": expected "ours" .* or "xnnpack"/);
});

test("auto picks ours only with relaxed SIMD on and one wasm thread, and then computes the product itself", () => {
  assert.equal(autoPicksOurs(true, 1), true);
  assert.equal(autoPicksOurs(true, 2), false);
  assert.equal(autoPicksOurs(false, 1), false);
  let stockCalls = 0;
  const stock: RawKernelFunc = (args) => {
    stockCalls++;
    return args.inputs["a"]!;
  };
  const backend = tf.backend() as unknown as { disposeData(id: tf.DataId): boolean };
  const a = tf.ones([3, 4]);
  const b = tf.ones([4, 5]);
  const out = gemmMatMul(stock, "auto")({ inputs: { a, b }, backend, attrs: {} }) as tf.TensorInfo;
  // What this process runs: the thread count the wasm backend started with.
  const threads = (require("@tensorflow/tfjs-backend-wasm") as typeof import("@tensorflow/tfjs-backend-wasm")).getThreadsCount();
  assert.equal(stockCalls, autoPicksOurs(relaxedSimdAvailable(), threads) ? 0 : 1);
  if (stockCalls === 0) backend.disposeData(out.dataId);
  tf.dispose([a, b]);
});

test("the wrapper computes plain products itself and passes transposed, batched and int32 ones on", () => {
  const passed: string[] = [];
  const stock: RawKernelFunc = (args) => {
    passed.push(
      Object.values(args.inputs)
        .map((t) => `${t.dtype}[${t.shape}]`)
        .join("·"),
    );
    return args.inputs["a"]!;
  };
  const kernel = gemmMatMul(stock);
  const backend = tf.backend() as unknown as { readSync(id: tf.DataId): Float32Array; disposeData(id: tf.DataId): boolean };
  const a = tf.tensor2d([
    [1, 2, 3],
    [4, 5, 6],
  ]);
  const b = tf.tensor2d([
    [1, 0],
    [0, 1],
    [1, -1],
  ]);
  const out = kernel({ inputs: { a, b }, backend, attrs: {} }) as tf.TensorInfo;
  assert.deepEqual(out.shape, [2, 2]);
  assert.deepEqual([...backend.readSync(out.dataId)], [4, -1, 10, -1]);
  backend.disposeData(out.dataId);
  assert.deepEqual(passed, []);

  kernel({ inputs: { a, b: a }, backend, attrs: { transposeB: true } });
  const others = [tf.zeros([2, 2, 3]), tf.zeros([2, 3, 2]), tf.zeros([2, 3], "int32"), tf.zeros([3, 2], "int32")];
  kernel({ inputs: { a: others[0]!, b: others[1]! }, backend, attrs: {} });
  kernel({ inputs: { a: others[2]!, b: others[3]! }, backend, attrs: {} });
  assert.deepEqual(passed, ["float32[2,3]·float32[2,3]", "float32[2,2,3]·float32[2,3,2]", "int32[2,3]·int32[3,2]"]);
  tf.dispose([a, b, ...others]);
});

test("the wrapper on either kernel (default, or plain SIMD forced) matches float64 on an odd product", () => {
  const [m, k, n] = [13, 29, 11];
  const next = rng(3);
  const av = randomValues(m * k, next);
  const bv = randomValues(k * n, next);
  const expected = Array.from({ length: m * n }, (_, i) => {
    let s = 0;
    for (let p = 0; p < k; p++) s += av[Math.floor(i / n) * k + p]! * bv[p * n + (i % n)]!;
    return s;
  });
  const backend = tf.backend() as unknown as { readSync(id: tf.DataId): Float32Array; disposeData(id: tf.DataId): boolean };
  const stock: RawKernelFunc = () => {
    throw new Error("a plain product reached the stock kernel");
  };
  const a = tf.tensor2d(av, [m, k]);
  const b = tf.tensor2d(bv, [k, n]);
  for (const kernel of [gemmMatMul(stock), gemmMatMul(stock, "ours", { fma: false })]) {
    const out = kernel({ inputs: { a, b }, backend, attrs: {} }) as tf.TensorInfo;
    const got = backend.readSync(out.dataId);
    backend.disposeData(out.dataId);
    got.forEach((v, i) => assert.ok(Math.abs(v - expected[i]!) <= 1e-5 * (1 + Math.abs(expected[i]!)), `at ${i}: ${v} vs ${expected[i]}`));
  }
  tf.dispose([a, b]);
});

/** f(...) on wasm and on cpu, from the same values. */
async function onBoth(shapes: number[][], f: (...xs: tf.Tensor[]) => tf.Tensor[]): Promise<[Float32Array[], Float32Array[]]> {
  const next = rng(7);
  const values = shapes.map((s) =>
    randomValues(
      s.reduce((p, d) => p * d, 1),
      next,
    ),
  );
  const run = () => tf.tidy(() => f(...values.map((v, i) => tf.tensor(v, shapes[i]!))).map((t) => t.dataSync() as Float32Array));
  const wasm = run();
  await tf.setBackend("cpu");
  const cpu = run();
  await tf.setBackend("wasm");
  return [wasm, cpu];
}

test("through tfjs: products (odd, transposed, rank 3) agree with cpu", async () => {
  const cases: [number[], number[], boolean, boolean][] = [
    [[1, 1], [1, 1], false, false],
    [[7, 5], [5, 13], false, false],
    [[100, 784], [784, 33], false, false],
    [[5, 7], [5, 13], true, false],
    [[7, 5], [13, 5], false, true],
    [[1, 9, 20], [1, 20, 6], false, false],
  ];
  for (const [sa, sb, ta, tb] of cases) {
    const [[w], [c]] = await onBoth([sa, sb], (a, b) => [tf.matMul(a!, b!, ta, tb)]);
    assert.ok(relError(w!, c!) < 1e-5, `${sa}·${sb} (${ta}, ${tb}): ${relError(w!, c!)}`);
  }
});

test("through tfjs: a dense layer's gradients agree with cpu, and a step leaves nothing behind", async () => {
  const f = (x: tf.Tensor, w: tf.Tensor) => tf.relu(tf.matMul(x, w)).square().sum() as tf.Scalar;
  const [wasm, cpu] = await onBoth(
    [
      [50, 70],
      [70, 30],
    ],
    (x, w) => tf.grads(f)([x!, w!]),
  );
  wasm.forEach((g, i) => assert.ok(relError(g, cpu[i]!) < 1e-5, `gradient ${i}: ${relError(g, cpu[i]!)}`));

  const x = tf.randomUniform([50, 70]);
  const w = tf.randomUniform([70, 30]);
  const tensors = tf.memory().numTensors;
  const buffers = backendDataIds();
  tf.dispose(tf.grads(f)([x, w]));
  assert.equal(tf.memory().numTensors, tensors);
  assert.equal(backendDataIds(), buffers);
  tf.dispose([x, w]);
});
