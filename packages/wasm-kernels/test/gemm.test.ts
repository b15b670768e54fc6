/**
 * The wasm GEMM (gemm/): C += A·B against a float64 reference on shapes that hit every
 * edge (1×1×1, tiles cut in both directions, k past one cache block, the MLP's and CNN's shapes),
 * both instruction sets where the engine has relaxed SIMD, each in both tiles (4×8, 6×8), which
 * kernel is the default where, and the checks at the door. On Node 20
 * relaxed SIMD is behind a flag: there this file runs itself again with the flag, so the FMA
 * kernel is tested on every Node line.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { WasmGemm, relaxedSimdAvailable } from "../src/gemm/gemm";
import { gemmModuleBytes } from "../src/gemm/micro-kernel";
import { sleb, uleb } from "../src/gemm/wasm-binary";

const RELAXED_FLAG = "--experimental-wasm-relaxed-simd";

/** Deterministic values in [-1, 1) (a small LCG), so a failure repeats. */
function values(count: number, seed: number): Float32Array {
  const out = new Float32Array(count);
  let s = seed >>> 0;
  for (let i = 0; i < count; i++) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    out[i] = s / 2 ** 31 - 1;
  }
  return out;
}

/** C + A·B in float64, and Σ|A||B| per element (what float32 rounding error scales with). */
function reference(a: Float32Array, b: Float32Array, c: Float32Array, m: number, n: number, k: number) {
  const sum = new Float64Array(m * n);
  const scale = new Float64Array(m * n);
  for (let i = 0; i < m; i++) {
    for (let j = 0; j < n; j++) {
      let s = c[i * n + j]!;
      let mag = Math.abs(s);
      for (let p = 0; p < k; p++) {
        const t = a[i * k + p]! * b[p * n + j]!;
        s += t;
        mag += Math.abs(t);
      }
      sum[i * n + j] = s;
      scale[i * n + j] = mag;
    }
  }
  return { sum, scale };
}

const SHAPES: [number, number, number][] = [
  [1, 1, 1],
  [7, 13, 5],
  [4, 8, 1],
  [5, 9, 300], // k over two blocks of 128 steps and a part
  [33, 17, 64],
  [100, 784, 128],
  [100, 256, 784], // the MLP's first layer
  [130, 10, 257],
];

// Each instruction set in its default tile and in the other one.
const kernels = [false, ...(relaxedSimdAvailable() ? [true] : [])].flatMap((fma) => [
  new WasmGemm({ fma }),
  new WasmGemm({ fma, mr: fma ? 4 : 6 }),
]);

for (const gemm of kernels) {
  const label = `${gemm.shape.mr}×${gemm.shape.nr}, ${gemm.shape.fma ? "relaxed-SIMD FMA" : "plain SIMD"}`;
  test(`gemm (${label}): C += A·B matches float64 on odd and real shapes`, () => {
    for (const [m, n, k] of SHAPES) {
      const a = values(m * k, m + 1);
      const b = values(k * n, n + 2);
      const c = values(m * n, k + 3);
      const { sum, scale } = reference(a, b, c, m, n, k);
      gemm.multiplyAdd(a, b, c, m, n, k);
      for (let i = 0; i < m * n; i++) {
        // Float32 accumulation of k products: error below k·2⁻²⁴ of Σ|terms| (plus the final rounding).
        const bound = (k + 2) * 2 ** -24 * scale[i]!;
        assert.ok(Math.abs(c[i]! - sum[i]!) <= bound, `${m}×${n}×${k} at ${i}: ${c[i]} vs ${sum[i]} (bound ${bound})`);
      }
    }
  });

  test(`gemm (${label}): exact on small integers, and a second call adds again`, () => {
    const [m, n, k] = [3, 5, 2];
    const a = Float32Array.from([1, 2, 3, 4, 5, 6]); // [[1,2],[3,4],[5,6]]
    const b = Float32Array.from([1, 0, -1, 2, 1, 0, 1, 1, 0, -2]); // [[1,0,-1,2,1],[0,1,1,0,-2]]
    const c = new Float32Array(m * n);
    gemm.multiplyAdd(a, b, c, m, n, k);
    assert.deepEqual([...c], [1, 2, 1, 2, -3, 3, 4, 1, 6, -5, 5, 6, 1, 10, -7]);
    gemm.multiplyAdd(a, b, c, m, n, k);
    assert.deepEqual([...c], [2, 4, 2, 4, -6, 6, 8, 2, 12, -10, 10, 12, 2, 20, -14]);
  });
}

test("gemm: k = 0 or an empty side leaves C as it is", () => {
  const gemm = kernels[0]!;
  const c = Float32Array.from([1, 2, 3, 4]);
  gemm.multiplyAdd(new Float32Array(0), new Float32Array(0), c, 2, 2, 0);
  assert.deepEqual([...c], [1, 2, 3, 4]);
  gemm.multiplyAdd(new Float32Array(0), new Float32Array(6), new Float32Array(0), 0, 2, 3);
});

test("gemm: wrong sizes and dimensions are refused with the numbers", () => {
  const gemm = kernels[0]!;
  assert.throws(
    () => gemm.multiplyAdd(new Float32Array(5), new Float32Array(6), new Float32Array(4), 2, 2, 3),
    /A has 5 values, expected m·k = 2·3 = 6/,
  );
  assert.throws(
    () => gemm.multiplyAdd(new Float32Array(6), new Float32Array(5), new Float32Array(4), 2, 2, 3),
    /B has 5 values, expected k·n = 3·2 = 6/,
  );
  assert.throws(
    () => gemm.multiplyAdd(new Float32Array(6), new Float32Array(6), new Float32Array(3), 2, 2, 3),
    /C has 3 values, expected m·n/,
  );
  assert.throws(
    () => gemm.multiplyAdd(new Float32Array(0), new Float32Array(0), new Float32Array(0), -1, 2, 0),
    /m must be a non-negative integer, got -1/,
  );
  assert.throws(() => new WasmGemm({ nr: 6 }), /nr must be a positive multiple of 4, got 6/);
  assert.throws(() => new WasmGemm({ mr: 8, nr: 8 }), /more than 16 vector registers/);
});

test("gemm: relaxed SIMD asked for where it is off is an error that says so", {
  skip: relaxedSimdAvailable() && "relaxed SIMD is on here",
}, () => {
  assert.throws(() => new WasmGemm({ fma: true }), /relaxed SIMD \(f32x4\.relaxed_madd\) is not available/);
});

test("gemm: the default kernel is 6×8 with FMA where relaxed SIMD is on, else 4×8 plain SIMD (Node 20 without the flag)", () => {
  const major = Number(process.versions.node.split(".")[0]);
  if (major >= 22 || process.execArgv.includes(RELAXED_FLAG)) assert.equal(relaxedSimdAvailable(), true);
  else assert.equal(relaxedSimdAvailable(), false);
  assert.deepEqual(new WasmGemm().shape, relaxedSimdAvailable() ? { mr: 6, nr: 8, fma: true } : { mr: 4, nr: 8, fma: false });
});

test("gemm: both modules validate only as they should (FMA needs relaxed SIMD)", () => {
  const validate = (globalThis as unknown as { WebAssembly: { validate(b: Uint8Array): boolean } }).WebAssembly.validate;
  assert.equal(validate(gemmModuleBytes({ mr: 4, nr: 8, fma: false })), true);
  assert.equal(validate(gemmModuleBytes({ mr: 4, nr: 8, fma: true })), relaxedSimdAvailable());
});

test("wasm-binary: LEB128 numbers as the spec writes them", () => {
  assert.deepEqual(uleb(0), [0]);
  assert.deepEqual(uleb(127), [0x7f]);
  assert.deepEqual(uleb(128), [0x80, 0x01]);
  assert.deepEqual(uleb(261), [0x85, 0x02]); // f32x4.relaxed_madd
  assert.deepEqual(sleb(-1), [0x7f]);
  assert.deepEqual(sleb(64), [0xc0, 0x00]);
  assert.deepEqual(sleb(-129), [0xff, 0x7e]);
  assert.throws(() => uleb(-1), /non-negative integer/);
});

test(`gemm: the FMA kernel under ${RELAXED_FLAG} (Node 20: relaxed SIMD is behind the flag)`, {
  skip: (relaxedSimdAvailable() || process.execArgv.includes(RELAXED_FLAG)) && "relaxed SIMD is on: tested above",
}, () => {
  // Without NODE_TEST_CONTEXT the child reports as a top-level run (on stdout, as TAP).
  const { NODE_TEST_CONTEXT: _, ...env } = process.env;
  const r = spawnSync(process.execPath, [RELAXED_FLAG, "--test", "--test-reporter=tap", __filename], {
    encoding: "utf8",
    env,
    timeout: 300_000,
  });
  assert.equal(r.status, 0, `${r.stdout}\n${r.stderr}`);
  assert.match(r.stdout, /^ok \d+ - gemm \(6×8, relaxed-SIMD FMA\): C \+= A·B matches float64/m);
  assert.match(r.stdout, /^ok \d+ - gemm: the default kernel is 6×8 with FMA/m);
});
