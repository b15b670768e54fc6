#!/usr/bin/env bash
# `npm run bench:setup`: the bench's own Python environment bench/.venv/ with current PyTorch
# (torch 2.13.0, CPU build) and Keras 3 on TensorFlow 2.21 (CPU), the comparison rows of
# `npm run bench` (bench/README.md). Debian's PyTorch 1.13 (python3-torch) stays a row of its own.
# From this machine's wheels first (pip's file:// indexes and find-links), else pip's index (one
# retry, 20 s timeout: where no index can be reached, that is a short wait, not minutes).
# Never fails: a package it cannot install is skipped with the reason, and the bench then says
# which row is missing and why. Safe to run again: it installs only what is missing.
set -uo pipefail
cd "$(dirname "$0")"

python=${PYTHON:-python3}
venv=.venv
if [ ! -x "$venv/bin/python" ]; then
  echo "bench setup: making $PWD/$venv with $("$python" --version 2>&1)"
  if ! "$python" -m venv "$venv"; then
    echo "bench setup: could not make $venv (python3-venv missing?): the bench runs without PyTorch 2.13 and Keras" >&2
    exit 0
  fi
fi
source ../scripts/pip-local-indexes.sh
install() { # install <import check> <what> <pip requirement>...
  local check=$1 what=$2
  shift 2
  if "$venv/bin/python" -c "$check" >/dev/null 2>&1; then return 0; fi
  echo "bench setup: installing $what into bench/$venv"
  local log
  log=$(mktemp)
  if "$venv/bin/python" -m pip install -q --disable-pip-version-check "${offline[@]}" "$@" >"$log" 2>&1 ||
    "$venv/bin/python" -m pip install -q --disable-pip-version-check --retries 1 --timeout 20 "$@" >"$log" 2>&1; then
    rm -f "$log"
    return 0
  fi
  echo "bench setup: could not install $what ($(grep -E '^ERROR' "$log" | head -1 | cut -c1-200)); the bench runs without its row" >&2
  rm -f "$log"
}
install 'import torch; assert torch.__version__.startswith("2.13.0")' "PyTorch 2.13.0 (CPU)" torch==2.13.0
install 'import keras, tensorflow' "Keras 3 on TensorFlow 2.21 (CPU)" tensorflow-cpu==2.21.0 "keras>=3,<4"
exit 0
