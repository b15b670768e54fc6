import { before, test } from "node:test";
import assert from "node:assert/strict";
import * as tf from "@tensorflow/tfjs";
import { relaxedSimdAvailable } from "../src/gemm/gemm";
import { TRAINING_CONV_SHAPES, TRAINING_GEMM_SHAPES, measureConv, measureGemm } from "../src/gemm/measure";
import { GEMM_ENV } from "../src/wasm/gemm-matmul";
import { useWasm } from "./helpers";

before(async () => {
  process.env[GEMM_ENV] = "xnnpack"; // before the kernels are registered: the baseline is XNNPACK's MatMul
  await useWasm();
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

test("measureConv: each kernel's GFLOP/s both ways, the form ours takes, TSDL_GEMM left at xnnpack, no tensor left", () => {
  const tensors = tf.memory().numTensors;
  const shapes = (["forward", "filter gradient", "input gradient"] as const).map((kernel) => ({
    role: "test",
    kernel,
    x: [8, 12, 12, 16] as [number, number, number, number],
    outChannels: 16,
  }));
  const rows = measureConv([...shapes, { role: "one channel", kernel: "forward", x: [8, 12, 12, 1], outChannels: 16 }], 3);
  assert.equal(tf.memory().numTensors, tensors);
  assert.equal(process.env[GEMM_ENV], "xnnpack");
  assert.deepEqual(
    rows.map((r) => r.form),
    ["Winograd F(2×2,3×3)", "Winograd F(3×3,2×2)", "Winograd F(2×2,3×3)", "XNNPACK"],
  );
  for (const r of rows) {
    assert.ok(r.gflops.xnnpack > 0 && Number.isFinite(r.gflops.xnnpack), JSON.stringify(r));
    assert.ok(r.gflops.ours > 0 && Number.isFinite(r.gflops.ours), JSON.stringify(r));
    assert.ok(r.speedup > 0 && Number.isFinite(r.speedup), JSON.stringify(r));
  }
  process.env[GEMM_ENV] = "ours";
  try {
    assert.throws(() => measureConv(shapes, 1), /needs the wasm backend started with TSDL_GEMM=xnnpack/);
  } finally {
    process.env[GEMM_ENV] = "xnnpack";
  }
  assert.throws(() => measureConv(shapes, 0), /repeats must be a positive integer, got 0/);
});

test("the training convolutions: three layers, three kernels each but the first layer's input gradient", () => {
  assert.equal(TRAINING_CONV_SHAPES.length, 8);
  assert.ok(!TRAINING_CONV_SHAPES.some((s) => s.role === "conv 1" && s.kernel === "input gradient"));
  assert.deepEqual(
    TRAINING_CONV_SHAPES.filter((s) => s.kernel === "forward").map((s) => [...s.x, s.outChannels]),
    [
      [100, 28, 28, 1, 32],
      [100, 14, 14, 32, 64],
      [100, 7, 7, 64, 128],
    ],
  );
});
