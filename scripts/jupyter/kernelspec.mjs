// Writes a project-local Jupyter kernelspec for tslab into build/jupyter/kernels/tslab.
//
// Why not `tslab install`: it writes argv[0] = "tslab", which only starts when node_modules/.bin
// is on PATH (else Jupyter fails with FileNotFoundError), and it installs globally. Here argv
// holds absolute paths to *this* Node.js and *this* project's tslab, and Jupyter finds the spec
// through JUPYTER_PATH=build/jupyter (set by npm start and the lesson runner): no global change.
import { mkdirSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { createRequire } from "node:module";

const root = join(dirname(fileURLToPath(import.meta.url)), "..", "..");
const require = createRequire(join(root, "package.json"));
const tslabMain = join(dirname(require.resolve("tslab/package.json")), "bin", "tslab");
const dir = join(root, "build", "jupyter", "kernels", "tslab");
mkdirSync(dir, { recursive: true });
const spec = {
  argv: [process.execPath, tslabMain, "kernel", "--config-path", "{connection_file}"],
  display_name: "TypeScript (tslab, tsdl-lessons)",
  language: "typescript",
  env: { TSDL_PROJECT_ROOT: root },
};
writeFileSync(join(dir, "kernel.json"), JSON.stringify(spec, null, 2) + "\n");
