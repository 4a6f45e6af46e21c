#!/usr/bin/env bash
# Everything the root test command needs for the portal: npm ci, build, then the tests
# (catalog checks, and headless-chromium tests against a fresh `medchain-node --dev --tmp`
# on loopback ports of this suite's range, MEDCHAIN_PORTAL_PORT_BASE (default 21000), seeded
# through polkadot.js). The test process starts and stops the node, the static server and the
# browser itself.
#
#   portal/run-tests.sh            all of it
#   portal/run-tests.sh offline    npm ci, the type check (tsc --noEmit), eslint, the catalog checks, the
#                                  FHIR view checks (test/fhir.test.js), the DOM helpers (test/dom.test.js),
#                                  gateway request signing against tests/vectors (test/gateway-sign.test.js):
#                                  no node needed
#                                  (scripts/test-suites.sh fast)
#   portal/run-tests.sh browser    npm ci, vite build, the browser tests against a fresh node
#                                  (scripts/test-suites.sh chain)
#
# MEDCHAIN_SKIP_NPM_CI=1 skips `npm ci` (scripts/test-suites.sh installs node_modules itself,
# once per lockfile).
set -euo pipefail
cd "$(dirname "$0")"

mode="${1:-all}"
case "$mode" in
all | offline | browser) ;;
*)
  echo "usage: portal/run-tests.sh [all|offline|browser]" >&2
  exit 2
  ;;
esac

if [ "$mode" != offline ]; then
  CHROMIUM="${CHROMIUM_PATH:-$(command -v chromium || command -v chromium-browser || true)}"
  if [ -z "$CHROMIUM" ]; then
    echo "portal tests need Debian's chromium package: apt-get install -y chromium (or set CHROMIUM_PATH)" >&2
    exit 1
  fi
  export CHROMIUM_PATH="$CHROMIUM"
  if command -v fc-list >/dev/null && [ -z "$(fc-list :lang=zh 2>/dev/null)" ]; then
    echo "note: no Chinese font installed, the zh-CN screenshots will show boxes (apt-get install -y fonts-wqy-microhei)" >&2
  fi

  if [ -z "${MEDCHAIN_NODE:-}" ]; then
    MEDCHAIN_NODE="${CARGO_TARGET_DIR:-$HOME/.cache/medchain/target}/release/medchain-node"
  fi
  if [ ! -x "$MEDCHAIN_NODE" ]; then
    echo "medchain-node not found at $MEDCHAIN_NODE: build it (scripts/start-dev.sh) or set MEDCHAIN_NODE" >&2
    exit 1
  fi
  export MEDCHAIN_NODE
fi

# playwright-core never downloads a browser; make sure nothing else tries to.
export PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1
[ "${MEDCHAIN_SKIP_NPM_CI:-}" = 1 ] || npm ci --no-audit --no-fund --loglevel=error
case "$mode" in
all)
  npm run build:dev --silent # tsc --noEmit && vite build --mode development (?rpc=, dev keys; test/security.test.js builds production bundles itself)
  node --test --test-concurrency=1 test/catalogs.test.js test/fhir.test.js test/dom.test.js test/gateway-sign.test.js test/portal.test.js test/hospitals.test.js test/referral.test.js test/security.test.js
  ;;
offline)
  npm run typecheck --silent
  npm run lint --silent # eslint.config.js: no any, no HTML from strings
  node --test --test-concurrency=1 test/catalogs.test.js test/fhir.test.js test/dom.test.js test/gateway-sign.test.js
  ;;
browser)
  # The second half of `npm run build:dev` (the type check ran in `offline`): a development
  # build, which takes ?rpc= and offers the dev keys; test/security.test.js builds production
  # bundles pinned to its own node.
  node node_modules/vite/bin/vite.js build --mode development
  # Two files at once: the referral story (~4.5 min, mostly waiting for blocks) beside the
  # other three (~3 min), each with its own node, gateways and browser on ports of its own.
  node --test --test-concurrency=2 test/referral.test.js test/portal.test.js test/hospitals.test.js test/security.test.js
  ;;
esac
