/**
 * The two transforms of Winograd's F(2×2, 3×3) (Lavin & Gray 2015) as WebAssembly SIMD
 * functions, written out by this file and run on the tfjs heap in place (heap-module.ts), four
 * channels a vector; conv-winograd.ts runs the 16 products between them on the GEMM.
 *
 *   inputTransform(table, tiles, c4, v, xiBytes, tileBytes)
 *     For each tile: the 16 pixels of its 4×4 input patch, row-major, are byte addresses in
 *     `table` (16 i32 per tile; a row of zeros where the patch leaves the image). Writes
 *     V = Bᵀ d B for c = 4·c4 channels to `v`: tile t, element ξ = 4i + j at v + t·tileBytes +
 *     ξ·xiBytes (the forward: tile-major, the filter gradient: ξ-major).
 *   outputTransform(table, tiles, k4, m, nBytes)
 *     For each tile: M (tile t, element ξ at m + (16t + ξ)·nBytes, the layout V has) to
 *     Y = Aᵀ M A for 4·k4 channels, its 2×2 pixels stored at the 4 byte addresses in `table`
 *     (row-major; a scratch row where the tile leaves the output).
 *
 *   dyTransform(table, tiles, k8, d, xiBytes, panelBytes)
 *     The filter gradient's F(3×3, 2×2) (the same algorithm transposed: dW = Gᵀ[(Bᵀ x B) ⊙
 *     (A dy Aᵀ)]G summed over tiles): for each tile, its 2×2 pixels of dy (4 addresses in
 *     `table`, row-major; a row of zeros outside) to A dy Aᵀ for 8·k8 channels, written straight
 *     into the GEMM's packed panels of 8 columns (micro-kernel.ts): tile t is step t, element ξ
 *     at d + ξ·xiBytes, channels 8q … 8q + 7 in panel q at + q·panelBytes.
 *
 *   Bᵀ = [1 0 −1 0; 0 1 1 0; 0 −1 1 0; 0 1 0 −1],  Aᵀ = [1 1 1 0; 0 1 −1 −1].
 *
 * Addresses and strides in bytes; tiles, c4, k4 ≥ 1.
 */
import { type FunctionDef, I32, V128, type ValType, moduleBytes, op } from "../gemm/wasm-binary";

const advance = (local: number, by: number[]) => [...op.get(local), ...by, ...op.i32Add, ...op.set(local)];
const countDown = (local: number) => [...op.get(local), ...op.i32Const(1), ...op.i32Sub, ...op.tee(local), ...op.brIf(0)];
const range = (n: number) => Array.from({ length: n }, (_, i) => i);

function inputTransformFunction(): FunctionDef {
  const [TABLE, TILES, C4, V, CB, TB] = [0, 1, 2, 3, 4, 5];
  const [K, OFF, P] = [6, 7, 8];
  const ADDR = 9; // 16 i32: the patch's pixel addresses
  const D = ADDR + 16; // 16 v128: the patch d
  const T = D + 16; // 16 v128: Bᵀ d
  const locals: ValType[] = [...Array<ValType>(3 + 16).fill(I32), ...Array<ValType>(32).fill(V128)];
  const sub = (a: number, b: number) => [...op.get(a), ...op.get(b), ...op.f32x4Sub];
  const add = (a: number, b: number) => [...op.get(a), ...op.get(b), ...op.f32x4Add];
  // One 1-D transform of four values: Bᵀ·(x0, x1, x2, x3).
  const bt = (x: readonly number[]) => [sub(x[0]!, x[2]!), add(x[1]!, x[2]!), sub(x[2]!, x[1]!), sub(x[1]!, x[3]!)];
  const body = [
    ...op.loop,
    ...range(16).flatMap((a) => [...op.get(TABLE), ...op.i32Load(4 * a), ...op.set(ADDR + a)]),
    ...op.i32Const(0),
    ...op.set(OFF),
    ...op.get(C4),
    ...op.set(K),
    ...op.loop,
    ...range(16).flatMap((a) => [...op.get(ADDR + a), ...op.get(OFF), ...op.i32Add, ...op.v128Load(), ...op.set(D + a)]),
    // Columns: T[·][j] = Bᵀ d[·][j].
    ...range(4).flatMap((j) => bt(range(4).map((i) => D + 4 * i + j)).flatMap((expr, i) => [...expr, ...op.set(T + 4 * i + j)])),
    // Rows: V[i][·] = T[i][·] B, stored in ξ order.
    ...op.get(V),
    ...op.get(OFF),
    ...op.i32Add,
    ...op.set(P),
    ...range(4).flatMap((i) =>
      bt(range(4).map((j) => T + 4 * i + j)).flatMap((expr) => [...op.get(P), ...expr, ...op.v128Store(), ...advance(P, op.get(CB))]),
    ),
    ...advance(OFF, op.i32Const(16)),
    ...countDown(K),
    ...op.end,
    ...advance(TABLE, op.i32Const(64)),
    ...advance(V, op.get(TB)),
    ...countDown(TILES),
    ...op.end,
  ];
  return { exportName: "inputTransform", params: Array<ValType>(6).fill(I32), results: [], locals, body };
}

function outputTransformFunction(): FunctionDef {
  const [TABLE, TILES, K4, M, NB] = [0, 1, 2, 3, 4];
  const [K, OFF, Q] = [5, 6, 7];
  const ADDR = 8; // 4 i32: the output pixels' addresses
  const MV = ADDR + 4; // 16 v128: M
  const S = MV + 16; // 8 v128: Aᵀ M
  const locals: ValType[] = [...Array<ValType>(3 + 4).fill(I32), ...Array<ValType>(24).fill(V128)];
  // Aᵀ·(x0, x1, x2, x3) = (x0 + x1 + x2, x1 − x2 − x3).
  const at = (x: readonly number[]) => [
    [...op.get(x[0]!), ...op.get(x[1]!), ...op.f32x4Add, ...op.get(x[2]!), ...op.f32x4Add],
    [...op.get(x[1]!), ...op.get(x[2]!), ...op.f32x4Sub, ...op.get(x[3]!), ...op.f32x4Sub],
  ];
  const body = [
    ...op.loop,
    ...range(4).flatMap((a) => [...op.get(TABLE), ...op.i32Load(4 * a), ...op.set(ADDR + a)]),
    ...op.i32Const(0),
    ...op.set(OFF),
    ...op.get(K4),
    ...op.set(K),
    ...op.loop,
    ...op.get(M),
    ...op.get(OFF),
    ...op.i32Add,
    ...op.set(Q),
    ...range(16).flatMap((a) => [...op.get(Q), ...op.v128Load(), ...op.set(MV + a), ...advance(Q, op.get(NB))]),
    // Columns: S[r][j] = Aᵀ M[·][j].
    ...range(4).flatMap((j) => at(range(4).map((i) => MV + 4 * i + j)).flatMap((expr, r) => [...expr, ...op.set(S + 4 * r + j)])),
    // Rows: Y[r][·] = S[r][·] A, pixel (r, s) to address 2r + s.
    ...range(2).flatMap((r) =>
      at(range(4).map((j) => S + 4 * r + j)).flatMap((expr, s) => [
        ...op.get(ADDR + 2 * r + s),
        ...op.get(OFF),
        ...op.i32Add,
        ...expr,
        ...op.v128Store(),
      ]),
    ),
    ...advance(OFF, op.i32Const(16)),
    ...countDown(K),
    ...op.end,
    ...advance(TABLE, op.i32Const(16)),
    ...advance(M, [...op.get(NB), ...op.i32Const(16), ...op.i32Mul]),
    ...countDown(TILES),
    ...op.end,
  ];
  return { exportName: "outputTransform", params: Array<ValType>(5).fill(I32), results: [], locals, body };
}

function dyTransformFunction(): FunctionDef {
  const [TABLE, TILES, K8, D, XB, PB] = [0, 1, 2, 3, 4, 5];
  const [K, OFF, GP, Q] = [6, 7, 8, 9];
  const ADDR = 10; // 4 i32: the tile's dy pixels
  const DV = ADDR + 4; // 4 v128: dy
  const E = DV + 4; // 8 v128: A dy (4×2)
  const locals: ValType[] = [...Array<ValType>(4 + 4).fill(I32), ...Array<ValType>(12).fill(V128)];
  // A·(x0, x1) = (x0, x0 + x1, x0 − x1, −x1).
  const a = (x0: number, x1: number) => [
    op.get(x0),
    [...op.get(x0), ...op.get(x1), ...op.f32x4Add],
    [...op.get(x0), ...op.get(x1), ...op.f32x4Sub],
    [...op.get(x1), ...op.f32x4Neg],
  ];
  const half = (h: number) => [
    ...range(4).flatMap((p) => [...op.get(ADDR + p), ...op.get(OFF), ...op.i32Add, ...op.v128Load(16 * h), ...op.set(DV + p)]),
    // Columns: E[·][j] = A dy[·][j].
    ...range(2).flatMap((j) => a(DV + j, DV + 2 + j).flatMap((expr, i) => [...expr, ...op.set(E + 2 * i + j)])),
    // Rows: E[i][·] Aᵀ, stored in ξ order.
    ...op.get(GP),
    ...op.set(Q),
    ...range(4).flatMap((i) =>
      a(E + 2 * i, E + 2 * i + 1).flatMap((expr) => [...op.get(Q), ...expr, ...op.v128Store(16 * h), ...advance(Q, op.get(XB))]),
    ),
  ];
  const body = [
    ...op.loop,
    ...range(4).flatMap((p) => [...op.get(TABLE), ...op.i32Load(4 * p), ...op.set(ADDR + p)]),
    ...op.i32Const(0),
    ...op.set(OFF),
    ...op.get(D),
    ...op.set(GP),
    ...op.get(K8),
    ...op.set(K),
    ...op.loop,
    ...half(0),
    ...half(1),
    ...advance(OFF, op.i32Const(32)),
    ...advance(GP, op.get(PB)),
    ...countDown(K),
    ...op.end,
    ...advance(TABLE, op.i32Const(16)),
    ...advance(D, op.i32Const(32)),
    ...countDown(TILES),
    ...op.end,
  ];
  return { exportName: "dyTransform", params: Array<ValType>(6).fill(I32), results: [], locals, body };
}

/** The module's bytes, importing the tfjs heap as `env.memory` (`shared` as that memory is). */
export function winogradModuleBytes(shared: boolean): Uint8Array {
  return moduleBytes([inputTransformFunction(), outputTransformFunction(), dyTransformFunction()], { imported: { shared } });
}

/** The signature of `inputTransform` (see the file comment). */
export type InputTransform = (table: number, tiles: number, c4: number, v: number, xiBytes: number, tileBytes: number) => void;

/** The signature of `outputTransform` (see the file comment). */
export type OutputTransform = (table: number, tiles: number, k4: number, m: number, nBytes: number) => void;

/** The signature of `dyTransform` (see the file comment). */
export type DyTransform = (table: number, tiles: number, k8: number, d: number, xiBytes: number, panelBytes: number) => void;
