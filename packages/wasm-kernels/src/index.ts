/**
 * @tsdl/wasm-kernels: the training kernels that @tensorflow/tfjs-backend-wasm 4.22 lacks or runs
 * slowly, for Node and browsers (README.md says what each adds and how to register them).
 *
 * - `registerWasmTrainingKernels()` puts them in place of (or around) the stock `wasm` kernels.
 * - `FlatAdam` is Adam's update over one flat buffer, in one wasm SIMD pass.
 * - The measurements (`measureGemm`, `measureConv`, `measureCeiling`) time the kernels alone in
 *   GFLOP/s next to the machine's ceiling.
 */
export { registerWasmTrainingKernels, isOurWasmKernel, WASM_TRAINING_KERNELS, type WasmTrainingKernel } from "./register";
export { GEMM_ENV, gemmChoice, autoPicksOurs, ourGemmRuns, type GemmChoice } from "./wasm/gemm-matmul";
export { relaxedSimdAvailable } from "./gemm/gemm";
export { defaultShape, type MicroKernelShape } from "./gemm/micro-kernel";
export { measureCeiling } from "./gemm/ceiling";
export {
  measureGemm,
  measureConv,
  TRAINING_GEMM_SHAPES,
  TRAINING_CONV_SHAPES,
  type GemmShape,
  type GemmMeasurement,
  type ConvShape,
  type ConvKernel,
  type ConvMeasurement,
} from "./gemm/measure";
export { FlatAdam, type AdamStepScalars } from "./adam/adam-kernel";
export { asWasmBackend, f32View, type WasmBackend } from "./wasm/internals";
export { heapGemm } from "./wasm/heap-gemm";
