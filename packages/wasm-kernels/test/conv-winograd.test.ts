/**
 * Winograd's F(2×2, 3×3) on the tfjs heap (conv-winograd.ts, TSDL_GEMM=ours here): the forward
 * convolution, the input gradient and (by F(3×3, 2×2), conv-winograd-filter.ts) the filter
 * gradient against float64 references, called directly with blocks smaller than the tiles so
 * that blocks and their ragged ends are exercised, and through tfjs's
 * kernels and gradients against the cpu backend — on odd shapes (H and W odd and even, 1×1 and
 * 2×2 images, channels not multiples of 4, batch 1 and 3, 'same' and 'valid'), leaving no tensor
 * or buffer behind.
 *
 * Tolerance: 1e-5 of the largest reference value, above every error measured on the
 * reference CNN's layers 2 and 3 at batch 100 against float64 (x uniform in [0, 1), W Glorot
 * uniform, dy in [−1, 1)): y and dx 3.0–4.5e-7 by Winograd, 0.8–1.2e-6 by the implicit GEMM;
 * dW (a sum over 19,600 or 4,900 pixels) 1.3–2.3e-6 by Winograd, 2.1–6.8e-6 by the im2col GEMM.
 * Winograd sums C products per element instead of 9·C (dW: a quarter as many tiles as pixels),
 * and its transforms' coefficients (±1, ½) round little. A wrong tap or transform errs by the
 * order of the values themselves.
 */
import { before, describe, test } from "node:test";
import assert from "node:assert/strict";
import * as tf from "@tensorflow/tfjs";
import {
  filterTransform,
  setWinogradEnabled,
  type WinogradConv,
  winogradConv,
  winogradForward,
  winogradInputGrad,
  winogradPays,
} from "../src/wasm/conv-winograd";
import { winogradFilterGrad } from "../src/wasm/conv-winograd-filter";
import { GEMM_ENV } from "../src/wasm/gemm-matmul";
import { asWasmBackend } from "../src/wasm/internals";
import { withScope } from "../src/wasm/kernel-scope";
import { backendDataIds, randomValues, relError, rng, runOn, useWasmAndCpu } from "./helpers";

before(async () => {
  process.env[GEMM_ENV] = "ours";
  setWinogradEnabled(true);
  await useWasmAndCpu();
});

interface Case {
  batch: number;
  h: number;
  w: number;
  ci: number;
  co: number;
  pad: "same" | "valid";
}

const cases: Case[] = [
  { batch: 3, h: 7, w: 6, ci: 9, co: 13, pad: "same" },
  { batch: 1, h: 8, w: 9, ci: 16, co: 8, pad: "same" },
  { batch: 3, h: 1, w: 1, ci: 10, co: 11, pad: "same" },
  { batch: 1, h: 2, w: 2, ci: 8, co: 17, pad: "same" },
  { batch: 3, h: 5, w: 5, ci: 12, co: 20, pad: "valid" },
  { batch: 1, h: 4, w: 7, ci: 11, co: 9, pad: "valid" },
];

const info = (c: Case) => tf.backend_util.computeConv2DInfo([c.batch, c.h, c.w, c.ci], [3, 3, c.ci, c.co], 1, 1, c.pad);

/** out[b, r, s, k] = Σ src[b, r − top + i, s − left + j, c] · filter[i, j, c, k], in float64. */
function reference(g: WinogradConv, src: Float32Array, filter: Float32Array): Float64Array {
  const out = new Float64Array(g.batch * g.oh * g.ow * g.k);
  for (let b = 0; b < g.batch; b++) {
    for (let r = 0; r < g.oh; r++) {
      for (let s = 0; s < g.ow; s++) {
        const o = ((b * g.oh + r) * g.ow + s) * g.k;
        for (let i = 0; i < 3; i++) {
          const y = r - g.top + i;
          if (y < 0 || y >= g.h) continue;
          for (let j = 0; j < 3; j++) {
            const x = s - g.left + j;
            if (x < 0 || x >= g.w) continue;
            for (let c = 0; c < g.c; c++) {
              const v = src[((b * g.h + y) * g.w + x) * g.c + c]!;
              for (let k = 0; k < g.k; k++) out[o + k]! += v * filter[((i * 3 + j) * g.c + c) * g.k + k]!;
            }
          }
        }
      }
    }
  }
  return out;
}

/** dW[i, j, c, k] = Σ x[b, r − top + i, s − left + j, c] · dy[b, r, s, k], in float64. */
function filterGradReference(g: WinogradConv, x: Float32Array, dy: Float32Array): Float64Array {
  const out = new Float64Array(9 * g.c * g.k);
  for (let b = 0; b < g.batch; b++) {
    for (let r = 0; r < g.oh; r++) {
      for (let s = 0; s < g.ow; s++) {
        const d = ((b * g.oh + r) * g.ow + s) * g.k;
        for (let i = 0; i < 3; i++) {
          const y = r - g.top + i;
          if (y < 0 || y >= g.h) continue;
          for (let j = 0; j < 3; j++) {
            const col = s - g.left + j;
            if (col < 0 || col >= g.w) continue;
            for (let c = 0; c < g.c; c++) {
              const v = x[((b * g.h + y) * g.w + col) * g.c + c]!;
              for (let k = 0; k < g.k; k++) out[((i * 3 + j) * g.c + c) * g.k + k]! += v * dy[d + k]!;
            }
          }
        }
      }
    }
  }
  return out;
}

/** W'[i, j, k, c] = W[2 − i, 2 − j, c, k]: the input gradient's filter. */
function flipSwap(filter: Float32Array, ci: number, co: number): Float32Array {
  const out = new Float32Array(filter.length);
  for (let i = 0; i < 3; i++) {
    for (let j = 0; j < 3; j++) {
      for (let k = 0; k < co; k++) {
        for (let c = 0; c < ci; c++) out[((i * 3 + j) * co + k) * ci + c] = filter[(((2 - i) * 3 + (2 - j)) * ci + c) * co + k]!;
      }
    }
  }
  return out;
}

describe("Winograd F(2×2, 3×3)", () => {
  test("the filter transform of a single tap is G's outer product: U = G e Gᵀ", () => {
    // g = 1 at (1, 1) only: U[i][j] = G[i][1]·G[j][1] with G's middle column (0, ½, −½, 0).
    const filter = new Float32Array(9);
    filter[4] = 1;
    const u = new Float32Array(16);
    filterTransform(filter, 1, 1, u);
    const col = [0, 0.5, -0.5, 0];
    assert.deepEqual(
      [...u],
      col.flatMap((a) => col.map((b) => a * b + 0)),
    );
  });

  test("applies to 3×3 stride-1 convolutions with at least 8 channels in and out, and can be turned off", () => {
    for (const c of cases)
      assert.ok(winogradPays(winogradForward(info(c))!) && winogradPays(winogradInputGrad(info(c))!), JSON.stringify(c));
    const strided = tf.backend_util.computeConv2DInfo([1, 8, 8, 16], [3, 3, 16, 16], 2, 1, "same");
    assert.equal(winogradForward(strided), undefined);
    assert.equal(winogradForward(tf.backend_util.computeConv2DInfo([1, 8, 8, 16], [5, 5, 16, 16], 1, 1, "same")), undefined);
    assert.equal(winogradPays(winogradForward(info({ batch: 1, h: 8, w: 8, ci: 4, co: 16, pad: "same" }))!), false);
    setWinogradEnabled(false);
    assert.equal(winogradPays(winogradForward(info(cases[0]!))!), false);
    setWinogradEnabled(true);
  });

  for (const c of cases) {
    for (const kernel of ["forward", "input gradient"] as const) {
      test(`${kernel}, x[${c.batch},${c.h},${c.w},${c.ci}] W[3,3,${c.ci},${c.co}] ${c.pad}, blocks of 12 and 24 tiles, matches float64`, async () => {
        await tf.setBackend("wasm");
        const conv = info(c);
        const g = (kernel === "forward" ? winogradForward : winogradInputGrad)(conv)!;
        const next = rng(c.h * 1000 + c.w * 100 + c.co + (kernel === "forward" ? 0 : 7));
        const srcV = randomValues(g.batch * g.h * g.w * g.c, next);
        const wv = randomValues(9 * c.ci * c.co, next);
        const filterV = kernel === "forward" ? wv : flipSwap(wv, c.ci, c.co);
        const want = reference(g, srcV, filterV);
        const backend = asWasmBackend(tf.backend(), "test");
        const src = tf.tensor4d(srcV, [g.batch, g.h, g.w, g.c]);
        const filter = tf.tensor4d(filterV, [3, 3, g.c, g.k]);
        const tensorsBefore = tf.memory().numTensors;
        const buffersBefore = backendDataIds();
        for (const blockTiles of [12, 24]) {
          const out = withScope(backend, (scope) => {
            const r = winogradConv(scope, src as unknown as tf.TensorInfo, filter as unknown as tf.TensorInfo, g, blockTiles);
            assert.ok(r !== undefined, "the heap GEMM or the transforms are not available on this backend");
            return r;
          });
          const got = tf.engine().makeTensorFromTensorInfo(out);
          assert.deepEqual(got.shape, [g.batch, g.oh, g.ow, g.k]);
          const err = relError(got.dataSync(), want);
          assert.ok(err < 1e-5, `blocks of ${blockTiles}: relative error ${err}`);
          got.dispose();
        }
        assert.equal(tf.memory().numTensors, tensorsBefore);
        assert.equal(backendDataIds(), buffersBefore);
        tf.dispose([src, filter]);
        await tf.setBackend("cpu");
      });
    }

    test(`filter gradient, x[${c.batch},${c.h},${c.w},${c.ci}] W[3,3,${c.ci},${c.co}] ${c.pad}, blocks of 5 and 12 tiles, matches float64`, async () => {
      await tf.setBackend("wasm");
      const g = winogradForward(info(c))!;
      const next = rng(c.h * 1000 + c.w * 100 + c.co + 11);
      const xv = randomValues(g.batch * g.h * g.w * g.c, next);
      const dyv = randomValues(g.batch * g.oh * g.ow * g.k, next);
      const want = filterGradReference(g, xv, dyv);
      const backend = asWasmBackend(tf.backend(), "test");
      const x = tf.tensor4d(xv, [g.batch, g.h, g.w, g.c]);
      const dy = tf.tensor4d(dyv, [g.batch, g.oh, g.ow, g.k]);
      const tensorsBefore = tf.memory().numTensors;
      const buffersBefore = backendDataIds();
      for (const blockTiles of [5, 12]) {
        const out = withScope(backend, (scope) => {
          const r = winogradFilterGrad(scope, x as unknown as tf.TensorInfo, dy as unknown as tf.TensorInfo, g, blockTiles);
          assert.ok(r !== undefined, "the heap GEMM or the transforms are not available on this backend");
          return r;
        });
        const got = tf.engine().makeTensorFromTensorInfo(out);
        assert.deepEqual(got.shape, [3, 3, g.c, g.k]);
        const err = relError(got.dataSync(), want);
        assert.ok(err < 1e-5, `blocks of ${blockTiles}: relative error ${err}`);
        got.dispose();
      }
      assert.equal(tf.memory().numTensors, tensorsBefore);
      assert.equal(backendDataIds(), buffersBefore);
      tf.dispose([x, dy]);
      await tf.setBackend("cpu");
    });

    test(`through tfjs: y, dx and dW of x[${c.batch},${c.h},${c.w},${c.ci}] W[3,3,${c.ci},${c.co}] ${c.pad} match cpu`, async () => {
      const conv = info(c);
      const next = rng(c.h * 1000 + c.w * 100 + c.co + 3);
      const xv = randomValues(c.batch * c.h * c.w * c.ci, next);
      const wv = randomValues(9 * c.ci * c.co, next);
      const rv = randomValues(c.batch * conv.outHeight * conv.outWidth * c.co, next);
      const compute = () => {
        const x = tf.tensor4d(xv, [c.batch, c.h, c.w, c.ci]);
        const w = tf.tensor4d(wv, [3, 3, c.ci, c.co]);
        const r = tf.tensor4d(rv, [c.batch, conv.outHeight, conv.outWidth, c.co]);
        const f = (a: tf.Tensor, b: tf.Tensor) =>
          tf
            .conv2d(a as tf.Tensor4D, b as tf.Tensor4D, 1, c.pad)
            .mul(r)
            .sum();
        return [...tf.grads(f)([x, w]), tf.conv2d(x, w, 1, c.pad)];
      };
      const [cdx, cdw, cy] = await runOn("cpu", compute);
      const [wdx, wdw, wy] = await runOn("wasm", compute);
      assert.ok(relError(wy!, cy!) < 1e-5, `y relative error ${relError(wy!, cy!)}`);
      assert.ok(relError(wdx!, cdx!) < 1e-5, `dx relative error ${relError(wdx!, cdx!)}`);
      assert.ok(relError(wdw!, cdw!) < 1e-5, `dW relative error ${relError(wdw!, cdw!)}`);
    });
  }
});
