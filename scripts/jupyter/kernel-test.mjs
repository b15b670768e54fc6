// `npm run test:kernel`: the project's tslab kernel against Jupyter's messaging protocol
// (test/kernel/test_tslab_kernel.py: Jupyter's conformance suite jupyter_kernel_test, which is
// Python, and the kernel's own promises). Also run by `npm test` and `npm run test:integration`
// (test/kernel/kernel.integration.test.ts).
import { spawnSync } from "node:child_process";
import { join } from "node:path";
import { findPython, jupyterEnv, root } from "./jupyter-env.mjs";

// Debian's jupyter_kernel_test 0.4.5 (what these machines have; pip's indexes here have none) fails
// every test against jupyter_client 8 (run_sync on a blocking get_msg): it runs on the Python it
// came with, whose jupyter_client 7 it was written for. A pip-installed suite in .venv/ is used first.
const SUITE_FITS_CLIENT =
  "import jupyter_client, importlib.metadata as m\n" +
  "v = tuple(int(x) for x in m.version('jupyter_kernel_test').split('.')[:2])\n" +
  "assert v >= (0, 5) or int(jupyter_client.__version__.split('.')[0]) < 8";
const python = findPython(["jupyter_kernel_test", "jupyter_client"], SUITE_FITS_CLIENT);
if (!python) {
  console.error(
    "kernel tests: Jupyter's conformance suite (jupyter_kernel_test) was not found in any Python here. Install it with:\n" +
      "  sudo apt-get install -y python3-jupyter-kernel-test   (or: python3 -m pip install jupyter_kernel_test)\n" +
      "  or simply: bash scripts/setup.sh",
  );
  process.exit(2);
}
const args = ["-m", "unittest", "discover", "-s", join(root, "test", "kernel"), "-p", "test_*.py", "-v", ...process.argv.slice(2)];
const r = spawnSync(python, args, { cwd: root, stdio: "inherit", env: jupyterEnv() });
process.exit(r.status ?? 1);
