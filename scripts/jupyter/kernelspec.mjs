// Writes a project-local Jupyter kernelspec for tslab into build/jupyter/kernels/tslab.
//
// Why not `tslab install`: it writes argv[0] = "tslab", which only starts when node_modules/.bin
// is on PATH (else Jupyter fails with FileNotFoundError), and it installs globally. Here argv
// holds absolute paths to *this* Node.js and *this* project's tslab, and Jupyter finds the spec
// through JUPYTER_PATH=build/jupyter (set by npm start and the lesson runner): no global change.
import { existsSync, mkdirSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { createRequire } from "node:module";

const root = join(dirname(fileURLToPath(import.meta.url)), "..", "..");
const require = createRequire(join(root, "package.json"));
const tslabDir = dirname(require.resolve("tslab/package.json"));
const tslabMain = join(tslabDir, "bin", "tslab");
// The kernel is tslab with patches/tslab+*.patch (Jupyter's protocol: execute_result, error
// messages, stop_on_error, async errors); `npm ci` applies it (postinstall: patch-package).
if (!existsSync(join(tslabDir, "dist", "traceback.js"))) {
  console.error(`kernelspec: ${tslabDir} is not patched: run "npm ci" (its postinstall applies patches/) or "npx patch-package"`);
  process.exit(1);
}
const dir = join(root, "build", "jupyter", "kernels", "tslab");
mkdirSync(dir, { recursive: true });
const spec = {
  argv: [process.execPath, tslabMain, "kernel", "--config-path", "{connection_file}"],
  display_name: "TypeScript (tslab, tsdl-lessons)",
  language: "typescript",
  env: { TSDL_PROJECT_ROOT: root },
};
writeFileSync(join(dir, "kernel.json"), JSON.stringify(spec, null, 2) + "\n");
