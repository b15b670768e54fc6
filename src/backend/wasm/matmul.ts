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
import { RawKernelFunc, withScope } from "./kernel-scope";

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
