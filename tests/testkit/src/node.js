// A real `medchain-node --dev` with a temporary base path on loopback ports, and a polkadot.js
// connection to it.
//
//   import * as polkadotApi from '@polkadot/api';
//   const node = await startNode({ polkadot: polkadotApi });  // { api, wsUrl, ports, stop(), logPath, ... }
//   ...
//   await node.stop();                                        // always: e.g. from an `after` hook
//
// The testkit has no dependencies: `polkadot` is the caller's own '@polkadot/api' module
// (ApiPromise and WsProvider are taken from it), so a suite loads one copy of polkadot.js,
// from its own lockfile. Without it, startNode waits for the RPC port only and `api` is null.
// Every node started here is also killed when the process exits (processes.js).

import { spawn } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';

import { assertNodeBinary, nodeBinary } from './binaries.js';
import { track, untrack } from './processes.js';

/**
 * The node's command line. `extraArgs` are appended (a later flag wins for most clap options).
 *
 * Ports default to 0: the node binds ports the kernel picks at that very moment (RPC and
 * Prometheus on 127.0.0.1, p2p on 127.0.0.1 only) and startNode() reads them from its log,
 * so no other process — another test suite running at the same time, another checkout's
 * tests — can take a port between its choice and its bind.
 */
export function nodeArgs({ rpcPort = 0, p2pPort = 0, prometheusPort = 0, extraArgs = [] } = {}) {
  return [
    '--dev',
    '--tmp',
    '--rpc-port', String(rpcPort),
    // p2p on loopback only (a dev node has no peers; nothing listens on other interfaces)
    '--listen-addr', `/ip4/127.0.0.1/tcp/${p2pPort}`,
    '--prometheus-port', String(prometheusPort),
    '--no-telemetry',
    '--no-mdns',
    ...extraArgs,
  ];
}

// ---------------------------------------------------------------------------
// Log file
// ---------------------------------------------------------------------------

let logCounter = 0;

function newLogPath(prefix) {
  const stamp = new Date().toISOString().replace(/[:.]/g, '-');
  return path.join(os.tmpdir(), `${prefix}-${stamp}-${process.pid}-${logCounter++}.log`);
}

/** The last `n` lines of a log file (empty string if it cannot be read). */
export function logTail(logPath, n = 50) {
  try {
    const lines = fs.readFileSync(logPath, 'utf8').split('\n');
    if (lines.at(-1) === '') lines.pop();
    return lines.slice(-n).join('\n');
  } catch {
    return '';
  }
}

/** Print the last `n` lines of the node log to stderr, framed. */
export function printLogTail(logPath, n = 50, why = '') {
  const tail = logTail(logPath, n);
  console.error(
    `\n----- last ${n} lines of medchain-node log ${logPath}${why ? ` (${why})` : ''} -----\n` +
      `${tail || '(empty)'}\n` +
      '----- end of node log -----\n',
  );
}

// ---------------------------------------------------------------------------
// Waiting and connecting
// ---------------------------------------------------------------------------

export function withTimeout(promise, ms, what) {
  let timer;
  return Promise.race([
    promise,
    new Promise((_, reject) => {
      timer = setTimeout(() => reject(new Error(`timed out after ${ms} ms: ${what}`)), ms);
    }),
  ]).finally(() => clearTimeout(timer));
}

/** Try one TCP connection to 127.0.0.1:`port`; resolve true if it was accepted, false otherwise. */
function tcpProbe(port, timeoutMs) {
  return new Promise((resolve) => {
    const socket = net.connect({ host: '127.0.0.1', port });
    const done = (ok) => {
      clearTimeout(timer);
      socket.removeAllListeners();
      socket.on('error', () => {}); // a late error on a destroyed socket must not throw
      socket.destroy();
      resolve(ok);
    };
    const timer = setTimeout(() => done(false), timeoutMs);
    socket.once('connect', () => done(true));
    socket.once('error', () => done(false));
  });
}

/**
 * Wait until 127.0.0.1:`port` accepts TCP connections, or throw when `deadline` (ms since
 * epoch) passes or `isDead()` returns a reason (the process has gone).
 */
export async function waitForPort(port, deadline, isDead = () => null) {
  while (Date.now() < deadline) {
    const dead = isDead();
    if (dead) throw new Error(dead);
    if (await tcpProbe(port, Math.min(2000, Math.max(100, deadline - Date.now())))) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`nothing listening on 127.0.0.1:${port}`);
}

/** Open one WebSocket connection (no auto-reconnect); resolve when open, reject on error/close. */
function openProvider(WsProvider, url, timeoutMs) {
  const provider = new WsProvider(url, false);
  return new Promise((resolve, reject) => {
    const offs = [];
    const done = (err) => {
      clearTimeout(timer);
      offs.forEach((off) => off());
      if (err) {
        provider.disconnect().catch(() => {});
        reject(err);
      } else {
        resolve(provider);
      }
    };
    const timer = setTimeout(() => done(new Error(`no WebSocket answer from ${url} in ${timeoutMs} ms`)), timeoutMs);
    offs.push(provider.on('connected', () => done()));
    offs.push(provider.on('error', (e) => done(e instanceof Error ? e : new Error(`WebSocket error on ${url}`))));
    offs.push(provider.on('disconnected', () => done(new Error(`WebSocket to ${url} closed`))));
    provider.connect().catch((e) => done(e));
  });
}

/**
 * Connect an ApiPromise (of `polkadot`, the caller's '@polkadot/api') to `url` (RPC port
 * `port`) once it is ready (metadata loaded), retrying until `deadline` passes. `isDead()`
 * aborts early.
 *
 * The port is polled with plain TCP connections first and a WebSocket is only opened once
 * something listens there. Do not replace this with WebSocket retries against a closed port:
 * polkadot.js' WsProvider starts a 5 s setInterval in connect() and clears it only in the
 * socket's `close` event, and Node 22's built-in WebSocket (undici 6, which @polkadot/x-ws
 * prefers to the `ws` package when globalThis.WebSocket exists) fires `error` but never
 * `close` when the connection is refused (nodejs/undici#3546; so in Node 22.23's undici
 * 6.29). Every refused attempt then leaks an interval that keeps the test process alive after
 * its last test, and `node --test` waits for it forever. Node 20 has no global WebSocket, so
 * there polkadot.js uses `ws`, which does emit `close`.
 */
export async function connectApi(polkadot, url, { port = Number(new URL(url).port), deadline = Date.now() + 60_000, isDead = () => null } = {}) {
  const { ApiPromise, WsProvider } = polkadot;
  if (!ApiPromise || !WsProvider) throw new Error('connectApi: pass the @polkadot/api module (ApiPromise, WsProvider)');
  let lastError;
  while (Date.now() < deadline) {
    const dead = isDead();
    if (dead) throw new Error(dead);
    let provider;
    try {
      await waitForPort(port, deadline, isDead);
      const left = Math.max(1000, deadline - Date.now());
      provider = await openProvider(WsProvider, url, Math.min(5000, left));
      return await withTimeout(
        ApiPromise.create({ provider, throwOnConnect: true, noInitWarn: true }),
        Math.max(1000, deadline - Date.now()),
        `ApiPromise.create(${url})`,
      );
    } catch (e) {
      lastError = e;
      if (provider) await provider.disconnect().catch(() => {});
      await new Promise((r) => setTimeout(r, 250));
    }
  }
  throw new Error(`RPC at ${url} did not answer within the startup bound` + (lastError ? ` (last error: ${lastError.message})` : ''));
}

/**
 * The ports the node bound, from its log: `Running JSON-RPC server: addr=127.0.0.1:<rpc>,...`
 * and `Prometheus exporter started at 127.0.0.1:<port>` (absent with --no-prometheus).
 */
async function portsFromLog(logPath, deadline, isDead) {
  for (;;) {
    const text = fs.readFileSync(logPath, 'utf8');
    const rpc = text.match(/Running JSON-RPC server: addr=127\.0\.0\.1:(\d+)/);
    if (rpc) {
      const prometheus = text.match(/Prometheus exporter started at 127\.0\.0\.1:(\d+)/);
      return { rpc: Number(rpc[1]), prometheus: prometheus ? Number(prometheus[1]) : null };
    }
    const dead = isDead();
    if (dead) throw new Error(dead);
    if (Date.now() > deadline) throw new Error('the node logged no JSON-RPC server address');
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** The node's p2p TCP port on 127.0.0.1 (system_localListenAddresses), or null. */
async function p2pPort(api) {
  try {
    const addrs = (await api.rpc.system.localListenAddresses()).map(String);
    const m = addrs.map((a) => a.match(/^\/ip4\/127\.0\.0\.1\/tcp\/(\d+)/)).find(Boolean);
    return m ? Number(m[1]) : null;
  } catch {
    return null;
  }
}

// ---------------------------------------------------------------------------
// startNode
// ---------------------------------------------------------------------------

/**
 * Start `medchain-node --dev --tmp` on loopback ports (the kernel's picks, read from its log,
 * unless `ports` fixes them) and connect polkadot.js to it.
 *
 * @param {object}   [opts]
 * @param {object}   [opts.polkadot]         the caller's '@polkadot/api' module; without it no
 *                                           ApiPromise is made (`api` is null) and startNode
 *                                           resolves once the RPC port accepts connections
 * @param {string[]} [opts.extraArgs]        appended to the command line
 * @param {{rpc?: number, p2p?: number, prometheus?: number}} [opts.ports]  fixed loopback
 *                                           ports (default 0: the kernel picks them)
 * @param {number}   [opts.startupTimeoutMs] bound for the RPC to answer (default 60 s,
 *                                           env MEDCHAIN_STARTUP_TIMEOUT_MS)
 * @param {string}   [opts.binary]           another binary than nodeBinary()
 * @param {string}   [opts.logPrefix]        the log is $TMPDIR/<logPrefix>-<time>-<pid>-<n>.log
 *                                           (default 'medchain-node')
 * @returns {Promise<{api: object|null, stop: () => Promise<void>, logPath: string,
 *   startedAt: number, pid: number, ports: {rpc: number, p2p: number|null, prometheus: number|null},
 *   wsUrl: string, url: string, args: string[], printLogTail: (n?: number, why?: string) => void}>}
 *   `startedAt` is Date.now() taken just before the process was spawned; `url` is `wsUrl`.
 */
export async function startNode(opts = {}) {
  const bin = assertNodeBinary(opts.binary ?? nodeBinary());
  const startupTimeoutMs = opts.startupTimeoutMs ?? Number(process.env.MEDCHAIN_STARTUP_TIMEOUT_MS || 60_000);
  const fixed = opts.ports ?? {};
  const args = nodeArgs({ rpcPort: fixed.rpc ?? 0, p2pPort: fixed.p2p ?? 0, prometheusPort: fixed.prometheus ?? 0, extraArgs: opts.extraArgs });
  const logPath = newLogPath(opts.logPrefix ?? 'medchain-node');
  const logFd = fs.openSync(logPath, 'w');
  fs.writeSync(logFd, `# ${bin} ${args.join(' ')}\n`);

  const startedAt = Date.now();
  const child = spawn(bin, args, { detached: false, stdio: ['ignore', logFd, logFd], env: process.env });
  fs.closeSync(logFd); // the child holds its own copy
  track(child, { graceMs: 3000 });

  let exitInfo = null;
  let spawnError = null;
  const exited = new Promise((resolve) => {
    child.once('exit', (code, signal) => {
      exitInfo = { code, signal };
      resolve(exitInfo);
    });
  });
  child.once('error', (e) => {
    spawnError = e;
  });

  let rpc = null;
  let prometheus = null;
  let p2p = null;
  let wsUrl = null;
  let api = null;
  let stopping = null;

  const stop = () => {
    stopping ??= (async () => {
      if (api) await withTimeout(api.disconnect(), 5000, 'api.disconnect()').catch(() => {});
      if (exitInfo === null && spawnError === null) {
        child.kill('SIGTERM');
        const timer = setTimeout(() => {
          if (exitInfo === null) child.kill('SIGKILL');
        }, 5000);
        await exited;
        clearTimeout(timer);
      }
      untrack(child);
    })();
    return stopping;
  };

  const isDead = () => {
    if (spawnError) return `could not start ${bin}: ${spawnError.message}`;
    if (exitInfo) return `medchain-node exited during startup (code ${exitInfo.code}, signal ${exitInfo.signal})`;
    return null;
  };

  try {
    const deadline = startedAt + startupTimeoutMs;
    ({ rpc, prometheus } = await portsFromLog(logPath, deadline, isDead));
    wsUrl = `ws://127.0.0.1:${rpc}`;
    if (opts.polkadot) {
      api = await connectApi(opts.polkadot, wsUrl, { port: rpc, deadline, isDead });
      p2p = await p2pPort(api);
    } else {
      await waitForPort(rpc, deadline, isDead);
    }
  } catch (e) {
    await stop();
    printLogTail(logPath, 50, 'startup failed');
    throw new Error(`medchain-node did not become ready: ${e.message}\n  command: ${bin} ${args.join(' ')}\n  log: ${logPath}`);
  }

  return {
    api,
    stop,
    logPath,
    startedAt,
    pid: child.pid,
    ports: { rpc, p2p, prometheus },
    wsUrl,
    url: wsUrl,
    args,
    printLogTail: (n = 50, why = '') => printLogTail(logPath, n, why),
    get exited() {
      return exitInfo;
    },
  };
}
