// Finds the Python that has Jupyter's tools and builds the environment Jupyter needs to find
// this project's tslab kernelspec. Shared by `npm run lessons`, `npm start` and the tests.
import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { delimiter, dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

export const root = join(dirname(fileURLToPath(import.meta.url)), "..", "..");

/** Debian's packages; on other systems `pip install notebook nbclient nbconvert` does it. */
export const INSTALL_HINT =
  "sudo apt-get update && sudo apt-get install -y jupyter-notebook jupyter-nbconvert python3-nbconvert python3-nbclient jupyter-client\n" +
  "  (or, with pip: python3 -m pip install notebook nbclient nbconvert)\n" +
  "  or simply: bash scripts/setup.sh";

/**
 * The first Python (from $PYTHON, python3, /usr/bin/python3, python) that can import the given
 * modules, or null. A pyenv or venv python3 earlier on PATH often lacks Debian's Jupyter.
 */
export function findPython(modules = ["nbclient", "nbconvert", "nbformat"]) {
  const candidates = [process.env.PYTHON, "python3", "/usr/bin/python3", "python"].filter(Boolean);
  for (const py of candidates) {
    const r = spawnSync(py, ["-c", `import ${modules.join(", ")}`], { stdio: "ignore" });
    if (r.status === 0) return py;
  }
  return null;
}

/** Environment for Jupyter: our kernelspec first on JUPYTER_PATH, the fast profile by default. */
export function jupyterEnv(extra = {}) {
  const kernels = join(root, "build", "jupyter");
  if (!existsSync(join(kernels, "kernels", "tslab", "kernel.json"))) {
    throw new Error(`${kernels}/kernels/tslab/kernel.json is missing: run "npm run build" first`);
  }
  const env = { ...process.env, ...extra };
  env.JUPYTER_PATH = [kernels, env.JUPYTER_PATH].filter(Boolean).join(delimiter);
  env.LESSON_PROFILE ??= "fast";
  env.TSDL_PROJECT_ROOT = root;
  return env;
}
