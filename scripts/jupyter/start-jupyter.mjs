// `npm start`: JupyterLab (from .venv/, see scripts/setup.sh; else Jupyter Notebook) on notebooks/ with
// the project's TypeScript (tslab) kernel. Extra arguments go to Jupyter (e.g. `npm start -- --port 8899 --no-browser`).
import { spawn } from "node:child_process";
import { join } from "node:path";
import { findPython, jupyterEnv, root, INSTALL_HINT } from "./jupyter-env.mjs";

const python = findPython(["notebook"]);
if (!python) {
  console.error(`Jupyter Notebook was not found in any Python here. Install it with:\n  ${INSTALL_HINT}`);
  process.exit(2);
}
const lab = findPython(["jupyterlab"]);
const app = lab ? "jupyterlab" : "notebook";
console.log(`Starting ${lab ? "JupyterLab" : "Jupyter Notebook"} on notebooks/ (kernel: "TypeScript (tslab, tsdl-lessons)")`);
// Jupyter refuses to start as root without this flag (containers, CI, our own machines).
const asRoot = process.getuid?.() === 0 ? ["--allow-root"] : [];
const args = ["-m", app, `--notebook-dir=${join(root, "notebooks")}`, ...asRoot, ...process.argv.slice(2)];
const child = spawn(lab ?? python, args, {
  stdio: "inherit",
  env: jupyterEnv(),
});
child.on("exit", (code) => process.exit(code ?? 0));
for (const sig of ["SIGINT", "SIGTERM"]) process.on(sig, () => child.kill(sig));
