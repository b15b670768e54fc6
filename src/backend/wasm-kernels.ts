/**
 * Training kernels the wasm backend lacks (Conv2D gradients, …), registered for `wasm` only.
 * Placeholder: filled in by the training-backend work.
 */
export function registerWasmTrainingKernels(): void {}
