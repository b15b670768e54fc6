// `npm run lessons`: execute every notebook headless (scripts/jupyter/run_notebooks.py, on Jupyter's
// nbclient) with the project's kernel. Extra arguments go to the runner (see --help).
import { spawnSync } from "node:child_process";
import { join } from "node:path";
import { findPython, jupyterEnv, root, INSTALL_HINT } from "./jupyter-env.mjs";

const python = findPython();
if (!python) {
  console.error(`Jupyter's nbclient/nbconvert were not found in any Python here. Install them with:\n  ${INSTALL_HINT}`);
  process.exit(2);
}
const r = spawnSync(python, [join(root, "scripts", "jupyter", "run_notebooks.py"), ...process.argv.slice(2)], {
  stdio: "inherit",
  env: jupyterEnv(),
});
process.exit(r.status ?? 1);
