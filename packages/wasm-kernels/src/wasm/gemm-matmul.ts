/**
 * BatchMatMul on this project's GEMM (gemm/) instead of XNNPACK, for the plain case
 * the transposing wrapper (matmul.ts) hands on: float32, no transposed operand, one batch. Any
 * other call goes to the kernel it wraps. By default only where the engine has relaxed SIMD and
 * the wasm backend runs one thread (the training workers, `TSDL_WASM_THREADS=1`): there its FMA
 * kernel measured faster than XNNPACK on the training shapes (bench/README.md, "GEMM"), while
 * with more threads XNNPACK spreads a product over them and ours runs on one. `TSDL_GEMM`
 * overrides.
 */
import { relaxedSimdAvailable, WasmGemm } from "../gemm/gemm";
import type { MicroKernelShape } from "../gemm/micro-kernel";
import { asWasmBackend, f32View } from "./internals";
import type { RawKernelFunc } from "./kernel-scope";

/**
 * The switch: `TSDL_GEMM=ours` (always), `xnnpack` (never); unset, `auto`. It also governs the
 * convolutions on the GEMM (filter-grad-gemm.ts, conv-igemm.ts) and, `xnnpack` turning it off,
 * the max-pool gradient's SIMD function (heap-module.ts): one opt-out for every generated kernel.
 */
export const GEMM_ENV = "TSDL_GEMM";

/** Environment variables as the switches read them. */
export type Environment = Readonly<Record<string, string | undefined>>;

/** The process environment where there is one (Node); a page has none, so every switch is unset there. */
export function environment(): Environment {
  return (globalThis as { process?: { env?: Environment } }).process?.env ?? {};
}

/** Which BatchMatMul runs plain products: ours, XNNPACK's, or ours where relaxed SIMD is on and wasm runs one thread. */
export type GemmChoice = "ours" | "xnnpack" | "auto";

/** `TSDL_GEMM` read; an unknown value is an error naming the choices. */
export function gemmChoice(env: Environment = environment()): GemmChoice {
  const v = env[GEMM_ENV];
  if (v === undefined || v === "") return "auto";
  if (v === "ours" || v === "xnnpack") return v;
  throw new Error(
    `${GEMM_ENV}="${v}": expected "ours" (this project's wasm GEMM) or "xnnpack" (tfjs's); unset, ours where relaxed SIMD is on and wasm runs one thread`,
  );
}

/** The running wasm backend's thread count (required lazily, as register.ts loads the package). */
function wasmThreadsCount(): number {
  return (require("@tensorflow/tfjs-backend-wasm") as typeof import("@tensorflow/tfjs-backend-wasm")).getThreadsCount();
}

/** Whether `auto` picks ours: relaxed SIMD on and a single-threaded wasm backend. */
export function autoPicksOurs(relaxedSimd: boolean = relaxedSimdAvailable(), wasmThreads: number = wasmThreadsCount()): boolean {
  return relaxedSimd && wasmThreads === 1;
}

/** Whether the project's GEMM takes a product now: `TSDL_GEMM=ours`, or unset and `autoPicksOurs`. */
export function ourGemmRuns(env: Environment = environment()): boolean {
  const choice = gemmChoice(env);
  return choice === "ours" || (choice === "auto" && autoPicksOurs());
}

const product = (dims: readonly number[]) => dims.reduce((a, b) => a * b, 1);

/**
 * Wraps `stock` (BatchMatMul): plain single-batch float32 products run on WasmGemm, built with
 * `shape` (default: FMA where relaxed SIMD is on; `{ fma: false }` forces the plain-SIMD kernel).
 * With `choice` "auto" each call first asks `autoPicksOurs` (the thread count is set when the
 * backend starts, after the kernels are registered).
 */
export function gemmMatMul(stock: RawKernelFunc, choice: "ours" | "auto" = "ours", shape: Partial<MicroKernelShape> = {}): RawKernelFunc {
  let gemm: WasmGemm | undefined;
  return (args) => {
    if (choice === "auto" && !autoPicksOurs()) return stock(args);
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
    gemm ??= new WasmGemm(shape);
    gemm.multiplyAdd(f32View(backend, a), f32View(backend, b), c, m, n, k);
    return out;
  };
}
