// Finds the Python that has Jupyter's tools — the project's .venv/ that scripts/setup.sh makes
// from scripts/jupyter/requirements.txt — and builds the environment Jupyter needs to find this
// project's tslab kernelspec. Shared by `npm run lessons`, `npm start`, the export and the tests.
import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { delimiter, dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

export const root = join(dirname(fileURLToPath(import.meta.url)), "..", "..");

/** The project's pinned Jupyter: setup.sh installs it into .venv/. */
export const VENV_PYTHON = join(root, ".venv", "bin", "python");
export const INSTALL_HINT = "bash scripts/setup.sh   (makes .venv/ with scripts/jupyter/requirements.txt)";

/**
 * The first Python that can import the given modules, or null: the project's .venv/ (pinned
 * versions), else $PYTHON, python3, /usr/bin/python3, python (whatever Jupyter they have).
 * `check`, if given, is more Python that must run without error there.
 */
export function findPython(modules = ["nbclient", "nbconvert", "nbformat"], check = "") {
  const candidates = [VENV_PYTHON, process.env.PYTHON, "python3", "/usr/bin/python3", "python"].filter(Boolean);
  for (const py of candidates) {
    const r = spawnSync(py, ["-c", `import ${modules.join(", ")}\n${check}`], { stdio: "ignore" });
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
