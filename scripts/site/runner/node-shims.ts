/**
 * The page's counterparts of the Node.js modules the library imports, just enough for the parts a
 * lesson page runs: `path` (POSIX, pure), `os` (one core: the page trains on its main thread),
 * `process` (no environment: the fast profile, no backend forced), and `fs` that knows the one
 * folder the page holds, data/mnist (see ./mnist-data.ts). Everything else throws
 * NeedsKernelError (./need-kernel.ts). esbuild maps the modules here (scripts/site/bundle-runner.mjs).
 */
import { hasEmbeddedFile } from "./mnist-data";
import { nodeOnlyModule } from "./need-kernel";

/** Where the page pretends the project lives (data/mnist under it). */
export const PAGE_ROOT = "/tsdl";

function normalize(p: string): string {
  const absolute = p.startsWith("/");
  const out: string[] = [];
  for (const part of p.split("/")) {
    if (part === "" || part === ".") continue;
    if (part === "..") {
      if (out.length && out[out.length - 1] !== "..") out.pop();
      else if (!absolute) out.push("..");
    } else out.push(part);
  }
  const joined = out.join("/");
  return absolute ? `/${joined}` : joined || ".";
}

export const path = nodeOnlyModule("path", {
  sep: "/",
  delimiter: ":",
  normalize,
  join: (...parts: string[]) => normalize(parts.filter((s) => s !== "").join("/") || "."),
  resolve: (...parts: string[]) => {
    let p = "";
    for (const part of parts) p = part.startsWith("/") ? part : `${p}/${part}`;
    return normalize(p.startsWith("/") ? p : `${PAGE_ROOT}/${p}`);
  },
  isAbsolute: (p: string) => p.startsWith("/"),
  dirname: (p: string) => {
    const n = normalize(p);
    const i = n.lastIndexOf("/");
    return i < 0 ? "." : i === 0 ? "/" : n.slice(0, i);
  },
  basename: (p: string, ext?: string) => {
    const b = normalize(p).split("/").pop() ?? "";
    return ext && b.endsWith(ext) ? b.slice(0, -ext.length) : b;
  },
  extname: (p: string) => {
    const b = normalize(p).split("/").pop() ?? "";
    const i = b.lastIndexOf(".");
    return i > 0 ? b.slice(i) : "";
  },
  relative: (from: string, to: string) => {
    const a = normalize(from).split("/").filter(Boolean);
    const b = normalize(to).split("/").filter(Boolean);
    let i = 0;
    while (i < a.length && i < b.length && a[i] === b[i]) i++;
    return [...a.slice(i).map(() => ".."), ...b.slice(i)].join("/");
  },
});

export const fs = nodeOnlyModule("fs", {
  existsSync: (p: string) => {
    const n = normalize(p);
    return n === `${PAGE_ROOT}/package.json` || n === `${PAGE_ROOT}/data/mnist` || hasEmbeddedFile(n);
  },
});

export const os = nodeOnlyModule("os", {
  availableParallelism: () => 1,
  cpus: () => [{ model: "the page's main thread", speed: 0 }],
  loadavg: () => [0, 0, 0],
  EOL: "\n",
});

/** `process` for the bundle (esbuild injects it where the library names it; the page gets no global). */
export const process = {
  env: {} as Record<string, string | undefined>,
  pid: 0,
  platform: "browser",
  cwd: () => PAGE_ROOT,
  stdout: { isTTY: false, write: (s: string) => console.log(s.replace(/\n$/, "")) },
  stderr: { isTTY: false, write: (s: string) => console.error(s.replace(/\n$/, "")) },
  on: () => process,
  removeListener: () => process,
};
