/**
 * The site's scripts carry binary data (the wasm binary, MNIST's fast slice) as gzipped base64;
 * a page unpacks it with the browser's own DecompressionStream. Shared by the wasm backend's
 * script and the lesson runner. (Not in site-assets.ts: the drawing pad's tsconfig has no
 * DecompressionStream, and the pad only loads scripts.)
 */

/** The bytes of a gzipped, base64-encoded payload (the browser's own DecompressionStream). */
export async function gunzipBase64(base64: string): Promise<Uint8Array> {
  const bin = atob(base64);
  const bytes = new Uint8Array(bin.length);
  for (let i = 0; i < bin.length; i++) bytes[i] = bin.charCodeAt(i);
  const stream = new Blob([bytes]).stream().pipeThrough(new DecompressionStream("gzip"));
  return new Uint8Array(await new Response(stream).arrayBuffer());
}
