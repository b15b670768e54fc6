/**
 * The GEMM module, written out as WebAssembly by this file: one exported function
 *
 *   gemm(a, b, c, mTiles, nTiles, k, kStride, ldcBytes)      C += A·B over packed panels
 *
 * `a` holds A packed in panels of MR rows: panel i, step p stores A[i·MR + r][p] for r < MR, so
 * the kernel reads MR consecutive floats per step. `b` holds B in panels of NR columns: panel j,
 * step p stores B[p][j·NR + c] for c < NR. Panels are kStride steps long and the kernel runs k of
 * them from `a` and `b` on, so gemm.ts can hand it one block of steps at a time (cache blocking). Rows and columns past the matrix are zeros in the
 * packs (gemm.ts), so every tile is a full MR×NR tile: the edges cost a few multiplications by
 * zero instead of separate edge loops. `c` is C row-major with a row stride of ldcBytes, padded
 * to whole tiles. All three are byte addresses in the module's memory; k ≥ 1, mTiles, nTiles ≥ 1.
 *
 * The micro-kernel keeps an MR×NR tile of C in MR·NR/4 v128 registers for the whole k loop; each
 * step loads NR/4 vectors of B, broadcasts each of the MR values of A and multiply-adds:
 * `f32x4.relaxed_madd` (one fused instruction where the CPU has FMA) or `f32x4.mul` + `f32x4.add`
 * where relaxed SIMD is off. Loop order: B panels outside, A panels inside, so one B panel
 * (NR·k floats: 64 KiB at k = 2048) stays in cache while the A panels stream past it.
 */
import { FunctionDef, I32, V128, ValType, moduleBytes, op } from "./wasm-binary";

/** A micro-kernel's shape and instruction set. */
export interface MicroKernelShape {
  /** Rows of A (and C) per tile. */
  mr: number;
  /** Columns of B (and C) per tile: a multiple of 4 (one v128 holds 4 floats). */
  nr: number;
  /** Relaxed-SIMD fused multiply-add, else f32x4.mul + f32x4.add. */
  fma: boolean;
}

/** The shape used unless one is given: 4×8 needs 8 accumulators + 2 B vectors + 1 broadcast (of 16 registers). */
export const DEFAULT_SHAPE = { mr: 4, nr: 8 } as const;

function checkShape({ mr, nr }: MicroKernelShape): void {
  if (!Number.isInteger(mr) || mr < 1) throw new Error(`micro-kernel: mr must be a positive integer, got ${mr}`);
  if (!Number.isInteger(nr) || nr < 4 || nr % 4 !== 0) throw new Error(`micro-kernel: nr must be a positive multiple of 4, got ${nr}`);
  // Past 16 live vectors V8 spills registers to the stack inside the k loop.
  if (mr * (nr / 4) + nr / 4 + 1 > 16) throw new Error(`micro-kernel: ${mr}×${nr} needs more than 16 vector registers`);
}

/** The function `gemm` for one micro-kernel shape. */
export function gemmFunction(shape: MicroKernelShape): FunctionDef {
  checkShape(shape);
  const { mr, nr, fma } = shape;
  const nv = nr / 4;
  // Parameters 0–7, then locals.
  const [A, B, C, M_TILES, N_TILES, K, K_STRIDE, LDC] = [0, 1, 2, 3, 4, 5, 6, 7];
  const [I, J, P, AP, BP, ROW] = [8, 9, 10, 11, 12, 13];
  const ACC = 14; // acc(r, v) = ACC + r·nv + v
  const BV = ACC + mr * nv; // bv(v) = BV + v
  const AV = BV + nv;
  const locals: ValType[] = [...Array<ValType>(6).fill(I32), ...Array<ValType>(mr * nv + nv + 1).fill(V128)];
  const acc = (r: number, v: number) => ACC + r * nv + v;

  // Walks ROW over the tile's rows of C, applying `each(r)` with ROW at row r's first byte.
  const overTileRows = (first: number[], each: (r: number) => number[]) => {
    const out = [...first, ...op.set(ROW)];
    for (let r = 0; r < mr; r++) {
      if (r > 0) out.push(...op.get(ROW), ...op.get(LDC), ...op.i32Add, ...op.set(ROW));
      out.push(...each(r));
    }
    return out;
  };
  // ROW = c + i·MR·ldc + j·NR·4: the tile's top-left element.
  const tileStart = [
    ...op.get(C),
    ...op.get(I), ...op.i32Const(mr), ...op.i32Mul, ...op.get(LDC), ...op.i32Mul, ...op.i32Add,
    ...op.get(J), ...op.i32Const(nr * 4), ...op.i32Mul, ...op.i32Add,
  ];
  const loadTile = overTileRows(tileStart, (r) =>
    Array.from({ length: nv }, (_, v) => [...op.get(ROW), ...op.v128Load(16 * v), ...op.set(acc(r, v))]).flat(),
  );
  const storeTile = overTileRows(tileStart, (r) =>
    Array.from({ length: nv }, (_, v) => [...op.get(ROW), ...op.get(acc(r, v)), ...op.v128Store(16 * v)]).flat(),
  );

  const step: number[] = [];
  for (let v = 0; v < nv; v++) step.push(...op.get(BP), ...op.v128Load(16 * v), ...op.set(BV + v));
  for (let r = 0; r < mr; r++) {
    step.push(...op.get(AP), ...op.v128Load32Splat(4 * r), ...op.set(AV));
    for (let v = 0; v < nv; v++) {
      step.push(...op.get(AV), ...op.get(BV + v));
      if (fma) step.push(...op.get(acc(r, v)), ...op.f32x4RelaxedMadd);
      else step.push(...op.f32x4Mul, ...op.get(acc(r, v)), ...op.f32x4Add);
      step.push(...op.set(acc(r, v)));
    }
  }
  step.push(...op.get(AP), ...op.i32Const(mr * 4), ...op.i32Add, ...op.set(AP));
  step.push(...op.get(BP), ...op.i32Const(nr * 4), ...op.i32Add, ...op.set(BP));

  const kLoop = [
    // AP = a + i·MR·kStride·4, BP = b + j·NR·kStride·4, P = k
    ...op.get(A), ...op.get(I), ...op.i32Const(mr * 4), ...op.i32Mul, ...op.get(K_STRIDE), ...op.i32Mul, ...op.i32Add, ...op.set(AP),
    ...op.get(B), ...op.get(J), ...op.i32Const(nr * 4), ...op.i32Mul, ...op.get(K_STRIDE), ...op.i32Mul, ...op.i32Add, ...op.set(BP),
    ...op.get(K), ...op.set(P),
    ...op.loop,
    ...step,
    ...op.get(P), ...op.i32Const(1), ...op.i32Sub, ...op.tee(P), ...op.brIf(0),
    ...op.end,
  ];
  const body = [
    ...op.i32Const(0), ...op.set(J),
    ...op.loop,
    ...op.i32Const(0), ...op.set(I),
    ...op.loop,
    ...loadTile,
    ...kLoop,
    ...storeTile,
    ...op.get(I), ...op.i32Const(1), ...op.i32Add, ...op.tee(I), ...op.get(M_TILES), ...op.i32LtU, ...op.brIf(0),
    ...op.end,
    ...op.get(J), ...op.i32Const(1), ...op.i32Add, ...op.tee(J), ...op.get(N_TILES), ...op.i32LtU, ...op.brIf(0),
    ...op.end,
  ];
  return { exportName: "gemm", params: Array<ValType>(8).fill(I32), results: [], locals, body };
}

/** The module's bytes: `gemm` and its memory. */
export function gemmModuleBytes(shape: MicroKernelShape): Uint8Array {
  return moduleBytes([gemmFunction(shape)]);
}

/** A function (v128, v128, v128) → v128 computing f32x4.relaxed_madd: validates only where relaxed SIMD is on. */
export function relaxedSimdProbeBytes(): Uint8Array {
  return moduleBytes([
    {
      exportName: "madd",
      params: [V128, V128, V128],
      results: [V128],
      locals: [],
      body: [...op.get(0), ...op.get(1), ...op.get(2), ...op.f32x4RelaxedMadd],
    },
  ]);
}
