/**
 * C += A·B for row-major float32 matrices of any shape, on the wasm micro-kernel of
 * micro-kernel.ts: A is copied into the module's memory with its rows padded to whole tiles, B is
 * packed into zero-padded panels, C is copied in padded to whole tiles, the kernel runs over
 * blocks of the tiles, and the valid part of C is copied back. Relaxed-SIMD FMA where the engine
 * has it (Node 22+, Chrome 114+; Node 20 only with --experimental-wasm-relaxed-simd), else plain
 * SIMD.
 */
import { type MicroKernelShape, defaultShape, gemmModuleBytes, relaxedSimdProbeBytes } from "./micro-kernel";
import { growToFloats, instantiate, type WasmMemory, webAssembly } from "./wasm-api";

let relaxed: boolean | undefined;

/** Whether this engine validates relaxed-SIMD instructions (checked once, on a tiny module). */
export function relaxedSimdAvailable(): boolean {
  relaxed ??= webAssembly.validate(relaxedSimdProbeBytes());
  return relaxed;
}

/**
 * Blocks: KC steps of k by MC_TILES row tiles, so a B panel block (8 × 128 floats, 4 KiB) and the
 * A block (16 × 4 rows × 128 floats, 32 KiB) stay near L1 while the kernel sweeps the panels.
 * Chosen among KC 128/256/512 × MC 8/16/32 on the CNN's filter-gradient shapes ([576×4900]·
 * [4900×128]: 18 GFLOP/s with 256 × 32, 25–40 with 128 × 8 or 16; one thread, loaded machine).
 */
const KC = 128;
const MC_TILES = 16;

/** The exported `gemm` function (micro-kernel.ts): addresses and strides in bytes. */
export type GemmKernel = (
  a: number,
  lda: number,
  b: number,
  c: number,
  mTiles: number,
  nTiles: number,
  k: number,
  kStride: number,
  ldc: number,
) => void;

/**
 * C += A·B over blocks of KC steps × MC_TILES row tiles: `a` (bytes) is A row-major with row
 * stride `lda` bytes and rows to whole tiles (those past m are read, their results dropped), `b`
 * B packed in panels of `kStride` steps, `c` C padded to whole tiles with row stride `ldc` bytes.
 * The C tiles are loaded and stored once per block.
 */
export function gemmBlocks(
  kernel: GemmKernel,
  mr: number,
  nr: number,
  a: number,
  lda: number,
  b: number,
  c: number,
  ldc: number,
  mTiles: number,
  nTiles: number,
  k: number,
  kStride: number,
): void {
  for (let p0 = 0; p0 < k; p0 += KC) {
    const kc = Math.min(KC, k - p0);
    for (let i0 = 0; i0 < mTiles; i0 += MC_TILES) {
      kernel(
        a + i0 * mr * lda + p0 * 4,
        lda,
        b + p0 * nr * 4,
        c + i0 * mr * ldc,
        Math.min(MC_TILES, mTiles - i0),
        nTiles,
        kc,
        kStride,
        ldc,
      );
    }
  }
}

function align4(floats: number): number {
  return Math.ceil(floats / 4) * 4;
}

function checkDims(m: number, n: number, k: number): void {
  for (const [label, v] of [
    ["m", m],
    ["n", n],
    ["k", k],
  ] as const) {
    if (!Number.isInteger(v) || v < 0) throw new Error(`gemm: ${label} must be a non-negative integer, got ${v}`);
  }
}

/** One compiled GEMM module with its own memory (not shared: one instance per thread). */
export class WasmGemm {
  readonly shape: MicroKernelShape;
  private readonly memory: WasmMemory;
  private readonly kernel: GemmKernel;
  private readonly packB: (src: number, dst: number, n: number, k: number, panels: number) => void;

  /** `shape` defaults to FMA where relaxed SIMD is available, in `defaultShape`'s tile; asking for FMA where it is not is an error. */
  constructor(shape: Partial<MicroKernelShape> = {}) {
    const fma = shape.fma ?? relaxedSimdAvailable();
    if (fma && !relaxedSimdAvailable()) {
      throw new Error(
        `gemm: relaxed SIMD (f32x4.relaxed_madd) is not available in this engine (${typeof process !== "undefined" ? `Node ${process.version}: Node 20 needs --experimental-wasm-relaxed-simd` : "this browser"}); use fma: false`,
      );
    }
    const tile = defaultShape(fma);
    this.shape = { mr: shape.mr ?? tile.mr, nr: shape.nr ?? tile.nr, fma };
    const exports = instantiate(gemmModuleBytes(this.shape));
    this.memory = exports["memory"] as WasmMemory;
    this.kernel = exports["gemm"] as WasmGemm["kernel"];
    this.packB = exports["packB"] as WasmGemm["packB"];
  }

  /** C[m×n] += A[m×k] · B[k×n], all row-major; C is updated in place. */
  multiplyAdd(a: Float32Array, b: Float32Array, c: Float32Array, m: number, n: number, k: number): void {
    checkDims(m, n, k);
    if (a.length !== m * k) throw new Error(`gemm: A has ${a.length} values, expected m·k = ${m}·${k} = ${m * k}`);
    if (b.length !== k * n) throw new Error(`gemm: B has ${b.length} values, expected k·n = ${k}·${n} = ${k * n}`);
    if (c.length !== m * n) throw new Error(`gemm: C has ${c.length} values, expected m·n = ${m}·${n} = ${m * n}`);
    if (m === 0 || n === 0 || k === 0) return;
    const { mr, nr } = this.shape;
    const mTiles = Math.ceil(m / mr);
    const nTiles = Math.ceil(n / nr);
    const mp = mTiles * mr;
    const np = nTiles * nr;
    // Layout in floats: A (rows padded to whole tiles), B as given, B packed, C padded; all
    // starting on 16 bytes since every size is a multiple of 4 floats or padded to one.
    const aAt = 0;
    const bRawAt = aAt + align4(mp * k);
    const bAt = bRawAt + align4(k * n);
    const cAt = bAt + np * k;
    const floats = cAt + mp * np;
    growToFloats(this.memory, floats);
    const heap = new Float32Array(this.memory.buffer);

    heap.set(a, aAt);
    heap.fill(0, aAt + m * k, aAt + mp * k);
    heap.set(b, bRawAt);
    const fullPanels = Math.floor(n / nr);
    if (fullPanels > 0) this.packB(bRawAt * 4, bAt * 4, n, k, fullPanels);
    if (fullPanels < nTiles) {
      // The last panel: its columns, then zeros.
      const cols = n - fullPanels * nr;
      const out = bAt + fullPanels * nr * k;
      heap.fill(0, out, out + nr * k);
      for (let p = 0, from = bRawAt + fullPanels * nr, to = out; p < k; p++, from += n, to += nr) {
        for (let col = 0; col < cols; col++) heap[to + col] = heap[from + col]!;
      }
    }
    // C padded to np columns (padding rows and columns are computed and dropped).
    for (let row = 0; row < m; row++) heap.set(c.subarray(row * n, (row + 1) * n), cAt + row * np);
    gemmBlocks(this.kernel, mr, nr, aAt * 4, k * 4, bAt * 4, cAt * 4, np * 4, mTiles, nTiles, k, k);
    for (let row = 0; row < m; row++) c.set(heap.subarray(cAt + row * np, cAt + row * np + n), row * n);
  }
}
