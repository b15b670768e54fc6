/**
 * Just enough of the WebAssembly binary format to write our wasm modules (the GEMM of
 * micro-kernel.ts, the Adam update of ../adam) from TypeScript, with no toolchain: LEB128 numbers,
 * the few instructions the kernels use, and a module with one memory and exported functions. Opcode numbers are the spec's (WebAssembly 2.0
 * core, SIMD; relaxed SIMD for `f32x4.relaxed_madd`).
 */

/** Value types. */
export const I32 = 0x7f;
export const F32 = 0x7d;
export const V128 = 0x7b;
export type ValType = typeof I32 | typeof F32 | typeof V128;

export function uleb(n: number): number[] {
  if (!Number.isInteger(n) || n < 0) throw new Error(`uleb: expected a non-negative integer, got ${n}`);
  const out: number[] = [];
  do {
    let byte = n & 0x7f;
    n = Math.floor(n / 128);
    if (n !== 0) byte |= 0x80;
    out.push(byte);
  } while (n !== 0);
  return out;
}

export function sleb(n: number): number[] {
  if (!Number.isInteger(n)) throw new Error(`sleb: expected an integer, got ${n}`);
  const out: number[] = [];
  for (;;) {
    const byte = n & 0x7f;
    n >>= 7;
    const done = (n === 0 && (byte & 0x40) === 0) || (n === -1 && (byte & 0x40) !== 0);
    out.push(done ? byte : byte | 0x80);
    if (done) return out;
  }
}

function name(s: string): number[] {
  const bytes = [...new TextEncoder().encode(s)];
  return [...uleb(bytes.length), ...bytes];
}

function vec(items: number[][]): number[] {
  return [...uleb(items.length), ...items.flat()];
}

function section(id: number, body: number[]): number[] {
  return [id, ...uleb(body.length), ...body];
}

/** SIMD instructions are 0xfd followed by their number as a LEB128. */
const simd = (op: number) => [0xfd, ...uleb(op)];
/** memarg: alignment (log2 bytes, a hint) and a constant byte offset added to the address. */
const memarg = (alignLog2: number, offset: number) => [...uleb(alignLog2), ...uleb(offset)];

/** The instructions the kernels use, as byte arrays to concatenate. */
export const op = {
  block: [0x02, 0x40],
  loop: [0x03, 0x40],
  end: [0x0b],
  br: (depth: number) => [0x0c, ...uleb(depth)],
  brIf: (depth: number) => [0x0d, ...uleb(depth)],
  get: (local: number) => [0x20, ...uleb(local)],
  set: (local: number) => [0x21, ...uleb(local)],
  tee: (local: number) => [0x22, ...uleb(local)],
  i32Const: (v: number) => [0x41, ...sleb(v)],
  i32Eqz: [0x45],
  i32Ne: [0x47],
  i32LtU: [0x49],
  i32Add: [0x6a],
  i32Sub: [0x6b],
  i32Mul: [0x6c],
  i32Load: (offset = 0) => [0x28, ...memarg(2, offset)],
  v128Load: (offset = 0) => [...simd(0x00), ...memarg(4, offset)],
  v128Load32Splat: (offset = 0) => [...simd(0x09), ...memarg(2, offset)],
  v128Store: (offset = 0) => [...simd(0x0b), ...memarg(4, offset)],
  i32x4Splat: simd(0x11),
  f32x4Splat: simd(0x13),
  f32x4Sqrt: simd(0xe3),
  f32x4Eq: simd(0x41),
  f32x4Gt: simd(0x44),
  v128Not: simd(0x4d),
  v128And: simd(0x4e),
  /** a & ~b. */
  v128AndNot: simd(0x4f),
  v128Or: simd(0x50),
  v128AnyTrue: simd(0x53),
  /** An f32 constant (little-endian IEEE bits). */
  f32Const: (v: number) => [0x43, ...new Uint8Array(new Float32Array([v]).buffer)],
  f32x4Add: simd(0xe4),
  f32x4Sub: simd(0xe5),
  f32x4Neg: simd(0xe1),
  f32x4Mul: simd(0xe6),
  f32x4Div: simd(0xe7),
  /** a·b + c, fused or not (the engine's choice: one rounding on FMA hardware). Relaxed SIMD. */
  f32x4RelaxedMadd: simd(0x105),
} as const;

/** One function of a module: its signature, extra locals and body (without the final `end`). */
export interface FunctionDef {
  exportName: string;
  params: ValType[];
  results: ValType[];
  locals: ValType[];
  body: number[];
}

/**
 * Where a module's memory comes from: its own (growable, not shared, exported as `memory`), or
 * imported as `env.memory` — another module's, e.g. the tfjs wasm heap, so a kernel works on
 * tensors in place. An imported shared memory must declare a maximum: 65536 pages (4 GiB)
 * admits any.
 */
export type MemorySource = { own: number } | { imported: { shared: boolean } };

/** A module with one memory (see {@link MemorySource}; default: its own, one page) and the functions given. */
export function moduleBytes(functions: readonly FunctionDef[], memory: MemorySource = { own: 1 }): Uint8Array {
  const types = functions.map((f) => [0x60, ...vec(f.params.map((t) => [t])), ...vec(f.results.map((t) => [t]))]);
  const bodies = functions.map((f) => {
    // Locals as runs of one type: (count, type) pairs.
    const runs: number[][] = [];
    for (let i = 0; i < f.locals.length; ) {
      let j = i;
      while (j < f.locals.length && f.locals[j] === f.locals[i]) j++;
      runs.push([...uleb(j - i), f.locals[i]!]);
      i = j;
    }
    const code = [...vec(runs), ...f.body, ...op.end];
    return [...uleb(code.length), ...code];
  });
  const functionExports = functions.map((f, i) => [...name(f.exportName), 0x00, ...uleb(i)]);
  // Limits: flags 0 = min only, 3 = min, max, shared.
  const memorySections =
    "own" in memory
      ? [...section(5, vec([[0x00, ...uleb(memory.own)]]))]
      : [
          ...section(
            2,
            vec([
              [
                ...name("env"),
                ...name("memory"),
                0x02,
                ...(memory.imported.shared ? [0x03, ...uleb(0), ...uleb(65536)] : [0x00, ...uleb(0)]),
              ],
            ]),
          ),
        ];
  const exportEntries = "own" in memory ? [...functionExports, [...name("memory"), 0x02, ...uleb(0)]] : functionExports;
  const imports = "own" in memory ? [] : memorySections;
  return new Uint8Array([
    ...[0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00],
    ...section(1, vec(types)),
    ...imports,
    ...section(3, vec(functions.map((_, i) => uleb(i)))),
    ...("own" in memory ? memorySections : []),
    ...section(7, vec(exportEntries)),
    ...section(10, vec(bodies)),
  ]);
}
