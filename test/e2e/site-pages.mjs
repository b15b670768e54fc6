// What the browser tests share about a site page: how to open it both ways (over http and from
// file://, where Chromium refuses fetches), a page that reports what goes wrong, and the
// backend facts the page leaves on <html>.
import { createRequire } from "node:module";
import { join } from "node:path";
import { pathToFileURL } from "node:url";

const require = createRequire(import.meta.url);

/** The page `name` of `site`, over http and from file://: how, its address, and the prefix its requests must keep to. */
export function bothWays(site, serverUrl, name) {
  return [
    { how: "http", url: new URL(name, serverUrl).href, prefix: new URL(".", serverUrl).href },
    { how: "file", url: pathToFileURL(join(site, name)).href, prefix: pathToFileURL(site).href + "/" },
  ];
}

/** The backend facts the page leaves on <html> (src/backend/browser/page-backend.ts). */
export const backendFacts = (page) =>
  page.evaluate(() => {
    const d = document.documentElement.dataset;
    return {
      backend: d.tsdlBackend,
      kernels: d.tsdlWasmKernels,
      gemm: d.tsdlGemm,
      facts: document.querySelector(".tsdl-demo-facts")?.textContent,
    };
  });

/**
 * The page runs wasm with every one of our training kernels registered and our GEMM chosen
 * (Chromium has relaxed SIMD, and the page's wasm runs one thread); problems go to `add`.
 */
export async function checkPageWasm(page, add) {
  const { WASM_TRAINING_KERNELS } = require("@tsdl/wasm-kernels");
  const f = await backendFacts(page);
  if (f.backend !== "wasm") add(`the page runs the ${f.backend ?? "(unknown)"} backend, not wasm`);
  else if (f.kernels !== String(WASM_TRAINING_KERNELS.length))
    add(`${f.kernels} of our ${WASM_TRAINING_KERNELS.length} wasm training kernels are registered in the page`);
  else if (f.gemm !== "ours") add(`the page's wasm runs matrix products on ${f.gemm}, not our GEMM`);
  return `wasm, ${f.kernels} kernels ours, GEMM ${f.gemm}`;
}

/** A new page whose failed or off-site requests, console errors and exceptions are reported. */
export async function watchedPage(context, prefix, add) {
  const page = await context.newPage();
  page.on("request", (req) => {
    // blob: URLs are made by the page itself (the wasm binary from the shared script).
    if (!req.url().startsWith(prefix) && !req.url().startsWith("data:") && !req.url().startsWith("blob:"))
      add(`request off the site: ${req.url()}`);
  });
  page.on("requestfailed", (req) => add(`request failed: ${req.url()} (${req.failure()?.errorText ?? "?"})`));
  page.on("console", (msg) => {
    if (msg.type() === "error") add(`console error: ${msg.text()}`);
  });
  page.on("pageerror", (err) => add(`uncaught exception: ${err.message}`));
  return page;
}
