#!/usr/bin/env bash
# Makes, once, the Python environment of the bench's PyTorch peer (`bench torch`, BENCHMARKS.md):
# a virtual environment under target/ with PyTorch and NumPy from PyPI, never the system Python.
# Prints the environment's Python as its last line of standard output; everything else goes to
# standard error. Does nothing but that when the environment already imports torch and numpy.
#
#   submit-scripts/bench-python-env.sh            # -> /path/to/sparkprop/target/bench-venv/bin/python
#
# PyPI's Linux torch wheel is built with CUDA, and its libtorch links the CUDA libraries even to run
# on a CPU (torch 2.15.0 without its nvidia-*/cuda-* dependencies fails to import: libcudart.so.13
# not found), so the whole wheel set is installed: about 5 GB in target/bench-venv, downloaded
# once. The versions are pinned so that runs on different days compute with the same PyTorch.
#
# Environment:
#   SPARKPROP_BENCH_VENV   where the environment goes (default: target/bench-venv of the project)
#   PYTHON                 the Python that creates it (default: python3)
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
venv="${SPARKPROP_BENCH_VENV:-$root/target/bench-venv}"
requirements="$root/src/bench/python/requirements.txt"

ready() {
  [[ -x "$venv/bin/python" ]] && "$venv/bin/python" -c 'import torch, numpy' >/dev/null 2>&1
}

if ! ready; then
  echo "bench-python-env: making $venv (PyTorch and NumPy from PyPI: ~5 GB, once)" >&2
  "${PYTHON:-python3}" -m venv "$venv" >&2
  "$venv/bin/python" -m pip install --disable-pip-version-check -q -r "$requirements" >&2
  if ! ready; then
    echo "bench-python-env: $venv was made but does not import torch and numpy; see pip's output above" >&2
    exit 1
  fi
fi
echo "$venv/bin/python"
