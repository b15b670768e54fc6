/**
 * Conv2DBackpropFilter (dW of a 2-D convolution) for the wasm backend, which has none:
 *
 *   dW[i, j, ci, co] = Σ_b Σ_y Σ_x  xpad[b, y·s + i, x·s + j, ci] · dy[b, y, x, co]
 *
 * XNNPACK does the multiply-adds, as a matmul over an im2col matrix in one of two orientations
 * (filter-grad-matmul.ts) or as a forward convolution with batch and channels swapped
 * (filter-grad-conv.ts). All are exact; they differ in the data they move, so
 * {@link filterGradStrategy} picks per shape. Where the project's GEMM runs (gemm-matmul.ts:
 * relaxed SIMD and one wasm thread, or TSDL_GEMM=ours), stride 1 with output size = input size
 * goes to it instead, on the heap in blocks of images (filter-grad-gemm.ts) — and 3×3 stride-1
 * ones with enough channels by Winograd's F(3×3, 2×2) (conv-winograd-filter.ts).
 */
import type * as tf from "@tensorflow/tfjs-core";
import { assertDyShape, assertSupported, type ConvGradAttrs, forwardConvInfo } from "./conv-geometry";
import { winogradForward, winogradPays } from "./conv-winograd";
import { winogradFilterGrad } from "./conv-winograd-filter";
import { filterGradViaConv } from "./filter-grad-conv";
import { filterGradViaGemm, gemmFilterGradApplies } from "./filter-grad-gemm";
import { ourGemmRuns } from "./gemm-matmul";
import { filterGradViaMatmul, filterGradViaMatmulT } from "./filter-grad-matmul";
import { asWasmBackend } from "./internals";
import { withScope } from "./kernel-scope";

/** Attributes of tfjs's Conv2DBackpropFilter kernel. */
export interface Conv2DBackpropFilterAttrs extends ConvGradAttrs {
  filterShape: [number, number, number, number];
}

const NAME = "Conv2DBackpropFilter";

/** How dW is computed: see filter-grad-matmul.ts ("matmul", "matmulT") and filter-grad-conv.ts. */
export type FilterGradStrategy = "matmul" | "matmulT" | "conv";

/**
 * XNNPACK packs the matmul's second operand on every call, at a few ns per element, so:
 * - "matmulT" when the im2col matrix is the smaller operand (KH·KW·Ci < Co, e.g. a first
 *   layer): it packs cols, not dy. The reference CNN's first layer (scripts/cli/bench.ts),
 *   one thread, 2026-12-02: 6.6 → 5.1 ms at batch 50, 18.8 → 12.9 ms at batch 100.
 * - "matmul" for stride 1 with output size = input size, where colsT is whole-plane copies.
 * - "conv" otherwise: a forward convolution that copies only x and dy.
 * Measured on the reference CNN's three layers (batch 100, 1 thread), before "matmulT":
 * ~100 ms with the convolution form alone, ~85 ms with "matmul" where it applies.
 */
export function filterGradStrategy(info: tf.backend_util.Conv2DInfo): FilterGradStrategy {
  if (info.filterHeight * info.filterWidth * info.inChannels < info.outChannels) return "matmulT";
  const samePlanes =
    info.strideHeight === 1 && info.strideWidth === 1 && info.outHeight === info.inHeight && info.outWidth === info.inWidth;
  return samePlanes ? "matmul" : "conv";
}

const COMPUTE = { matmul: filterGradViaMatmul, matmulT: filterGradViaMatmulT, conv: filterGradViaConv } satisfies Record<
  FilterGradStrategy,
  unknown
>;

/** Kernel function: inputs {x, dy}, attrs {@link Conv2DBackpropFilterAttrs}. */
export function conv2DBackpropFilter(args: {
  inputs: Record<string, tf.TensorInfo>;
  backend: unknown;
  attrs?: Record<string, unknown>;
}): tf.TensorInfo {
  const backend = asWasmBackend(args.backend, NAME);
  const attrs = args.attrs as unknown as Conv2DBackpropFilterAttrs;
  const x = args.inputs["x"]!;
  const dy = args.inputs["dy"]!;
  assertSupported(NAME, attrs, { x, dy });
  const info = forwardConvInfo(x.shape, attrs.filterShape, attrs);
  assertDyShape(NAME, dy, info);
  const strategy = filterGradStrategy(info);
  return withScope(backend, (scope) => {
    // Where the project's GEMM runs (gemm-matmul.ts's rule), it takes the 3×3 stride-1 case by
    // Winograd where that pays, else the stride-1 'same' case on the heap.
    const gemm = ourGemmRuns();
    const wino = gemm ? winogradForward(info) : undefined;
    const winograd = wino !== undefined && winogradPays(wino) ? winogradFilterGrad(scope, x, dy, wino) : undefined;
    if (winograd !== undefined) return winograd;
    const ours = gemm && gemmFilterGradApplies(info) ? filterGradViaGemm(scope, x, dy, info) : undefined;
    return ours ?? COMPUTE[strategy](scope, x, dy, info);
  });
}
