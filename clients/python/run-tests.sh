#!/usr/bin/env bash
# The Python researcher client's test suite: creates .venv if missing, installs the pinned
# dependencies, and runs pytest.
#
#   clients/python/run-tests.sh [pytest args]           every test
#   clients/python/run-tests.sh offline [pytest args]   the tests that need no node (-m "not chain")
#   clients/python/run-tests.sh chain [pytest args]     the tests against the node (-m chain)
#
# The chain tests (conftest.py marks every test that uses the `node` fixture `chain`) start
# their own fresh `medchain-node --dev --tmp` on loopback ports of this suite's range
# (MEDCHAIN_PY_PORT_BASE, default 22000), seed it with the demo seeder, index it and stop it
# at the end. Needs python3 >= 3.10 with venv and, but for `offline`, the node binary
# ($MEDCHAIN_NODE, else $CARGO_TARGET_DIR or ~/.cache/medchain/target, release/medchain-node).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")"

mode=all
case "${1:-}" in
offline | chain) mode=$1; shift ;;
esac

if [ "$mode" != offline ]; then
  if [ -z "${MEDCHAIN_NODE:-}" ]; then
    export MEDCHAIN_NODE="${CARGO_TARGET_DIR:-$HOME/.cache/medchain/target}/release/medchain-node"
  fi
  if [ ! -x "$MEDCHAIN_NODE" ]; then
    echo "run-tests.sh: no medchain-node at $MEDCHAIN_NODE (build it, or set MEDCHAIN_NODE)" >&2
    exit 1
  fi
fi

./venv.sh >/dev/null

case "$mode" in
offline) exec .venv/bin/python -m pytest -v -p no:cacheprovider -m "not chain" "$@" ;;
chain) exec .venv/bin/python -m pytest -v -p no:cacheprovider -m chain "$@" ;;
*) exec .venv/bin/python -m pytest -v -p no:cacheprovider "$@" ;;
esac
