/**
 * A small static file server for the exported site, on loopback only, for the browser test:
 * pages are checked over http (as a reader's web server would serve them) rather than file://,
 * where Chromium treats every file as its own origin.
 */
import { createReadStream, promises as fs } from "node:fs";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { extname, join, resolve, sep } from "node:path";

const TYPES: Readonly<Record<string, string>> = {
  ".html": "text/html; charset=utf-8",
  ".css": "text/css; charset=utf-8",
  ".js": "text/javascript; charset=utf-8",
  ".json": "application/json",
  ".png": "image/png",
  ".svg": "image/svg+xml",
  ".woff2": "font/woff2",
  ".woff": "font/woff",
  ".ttf": "font/ttf",
  ".txt": "text/plain; charset=utf-8",
};

/** A running server: its base URL (ending in "/"), the paths it was asked for, and close(). */
export interface StaticServer {
  readonly url: string;
  /** Every request path, in order, with the status returned (for reports). */
  readonly log: readonly { readonly path: string; readonly status: number }[];
  close(): Promise<void>;
}

/**
 * Maps a request path to a file under `root`, or null when it would leave `root` (`..`,
 * encoded slashes or NUL) or is malformed. "/" and paths ending in "/" mean their index.html.
 */
export function fileForPath(root: string, urlPath: string): string | null {
  let path: string;
  try {
    path = decodeURIComponent(urlPath.split(/[?#]/)[0]!);
  } catch {
    return null;
  }
  if (!path.startsWith("/") || path.includes("\0") || path.includes("\\")) return null;
  if (path.split("/").some((part) => part === "..")) return null;
  const base = resolve(root);
  const file = resolve(join(base, path.endsWith("/") ? path + "index.html" : path));
  return file === base || file.startsWith(base + sep) ? file : null;
}

/**
 * Serves `root` on 127.0.0.1 at a free port (GET and HEAD only). Unknown paths get 404, paths
 * outside `root` 403. Call close() when done: it also ends kept-alive connections.
 */
export async function serveDirectory(root: string): Promise<StaticServer> {
  const log: { path: string; status: number }[] = [];
  const server = createServer((req, res) => {
    const reply = (status: number, text: string) => {
      log.push({ path: req.url ?? "", status });
      res.writeHead(status, { "content-type": "text/plain; charset=utf-8" });
      res.end(text);
    };
    if (req.method !== "GET" && req.method !== "HEAD") return reply(405, "method not allowed");
    const file = fileForPath(root, req.url ?? "/");
    if (file === null) return reply(403, "forbidden");
    fs.stat(file).then(
      (st) => {
        if (!st.isFile()) return reply(404, "not found");
        log.push({ path: req.url ?? "", status: 200 });
        res.writeHead(200, {
          "content-type": TYPES[extname(file).toLowerCase()] ?? "application/octet-stream",
          "content-length": st.size,
          "cache-control": "no-store",
        });
        if (req.method === "HEAD") return res.end();
        createReadStream(file).pipe(res);
      },
      () => reply(404, "not found"),
    );
  });
  await new Promise<void>((ok, fail) => {
    server.once("error", fail);
    server.listen(0, "127.0.0.1", () => ok());
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/`,
    log,
    close: () =>
      new Promise<void>((ok) => {
        server.closeAllConnections();
        server.close(() => ok());
      }),
  };
}
