/**
 * The 2×2 stride-2 max-pool gradient as a WebAssembly SIMD function, written out by this file and
 * run on the tfjs heap in place (heap-module.ts), four channels a vector:
 *
 *   pool2x2Row(x, y, g, dx, cols, c4, cBytes, rowBytes) → bad
 *
 * One row of `cols` windows, each fully inside x, NHWC with c = 4·c4 channels: `x` is the window
 * row's first input row, `y` (the forward output: each window's max) and `g` (dy) the output row,
 * `dx` where x's gradient goes (same layout as x); cBytes = 4c, rowBytes = 4·W·c; addresses in
 * bytes. Each window routes g to the *first* position (row-major) equal to y and stores 0 at the
 * other three — masks and bitwise and, no branch. The result is nonzero when some window of the
 * row has no position equal to its y, or y is NaN or −∞: the cpu rule (max-pool-grad.ts) may
 * route those differently, so the caller recomputes that row. cols, c4 ≥ 1.
 */
import { type FunctionDef, I32, V128, type ValType, moduleBytes, op } from "../gemm/wasm-binary";

function pool2x2RowFunction(): FunctionDef {
  const [X, Y, G, D, COLS, C4, CB, RS] = [0, 1, 2, 3, 4, 5, 6, 7];
  const [COL, V] = [8, 9];
  const [M, GV, E0, E1, E2, E3, SEEN, BAD, NEG_INF] = [10, 11, 12, 13, 14, 15, 16, 17, 18];
  const locals: ValType[] = [I32, I32, ...Array<ValType>(9).fill(V128)];
  // The four positions of a window, as byte addresses from a base pointer: +0, +c, +row, +row+c.
  const at = (base: number, pos: 0 | 1 | 2 | 3) => [
    ...op.get(base),
    ...(pos & 2 ? [...op.get(RS), ...op.i32Add] : []),
    ...(pos & 1 ? [...op.get(CB), ...op.i32Add] : []),
  ];
  const eq = (pos: 0 | 1 | 2 | 3, to: number) => [...at(X, pos), ...op.v128Load(), ...op.get(M), ...op.f32x4Eq, ...op.set(to)];
  const store = (pos: 0 | 1 | 2 | 3, mask: number[]) => [...at(D, pos), ...op.get(GV), ...mask, ...op.v128And, ...op.v128Store()];
  const advance = (local: number, by: number[]) => [...op.get(local), ...by, ...op.i32Add, ...op.set(local)];
  const countDown = (local: number) => [...op.get(local), ...op.i32Const(1), ...op.i32Sub, ...op.tee(local), ...op.brIf(0)];
  const vectorStep = [
    ...op.get(Y),
    ...op.v128Load(),
    ...op.set(M),
    ...op.get(G),
    ...op.v128Load(),
    ...op.set(GV),
    ...eq(0, E0),
    ...eq(1, E1),
    ...eq(2, E2),
    ...eq(3, E3),
    // BAD |= ~((e0 | e1 | e2 | e3) & (y > −∞)): no match, or y NaN / −∞.
    ...op.get(BAD),
    ...op.get(E0),
    ...op.get(E1),
    ...op.v128Or,
    ...op.get(E2),
    ...op.get(E3),
    ...op.v128Or,
    ...op.v128Or,
    ...op.get(M),
    ...op.get(NEG_INF),
    ...op.f32x4Gt,
    ...op.v128And,
    ...op.v128Not,
    ...op.v128Or,
    ...op.set(BAD),
    // First match only: e0, e1 & ~e0, e2 & ~(e0 | e1), e3 & ~(e0 | e1 | e2).
    ...store(0, op.get(E0)),
    ...store(1, [...op.get(E1), ...op.get(E0), ...op.v128AndNot]),
    ...op.get(E0),
    ...op.get(E1),
    ...op.v128Or,
    ...op.set(SEEN),
    ...store(2, [...op.get(E2), ...op.get(SEEN), ...op.v128AndNot]),
    ...store(3, [...op.get(E3), ...op.get(SEEN), ...op.get(E2), ...op.v128Or, ...op.v128AndNot]),
    ...advance(X, op.i32Const(16)),
    ...advance(Y, op.i32Const(16)),
    ...advance(G, op.i32Const(16)),
    ...advance(D, op.i32Const(16)),
  ];
  const body = [
    ...op.f32Const(-Infinity),
    ...op.f32x4Splat,
    ...op.set(NEG_INF),
    ...op.get(COLS),
    ...op.set(COL),
    ...op.loop,
    ...op.get(C4),
    ...op.set(V),
    ...op.loop,
    ...vectorStep,
    ...countDown(V),
    ...op.end,
    // Past the window's second column to the next window's first.
    ...advance(X, op.get(CB)),
    ...advance(D, op.get(CB)),
    ...countDown(COL),
    ...op.end,
    ...op.get(BAD),
    ...op.v128AnyTrue,
  ];
  return { exportName: "pool2x2Row", params: Array<ValType>(8).fill(I32), results: [I32], locals, body };
}

/** The module's bytes, importing the tfjs heap as `env.memory` (`shared` as that memory is). */
export function maxPoolGradModuleBytes(shared: boolean): Uint8Array {
  return moduleBytes([pool2x2RowFunction()], { imported: { shared } });
}

/** The signature of the exported function (see the file comment). */
export type Pool2x2Row = (
  x: number,
  y: number,
  g: number,
  dx: number,
  cols: number,
  c4: number,
  cBytes: number,
  rowBytes: number,
) => number;
