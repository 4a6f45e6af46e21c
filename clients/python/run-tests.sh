#!/usr/bin/env bash
# The Python researcher client's whole test suite: creates .venv if missing, installs the
# pinned dependencies, and runs pytest; the tests start their own fresh
# `medchain-node --dev --tmp` on free loopback ports, seed it with the demo seeder, index
# it and stop it at the end. Needs python3 >= 3.10 with venv, and the node binary
# ($MEDCHAIN_NODE, else $CARGO_TARGET_DIR or ~/.cache/medchain/target, release/medchain-node).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")"

if [ -z "${MEDCHAIN_NODE:-}" ]; then
  export MEDCHAIN_NODE="${CARGO_TARGET_DIR:-$HOME/.cache/medchain/target}/release/medchain-node"
fi
if [ ! -x "$MEDCHAIN_NODE" ]; then
  echo "run-tests.sh: no medchain-node at $MEDCHAIN_NODE (build it, or set MEDCHAIN_NODE)" >&2
  exit 1
fi

PY="${PYTHON:-python3}"
if [ ! -x .venv/bin/python ]; then
  "$PY" -m venv .venv
fi
.venv/bin/python -m pip install --disable-pip-version-check -q -r requirements-test.txt

exec .venv/bin/python -m pytest -v -p no:cacheprovider "$@"
