/**
 * The convolution gradients on the project's GEMM on the tfjs heap (TSDL_GEMM=ours here; unset,
 * where relaxed SIMD is on and wasm runs one thread): against a float64 reference with blocks of
 * the batch smaller than the batch, and through tfjs's gradients against the cpu backend on odd
 * shapes, strides 1 and 2, 'same' and 'valid' (the cases the path does not take run the older
 * forms) — leaving no tensor or buffer behind.
 */
import { before, describe, test } from "node:test";
import assert from "node:assert/strict";
import * as tf from "@tensorflow/tfjs";
import { filterGradViaGemm, gemmFilterGradApplies } from "../src/wasm/filter-grad-gemm";
import { forwardGeometry, igemmPays, inputGradGeometry } from "../src/wasm/conv-igemm";
import { setWinogradEnabled } from "../src/wasm/conv-winograd";
import { GEMM_ENV, ourGemmRuns } from "../src/wasm/gemm-matmul";
import { asWasmBackend } from "../src/wasm/internals";
import { withScope } from "../src/wasm/kernel-scope";
import { backendDataIds, randomValues, relError, rng, runOn, useWasmAndCpu } from "./helpers";

before(async () => {
  process.env[GEMM_ENV] = "ours";
  // The 3×3 stride-1 cases would take Winograd (tested in conv-winograd.test.ts): here the implicit GEMM.
  setWinogradEnabled(false);
  await useWasmAndCpu();
});

interface Case {
  batch: number;
  h: number;
  w: number;
  ci: number;
  co: number;
  k: number;
  stride: number;
  pad: "same" | "valid";
}

/** dW in float64: Σ over images and output pixels of xpad · dy. */
function filterGradReference(c: Case, xv: Float32Array, dyv: Float32Array, info: tf.backend_util.Conv2DInfo): Float64Array {
  const out = new Float64Array(c.k * c.k * c.ci * c.co);
  const { top, left } = info.padInfo;
  for (let b = 0; b < c.batch; b++) {
    for (let y = 0; y < info.outHeight; y++) {
      for (let x = 0; x < info.outWidth; x++) {
        for (let i = 0; i < c.k; i++) {
          const r = y * c.stride + i - top;
          if (r < 0 || r >= c.h) continue;
          for (let j = 0; j < c.k; j++) {
            const col = x * c.stride + j - left;
            if (col < 0 || col >= c.w) continue;
            for (let ci = 0; ci < c.ci; ci++) {
              const xval = xv[((b * c.h + r) * c.w + col) * c.ci + ci]!;
              for (let co = 0; co < c.co; co++) {
                out[((i * c.k + j) * c.ci + ci) * c.co + co]! += xval * dyv[((b * info.outHeight + y) * info.outWidth + x) * c.co + co]!;
              }
            }
          }
        }
      }
    }
  }
  return out;
}

const info = (c: Case) => tf.backend_util.computeConv2DInfo([c.batch, c.h, c.w, c.ci], [c.k, c.k, c.ci, c.co], c.stride, 1, c.pad);

describe("dW on the heap GEMM", () => {
  test("TSDL_GEMM=ours makes it run; =xnnpack never", () => {
    assert.equal(ourGemmRuns({ [GEMM_ENV]: "ours" }), true);
    assert.equal(ourGemmRuns({ [GEMM_ENV]: "xnnpack" }), false);
  });

  const blocked: Case[] = [
    { batch: 5, h: 7, w: 9, ci: 3, co: 13, k: 3, stride: 1, pad: "same" },
    { batch: 4, h: 6, w: 5, ci: 1, co: 32, k: 3, stride: 1, pad: "same" },
    { batch: 3, h: 5, w: 5, ci: 9, co: 8, k: 5, stride: 1, pad: "same" },
    { batch: 3, h: 4, w: 7, ci: 2, co: 5, k: 2, stride: 1, pad: "same" },
    { batch: 2, h: 3, w: 3, ci: 4, co: 3, k: 1, stride: 1, pad: "valid" },
  ];
  for (const c of blocked) {
    test(`x[${c.batch},${c.h},${c.w},${c.ci}] W[${c.k},${c.k},${c.ci},${c.co}] ${c.pad}, blocks of one and two images, matches float64`, async () => {
      await tf.setBackend("wasm");
      const conv = info(c);
      assert.ok(gemmFilterGradApplies(conv));
      const next = rng(c.batch * 100 + c.ci * 10 + c.co);
      const xv = randomValues(c.batch * c.h * c.w * c.ci, next);
      const dyv = randomValues(c.batch * conv.outHeight * conv.outWidth * c.co, next);
      const want = filterGradReference(c, xv, dyv, conv);
      const backend = asWasmBackend(tf.backend(), "test");
      const x = tf.tensor4d(xv, [c.batch, c.h, c.w, c.ci]);
      const dy = tf.tensor4d(dyv, [c.batch, conv.outHeight, conv.outWidth, c.co]);
      const tensorsBefore = tf.memory().numTensors;
      const buffersBefore = backendDataIds();
      const m = c.k * c.k * c.ci;
      for (const images of [1, 2]) {
        const out = withScope(backend, (scope) => {
          const r = filterGradViaGemm(scope, x as unknown as tf.TensorInfo, dy as unknown as tf.TensorInfo, conv, images * m * c.h * c.w);
          assert.ok(r !== undefined, "the heap GEMM is not available on this backend");
          return r;
        });
        const got = tf.engine().makeTensorFromTensorInfo(out);
        assert.deepEqual(got.shape, [c.k, c.k, c.ci, c.co]);
        assert.ok(relError(got.dataSync(), want) < 1e-5, `blocks of ${images}: relative error ${relError(got.dataSync(), want)}`);
        got.dispose();
      }
      assert.equal(tf.memory().numTensors, tensorsBefore);
      assert.equal(backendDataIds(), buffersBefore);
      tf.dispose([x, dy]);
      await tf.setBackend("cpu");
    });
  }
});

describe("conv and its gradients with TSDL_GEMM=ours match cpu", () => {
  // Forward and dx take the implicit GEMM from 8 channels in and out (the first six here; the
  // first has more output pixels than one igemm call takes).
  const implicit: Case[] = [
    { batch: 3, h: 11, w: 10, ci: 8, co: 9, k: 3, stride: 1, pad: "same" },
    { batch: 2, h: 6, w: 5, ci: 16, co: 24, k: 3, stride: 1, pad: "same" },
    { batch: 2, h: 9, w: 7, ci: 8, co: 12, k: 3, stride: 2, pad: "same" },
    { batch: 3, h: 8, w: 9, ci: 9, co: 8, k: 3, stride: 2, pad: "valid" },
    { batch: 2, h: 7, w: 8, ci: 10, co: 9, k: 5, stride: 1, pad: "valid" },
    { batch: 3, h: 5, w: 6, ci: 8, co: 17, k: 1, stride: 1, pad: "same" },
  ];
  test("the sample's first six take the implicit GEMM forward and for dx, the rest do not", () => {
    for (const c of implicit) {
      assert.ok(igemmPays(forwardGeometry(info(c))) && igemmPays(inputGradGeometry(info(c))), JSON.stringify(c));
    }
    for (const c of cases) assert.ok(!igemmPays(forwardGeometry(info(c))) || !igemmPays(inputGradGeometry(info(c))), JSON.stringify(c));
  });
  const cases: Case[] = [
    { batch: 3, h: 9, w: 7, ci: 5, co: 11, k: 3, stride: 1, pad: "same" },
    { batch: 2, h: 8, w: 8, ci: 1, co: 32, k: 3, stride: 1, pad: "same" },
    { batch: 2, h: 7, w: 6, ci: 3, co: 4, k: 2, stride: 1, pad: "same" },
    { batch: 2, h: 9, w: 8, ci: 4, co: 6, k: 3, stride: 1, pad: "valid" },
    { batch: 2, h: 9, w: 8, ci: 4, co: 6, k: 3, stride: 2, pad: "same" },
    { batch: 3, h: 7, w: 9, ci: 2, co: 9, k: 3, stride: 2, pad: "valid" },
  ];
  for (const c of [...implicit, ...cases]) {
    test(`x[${c.batch},${c.h},${c.w},${c.ci}] W[${c.k},${c.k},${c.ci},${c.co}] stride ${c.stride} ${c.pad}`, async () => {
      const conv = info(c);
      const next = rng(c.h * 1000 + c.w * 100 + c.co);
      const xv = randomValues(c.batch * c.h * c.w * c.ci, next);
      const wv = randomValues(c.k * c.k * c.ci * c.co, next);
      const rv = randomValues(c.batch * conv.outHeight * conv.outWidth * c.co, next);
      const compute = () => {
        const x = tf.tensor4d(xv, [c.batch, c.h, c.w, c.ci]);
        const w = tf.tensor4d(wv, [c.k, c.k, c.ci, c.co]);
        const r = tf.tensor4d(rv, [c.batch, conv.outHeight, conv.outWidth, c.co]);
        const f = (a: tf.Tensor, b: tf.Tensor) =>
          tf
            .conv2d(a as tf.Tensor4D, b as tf.Tensor4D, c.stride, c.pad)
            .mul(r)
            .sum();
        return [...tf.grads(f)([x, w]), tf.conv2d(x, w, c.stride, c.pad)];
      };
      const [cdx, cdw, cy] = await runOn("cpu", compute);
      const [wdx, wdw, wy] = await runOn("wasm", compute);
      assert.ok(relError(wdx!, cdx!) < 1e-4, `dx relative error ${relError(wdx!, cdx!)}`);
      assert.ok(relError(wdw!, cdw!) < 1e-4, `dW relative error ${relError(wdw!, cdw!)}`);
      assert.ok(relError(wy!, cy!) < 1e-4, `y relative error ${relError(wy!, cy!)}`);
    });
  }
});
