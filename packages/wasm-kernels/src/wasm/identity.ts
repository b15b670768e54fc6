/**
 * Identity for the wasm backend that shares the buffer (refcount) instead of copying it, as
 * the cpu backend does. The engine clones every tensor it saves for the backward pass through
 * this kernel, so the stock copy costs a full pass over each activation per training step.
 * Sharing is safe because tensors are immutable (a variable's assign swaps in a new buffer).
 */
import { asWasmBackend } from "./internals";
import type { RawKernelFunc } from "./kernel-scope";

/** Wraps the stock Identity: numeric tensors share their buffer; strings go to the stock kernel. */
export function sharingIdentity(stock: RawKernelFunc): RawKernelFunc {
  return (args) => {
    const x = args.inputs["x"]!;
    if (x.dtype === "string") return stock(args);
    asWasmBackend(args.backend, "Identity").incRef(x.dataId);
    return { dataId: x.dataId, shape: [...x.shape], dtype: x.dtype };
  };
}
