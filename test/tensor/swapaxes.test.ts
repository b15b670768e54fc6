import { before, describe, test } from "node:test";
import assert from "node:assert/strict";
import * as tf from "@tensorflow/tfjs";
import { swapaxes } from "../../src/tensor/swapaxes";

/** Reference: element at index idx of the swapped tensor is the input's element with idx[a], idx[b] exchanged. */
function checkSwap(input: tf.Tensor, out: tf.Tensor, a: number, b: number): void {
  const rank = input.rank;
  const [i, j] = [(a + rank) % rank, (b + rank) % rank];
  const expectedShape = [...input.shape];
  [expectedShape[i], expectedShape[j]] = [expectedShape[j]!, expectedShape[i]!];
  assert.deepEqual(out.shape, expectedShape);
  const inBuf = input.bufferSync();
  const outBuf = out.bufferSync();
  for (let flat = 0; flat < out.size; flat++) {
    const idx = outBuf.indexToLoc(flat);
    const src = [...idx];
    [src[i], src[j]] = [src[j]!, src[i]!];
    assert.equal(outBuf.get(...idx), inBuf.get(...src), `at [${idx}]`);
  }
}

for (const backend of ["cpu", "wasm"] as const) {
  describe(`[${backend}]`, () => {
    before(async () => {
      if (backend === "wasm") {
        const wasm = await import("@tensorflow/tfjs-backend-wasm");
        const path = await import("node:path");
        wasm.setWasmPaths(path.join(path.dirname(require.resolve("@tensorflow/tfjs-backend-wasm/package.json")), "dist") + path.sep);
      }
      assert.equal(await tf.setBackend(backend), true);
    });

    test(`swapaxes: (1,3) → (3,1) with the values moving along`, () => {
      const before = tf.memory().numTensors;
      const row = tf.tensor2d([[1, 2, 3]]);
      const col = swapaxes(row, 0, 1);
      assert.deepEqual(col.shape, [3, 1]);
      assert.deepEqual(col.arraySync(), [[1], [2], [3]]);
      tf.dispose([row, col]);
      assert.equal(tf.memory().numTensors, before);
    });

    test(`swapaxes: (1,4,2) → (4,1,2), (2,4,1), (1,2,4); values match the index rule`, () => {
      const before = tf.memory().numTensors;
      const t = tf.tidy(() => tf.range(0, 8).reshape([1, 4, 2]));
      const cases: [number, number, number[]][] = [
        [0, 1, [4, 1, 2]],
        [0, 2, [2, 4, 1]],
        [1, 2, [1, 2, 4]],
      ];
      for (const [a, b, shape] of cases) {
        const s = swapaxes(t, a, b);
        assert.deepEqual(s.shape, shape);
        checkSwap(t, s, a, b);
        s.dispose();
      }
      // 1↔2 is a transpose of the 4×2 matrix inside: [[0,1],[2,3],[4,5],[6,7]] → [[0,2,4,6],[1,3,5,7]]
      const s12 = swapaxes(t, 1, 2);
      assert.deepEqual(s12.arraySync(), [
        [
          [0, 2, 4, 6],
          [1, 3, 5, 7],
        ],
      ]);
      tf.dispose([t, s12]);
      assert.equal(tf.memory().numTensors, before);
    });

    test(`swapaxes: negative axes count from the end; N×H×W×C → C×H×W×N`, () => {
      const before = tf.memory().numTensors;
      const maps = tf.randomUniform([1, 3, 4, 5], 0, 1, "float32", 7);
      const viaNegative = swapaxes(maps, 0, -1);
      const viaPositive = swapaxes(maps, 0, 3);
      assert.deepEqual(viaNegative.shape, [5, 3, 4, 1]);
      assert.deepEqual(viaNegative.arraySync(), viaPositive.arraySync());
      checkSwap(maps, viaNegative, 0, -1);
      const back = swapaxes(viaNegative, -4, -1);
      assert.deepEqual(back.arraySync(), maps.arraySync());
      tf.dispose([maps, viaNegative, viaPositive, back]);
      assert.equal(tf.memory().numTensors, before);
    });

    test(`swapaxes: a == b gives a copy, not the same tensor`, () => {
      const before = tf.memory().numTensors;
      const t = tf.tensor2d([[1, 2]]);
      const same = swapaxes(t, 1, -1);
      assert.notEqual(same, t);
      assert.deepEqual(same.arraySync(), t.arraySync());
      same.dispose();
      assert.equal(t.isDisposed, false, "disposing the copy leaves the input alive");
      assert.deepEqual(t.arraySync(), [[1, 2]]);
      t.dispose();
      assert.equal(tf.memory().numTensors, before);
    });
  });
}

test("swapaxes: bad axes are clear errors and leave no tensor behind", () => {
  const before = tf.memory().numTensors;
  const t = tf.zeros([1, 4, 2]);
  assert.throws(() => swapaxes(t, 0, 3), /axis b = 3 is out of range for a rank-3 tensor \(valid: -3..2\)/);
  assert.throws(() => swapaxes(t, -4, 0), /axis a = -4 is out of range/);
  assert.throws(() => swapaxes(t, 0.5, 1), /axis a must be an integer, got 0.5/);
  const scalar = tf.scalar(1);
  assert.throws(() => swapaxes(scalar, 0, 0), /scalar \(rank-0 tensor\) has no axes/);
  tf.dispose([t, scalar]);
  assert.equal(tf.memory().numTensors, before);
});

test("swapaxes called from JavaScript with an array names what it expected", () => {
  const untyped = swapaxes as (t: unknown, a: number, b: number) => unknown;
  assert.throws(() => untyped([[1, 2]], 0, 1), /swapaxes: expected a tf\.Tensor, got \[\[1,2\]\] \(make one with tf\.tensor\(\.\.\.\)\)/);
});
