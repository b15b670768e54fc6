/**
 * Gradient checks: every training kernel we register for wasm against the cpu backend's stock
 * gradients, on the same data, over a seeded sample of shapes. The engine's per-kernel leak
 * check (IS_TEST) is on, so a composite kernel that leaks an intermediate fails too.
 */
import { before, describe, test } from "node:test";
import assert from "node:assert/strict";
import * as tf from "@tensorflow/tfjs";
import { isOurWasmKernel, WASM_TRAINING_KERNELS } from "../src/register";
import { filterGradStrategy } from "../src/wasm/conv2d-backprop-filter";
import { asWasmBackend, f32View } from "../src/wasm/internals";
import { simdRow } from "../src/wasm/max-pool-grad";
import { heapKernelsAllowed } from "../src/wasm/heap-module";
import { randInt, randomValues, relError, rng, runOn, useWasmAndCpu } from "./helpers";

const TOL = 1e-4;

before(async () => {
  await useWasmAndCpu();
});

type Pad = "same" | "valid";
interface ConvCase {
  batch: number;
  h: number;
  w: number;
  ci: number;
  co: number;
  kh: number;
  kw: number;
  sh: number;
  sw: number;
  pad: Pad | [[number, number], [number, number], [number, number], [number, number]];
}

/** A seeded sample of the space: kernel 1–5, stride 1–2, both paddings, batch 1–8, channels 1–16. */
function convCases(count: number, seed: number): ConvCase[] {
  const next = rng(seed);
  const cases: ConvCase[] = [];
  for (let i = 0; i < count; i++) {
    const kh = randInt(next, 1, 5);
    const kw = randInt(next, 1, 5);
    const pad: Pad = next() < 0.5 ? "same" : "valid";
    cases.push({
      batch: randInt(next, 1, 8),
      h: randInt(next, Math.max(kh, 2), 11),
      w: randInt(next, Math.max(kw, 2), 11),
      ci: randInt(next, 1, 16),
      co: randInt(next, 1, 16),
      kh,
      kw,
      sh: randInt(next, 1, 2),
      sw: randInt(next, 1, 2),
      pad,
    });
  }
  // Each dW form on purpose: matmul over plane copies (stride 1 'same'), the transposed matmul
  // over the element-wise im2col (KH·KW·Ci < Co, strides 1 and 2), and the swapped-axes convolution.
  cases.push({ batch: 3, h: 9, w: 8, ci: 5, co: 4, kh: 3, kw: 3, sh: 1, sw: 1, pad: "same" });
  cases.push({ batch: 2, h: 9, w: 10, ci: 1, co: 12, kh: 3, kw: 3, sh: 2, sw: 2, pad: "valid" });
  cases.push({ batch: 2, h: 9, w: 8, ci: 2, co: 20, kh: 3, kw: 3, sh: 2, sw: 2, pad: "same" });
  cases.push({ batch: 3, h: 6, w: 7, ci: 1, co: 9, kh: 3, kw: 2, sh: 1, sw: 2, pad: "same" });
  cases.push({ batch: 2, h: 9, w: 10, ci: 6, co: 5, kh: 3, kw: 2, sh: 2, sw: 1, pad: "same" });
  // Explicit, asymmetric padding (tf.conv2d accepts it; the layers API never makes it).
  cases.push({
    batch: 2,
    h: 7,
    w: 6,
    ci: 3,
    co: 4,
    kh: 3,
    kw: 2,
    sh: 2,
    sw: 1,
    pad: [
      [0, 0],
      [2, 0],
      [0, 1],
      [0, 0],
    ],
  });
  return cases;
}

function strategyOf(c: ConvCase): string {
  const info = tf.backend_util.computeConv2DInfo([c.batch, c.h, c.w, c.ci], [c.kh, c.kw, c.ci, c.co], [c.sh, c.sw], 1, c.pad);
  return filterGradStrategy(info);
}

function describeCase(c: ConvCase): string {
  const pad = typeof c.pad === "string" ? c.pad : JSON.stringify(c.pad);
  return `x[${c.batch},${c.h},${c.w},${c.ci}] * W[${c.kh},${c.kw},${c.ci},${c.co}] stride ${c.sh}x${c.sw} ${pad} (dW via ${strategyOf(c)})`;
}

describe("Conv2D gradients on wasm match cpu", () => {
  const cases = convCases(16, 20240611);
  test("the sample exercises every dW form", () => {
    const used = new Set(cases.map(strategyOf));
    assert.deepEqual([...used].sort(), ["conv", "matmul", "matmulT"]);
  });
  for (const c of cases) {
    test(describeCase(c), async () => {
      const next = rng(c.batch * 1000 + c.h * 100 + c.ci);
      const xv = randomValues(c.batch * c.h * c.w * c.ci, next);
      const wv = randomValues(c.kh * c.kw * c.ci * c.co, next);
      const outShape = tf.tidy(
        () =>
          tf.conv2d(
            tf.zeros([c.batch, c.h, c.w, c.ci]) as tf.Tensor4D,
            tf.zeros([c.kh, c.kw, c.ci, c.co]) as tf.Tensor4D,
            [c.sh, c.sw],
            c.pad,
          ).shape,
      );
      const rv = randomValues(
        outShape.reduce((a, b) => a * b, 1),
        next,
      );
      const compute = () => {
        const x = tf.tensor4d(xv, [c.batch, c.h, c.w, c.ci]);
        const w = tf.tensor4d(wv, [c.kh, c.kw, c.ci, c.co]);
        const r = tf.tensor(rv, outShape);
        // A random weighting makes dy non-uniform, so every gradient entry is exercised.
        const f = (a: tf.Tensor, b: tf.Tensor) =>
          tf
            .conv2d(a as tf.Tensor4D, b as tf.Tensor4D, [c.sh, c.sw], c.pad)
            .mul(r)
            .sum();
        return tf.grads(f)([x, w]);
      };
      const [cdx, cdw] = await runOn("cpu", compute);
      const [wdx, wdw] = await runOn("wasm", compute);
      assert.ok(relError(wdx!, cdx!) < TOL, `dx relative error ${relError(wdx!, cdx!)}`);
      assert.ok(relError(wdw!, cdw!) < TOL, `dW relative error ${relError(wdw!, cdw!)}`);
    });
  }

  test("conv2dTranspose (Conv2DBackpropInput forward) matches cpu", async () => {
    const next = rng(7);
    const yv = randomValues(2 * 4 * 5 * 6, next);
    const fv = randomValues(3 * 3 * 3 * 6, next);
    const compute = () => [tf.conv2dTranspose(tf.tensor4d(yv, [2, 4, 5, 6]), tf.tensor4d(fv, [3, 3, 3, 6]), [2, 8, 10, 3], 2, "same")];
    const [c] = await runOn("cpu", compute);
    const [w] = await runOn("wasm", compute);
    assert.ok(relError(w!, c!) < TOL, `relative error ${relError(w!, c!)}`);
  });
});

describe("MaxPool gradient on wasm matches cpu exactly, ties included", () => {
  const cases: [number[], number, number, Pad][] = [
    [[2, 8, 8, 3], 2, 2, "same"],
    [[3, 7, 7, 5], 2, 2, "same"],
    [[2, 7, 9, 4], 3, 2, "same"],
    [[2, 6, 6, 2], 3, 1, "valid"],
    [[1, 9, 9, 16], 3, 3, "valid"],
    [[4, 5, 5, 1], 2, 1, "same"],
    [[2, 7, 7, 3], 2, 2, "valid"],
    // Channels in fours: the SIMD path, tiling x, with 'same' edge windows (odd sizes), with
    // an uncovered last row/column ('valid', odd sizes), and with no full window row (height 1).
    [[2, 6, 8, 4], 2, 2, "valid"],
    [[3, 7, 9, 8], 2, 2, "same"],
    [[2, 5, 7, 12], 2, 2, "valid"],
    [[2, 1, 6, 4], 2, 2, "same"],
    [[2, 6, 1, 4], 2, 2, "same"],
  ];
  for (const [shape, size, stride, pad] of cases) {
    test(`maxPool ${size}x${size} stride ${stride} ${pad} on [${shape}]`, async () => {
      const next = rng(shape.reduce((a, b) => a * 31 + b, size));
      const n = shape.reduce((a, b) => a * b, 1);
      // Values in {-1, 0, 1}: most windows hold ties, some hold only negatives — the cases the
      // stock wasm kernel gets wrong (it keeps the last max, starting from +FLT_MIN).
      const xv = Float32Array.from({ length: n }, () => Math.floor(next() * 3) - 1);
      const shape4 = shape as [number, number, number, number];
      const rvLen = tf.tidy(() => tf.maxPool(tf.zeros(shape4) as tf.Tensor4D, size, stride, pad).size);
      const rv = randomValues(rvLen, next);
      const compute = () => {
        const x = tf.tensor4d(xv, shape4);
        const f = (a: tf.Tensor) => {
          const y = tf.maxPool(a as tf.Tensor4D, size, stride, pad);
          return y.mul(tf.tensor(rv, y.shape)).sum();
        };
        return [tf.grad(f)(x), tf.maxPool(x, size, stride, pad)];
      };
      const [cdx, cy] = await runOn("cpu", compute);
      const [wdx, wy] = await runOn("wasm", compute);
      assert.deepEqual(wy, cy, "forward max pool differs");
      assert.ok(relError(wdx!, cdx!) < 1e-6, `dx relative error ${relError(wdx!, cdx!)}`);
    });
  }
});

describe("MaxPool gradient edge values", () => {
  test("the SIMD row function runs on the heap in place and flags a window it cannot route", async () => {
    await tf.setBackend("wasm");
    const backend = asWasmBackend(tf.backend(), "test");
    const row = simdRow(backend);
    assert.ok(row !== undefined, "SIMD max-pool gradient unavailable on this wasm backend");
    // One row of two 2×2 windows, 4 channels: x [2 rows, 4 cols, 4], y and g [2 windows, 4].
    const xv = Float32Array.from({ length: 32 }, (_, i) => (i * 7) % 5);
    const x = tf.tensor(xv);
    const y = tf.tidy(() => tf.maxPool(x.reshape([1, 2, 4, 4]) as tf.Tensor4D, 2, 2, "valid").reshape([8]));
    const g = tf.range(1, 9);
    const dx = tf.zeros([32]);
    const view = (t: tf.Tensor) => f32View(backend, t as unknown as tf.TensorInfo);
    const call = () => row(view(x).byteOffset, view(y).byteOffset, view(g).byteOffset, view(dx).byteOffset, 2, 1, 16, 64);
    assert.equal(call(), 0);
    const gv = Array.from(view(g));
    const got = Array.from(view(dx));
    for (let w = 0; w < 2; w++) {
      for (let k = 0; k < 4; k++) {
        const at = [0, 4, 16, 20].map((o) => w * 8 + o + k);
        const first = at.find((p) => xv[p] === view(y)[w * 4 + k]);
        for (const p of at) assert.equal(got[p], p === first ? gv[w * 4 + k] : 0, `window ${w} channel ${k} position ${p}`);
      }
    }
    view(y)[5] = -Infinity;
    assert.notEqual(call(), 0, "a window whose max is -Infinity is flagged");
    view(y)[5] = 99;
    assert.notEqual(call(), 0, "a window without its max is flagged");
    tf.dispose([x, y, g, dx]);
    await tf.setBackend("cpu");
  });

  test("TSDL_GEMM=xnnpack turns the heap kernels off (the JavaScript loops run)", () => {
    assert.equal(heapKernelsAllowed({ TSDL_GEMM: "xnnpack" }), false);
    assert.equal(heapKernelsAllowed({ TSDL_GEMM: "ours" }), true);
    assert.equal(heapKernelsAllowed({}), true);
  });

  test("windows of -Infinity only get no gradient; NaNs never win; dy is routed as on cpu", async () => {
    const shape: [number, number, number, number] = [1, 4, 6, 2];
    const xv = Float32Array.from({ length: 48 }, (_, i) => (i % 5) - 2);
    // Window (0,0) of channel 0 all -Infinity; window (0,1) of channel 1 with NaNs and a max.
    for (const p of [0, 1, 6, 7]) xv[p * 2] = -Infinity;
    for (const p of [2, 8]) xv[p * 2 + 1] = NaN;
    xv[3 * 2 + 1] = 5;
    const dyv = Float32Array.from({ length: 12 }, (_, i) => i + 1);
    const compute = () => {
      const x = tf.tensor4d(xv, shape);
      const dy = tf.tensor4d(dyv, [1, 2, 3, 2]);
      const y = tf.maxPool(x, 2, 2, "valid");
      return [tf.engine().runKernel("MaxPoolGrad", { dy, input: x, output: y }, { filterSize: 2, strides: 2, pad: "valid" }) as tf.Tensor];
    };
    const [c] = await runOn("cpu", compute);
    const [w] = await runOn("wasm", compute);
    assert.deepEqual(Array.from(w!), Array.from(c!));
    assert.equal(c![0], 0, "an all -Infinity window routes nothing");
  });

  test("on the SIMD path (channels in fours) a row with such a window is redone by the cpu rule", async () => {
    const shape: [number, number, number, number] = [2, 4, 6, 4];
    const n = 2 * 4 * 6 * 4;
    const next = rng(11);
    const xv = Float32Array.from({ length: n }, () => Math.floor(next() * 3) - 1);
    // Image 0: window (0,0) channel 1 all -Infinity; window (1,2) channel 3 NaN beside a max.
    const at = (b: number, r: number, col: number, k: number) => ((b * 4 + r) * 6 + col) * 4 + k;
    for (const [r, col] of [
      [0, 0],
      [0, 1],
      [1, 0],
      [1, 1],
    ]) {
      xv[at(0, r!, col!, 1)] = -Infinity;
    }
    xv[at(0, 2, 4, 3)] = NaN;
    xv[at(0, 3, 5, 3)] = 7;
    // Image 1, channel 2: dy of +Infinity reaches only the first max.
    const dyv = Float32Array.from({ length: 2 * 2 * 3 * 4 }, (_, i) => (i === 2 * 3 * 4 + 2 ? Infinity : i + 1));
    const compute = () => {
      const x = tf.tensor4d(xv, shape);
      const dy = tf.tensor4d(dyv, [2, 2, 3, 4]);
      const y = tf.maxPool(x, 2, 2, "valid");
      return [tf.engine().runKernel("MaxPoolGrad", { dy, input: x, output: y }, { filterSize: 2, strides: 2, pad: "valid" }) as tf.Tensor];
    };
    const [c] = await runOn("cpu", compute);
    const [w] = await runOn("wasm", compute);
    assert.deepEqual(Array.from(w!), Array.from(c!));
    assert.equal(c![at(0, 0, 0, 1)], 0, "an all -Infinity window routes nothing");
    assert.equal(c![at(0, 3, 5, 3)], dyv[(1 * 3 + 2) * 4 + 3], "the max beside a NaN gets its dy");
  });
});

describe("dense / matmul gradients on wasm match cpu", () => {
  for (const [ta, tb] of [
    [false, false],
    [true, false],
    [false, true],
    [true, true],
  ] as const) {
    // [3, 8, 40] with transposeB alone: A·Bᵀ computed as (B·Aᵀ)ᵀ (a small batch through a wide dense layer).
    for (const [m, k, n] of [
      [7, 33, 5],
      [3, 8, 40],
    ] as const) {
      test(`matMul transposeA=${ta} transposeB=${tb}, plain and batched, [${m},${k}]·[${k},${n}]`, async () => {
        const next = rng(ta ? 11 : 13);
        const av = randomValues(2 * m * k, next);
        const bv = randomValues(2 * k * n, next);
        const rv = randomValues(2 * m * n, next);
        const compute = () => {
          const shapeA = ta ? [k, m] : [m, k];
          const shapeB = tb ? [n, k] : [k, n];
          const a2 = tf.tensor(av.subarray(0, m * k), shapeA);
          const b2 = tf.tensor(bv.subarray(0, k * n), shapeB);
          const a3 = tf.tensor(av, [2, ...shapeA]);
          const b3 = tf.tensor(bv, [2, ...shapeB]);
          const f2 = (a: tf.Tensor, b: tf.Tensor) =>
            tf
              .matMul(a, b, ta, tb)
              .mul(tf.tensor(rv.subarray(0, m * n), [m, n]))
              .sum();
          const f3 = (a: tf.Tensor, b: tf.Tensor) =>
            tf
              .matMul(a, b, ta, tb)
              .mul(tf.tensor(rv, [2, m, n]))
              .sum();
          const fused = (a: tf.Tensor, b: tf.Tensor) =>
            tf.fused
              .matMul({ a: a as tf.Tensor2D, b: b as tf.Tensor2D, transposeA: ta, transposeB: tb, bias: tf.ones([n]), activation: "relu" })
              .mul(tf.tensor(rv.subarray(0, m * n), [m, n]))
              .sum();
          return [...tf.grads(f2)([a2, b2]), ...tf.grads(f3)([a3, b3]), ...tf.grads(fused)([a2, b2]), tf.matMul(a3, b3, ta, tb)];
        };
        const cpu = await runOn("cpu", compute);
        const wasm = await runOn("wasm", compute);
        cpu.forEach((c, i) => assert.ok(relError(wasm[i]!, c) < TOL, `output ${i}: relative error ${relError(wasm[i]!, c)}`));
      });
    }
  }
});

describe("other kernels a CNN trains with, on wasm vs cpu", () => {
  test("sum over leading axes (bias gradients) and over other axes", async () => {
    const next = rng(5);
    const xv = randomValues(3 * 4 * 5 * 6, next);
    const compute = () => {
      const x = tf.tensor4d(xv, [3, 4, 5, 6]);
      return [x.sum([0, 1, 2]), x.sum([0, 1], true), x.sum(0), x.sum([1, 3]), x.sum(), x.sum([2, 0])];
    };
    const cpu = await runOn("cpu", compute);
    const wasm = await runOn("wasm", compute);
    cpu.forEach((c, i) => assert.ok(relError(wasm[i]!, c) < 1e-6, `sum ${i}: relative error ${relError(wasm[i]!, c)}`));
  });

  test("a small CNN's loss and every variable gradient (conv, relu, pools, dropout, dense, softmax CE)", async () => {
    const next = rng(99);
    const shapes: Record<string, number[]> = {
      c1: [3, 3, 2, 4],
      b1: [4],
      c2: [3, 3, 4, 6],
      b2: [6],
      d1: [6, 8],
      e1: [8],
      d2: [8, 5],
      e2: [5],
    };
    const values = Object.fromEntries(
      Object.entries(shapes).map(([k, s]) => [
        k,
        randomValues(
          s.reduce((a, b) => a * b, 1),
          next,
        ),
      ]),
    );
    const xv = randomValues(4 * 12 * 12 * 2, next);
    const labels = [0, 3, 1, 4];
    const compute = () => {
      const v = Object.fromEntries(Object.entries(shapes).map(([k, s]) => [k, tf.variable(tf.tensor(values[k]!, s))]));
      const x = tf.tensor4d(xv, [4, 12, 12, 2]);
      const y = tf.oneHot(tf.tensor1d(labels, "int32"), 5);
      const loss = () => {
        let h = tf.relu(tf.conv2d(x, v["c1"] as tf.Variable<tf.Rank.R4>, 1, "same").add<tf.Tensor4D>(v["b1"]!));
        h = tf.maxPool(h, 2, 2, "same");
        h = tf.relu(tf.conv2d(h, v["c2"] as tf.Variable<tf.Rank.R4>, 2, "valid").add<tf.Tensor4D>(v["b2"]!));
        h = tf.maxPool(h, 2, 2, "same");
        let f = h.reshape<tf.Tensor2D>([4, -1]);
        f = tf.dropout(f, 0.3, undefined, 42) as tf.Tensor2D;
        f = tf.relu(tf.matMul(f, v["d1"] as tf.Variable<tf.Rank.R2>).add<tf.Tensor2D>(v["e1"]!));
        const logits = tf.matMul(f, v["d2"] as tf.Variable<tf.Rank.R2>).add(v["e2"]!);
        return tf.losses.softmaxCrossEntropy(y, logits) as tf.Scalar;
      };
      const { value, grads } = tf.variableGrads(loss, Object.values(v));
      const out = [value, ...Object.keys(shapes).map((k) => grads[v[k]!.name]!)];
      Object.values(v).forEach((t) => t.dispose());
      return out;
    };
    const cpu = await runOn("cpu", compute);
    const wasm = await runOn("wasm", compute);
    assert.ok(Math.abs(cpu[0]![0]!) > 0, "loss should be non-zero");
    cpu.forEach((c, i) => assert.ok(relError(wasm[i]!, c) < TOL, `output ${i}: relative error ${relError(wasm[i]!, c)}`));
  });
});

describe("wasm training kernels: registration and refusals", () => {
  test("all are registered for wasm, and cpu keeps its own", () => {
    for (const name of WASM_TRAINING_KERNELS) {
      assert.ok(isOurWasmKernel(name), `${name} is not ours on wasm`);
    }
    const cpuKernel = tf.getKernel("Conv2DBackpropFilter", "cpu");
    const wasmKernel = tf.getKernel("Conv2DBackpropFilter", "wasm");
    assert.ok(cpuKernel && wasmKernel && cpuKernel.kernelFunc !== wasmKernel.kernelFunc);
  });

  const attrs = { strides: 1, pad: "same", dimRoundingMode: undefined };
  const refusals: [string, string, Record<string, unknown>, RegExp][] = [
    ["Conv2DBackpropFilter", "x", { ...attrs, dataFormat: "NCHW", filterShape: [3, 3, 2, 4] }, /supports dataFormat 'NHWC'.*got 'NCHW'/],
    [
      "Conv2DBackpropFilter",
      "x",
      { ...attrs, dataFormat: "NHWC", dilations: [2, 2], filterShape: [3, 3, 2, 4] },
      /dilation 1 only, got dilations \[2, 2\]/,
    ],
    ["Conv2DBackpropInput", "dy", { ...attrs, dataFormat: "NCHW", inputShape: [1, 5, 5, 2] }, /supports dataFormat 'NHWC'.*got 'NCHW'/],
    ["Conv2DBackpropInput", "dy", { ...attrs, dataFormat: "NHWC", dilations: 3, inputShape: [1, 5, 5, 2] }, /dilation 1 only/],
  ];
  for (const [kernel, _, attr, message] of refusals) {
    test(`${kernel} refuses ${JSON.stringify(attr["dataFormat"])} / dilations ${JSON.stringify(attr["dilations"] ?? 1)} with a named error`, async () => {
      await tf.setBackend("wasm");
      const before = tf.memory().numTensors;
      tf.tidy(() => {
        const x = tf.zeros([1, 5, 5, 2]);
        const dy = tf.zeros([1, 5, 5, 4]);
        const filter = tf.zeros([3, 3, 2, 4]);
        const inputs: tf.NamedTensorMap = kernel === "Conv2DBackpropFilter" ? { x, dy } : { dy, filter };
        assert.throws(() => tf.engine().runKernel(kernel, inputs, attr as unknown as tf.NamedAttrMap), message);
      });
      assert.equal(tf.memory().numTensors, before);
    });
  }

  test("int32 inputs are refused with a named error", async () => {
    await tf.setBackend("wasm");
    tf.tidy(() => {
      const x = tf.zeros([1, 5, 5, 2], "int32");
      const dy = tf.zeros([1, 5, 5, 4], "int32");
      assert.throws(
        () =>
          tf
            .engine()
            .runKernel("Conv2DBackpropFilter", { x, dy }, { strides: 1, pad: "same", dataFormat: "NHWC", filterShape: [3, 3, 2, 4] }),
        /supports float32 only, x is int32/,
      );
    });
  });

  test("a dilated convolution's gradient fails loudly instead of being wrong", async () => {
    await tf.setBackend("wasm");
    tf.tidy(() => {
      const x = tf.ones([1, 6, 6, 1]) as tf.Tensor4D;
      const w = tf.ones([2, 2, 1, 1]) as tf.Tensor4D;
      assert.throws(() => tf.grad((a: tf.Tensor) => tf.conv2d(a as tf.Tensor4D, w, 1, "valid", "NHWC", 2).sum())(x), /dilation/);
    });
  });
});
