#!/usr/bin/env bash
# Installs everything the lessons and tests need on a fresh machine:
#   - Jupyter (nbclient, nbconvert, Notebook, and the kernel conformance suite jupyter_kernel_test
#     for the kernel's tests) from Debian's packages when run as root with apt-get, otherwise it
#     prints the exact command to run;
#   - Chromium for the browser checks of the exported site (same rule; optional for lessons);
#   - the npm packages (npm ci), which also patches tslab (patches/, see test/kernel/) and builds the
#     library and the project's tslab kernelspec.
# Safe to run again: it installs only what is missing.
set -euo pipefail
cd "$(dirname "$0")/.."

have_jupyter() {
  for py in "${PYTHON:-}" python3 /usr/bin/python3 python; do
    [ -n "$py" ] && "$py" -c 'import nbclient, nbconvert, nbformat, notebook, jupyter_kernel_test' >/dev/null 2>&1 && return 0
  done
  return 1
}

need_apt=()
have_jupyter || need_apt+=(jupyter-notebook jupyter-nbconvert python3-nbconvert python3-nbclient jupyter-client python3-jupyter-kernel-test)
[ -x /usr/bin/chromium ] || need_apt+=(chromium)

if [ ${#need_apt[@]} -gt 0 ]; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
    echo "setup: installing Debian packages: ${need_apt[*]}"
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${need_apt[@]}" >/dev/null
  else
    echo "setup: missing: ${need_apt[*]}" >&2
    echo "setup: install them with:" >&2
    echo "  sudo apt-get update && sudo apt-get install -y ${need_apt[*]}" >&2
    echo "  (without Debian: python3 -m pip install notebook nbclient nbconvert jupyter_kernel_test; Chromium is only needed for npm run test:browser)" >&2
    have_jupyter || exit 1
  fi
fi

node -e 'const [maj] = process.versions.node.split("."); if (+maj < 20) { console.error(`setup: Node.js ${process.version} is too old: this project needs Node.js 20 or newer`); process.exit(1); }'
# tfjs-node is optional: where libtensorflow can't be downloaded its install fails and npm
# leaves it out; the library then trains on the wasm backend (see README, "Backends").
npm ci --no-audit --no-fund
node -e 'require("./build/src").selectBackend().then((i) => console.log("setup: " + require("./build/src").backendReport(i)))'
