#!/usr/bin/env bash
# Everything the root test command needs for the portal: npm ci, build, then the tests
# (catalog checks, and headless-chromium tests against a fresh `medchain-node --dev --tmp`
# on free loopback ports, seeded through polkadot.js). The test process starts and stops
# the node, the static server and the browser itself.
set -euo pipefail
cd "$(dirname "$0")"

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

# playwright-core never downloads a browser; make sure nothing else tries to.
export PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1
npm ci --no-audit --no-fund --loglevel=error
npm run build --silent
node --test --test-concurrency=1 test/catalogs.test.js test/portal.test.js
