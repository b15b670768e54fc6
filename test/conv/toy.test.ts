import { before, describe, test } from "node:test";
import assert from "node:assert/strict";
import * as path from "node:path";
import * as tf from "@tensorflow/tfjs";
import { conv2dToy, maxPoolToy } from "../../src/conv/toy";
import { toFilter4D, toMatrix, toTensor4D } from "../../src/tensor/convert";

const IMAGE = [
  [1, 2, 3],
  [4, 5, 6],
  [7, 8, 9],
];
const ONES = [
  [1, 1],
  [1, 1],
];

/** Sum of each 2×2 window of IMAGE, zero outside (bottom/right padding): the reference for the numbers below. */
function windowSums(padding: "same" | "valid"): number[][] {
  const n = padding === "same" ? 3 : 2;
  const at = (r: number, c: number) => IMAGE[r]?.[c] ?? 0;
  return Array.from({ length: n }, (_, r) =>
    Array.from({ length: n }, (_, c) => at(r, c) + at(r, c + 1) + at(r + 1, c) + at(r + 1, c + 1)),
  );
}

// The lesson's numbers must be exact on the backend the notebooks use (wasm) as well as on cpu.
for (const backend of ["cpu", "wasm"] as const) {
  describe(`[${backend}]`, () => {
    before(async () => {
      if (backend === "wasm") {
        const wasm = await import("@tensorflow/tfjs-backend-wasm");
        wasm.setWasmPaths(path.join(path.dirname(require.resolve("@tensorflow/tfjs-backend-wasm/package.json")), "dist") + path.sep);
      }
      assert.equal(await tf.setBackend(backend), true);
    });

    test(`conv2dToy: 1..9 with a 2×2 filter of ones, stride 1`, () => {
      const before = tf.memory().numTensors;
      const valid = conv2dToy(IMAGE, ONES, { padding: "valid" });
      assert.deepEqual(valid.shape, [1, 2, 2, 1]);
      assert.deepEqual(toMatrix(valid), [
        [12, 16],
        [24, 28],
      ]);
      assert.deepEqual(toMatrix(valid), windowSums("valid"));
      const same = conv2dToy(IMAGE, ONES, { stride: 1, padding: "same" });
      assert.deepEqual(same.shape, [1, 3, 3, 1]);
      assert.deepEqual(toMatrix(same), [
        [12, 16, 9],
        [24, 28, 15],
        [15, 17, 9],
      ]);
      assert.deepEqual(toMatrix(same), windowSums("same"));
      tf.dispose([valid, same]);
      assert.equal(tf.memory().numTensors, before);
    });

    test(`conv2dToy: three filters (ones ×1, ×10, ×−1) give the maps ×1, ×10, ×−1`, () => {
      const before = tf.memory().numTensors;
      const x = toTensor4D(IMAGE);
      const w = toFilter4D(
        ONES,
        ONES.map((r) => r.map((v) => v * 10)),
        ONES.map((r) => r.map((v) => -v)),
      );
      const out = conv2dToy(x, w, { padding: "valid" });
      assert.deepEqual(out.shape, [1, 2, 2, 3]);
      const base = windowSums("valid");
      [1, 10, -1].forEach((scale, k) => {
        assert.deepEqual(
          toMatrix(out, k),
          base.map((r) => r.map((v) => v * scale)),
        );
      });
      assert.equal(x.isDisposed || w.isDisposed, false, "the caller's tensors stay alive");
      tf.dispose([x, w, out]);
      assert.equal(tf.memory().numTensors, before);
    });

    test(`conv2dToy: stride 2 on a 28×28 input with SAME gives 14×14`, () => {
      const before = tf.memory().numTensors;
      const x = tf.ones([1, 28, 28, 1]) as tf.Tensor4D;
      const w = tf.ones([3, 3, 1, 5]) as tf.Tensor4D;
      const out = conv2dToy(x, w, { stride: 2, padding: "same" });
      assert.deepEqual(out.shape, [1, 14, 14, 5]);
      // TF pads 0 rows on top and 1 at the bottom here, so the top-left window is fully inside (sum 9)
      // and the bottom-right one covers a 2×2 corner (sum 4).
      assert.equal(toMatrix(out, 0)[0]![0], 9);
      assert.equal(toMatrix(out, 0)[13]![13], 4);
      tf.dispose([x, w, out]);
      assert.equal(tf.memory().numTensors, before);
    });

    test(`maxPoolToy: 2×2, stride 1, SAME on 1..9; stride 2 VALID for contrast`, () => {
      const before = tf.memory().numTensors;
      const same = maxPoolToy(IMAGE, { size: 2, stride: 1, padding: "same" });
      assert.deepEqual(toMatrix(same), [
        [5, 6, 6],
        [8, 9, 9],
        [8, 9, 9],
      ]);
      const valid = maxPoolToy(IMAGE, { padding: "valid" }); // size 2, stride defaults to the size
      assert.deepEqual(valid.shape, [1, 1, 1, 1]);
      assert.deepEqual(toMatrix(valid), [[5]]);
      const x = tf.tidy(() => tf.concat([toTensor4D(IMAGE), toTensor4D(IMAGE).neg()], 3)) as tf.Tensor4D;
      const perChannel = maxPoolToy(x, { stride: 1, padding: "valid" });
      assert.deepEqual(toMatrix(perChannel, 0), [
        [5, 6],
        [8, 9],
      ]);
      assert.deepEqual(
        toMatrix(perChannel, 1),
        [
          [-1, -2],
          [-4, -5],
        ],
        "channels are pooled separately",
      );
      tf.dispose([same, valid, x, perChannel]);
      assert.equal(tf.memory().numTensors, before);
    });
  });
}

test("conv2dToy / maxPoolToy: bad options and shapes are clear errors; nothing leaks", () => {
  const before = tf.memory().numTensors;
  const opts = (o: unknown) => o as { padding: "same" };
  assert.throws(() => conv2dToy(IMAGE, ONES, opts({ padding: "full" })), /unknown padding "full": expected "same" or "valid"/);
  assert.throws(() => conv2dToy(IMAGE, ONES, opts({})), /unknown padding undefined/);
  assert.throws(() => conv2dToy(IMAGE, ONES, opts(undefined)), /pass options/);
  assert.throws(() => conv2dToy(IMAGE, ONES, { stride: 0, padding: "same" }), /stride must be a positive integer, got 0/);
  assert.throws(() => conv2dToy(IMAGE, ONES, { stride: 1.5, padding: "same" }), /stride must be a positive integer/);
  assert.throws(() => conv2dToy([[1, 2]], ONES, { padding: "valid" }), /2-wide filter does not fit in a 1-wide input with VALID/);
  const rgb = tf.zeros([1, 3, 3, 3]) as tf.Tensor4D;
  assert.throws(() => conv2dToy(rgb, ONES, { padding: "same" }), /image has 3 channel\(s\) but the filters expect 1/);
  const img3 = tf.zeros([3, 3, 1]) as unknown as tf.Tensor4D;
  assert.throws(() => conv2dToy(img3, ONES, { padding: "same" }), /image must be rank 4 \(N×H×W×C\), got \[3, 3, 1\]/);
  const w3 = tf.zeros([2, 2, 1]) as unknown as tf.Tensor4D;
  assert.throws(() => conv2dToy(IMAGE, w3, { padding: "same" }), /filters must be rank 4 \(FH×FW×Cin×Cout\)/);
  assert.throws(() => maxPoolToy(IMAGE, { size: 4, padding: "valid" }), /4-wide filter does not fit in a 3-wide input/);
  assert.throws(() => maxPoolToy(IMAGE, opts({ padding: "SAME" })), /unknown padding "SAME"/);
  assert.throws(() => maxPoolToy(IMAGE, { size: 0, padding: "same" }), /size must be a positive integer/);
  tf.dispose([rgb, img3, w3]);
  assert.equal(tf.memory().numTensors, before);
});
