#!/usr/bin/env bash
# Installs everything the lessons and tests need on a fresh machine:
#   - Jupyter (JupyterLab, Notebook 7, nbclient, nbconvert: scripts/jupyter/requirements.txt) into
#     the project's own Python environment .venv/, from the wheels on this machine first (pip's
#     file:// indexes and find-links, no network), else from pip's usual index; Jupyter's kernel
#     conformance suite (jupyter_kernel_test, for the kernel's tests) the same way, or Debian's
#     python3-jupyter-kernel-test (for Debian's Python) where pip has no copy;
#   - from Debian's packages, when run as root with apt-get (otherwise it prints the command):
#     Chromium for the browser checks (optional for lessons), python3-venv if venv can't start;
#   - the npm packages (npm ci), which also patches tslab (patches/, see test/kernel/) and builds the
#     library and the project's tslab kernelspec, pinned to the Node.js that runs this script.
# Safe to run again: it installs only what is missing. PYTHON=... picks the Python for .venv/.
set -euo pipefail
cd "$(dirname "$0")/.."

node -e 'const [maj] = process.versions.node.split("."); if (+maj < 20) { console.error(`setup: Node.js ${process.version} is too old: this project needs Node.js 20 or newer`); process.exit(1); }'
node -e 'const [maj] = process.versions.node.split("."); if (+maj < 22) console.error(`setup: note: Node.js ${process.version} is past its end of life; the project is tested on Node.js 22, 24 and 26 (the kernel and lessons on 26)`)'

python=${PYTHON:-python3}
venv=.venv
need_apt=()
[ -x /usr/bin/chromium ] || need_apt+=(chromium)
[ -x "$venv/bin/python" ] || "$python" -c 'import venv, ensurepip' >/dev/null 2>&1 || need_apt+=(python3-venv)
source scripts/pip-local-indexes.sh
pip_quiet() {
  # pip warns once per package for each local index that lacks it: noise, not news.
  "$venv/bin/python" -m pip install -q --disable-pip-version-check "$@" 2>&1 |
    { grep -v "is ignored: it is neither a file nor a directory" || true; }
  return "${PIPESTATUS[0]}"
}
pip_install() {
  if [ ${#local_indexes[@]} -gt 0 ]; then
    pip_quiet "${offline[@]}" "$@" && return 0
    echo "setup: not all of it is in this machine's wheels; asking pip's index" >&2
  fi
  pip_quiet "$@"
}

# jupyter_kernel_test: Debian's copy only where this machine's wheels have none and apt-get is
# here (asking a pip index that can't be reached costs a minute of retries). Debian's 0.4.5 runs
# on Debian's Python with its jupyter_client 7 (scripts/jupyter/kernel-test.mjs picks it).
kernel_test_from_debian=false
if ! "$venv/bin/python" -c 'import jupyter_kernel_test' >/dev/null 2>&1 && command -v apt-get >/dev/null &&
  ! "$python" -m pip download -q --no-deps "${offline[@]}" -d "$(mktemp -d)" jupyter_kernel_test >/dev/null 2>&1; then
  kernel_test_from_debian=true
  [ -d /usr/lib/python3/dist-packages/jupyter_kernel_test ] || need_apt+=(python3-jupyter-kernel-test)
fi

apt_command="apt-get update && apt-get install -y --no-install-recommends ${need_apt[*]}"
if [ ${#need_apt[@]} -gt 0 ]; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
    echo "setup: installing Debian packages: ${need_apt[*]}"
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${need_apt[@]}" >/dev/null
  else
    echo "setup: missing Debian packages: ${need_apt[*]}; install them with:" >&2
    echo "  sudo $apt_command" >&2
    echo "  (Chromium is only needed for npm run test:browser and npm run test:live)" >&2
  fi
fi

# A .venv/ without a working pip is one an interrupted setup left half made: make it again.
if [ -x "$venv/bin/python" ] && ! "$venv/bin/python" -m pip --version >/dev/null 2>&1; then
  echo "setup: $venv/ has no working pip (an interrupted setup?): making it again"
  rm -rf "$venv"
fi
if [ ! -x "$venv/bin/python" ]; then
  echo "setup: making the Python environment $venv/ with $("$python" --version 2>&1)"
  "$python" -m venv "$venv"
fi
echo "setup: Jupyter into $venv/ (scripts/jupyter/requirements.txt)"
pip_install -r scripts/jupyter/requirements.txt
if ! $kernel_test_from_debian && ! "$venv/bin/python" -c 'import jupyter_kernel_test' >/dev/null 2>&1; then
  pip_install jupyter_kernel_test ||
    echo "setup: jupyter_kernel_test is missing (only npm run test:kernel needs it): pip install jupyter_kernel_test into $venv/" >&2
fi

# tfjs-node is optional: where libtensorflow can't be downloaded its install fails and npm
# leaves it out; the library then trains on the wasm backend (see README, "Backends").
npm ci --no-audit --no-fund
node -e 'require("./build/src").selectBackend().then((i) => console.log("setup: " + require("./build/src").backendReport(i)))'
