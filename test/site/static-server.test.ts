import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { request } from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileForPath, serveDirectory } from "../../scripts/site/static-server";

test("fileForPath maps paths under the root and refuses to leave it", () => {
  assert.equal(fileForPath("/site", "/"), "/site/index.html");
  assert.equal(fileForPath("/site", "/assets/tsdl.css?v=1#x"), "/site/assets/tsdl.css");
  assert.equal(fileForPath("/site", "/a%20b.html"), "/site/a b.html");
  for (const bad of ["/../etc/passwd", "/assets/../../x", "/%2e%2e/x", "/a%00b", "relative", "/%E0%A4%A", "/a\\..\\b"]) {
    assert.equal(fileForPath("/site", bad), null, bad);
  }
});

/** A raw GET (fetch would normalise "/../" away before sending it). */
function get(url: string, path: string, method = "GET"): Promise<{ status: number; type: string; body: string }> {
  return new Promise((ok, fail) => {
    const { hostname, port } = new URL(url);
    const req = request({ hostname, port, path, method }, (res) => {
      let body = "";
      res.setEncoding("utf8");
      res.on("data", (c: string) => (body += c));
      res.on("end", () => ok({ status: res.statusCode ?? 0, type: String(res.headers["content-type"]), body }));
    });
    req.on("error", fail);
    req.end();
  });
}

test("serveDirectory serves files on 127.0.0.1 with their types and refuses the rest", async () => {
  const dir = mkdtempSync(join(tmpdir(), "tsdl-static-"));
  const root = join(dir, "site");
  mkdirSync(join(root, "assets"), { recursive: true });
  writeFileSync(join(root, "index.html"), "<h1>hi</h1>");
  writeFileSync(join(root, "assets", "a.css"), "b{}");
  writeFileSync(join(dir, "secret.txt"), "no");
  const server = await serveDirectory(root);
  try {
    assert.match(server.url, /^http:\/\/127\.0\.0\.1:\d+\/$/);
    assert.deepEqual(await get(server.url, "/"), { status: 200, type: "text/html; charset=utf-8", body: "<h1>hi</h1>" });
    assert.equal((await get(server.url, "/assets/a.css")).type, "text/css; charset=utf-8");
    assert.equal((await get(server.url, "/assets/a.css", "HEAD")).body, "");
    assert.equal((await get(server.url, "/missing.html")).status, 404);
    assert.equal((await get(server.url, "/assets")).status, 404, "a folder is not a file");
    assert.equal((await get(server.url, "/../secret.txt")).status, 403);
    assert.equal((await get(server.url, "/index.html", "POST")).status, 405);
    assert.deepEqual(
      server.log.map((e) => e.status),
      [200, 200, 200, 404, 404, 403, 405],
    );
  } finally {
    await server.close();
    rmSync(dir, { recursive: true, force: true });
  }
});
