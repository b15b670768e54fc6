/**
 * BatchMatMul / _FusedMatMul wrappers for the wasm backend that transpose explicitly.
 *
 * Why: the stock wasm kernel sends every matmul with transposeA or transposeB to a scalar,
 * single-threaded C++ loop; only the plain case reaches XNNPACK. Dense layers' backward pass
 * is exactly those transposed products (dW = xᵀ·dy, dx = dy·Wᵀ): [100,2048]ᵀ·[100,128] took
 * 79 ms that way against ~2 ms for "transpose, then plain matmul". Results agree to float
 * rounding (different summation order).
 */
import { asWasmBackend } from "./internals";
import { type RawKernelFunc, withScope } from "./kernel-scope";

function swapLastTwo(rank: number): number[] {
  const perm = Array.from({ length: rank }, (_, i) => i);
  perm[rank - 2] = rank - 1;
  perm[rank - 1] = rank - 2;
  return perm;
}

/**
 * Wraps the stock kernel `stock` (BatchMatMul or _FusedMatMul: inputs a, b, …; attrs
 * transposeA/transposeB, …) so that transposed operands are materialised first.
 */
export function transposingMatMul(kernelName: string, stock: RawKernelFunc): RawKernelFunc {
  return (args) => {
    const attrs = (args.attrs ?? {}) as { transposeA?: boolean; transposeB?: boolean };
    if (!attrs.transposeA && !attrs.transposeB) return stock(args);
    const backend = asWasmBackend(args.backend, kernelName);
    const a = args.inputs["a"];
    const b = args.inputs["b"];
    if (kernelName === "BatchMatMul" && !attrs.transposeA && a?.shape.length === 2 && b?.shape.length === 2) {
      // A·Bᵀ as (B·Aᵀ)ᵀ when that moves less data: Aᵀ and the result are transposed instead of
      // B, and XNNPACK packs Aᵀ ([K, M]) instead of Bᵀ ([K, N]) — a dense layer's dx = dy·Wᵀ
      // with a small batch: [50,128]·[2048,128]ᵀ took 2.6–4.0 ms, 2.0–2.1 ms this way (one
      // thread, two runs, 2026-12-02).
      const [m, k] = a.shape as [number, number];
      const n = b.shape[0]!;
      if (m * (k + n) < k * n) {
        return withScope(backend, (scope) => {
          const aT = scope.run("Transpose", { x: a }, { perm: [1, 0] });
          const cT = scope.call(stock, { a: b, b: aT }, { ...args.attrs, transposeA: false, transposeB: false });
          return scope.run("Transpose", { x: cT }, { perm: [1, 0] });
        });
      }
    }
    return withScope(backend, (scope) => {
      const inputs = { ...args.inputs };
      for (const [key, flag] of [
        ["a", attrs.transposeA],
        ["b", attrs.transposeB],
      ] as const) {
        const t = inputs[key];
        if (flag && t !== undefined) {
          inputs[key] = scope.run("Transpose", { x: t }, { perm: swapLastTwo(t.shape.length) });
        }
      }
      return scope.call(stock, inputs, { ...args.attrs, transposeA: false, transposeB: false });
    });
  };
}
