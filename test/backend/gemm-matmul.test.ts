/**
 * BatchMatMul on the project's GEMM (TSDL_GEMM=ours): the wrapper takes the plain single-batch
 * float32 products and hands everything else to the kernel it wraps; through tfjs, products and
 * a dense layer's gradients agree with the cpu backend and leave no tensor or buffer behind.
 */
import { before, test } from "node:test";
import assert from "node:assert/strict";
import * as tf from "@tensorflow/tfjs";
import { isOurWasmKernel } from "../../src/backend/wasm-kernels";
import { GEMM_ENV, gemmMatMul, gemmRequested } from "../../src/backend/wasm/gemm-matmul";
import type { RawKernelFunc } from "../../src/backend/wasm/kernel-scope";
import { selectBackend } from "../../src/backend/select";
import { backendDataIds, randomValues, relError, rng } from "./helpers";

before(async () => {
  process.env[GEMM_ENV] = "ours"; // before the kernels are registered
  await selectBackend("wasm");
  assert.ok(isOurWasmKernel("BatchMatMul"));
});

test("TSDL_GEMM: ours, xnnpack or unset; anything else is refused naming the choices", () => {
  assert.equal(gemmRequested({ [GEMM_ENV]: "ours" }), true);
  assert.equal(gemmRequested({ [GEMM_ENV]: "xnnpack" }), false);
  assert.equal(gemmRequested({}), false);
  assert.throws(() => gemmRequested({ [GEMM_ENV]: "fast" }), /TSDL_GEMM="fast": expected "ours" .* or "xnnpack"/);
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
