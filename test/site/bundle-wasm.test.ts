import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import * as path from "node:path";
import { gunzipSync } from "node:zlib";
import { projectRoot } from "../../src/data/paths";

// The site's shared wasm script (scripts/site/bundle-wasm.mjs, built by `npm run build`).
const SCRIPT = path.join(projectRoot(), "build", "wasm", "tsdl-wasm.js");

test("the site's wasm script carries tfjs-backend-wasm's SIMD binary byte for byte, gzipped in base64, and no other", () => {
  const script = readFileSync(SCRIPT, "utf8");
  const base64 = script.match(/[A-Za-z0-9+/]{10000,}={0,2}/g) ?? [];
  assert.equal(base64.length, 1, "one long base64 string in the script");
  const binary = gunzipSync(Buffer.from(base64[0]!, "base64"));
  const dist = path.join(path.dirname(require.resolve("@tensorflow/tfjs-backend-wasm/package.json")), "dist");
  assert.ok(
    binary.equals(readFileSync(path.join(dist, "tfjs-backend-wasm-simd.wasm"))),
    "the SIMD binary of the installed tfjs-backend-wasm",
  );
  assert.ok(!binary.equals(readFileSync(path.join(dist, "tfjs-backend-wasm-threaded-simd.wasm"))), "not the threaded one");
});

test("the site's wasm script registers with the page's tfjs instead of bundling its own", () => {
  const script = readFileSync(SCRIPT, "utf8");
  assert.match(script, /tsdl-wasm\.js needs tfjs \(tf\.min\.js\) loaded before it/);
  // tfjs-core's engine would come with its own registry: the kernels would register where the page never looks.
  assert.doesNotMatch(script, /nextTensorId/, "no copy of tfjs-core's engine");
});
