/**
 * The project's GEMM (gemm/) on the tfjs heap in place: the same generated module,
 * instantiated against the wasm backend's memory (heap-module.ts), so a kernel hands it tensor
 * addresses instead of copying operands into the GEMM's own memory and back.
 */
import { defaultShape, gemmModuleBytes, type MicroKernelShape } from "../gemm/micro-kernel";
import { type GemmKernel, gemmBlocks, relaxedSimdAvailable } from "../gemm/gemm";
import { heapExports } from "./heap-module";
import type { WasmBackend } from "./internals";

/** `gemm` and `packB` on the backend's heap, with their tile. */
export interface HeapGemm {
  readonly shape: MicroKernelShape;
  /** The first `panels` full panels of B (k×n row-major at `src`) to `dst`; addresses in bytes. */
  packB(src: number, dst: number, n: number, k: number, panels: number): void;
  /** C += A·B, blocked (gemm.ts's gemmBlocks); addresses and strides in bytes. */
  multiplyAdd(a: number, lda: number, b: number, c: number, ldc: number, mTiles: number, nTiles: number, k: number, kStride: number): void;
  /** The implicit GEMM (micro-kernel.ts, `igemm`): A's rows from a table of addresses, `taps` runs of `kc` steps. */
  igemm: GemmKernel;
  /** `gemm` with A transposed (micro-kernel.ts, `gemmAT`): A(r, p) at a + r·4 + p·lda; no blocking. */
  gemmAT: GemmKernel;
}

/** The GEMM on this backend's heap (FMA where relaxed SIMD is on), or undefined where the heap is not reachable. */
export function heapGemm(backend: WasmBackend): HeapGemm | undefined {
  const fma = relaxedSimdAvailable();
  const shape: MicroKernelShape = { ...defaultShape(fma), fma };
  const key = `gemm ${shape.mr}x${shape.nr}${fma ? " fma" : ""}`;
  const exports = heapExports(backend, key, (shared) => gemmModuleBytes(shape, { imported: { shared } }));
  if (exports === undefined) return undefined;
  const kernel = exports["gemm"] as GemmKernel;
  const packB = exports["packB"] as HeapGemm["packB"];
  return {
    shape,
    packB,
    igemm: exports["igemm"] as GemmKernel,
    gemmAT: exports["gemmAT"] as GemmKernel,
    multiplyAdd: (a, lda, b, c, ldc, mTiles, nTiles, k, kStride) =>
      gemmBlocks(kernel, shape.mr, shape.nr, a, lda, b, c, ldc, mTiles, nTiles, k, kStride),
  };
}

/**
 * Packs B (k×n row-major at float index `bAt` of `heap`) into the GEMM's panels at float index
 * `to`: the full panels by `packB` in wasm, the partial last one (zero-padded to NR columns) here.
 */
export function packPanels(gemm: HeapGemm, heap: Float32Array, bAt: number, to: number, n: number, k: number): void {
  const { nr } = gemm.shape;
  const fullPanels = Math.floor(n / nr);
  if (fullPanels > 0) gemm.packB(bAt * 4, to * 4, n, k, fullPanels);
  const from = fullPanels * nr;
  if (from === n) return;
  const at = to + from * k;
  heap.fill(0, at, at + nr * k);
  for (let p = 0; p < k; p++) {
    for (let c = from; c < n; c++) heap[at + p * nr + c - from] = heap[bAt + p * n + c]!;
  }
}
