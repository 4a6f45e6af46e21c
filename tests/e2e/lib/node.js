// Start a real `medchain-node --dev` for end-to-end tests, and talk to it: the testkit's
// (tests/testkit) node and chain helpers, bound to this suite's polkadot.js, and the e2e
// gateways' port range.
//
//   import { startNode, waitForFinalized, signAndWait } from '../lib/node.js';
//   const node = await startNode();          // { api, stop(), logPath, startedAt, ... }
//   ...
//   await node.stop();                       // always: call it from an `after` hook
//
// Every node started here is also killed when the test process exits, is
// interrupted (SIGINT/SIGTERM) or dies of an uncaught error, so a node never
// outlives the test run.

import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';

import * as polkadotApi from '@polkadot/api';

import { startNode as startTestkitNode } from '../../testkit/src/node.js';

export { nodeBinary } from '../../testkit/src/binaries.js';
export { logTail, nodeArgs, printLogTail } from '../../testkit/src/node.js';
export {
  dispatchErrorName,
  expectPoolRejection,
  isPoolRejection,
  signAndWait,
  sudoAndWait,
  sudoErrorName,
  sudoResult,
  waitForFinalized,
} from '../../testkit/src/chain.js';

/**
 * Start `medchain-node --dev --tmp` on ports the kernel picks (read from its log) and connect
 * this suite's polkadot.js to it; the log is $TMPDIR/medchain-e2e-*.log. Options and result:
 * the testkit's startNode (tests/testkit/src/node.js): `extraArgs`, `startupTimeoutMs`,
 * `binary`; { api, stop, logPath, startedAt, pid, ports, wsUrl, args, printLogTail, exited }.
 */
export function startNode(opts = {}) {
  return startTestkitNode({ logPrefix: 'medchain-e2e', ...opts, polkadot: polkadotApi });
}

// ---------------------------------------------------------------------------
// Free ports
// ---------------------------------------------------------------------------

// Nodes bind ports the kernel picks (above). A gateway needs a port fixed in advance (its
// URL is the audience requests are signed for, and it must come back on the same port after a
// restart), so those come from this suite's own range, MEDCHAIN_E2E_PORT_BASE ..
// MEDCHAIN_E2E_PORT_BASE + MEDCHAIN_E2E_PORT_SPAN - 1 (default 20000-20999). It lies below
// Linux's ephemeral ports (32768-60999), which the kernel hands out for port 0 and for
// outgoing connections, and apart from the network suites' (23000-23299), so nothing else
// scripts/test-suites.sh runs at the same time can take such a port while the gateway is
// starting or restarting. Within one run no port is handed out twice, even across test files
// (each runs in a process of its own, one after another): a port is claimed by creating a
// file named after it, exclusively, in a directory the run's processes share
// (TMPDIR/medchain-e2e-ports-<pid of the node:test runner>; removed by a later run once that
// runner has exited), so a client left over from an earlier file can never reach a later
// file's gateway. The run starts at an offset of its own in the range (from the runner's
// pid), so two runs on one machine rarely try the same ports; a claimed port is used only if
// 127.0.0.1 can bind it right now.
const PORT_BASE = portSetting('MEDCHAIN_E2E_PORT_BASE', 20000);
const PORT_SPAN = portSetting('MEDCHAIN_E2E_PORT_SPAN', 1000);
if (PORT_BASE + PORT_SPAN > 65536) throw new Error('MEDCHAIN_E2E_PORT_BASE + MEDCHAIN_E2E_PORT_SPAN is past 65535');
const PORT_CLAIMS = path.join(os.tmpdir(), `medchain-e2e-ports-${process.ppid}`);
let nextPort = (process.ppid * 7919) % PORT_SPAN; // offset in the range of the next candidate

function portSetting(name, fallback) {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return fallback;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 1 || n > 65535) throw new Error(`${name}=${raw} is not a port number`);
  return n;
}

let claimsReady = false;

/**
 * Claim `port` for this run: false if a process of the run claimed it before. The first claim
 * of a process also removes the claim directories of runs whose runner has exited.
 */
function claimPort(port) {
  if (!claimsReady) {
    claimsReady = true;
    for (const name of fs.readdirSync(os.tmpdir())) {
      const m = name.match(/^medchain-e2e-ports-(\d+)$/);
      if (!m || Number(m[1]) === process.ppid) continue;
      try {
        process.kill(Number(m[1]), 0); // the runner still exists: keep its claims
      } catch (e) {
        if (e.code === 'ESRCH') fs.rmSync(path.join(os.tmpdir(), name), { recursive: true, force: true });
      }
    }
  }
  fs.mkdirSync(PORT_CLAIMS, { recursive: true });
  try {
    fs.closeSync(fs.openSync(path.join(PORT_CLAIMS, String(port)), 'wx'));
    return true;
  } catch (e) {
    if (e.code === 'EEXIST') return false;
    throw e;
  }
}

/** Whether 127.0.0.1:`port` can be bound right now. */
function portIsFree(port) {
  return new Promise((resolve) => {
    const server = net.createServer();
    server.once('error', () => resolve(false));
    server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
  });
}

/**
 * `count` distinct free TCP ports on 127.0.0.1 from this suite's range, never handed out
 * before in this run (above).
 */
export async function freePorts(count) {
  const ports = [];
  for (let tried = 0; ports.length < count; tried++) {
    if (tried >= PORT_SPAN) {
      throw new Error(
        `no ${count} unused free ports left in 127.0.0.1:${PORT_BASE}-${PORT_BASE + PORT_SPAN - 1} ` +
          `(claims in ${PORT_CLAIMS}; set MEDCHAIN_E2E_PORT_BASE to another range)`,
      );
    }
    const port = PORT_BASE + nextPort;
    nextPort = (nextPort + 1) % PORT_SPAN;
    if (claimPort(port) && (await portIsFree(port))) ports.push(port);
  }
  return ports;
}

/** One free TCP port on 127.0.0.1. */
export async function freePort() {
  return (await freePorts(1))[0];
}
