/**
 * The GEMM module, written out as WebAssembly by this file: two exported functions
 *
 *   gemm(a, lda, b, c, mTiles, nTiles, k, kStride, ldc)   C += A·B, B packed in panels
 *   packB(src, dst, n, k, panels)                           B (k×n row-major) → panels
 *
 * `a` is A row-major with a row stride of `lda` bytes, as many rows as the tiles cover (gemm.ts
 * pads the last tile's rows with zeros). `b` holds B in panels of NR columns: panel j, step p
 * stores B[p][j·NR + c] for c < NR, so a step reads NR consecutive floats; columns past the
 * matrix are zeros. Panels are kStride steps long and the kernel runs k of them from `a` and `b`
 * on, so gemm.ts can hand it one block of steps at a time (cache blocking). With the padding
 * every tile is a full MR×NR tile: the edges cost a few multiplications by zero instead of
 * separate edge loops. `c` is C row-major with a row stride of `ldc` bytes, padded to whole
 * tiles. Addresses and strides are in bytes; k ≥ 1, mTiles, nTiles ≥ 1.
 *
 * The micro-kernel keeps an MR×NR tile of C in MR·NR/4 v128 registers for the whole k loop; each
 * step loads NR/4 vectors of B, broadcasts one value from each of the MR rows of A and
 * multiply-adds: `f32x4.relaxed_madd` (one fused instruction where the CPU has FMA) or
 * `f32x4.mul` + `f32x4.add` where relaxed SIMD is off. Loop order: B panels outside, row tiles
 * inside, so one B panel block stays in L1 while A's rows stream past it (XNNPACK's GEMM
 * layout: A as it is, B packed).
 */
import { type FunctionDef, I32, type MemorySource, V128, type ValType, moduleBytes, op } from "./wasm-binary";

/** A micro-kernel's shape and instruction set. */
export interface MicroKernelShape {
  /** Rows of A (and C) per tile. */
  mr: number;
  /** Columns of B (and C) per tile: a multiple of 4 (one v128 holds 4 floats). */
  nr: number;
  /** Relaxed-SIMD fused multiply-add, else f32x4.mul + f32x4.add. */
  fma: boolean;
}

/**
 * The tile used unless one is given. With FMA, 6×8: 12 accumulators + 2 B vectors + 1 broadcast
 * fill 15 of x64's 16 vector registers, and each step loads 8 vectors for 12 multiply-adds (4×8:
 * 6 for 8). Without it, 4×8: f32x4.mul needs a register for each product before the add, so 6×8
 * spills. Node 26, one thread, the bench's training shapes, paired calls on a loaded machine:
 * 6×8 FMA ran at 1.07–1.11× 4×8 FMA, 6×8 plain at 0.6–0.9× XNNPACK, 4×8 plain at 0.91–1.02× 4×8
 * FMA (on this AMD EPYC separate pipes add and multiply: FMA pays through the larger tile).
 */
export function defaultShape(fma: boolean): { mr: number; nr: number } {
  return fma ? { mr: 6, nr: 8 } : { mr: 4, nr: 8 };
}

function checkShape({ mr, nr }: MicroKernelShape): void {
  if (!Number.isInteger(mr) || mr < 1) throw new Error(`micro-kernel: mr must be a positive integer, got ${mr}`);
  if (!Number.isInteger(nr) || nr < 4 || nr % 4 !== 0) throw new Error(`micro-kernel: nr must be a positive multiple of 4, got ${nr}`);
  // Past 16 live vectors V8 spills registers to the stack inside the k loop.
  if (mr * (nr / 4) + nr / 4 + 1 > 16) throw new Error(`micro-kernel: ${mr}×${nr} needs more than 16 vector registers`);
}

/**
 * The function `gemm` for one micro-kernel shape; with `indirect`, `igemm` (an implicit GEMM, as
 * XNNPACK's convolutions run):
 *
 *   igemm(table, taps, b, c, mTiles, nTiles, kc, kStride, ldc)
 *
 * where A is not a matrix but, per row tile and tap, MR row addresses (i32, bytes) in `table`
 * (tile i, tap t, row r at entry (i·taps + t)·MR + r): the tile's k loop runs `taps` runs of `kc`
 * steps, each from those rows — a convolution's output pixels, each tap's input pixel or a row
 * of zeros — so no im2col matrix is made. B is packed as for gemm, kStride = taps·kc steps.
 * With `form` "gemmAT", A is given transposed (`gemmAT`, the same parameters): element (row r,
 * step p) at a + r·4 + p·lda, so a tile's MR rows are consecutive floats of one step — the
 * Winograd filter gradient's reduction over tiles (conv-winograd-filter.ts).
 */
export function gemmFunction(shape: MicroKernelShape, form: "gemm" | "igemm" | "gemmAT" = "gemm"): FunctionDef {
  const indirect = form === "igemm";
  const transposedA = form === "gemmAT";
  checkShape(shape);
  const { mr, nr, fma } = shape;
  const nv = nr / 4;
  // Parameters 0–8 (igemm: TABLE in A's place, TAPS in LDA's), then locals.
  const [A, LDA, B, C, M_TILES, N_TILES, K, K_STRIDE, LDC] = [0, 1, 2, 3, 4, 5, 6, 7, 8];
  const [TABLE, TAPS] = [A, LDA];
  const [I, J, P, BP, ROW, T, TP] = [9, 10, 11, 12, 13, 14, 15];
  const AROW = 16; // pointer into row r of the tile's A: AROW + r
  const ACC = AROW + mr; // acc(r, v) = ACC + r·nv + v
  const BV = ACC + mr * nv; // bv(v) = BV + v
  const AV = BV + nv;
  const locals: ValType[] = [...Array<ValType>(7 + mr).fill(I32), ...Array<ValType>(mr * nv + nv + 1).fill(V128)];
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
    ...op.get(I),
    ...op.i32Const(mr),
    ...op.i32Mul,
    ...op.get(LDC),
    ...op.i32Mul,
    ...op.i32Add,
    ...op.get(J),
    ...op.i32Const(nr * 4),
    ...op.i32Mul,
    ...op.i32Add,
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
    // Transposed A: AROW(0) walks the steps, row r at byte offset 4r.
    step.push(
      ...(transposedA ? [...op.get(AROW), ...op.v128Load32Splat(4 * r)] : [...op.get(AROW + r), ...op.v128Load32Splat(0)]),
      ...op.set(AV),
    );
    for (let v = 0; v < nv; v++) {
      step.push(...op.get(AV), ...op.get(BV + v));
      if (fma) step.push(...op.get(acc(r, v)), ...op.f32x4RelaxedMadd);
      else step.push(...op.f32x4Mul, ...op.get(acc(r, v)), ...op.f32x4Add);
      step.push(...op.set(acc(r, v)));
    }
  }
  if (transposedA) step.push(...op.get(AROW), ...op.get(LDA), ...op.i32Add, ...op.set(AROW));
  else for (let r = 0; r < mr; r++) step.push(...op.get(AROW + r), ...op.i32Const(4), ...op.i32Add, ...op.set(AROW + r));
  step.push(...op.get(BP), ...op.i32Const(nr * 4), ...op.i32Add, ...op.set(BP));

  // BP = b + j·NR·kStride·4: panel j's first step.
  const panelStart = [
    ...op.get(B),
    ...op.get(J),
    ...op.i32Const(nr * 4),
    ...op.i32Mul,
    ...op.get(K_STRIDE),
    ...op.i32Mul,
    ...op.i32Add,
    ...op.set(BP),
  ];
  // P = k steps of the tile from AROW(r) and BP.
  const kSteps = [
    ...op.get(K),
    ...op.set(P),
    ...op.loop,
    ...step,
    ...op.get(P),
    ...op.i32Const(1),
    ...op.i32Sub,
    ...op.tee(P),
    ...op.brIf(0),
    ...op.end,
  ];

  // AROW(0) = a + i·MR·lda, AROW(r) = AROW(r−1) + lda; then the panel's k steps.
  const kLoop = [
    ...op.get(A),
    ...op.get(I),
    ...op.i32Const(mr),
    ...op.i32Mul,
    ...op.get(LDA),
    ...op.i32Mul,
    ...op.i32Add,
    ...op.set(AROW),
    ...Array.from({ length: mr - 1 }, (_, r) => [...op.get(AROW + r), ...op.get(LDA), ...op.i32Add, ...op.set(AROW + r + 1)]).flat(),
    ...panelStart,
    ...kSteps,
  ];
  // Transposed A: AROW(0) = a + i·MR·4.
  const kLoopT = [
    ...op.get(A),
    ...op.get(I),
    ...op.i32Const(mr * 4),
    ...op.i32Mul,
    ...op.i32Add,
    ...op.set(AROW),
    ...panelStart,
    ...kSteps,
  ];
  // TP = table + i·taps·MR·4; BP as above; per tap: AROW(r) from the table, then kc steps.
  const tapLoop = [
    ...op.get(TABLE),
    ...op.get(I),
    ...op.get(TAPS),
    ...op.i32Mul,
    ...op.i32Const(mr * 4),
    ...op.i32Mul,
    ...op.i32Add,
    ...op.set(TP),
    ...panelStart,
    ...op.get(TAPS),
    ...op.set(T),
    ...op.loop,
    ...Array.from({ length: mr }, (_, r) => [...op.get(TP), ...op.i32Load(4 * r), ...op.set(AROW + r)]).flat(),
    ...op.get(TP),
    ...op.i32Const(mr * 4),
    ...op.i32Add,
    ...op.set(TP),
    ...kSteps,
    ...op.get(T),
    ...op.i32Const(1),
    ...op.i32Sub,
    ...op.tee(T),
    ...op.brIf(0),
    ...op.end,
  ];
  const body = [
    ...op.i32Const(0),
    ...op.set(J),
    ...op.loop,
    ...op.i32Const(0),
    ...op.set(I),
    ...op.loop,
    ...loadTile,
    ...(indirect ? tapLoop : transposedA ? kLoopT : kLoop),
    ...storeTile,
    ...op.get(I),
    ...op.i32Const(1),
    ...op.i32Add,
    ...op.tee(I),
    ...op.get(M_TILES),
    ...op.i32LtU,
    ...op.brIf(0),
    ...op.end,
    ...op.get(J),
    ...op.i32Const(1),
    ...op.i32Add,
    ...op.tee(J),
    ...op.get(N_TILES),
    ...op.i32LtU,
    ...op.brIf(0),
    ...op.end,
  ];
  return { exportName: form, params: Array<ValType>(9).fill(I32), results: [], locals, body };
}

/**
 * `packB(src, dst, n, k, panels)`: the first `panels` full panels of B (k×n row-major at `src`,
 * bytes) into `dst`, NR·4 bytes per step, a v128 at a time. The last, partial panel is gemm.ts's.
 */
export function packBFunction(nr: number): FunctionDef {
  const nv = nr / 4;
  const [SRC, DST, N, K, PANELS] = [0, 1, 2, 3, 4];
  const [J, P, FROM, ROWBYTES] = [5, 6, 7, 8];
  const body = [
    ...op.get(N),
    ...op.i32Const(4),
    ...op.i32Mul,
    ...op.set(ROWBYTES),
    ...op.i32Const(0),
    ...op.set(J),
    ...op.loop,
    // FROM = src + j·NR·4: the panel's first column in row 0.
    ...op.get(SRC),
    ...op.get(J),
    ...op.i32Const(nr * 4),
    ...op.i32Mul,
    ...op.i32Add,
    ...op.set(FROM),
    ...op.get(K),
    ...op.set(P),
    ...op.loop,
    ...Array.from({ length: nv }, (_, v) => [...op.get(DST), ...op.get(FROM), ...op.v128Load(16 * v), ...op.v128Store(16 * v)]).flat(),
    ...op.get(DST),
    ...op.i32Const(nr * 4),
    ...op.i32Add,
    ...op.set(DST),
    ...op.get(FROM),
    ...op.get(ROWBYTES),
    ...op.i32Add,
    ...op.set(FROM),
    ...op.get(P),
    ...op.i32Const(1),
    ...op.i32Sub,
    ...op.tee(P),
    ...op.brIf(0),
    ...op.end,
    ...op.get(J),
    ...op.i32Const(1),
    ...op.i32Add,
    ...op.tee(J),
    ...op.get(PANELS),
    ...op.i32LtU,
    ...op.brIf(0),
    ...op.end,
  ];
  return { exportName: "packB", params: Array<ValType>(5).fill(I32), results: [], locals: Array<ValType>(4).fill(I32), body };
}

/** The module's bytes: `gemm`, `packB`, `igemm`, `gemmAT` and its memory (its own, or imported: the tfjs heap). */
export function gemmModuleBytes(shape: MicroKernelShape, memory?: MemorySource): Uint8Array {
  return moduleBytes([gemmFunction(shape), packBFunction(shape.nr), gemmFunction(shape, "igemm"), gemmFunction(shape, "gemmAT")], memory);
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
