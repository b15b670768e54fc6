/**
 * Training kernels for the wasm backend, registered for `wasm` only (cpu, webgl, tensorflow
 * keep their own). With them a Sequential CNN (conv2d / maxPooling2d / dropout / flatten /
 * dense, adam or sgd) trains on wasm, and fast:
 *
 * - Conv2DBackpropFilter — missing from tfjs-backend-wasm; an XNNPACK matmul or forward
 *   convolution, or (stride 1 'same', where the project's GEMM runs) that GEMM on the heap.
 * - Conv2DBackpropInput — replaces a slow scalar loop; one XNNPACK forward convolution, or
 *   (where the project's GEMM runs, 8+ channels) an implicit GEMM on the heap (wasm/conv-igemm.ts).
 * - Conv2D — wraps the stock (XNNPACK) kernel: the same implicit GEMM where it applies.
 * - MaxPoolGrad — replaces a slow C++ loop that also picks a different max than cpu/TF on ties;
 *   2×2 stride-2 pools run a generated WebAssembly SIMD function on the heap.
 * - BatchMatMul, _FusedMatMul — transposed operands are transposed first, so the dense layers'
 *   backward pass reaches XNNPACK instead of a scalar loop. Where relaxed SIMD is on and wasm
 *   runs one thread (the training workers), or with `TSDL_GEMM=ours`, BatchMatMul's plain
 *   products run on the project's own wasm GEMM instead (wasm/gemm-matmul.ts); `TSDL_GEMM=xnnpack`
 *   keeps them on XNNPACK.
 * - Sum — reductions over leading axes (bias gradients) without the stock kernel's transpose.
 * - Identity — shares the buffer instead of copying (the engine clones every saved activation).
 *
 * Everything else a CNN needs for training (relu, softmax cross-entropy, dropout's mask,
 * reductions, Adam's updates) already exists in tfjs-backend-wasm and is checked against the
 * cpu backend in test/backend/.
 */
import * as tf from "@tensorflow/tfjs-core";
import { conv2DBackpropFilter } from "./wasm/conv2d-backprop-filter";
import { conv2DBackpropInput } from "./wasm/conv2d-backprop-input";
import { igemmConv2D } from "./wasm/conv2d";
import type { RawKernelFunc } from "./wasm/kernel-scope";
import { gemmChoice, gemmMatMul } from "./wasm/gemm-matmul";
import { transposingMatMul } from "./wasm/matmul";
import { maxPoolGrad } from "./wasm/max-pool-grad";
import { leadingAxesSum } from "./wasm/sum";
import { sharingIdentity } from "./wasm/identity";

/** How each kernel is provided: written from scratch, or wrapped around the stock one. */
type Provider = { replace: RawKernelFunc } | { wrap: (stock: RawKernelFunc) => RawKernelFunc };

const PROVIDERS = {
  Conv2DBackpropFilter: { replace: conv2DBackpropFilter },
  Conv2DBackpropInput: { replace: conv2DBackpropInput },
  MaxPoolGrad: { replace: maxPoolGrad },
  Conv2D: { wrap: igemmConv2D },
  BatchMatMul: {
    wrap: (stock) => {
      const choice = gemmChoice();
      return transposingMatMul("BatchMatMul", choice === "xnnpack" ? stock : gemmMatMul(stock, choice));
    },
  },
  _FusedMatMul: { wrap: (stock) => transposingMatMul("_FusedMatMul", stock) },
  Sum: { wrap: leadingAxesSum },
  Identity: { wrap: sharingIdentity },
} satisfies Record<string, Provider>;

/** One of the kernels this module registers for the wasm backend. */
export type WasmTrainingKernel = keyof typeof PROVIDERS;

/** Kernels this module registers for the wasm backend. */
export const WASM_TRAINING_KERNELS = Object.keys(PROVIDERS) as readonly WasmTrainingKernel[];

/** Marks our kernel functions, so registering twice is a no-op (and never wraps a wrapper). */
const OURS = new WeakSet<object>();

function build(name: WasmTrainingKernel, stock: RawKernelFunc | undefined): RawKernelFunc {
  const provider: Provider = PROVIDERS[name];
  if ("replace" in provider) return provider.replace;
  if (stock === undefined) throw new Error(`tfjs-backend-wasm registers no ${name} kernel to wrap`);
  return provider.wrap(stock);
}

/**
 * Registers the training kernels for the `wasm` backend (idempotent). Call it after
 * `@tensorflow/tfjs-backend-wasm` is loaded — it loads it itself to make sure, since loading
 * that package later would register its stock kernels over ours.
 */
export function registerWasmTrainingKernels(): void {
  require("@tensorflow/tfjs-backend-wasm");
  for (const name of WASM_TRAINING_KERNELS) {
    const existing = tf.getKernel(name, "wasm");
    if (existing !== undefined && OURS.has(existing.kernelFunc)) continue;
    const kernelFunc = build(name, existing?.kernelFunc as unknown as RawKernelFunc | undefined);
    OURS.add(kernelFunc);
    if (existing !== undefined) tf.unregisterKernel(name, "wasm");
    tf.registerKernel({
      kernelName: name,
      backendName: "wasm",
      kernelFunc: kernelFunc as unknown as tf.KernelFunc,
      // The stock setupFunc binds the C++ entry point the wrapped kernel calls; keep it.
      ...(existing?.setupFunc ? { setupFunc: existing.setupFunc } : {}),
    });
  }
}

/** Whether the kernel registered for wasm under `name` is this module's. */
export function isOurWasmKernel(name: WasmTrainingKernel): boolean {
  const k = tf.getKernel(name, "wasm");
  return k !== undefined && OURS.has(k.kernelFunc);
}
