/**
 * BatchMatMul on this project's GEMM (src/backend/gemm/) instead of XNNPACK, for the plain case
 * the transposing wrapper (matmul.ts) hands on: float32, no transposed operand, one batch. Any
 * other call goes to the kernel it wraps. Off unless `TSDL_GEMM=ours` (wasm-kernels.ts): it is
 * registered only where it measures faster (bench/README.md, "GEMM").
 */
import { WasmGemm } from "../gemm/gemm";
import { asWasmBackend, f32View } from "./internals";
import type { RawKernelFunc } from "./kernel-scope";

/** The switch: `TSDL_GEMM=ours` uses this file's BatchMatMul, anything else (default) XNNPACK's. */
export const GEMM_ENV = "TSDL_GEMM";

/** Whether the environment asks for this project's GEMM; an unknown value is an error naming the choices. */
export function gemmRequested(env: NodeJS.ProcessEnv = process.env): boolean {
  const v = env[GEMM_ENV];
  if (v === undefined || v === "" || v === "xnnpack") return false;
  if (v === "ours") return true;
  throw new Error(`${GEMM_ENV}="${v}": expected "ours" (this project's wasm GEMM) or "xnnpack" (tfjs's, the default)`);
}

const product = (dims: readonly number[]) => dims.reduce((a, b) => a * b, 1);

/** Wraps `stock` (BatchMatMul): plain single-batch float32 products run on WasmGemm. */
export function gemmMatMul(stock: RawKernelFunc): RawKernelFunc {
  let gemm: WasmGemm | undefined;
  return (args) => {
    const a = args.inputs["a"];
    const b = args.inputs["b"];
    const attrs = (args.attrs ?? {}) as { transposeA?: boolean; transposeB?: boolean };
    if (a === undefined || b === undefined || attrs.transposeA || attrs.transposeB) return stock(args);
    if (a.dtype !== "float32" || b.dtype !== "float32") return stock(args);
    if (product(a.shape.slice(0, -2)) !== 1 || product(b.shape.slice(0, -2)) !== 1) return stock(args);
    const [m, k] = a.shape.slice(-2) as [number, number];
    const n = b.shape[b.shape.length - 1]!;
    if (b.shape[b.shape.length - 2] !== k) return stock(args); // let the stock kernel word the error
    const backend = asWasmBackend(args.backend, "BatchMatMul");
    const rank = Math.max(a.shape.length, b.shape.length);
    const out = backend.makeOutput([...Array<number>(rank - 2).fill(1), m, n], "float32");
    // Views after the allocation: makeOutput may grow the heap and detach older ones.
    const c = f32View(backend, out);
    c.fill(0);
    gemm ??= new WasmGemm();
    gemm.multiplyAdd(f32View(backend, a), f32View(backend, b), c, m, n, k);
    return out;
  };
}
