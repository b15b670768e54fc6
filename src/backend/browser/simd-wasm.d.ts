// The virtual module scripts/site/bundle-wasm.mjs provides to ./wasm-page.ts.
declare module "tsdl:simd-wasm" {
  /** base64 of gzip(tfjs-backend-wasm 4.22's tfjs-backend-wasm-simd.wasm). */
  export const SIMD_WASM_GZIP_BASE64: string;
}
