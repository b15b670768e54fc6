/**
 * Adam's update over one flat buffer, in wasm SIMD: the weights, both moments and the gradient
 * of every trained variable, laid end to end in one module's memory, updated in one pass.
 *
 *   m ← β₁·m + (1−β₁)·g        v ← β₂·v + (1−β₂)·g²
 *   w ← (m / (1−β₁ᵗ)) / (√(v / (1−β₂ᵗ)) + ε) · (−lr) + w
 *
 * in float32, operation by operation in tfjs's order (AdamOptimizer.applyGradients), so the
 * result is tfjs's bit for bit: f32x4 mul, add, div and sqrt round exactly as tfjs's kernels do.
 * Plain SIMD (no relaxed SIMD: an FMA would round once where tfjs rounds twice).
 */
import { growToFloats, instantiate, type WasmMemory } from "../gemm/wasm-api";
import { F32, type FunctionDef, I32, moduleBytes, op, V128, type ValType } from "../gemm/wasm-binary";

/** Adam's scalars for one step, each used as a float32. */
export interface AdamStepScalars {
  readonly beta1: number;
  readonly beta2: number;
  /** 1 − β₁ᵗ and 1 − β₂ᵗ: the bias corrections. */
  readonly bias1: number;
  readonly bias2: number;
  readonly epsilon: number;
  readonly learningRate: number;
}

/** `adam(w, m, v, g, bytes, β₁, β₂, 1−β₁, 1−β₂, bias1, bias2, ε, −lr)`: pointers in bytes, `bytes` a multiple of 16. */
function adamFunction(): FunctionDef {
  const [W, M, V, G, BYTES] = [0, 1, 2, 3, 4];
  const scalars = [5, 6, 7, 8, 9, 10, 11, 12]; // β₁ β₂ 1−β₁ 1−β₂ bias1 bias2 ε −lr, as f32
  const [B1, B2, OMB1, OMB2, BIAS1, BIAS2, EPS, MLR] = [13, 14, 15, 16, 17, 18, 19, 20]; // splatted
  const [I, GV, MV, VV] = [21, 22, 23, 24];
  const splat = scalars.flatMap((s, k) => [...op.get(s), ...op.f32x4Splat, ...op.set(B1 + k)]);
  const at = (base: number) => [...op.get(base), ...op.get(I), ...op.i32Add];
  const body = [
    ...splat,
    ...op.block,
    ...op.get(BYTES),
    ...op.i32Eqz,
    ...op.brIf(0),
    ...op.loop,
    ...at(G),
    ...op.v128Load(),
    ...op.set(GV),
    // m ← β₁·m + (1−β₁)·g
    ...at(M),
    ...at(M),
    ...op.v128Load(),
    ...op.get(B1),
    ...op.f32x4Mul,
    ...op.get(GV),
    ...op.get(OMB1),
    ...op.f32x4Mul,
    ...op.f32x4Add,
    ...op.tee(MV),
    ...op.v128Store(),
    // v ← β₂·v + (1−β₂)·g²
    ...at(V),
    ...at(V),
    ...op.v128Load(),
    ...op.get(B2),
    ...op.f32x4Mul,
    ...op.get(GV),
    ...op.get(GV),
    ...op.f32x4Mul,
    ...op.get(OMB2),
    ...op.f32x4Mul,
    ...op.f32x4Add,
    ...op.tee(VV),
    ...op.v128Store(),
    // w ← (m / bias1) / (√(v / bias2) + ε) · (−lr) + w
    ...at(W),
    ...op.get(MV),
    ...op.get(BIAS1),
    ...op.f32x4Div,
    ...op.get(VV),
    ...op.get(BIAS2),
    ...op.f32x4Div,
    ...op.f32x4Sqrt,
    ...op.get(EPS),
    ...op.f32x4Add,
    ...op.f32x4Div,
    ...op.get(MLR),
    ...op.f32x4Mul,
    ...at(W),
    ...op.v128Load(),
    ...op.f32x4Add,
    ...op.v128Store(),
    ...op.get(I),
    ...op.i32Const(16),
    ...op.i32Add,
    ...op.tee(I),
    ...op.get(BYTES),
    ...op.i32LtU,
    ...op.brIf(0),
    ...op.end,
    ...op.end,
  ];
  return {
    exportName: "adam",
    params: [...Array<ValType>(5).fill(I32), ...Array<ValType>(8).fill(F32)],
    results: [],
    locals: [...Array<ValType>(8).fill(V128), I32, V128, V128, V128],
    body,
  };
}

/**
 * Weights, moments and gradients of `sizes.length` tensors in one module's memory, each tensor
 * starting on 4 floats (the padding stays 0 and an update leaves 0 there).
 */
export class FlatAdam {
  /** Each tensor's first float within a region. */
  readonly offsets: readonly number[];
  private readonly floats: number;
  private readonly memory: WasmMemory;
  private readonly update: (...args: number[]) => void;

  constructor(readonly sizes: readonly number[]) {
    const offsets: number[] = [];
    let floats = 0;
    for (const size of sizes) {
      if (!(Number.isInteger(size) && size >= 0)) throw new Error(`FlatAdam: sizes must be non-negative integers, got ${size}`);
      offsets.push(floats);
      floats += Math.ceil(size / 4) * 4;
    }
    this.offsets = offsets;
    this.floats = floats;
    const exports = instantiate(moduleBytes([adamFunction()]));
    this.memory = exports["memory"] as WasmMemory;
    this.update = exports["adam"] as FlatAdam["update"];
    growToFloats(this.memory, 4 * floats);
  }

  /** Region `r` (0 weights, 1 first moments, 2 second moments, 3 gradients), tensor `i`: a view, valid until the next call. */
  view(region: 0 | 1 | 2 | 3, i: number): Float32Array {
    return new Float32Array(this.memory.buffer, 4 * (region * this.floats + this.offsets[i]!), this.sizes[i]!);
  }

  /** One Adam step over every tensor, from the gradients in region 3. */
  step(s: AdamStepScalars): void {
    const f = this.floats * 4;
    this.update(0, f, 2 * f, 3 * f, f, s.beta1, s.beta2, 1 - s.beta1, 1 - s.beta2, s.bias1, s.bias2, s.epsilon, -s.learningRate);
  }
}
