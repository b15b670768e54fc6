// The site's bundles take @tsdl/wasm-kernels from its TypeScript source, not its CommonJS build
// (packages/wasm-kernels/dist, for Node): esbuild can drop from ES modules what a page never
// calls (the bench's measurements, say), not from CommonJS.
import { join } from "node:path";
import { root } from "../jupyter/jupyter-env.mjs";

export const kernelsFromSource = { "@tsdl/wasm-kernels": join(root, "packages", "wasm-kernels", "src", "index.ts") };
