#!/usr/bin/env bash
# Creates clients/python/.venv if missing and installs the pinned test requirements
# (requirements-test.txt: the package's own dependencies, pytest, and the independent standards
# checkers fhir.resources, fhirclient, epcis-event-hash-generator) unless this venv was installed
# from the same file already. Prints the venv's python on stdout; everything else goes to stderr.
# Safe to run from several suites at once (a lock). Used by run-tests.sh and by the e2e tests
# that call the Python checkers.
#
#   PY=$(clients/python/venv.sh)
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")"
PY="${PYTHON:-python3}"
(
	flock 9
	if [ ! -x .venv/bin/python ]; then
		"$PY" -m venv .venv >&2
	fi
	want="$(sha256sum requirements-test.txt requirements.txt | sha256sum | cut -d' ' -f1)"
	if [ "$(cat .venv/.medchain-installed 2>/dev/null)" != "$want" ]; then
		.venv/bin/python -m pip install --disable-pip-version-check -q -r requirements-test.txt >&2
		echo "$want" >.venv/.medchain-installed
	fi
) 9>".venv.lock"
echo "$PWD/.venv/bin/python"
