import { before, test } from "node:test";
import assert from "node:assert/strict";
import * as tf from "@tensorflow/tfjs";
import { relaxedSimdAvailable } from "../../src/backend/gemm/gemm";
import { TRAINING_GEMM_SHAPES, measureGemm } from "../../src/backend/gemm/measure";
import { selectBackend } from "../../src/backend/select";
import { GEMM_ENV } from "../../src/backend/wasm/gemm-matmul";

before(async () => {
  process.env[GEMM_ENV] = "xnnpack"; // before the kernels are registered: the baseline is XNNPACK's MatMul
  await selectBackend("wasm", { wasmThreads: 1 });
});

test("measureGemm: GFLOP/s and paired speed-ups for each implementation, FMA only where relaxed SIMD is on, no tensor left", () => {
  const tensors = tf.memory().numTensors;
  const [r] = measureGemm([{ network: "mlp", role: "test", m: 64, n: 40, k: 96 }], 3);
  assert.equal(tf.memory().numTensors, tensors);
  assert.deepEqual([r!.m, r!.n, r!.k, r!.role], [64, 40, 96, "test"]);
  assert.ok(r!.gflops.tfjs > 0 && Number.isFinite(r!.gflops.tfjs));
  assert.ok(r!.gflops.plain > 0 && Number.isFinite(r!.gflops.plain));
  assert.equal(r!.gflops.fma === null, !relaxedSimdAvailable());
  assert.ok(r!.speedup.plain > 0 && Number.isFinite(r!.speedup.plain));
  assert.equal(r!.speedup.fma === null, !relaxedSimdAvailable());
});

test("measureGemm: refuses a bad repeat count, a BatchMatMul that may be ours, and a backend other than wasm", async () => {
  assert.throws(() => measureGemm(TRAINING_GEMM_SHAPES, 0), /repeats must be a positive integer, got 0/);
  process.env[GEMM_ENV] = "ours";
  try {
    assert.throws(
      () => measureGemm(TRAINING_GEMM_SHAPES, 1),
      /compares with XNNPACK's MatMul, but TSDL_GEMM is "ours": set TSDL_GEMM=xnnpack/,
    );
  } finally {
    process.env[GEMM_ENV] = "xnnpack";
  }
  await tf.setBackend("cpu");
  try {
    assert.throws(() => measureGemm(TRAINING_GEMM_SHAPES, 1), /compares with tfjs's wasm MatMul; the backend is cpu/);
  } finally {
    await tf.setBackend("wasm");
  }
});

test("the training shapes are the bench networks' products, each named once", () => {
  const keys = TRAINING_GEMM_SHAPES.map((s) => `${s.network} ${s.role}`);
  assert.equal(new Set(keys).size, keys.length);
  // The MLP's first layer and the CNN's dense layer, as tfjs's model.fit computes them at batch 100.
  assert.ok(TRAINING_GEMM_SHAPES.some((s) => s.network === "mlp" && s.m === 100 && s.k === 784 && s.n === 256));
  assert.ok(TRAINING_GEMM_SHAPES.some((s) => s.network === "cnn" && s.m === 100 && s.k === 2048 && s.n === 128));
});
