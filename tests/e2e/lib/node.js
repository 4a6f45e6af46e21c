// Start a real `medchain-node --dev` for end-to-end tests, and talk to it.
//
//   import { startNode, waitForFinalized, signAndWait } from '../lib/node.js';
//   const node = await startNode();          // { api, stop(), logPath, startedAt, ... }
//   ...
//   await node.stop();                       // always: call it from an `after` hook
//
// Every node started here is also killed when the test process exits, is
// interrupted (SIGINT/SIGTERM) or dies of an uncaught error, so a node never
// outlives the test run.

import { spawn } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';

import { ApiPromise, WsProvider } from '@polkadot/api';

// ---------------------------------------------------------------------------
// Binary and command line
// ---------------------------------------------------------------------------

/** Path of the node binary: $MEDCHAIN_NODE, else $CARGO_TARGET_DIR/release/medchain-node. */
export function nodeBinary() {
  if (process.env.MEDCHAIN_NODE) return path.resolve(process.env.MEDCHAIN_NODE);
  const targetDir =
    process.env.CARGO_TARGET_DIR || path.join(os.homedir(), '.cache', 'medchain', 'target');
  return path.resolve(targetDir, 'release', 'medchain-node');
}

function assertBinary(bin) {
  let st;
  try {
    st = fs.statSync(bin);
  } catch {
    throw new Error(
      `medchain-node binary not found at ${bin}\n` +
        '  build it first (cargo build --release -p medchain-node), or point MEDCHAIN_NODE at the ' +
        'binary, or set CARGO_TARGET_DIR to the target directory that holds release/medchain-node',
    );
  }
  if (!st.isFile()) throw new Error(`MEDCHAIN_NODE ${bin} is not a file`);
  try {
    fs.accessSync(bin, fs.constants.X_OK);
  } catch {
    throw new Error(`medchain-node binary at ${bin} is not executable`);
  }
}

/**
 * The node's command line. Kept in one place so it is easy to adjust.
 * `extraArgs` are appended (a later flag wins for most clap options).
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

// ---------------------------------------------------------------------------
// Process registry and cleanup on exit
// ---------------------------------------------------------------------------

const running = new Set(); // child processes not yet stopped
let handlersInstalled = false;

function sleepSync(ms) {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}

/** True while `pid` is a live (not zombie) process. Linux /proc; elsewhere signal 0. */
function isAlive(pid) {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    // "pid (comm) S ..." – comm may contain spaces/parens, so take what follows the last ')'.
    const state = stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3);
    return state !== 'Z' && state !== 'X';
  } catch (e) {
    if (e.code === 'ENOENT') return false;
    try {
      process.kill(pid, 0);
      return true;
    } catch {
      return false;
    }
  }
}

/**
 * Synchronous kill for exit paths (no event loop left): SIGTERM so the node can
 * remove its --tmp directory, wait up to `graceMs`, then SIGKILL.
 */
function killSync(child, graceMs = 3000) {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const pid = child.pid;
  if (!pid) return;
  try {
    process.kill(pid, 'SIGTERM');
  } catch {
    return;
  }
  const deadline = Date.now() + graceMs;
  while (Date.now() < deadline && isAlive(pid)) sleepSync(50);
  if (isAlive(pid)) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      /* already gone */
    }
  }
}

function killAllSync() {
  for (const child of running) killSync(child);
  running.clear();
}

function installExitHandlers() {
  if (handlersInstalled) return;
  handlersInstalled = true;

  process.on('exit', killAllSync);

  for (const [signal, code] of [['SIGINT', 130], ['SIGTERM', 143]]) {
    process.on(signal, () => {
      if (running.size > 0) console.error(`[e2e] ${signal}: stopping ${running.size} medchain-node process(es)`);
      killAllSync();
      process.exit(code);
    });
  }

  // 'exit' is not emitted when the process dies of an uncaught error, so watch
  // for those too. The monitor does not change Node's behaviour: when someone
  // else (e.g. node:test) handles the error the process lives on and the node
  // is stopped later by stop()/'exit'; when nobody does, the process is about
  // to die, so kill the nodes now.
  process.on('uncaughtExceptionMonitor', (err, origin) => {
    const handled =
      origin === 'unhandledRejection'
        ? process.listenerCount('unhandledRejection') > 0 || process.listenerCount('uncaughtException') > 0
        : process.listenerCount('uncaughtException') > 0;
    if (!handled) killAllSync();
  });
}

// ---------------------------------------------------------------------------
// Log file
// ---------------------------------------------------------------------------

let logCounter = 0;

function newLogPath() {
  const stamp = new Date().toISOString().replace(/[:.]/g, '-');
  return path.join(os.tmpdir(), `medchain-e2e-${stamp}-${process.pid}-${logCounter++}.log`);
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
// Connecting
// ---------------------------------------------------------------------------

function withTimeout(promise, ms, what) {
  let timer;
  return Promise.race([
    promise,
    new Promise((_, reject) => {
      timer = setTimeout(() => reject(new Error(`timed out after ${ms} ms: ${what}`)), ms);
    }),
  ]).finally(() => clearTimeout(timer));
}

/** Open one WebSocket connection (no auto-reconnect); resolve when open, reject on error/close. */
function openProvider(url, timeoutMs) {
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
 * Wait until 127.0.0.1:`port` accepts TCP connections, or throw when
 * `deadline` passes or `isDead()` reports that the node has gone.
 */
async function waitForPort(port, deadline, isDead) {
  while (Date.now() < deadline) {
    const dead = isDead();
    if (dead) throw new Error(dead);
    if (await tcpProbe(port, Math.min(2000, Math.max(100, deadline - Date.now())))) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`nothing listening on 127.0.0.1:${port}`);
}

/**
 * Connect an ApiPromise to `url` (RPC port `port`) once it is ready (metadata
 * loaded), retrying until `deadline` (ms since epoch) passes. `isDead()` aborts early.
 *
 * The port is polled with plain TCP connections first and a WebSocket is only
 * opened once something listens there. Do not replace this with WebSocket
 * retries against a closed port: polkadot.js' WsProvider starts a 5 s
 * setInterval in connect() and clears it only in the socket's `close` event,
 * and Node 22's built-in WebSocket (undici 6, which @polkadot/x-ws prefers to
 * the `ws` package when globalThis.WebSocket exists) fires `error` but never
 * `close` when the connection is refused (nodejs/undici#3546; so in Node
 * 22.23's undici 6.29). Every refused attempt then leaks an interval that keeps
 * the test process alive after its last test, and `node --test` waits for it
 * forever. Node 20 has no global WebSocket, so there polkadot.js uses `ws`,
 * which does emit `close`.
 */
async function connectApi(url, port, deadline, isDead) {
  let lastError;
  while (Date.now() < deadline) {
    const dead = isDead();
    if (dead) throw new Error(dead);
    let provider;
    try {
      await waitForPort(port, deadline, isDead);
      const left = Math.max(1000, deadline - Date.now());
      provider = await openProvider(url, Math.min(5000, left));
      const api = await withTimeout(
        ApiPromise.create({ provider, throwOnConnect: true, noInitWarn: true }),
        Math.max(1000, deadline - Date.now()),
        `ApiPromise.create(${url})`,
      );
      return api;
    } catch (e) {
      lastError = e;
      if (provider) await provider.disconnect().catch(() => {});
      await new Promise((r) => setTimeout(r, 250));
    }
  }
  throw new Error(
    `RPC at ${url} did not answer within the startup bound` + (lastError ? ` (last error: ${lastError.message})` : ''),
  );
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
 * Start `medchain-node --dev --tmp` on ports the kernel picks (read from its log) and connect
 * polkadot.js to it.
 *
 * @param {object}   [opts]
 * @param {string[]} [opts.extraArgs]        appended to the command line
 * @param {number}   [opts.startupTimeoutMs] bound for the RPC to answer (default 60 s,
 *                                           env MEDCHAIN_STARTUP_TIMEOUT_MS)
 * @param {string}   [opts.binary]           override the binary path
 * @returns {Promise<{api: ApiPromise, stop: () => Promise<void>, logPath: string,
 *   startedAt: number, pid: number, ports: {rpc: number, p2p: number|null, prometheus: number|null},
 *   wsUrl: string, args: string[], printLogTail: (n?: number, why?: string) => void}>}
 *   `startedAt` is Date.now() taken just before the process was spawned.
 */
export async function startNode(opts = {}) {
  const bin = opts.binary ?? nodeBinary();
  assertBinary(bin);
  installExitHandlers();

  const startupTimeoutMs = opts.startupTimeoutMs ?? Number(process.env.MEDCHAIN_STARTUP_TIMEOUT_MS || 60_000);
  const args = nodeArgs({ extraArgs: opts.extraArgs });
  const logPath = newLogPath();
  const logFd = fs.openSync(logPath, 'w');
  fs.writeSync(logFd, `# ${bin} ${args.join(' ')}\n`);

  const startedAt = Date.now();
  const child = spawn(bin, args, {
    detached: false,
    stdio: ['ignore', logFd, logFd],
    env: process.env,
  });
  fs.closeSync(logFd); // the child holds its own copy
  running.add(child);

  let exitInfo = null;
  let spawnError = null;
  const exited = new Promise((resolve) => {
    child.once('exit', (code, signal) => {
      exitInfo = { code, signal };
      running.delete(child);
      resolve(exitInfo);
    });
  });
  child.once('error', (e) => {
    spawnError = e;
    running.delete(child);
  });

  let rpc = null;
  let prometheus = null;
  let p2p = null;
  let wsUrl = null;
  let api = null;
  let stopping = null;

  const stop = () => {
    stopping ??= (async () => {
      if (api) {
        await withTimeout(api.disconnect(), 5000, 'api.disconnect()').catch(() => {});
      }
      if (exitInfo === null && spawnError === null) {
        child.kill('SIGTERM');
        const timer = setTimeout(() => {
          if (exitInfo === null) child.kill('SIGKILL');
        }, 5000);
        await exited;
        clearTimeout(timer);
      }
      running.delete(child);
    })();
    return stopping;
  };

  const isDead = () => {
    if (spawnError) return `could not start ${bin}: ${spawnError.message}`;
    if (exitInfo) return `medchain-node exited during startup (code ${exitInfo.code}, signal ${exitInfo.signal})`;
    return null;
  };

  try {
    ({ rpc, prometheus } = await portsFromLog(logPath, startedAt + startupTimeoutMs, isDead));
    wsUrl = `ws://127.0.0.1:${rpc}`;
    api = await connectApi(wsUrl, rpc, startedAt + startupTimeoutMs, isDead);
    p2p = await p2pPort(api);
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
    args,
    printLogTail: (n = 50, why = '') => printLogTail(logPath, n, why),
    get exited() {
      return exitInfo;
    },
  };
}

// ---------------------------------------------------------------------------
// Chain helpers
// ---------------------------------------------------------------------------

/**
 * Resolve with the finalized header once the finalized block number is >= n;
 * reject after `timeoutMs`.
 */
export function waitForFinalized(api, n, timeoutMs = 60_000) {
  return new Promise((resolve, reject) => {
    let unsub = null;
    let settled = false;
    const finish = (err, header) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      if (unsub) unsub();
      err ? reject(err) : resolve(header);
    };
    const timer = setTimeout(
      () => finish(new Error(`finalized head did not reach #${n} within ${timeoutMs} ms`)),
      timeoutMs,
    );
    api.rpc.chain
      .subscribeFinalizedHeads((header) => {
        if (header.number.toNumber() >= n) finish(null, header);
      })
      .then((u) => {
        unsub = u;
        if (settled) u();
      })
      .catch((e) => finish(e));
  });
}

/**
 * A readable name for a DispatchError: `${section}.${name}` for module errors
 * (e.g. 'consortium.NotOrganizationAdmin'), `Token.FundsUnavailable`-style for
 * nested ones, the variant name (e.g. 'BadOrigin') otherwise.
 */
export function dispatchErrorName(api, dispatchError) {
  if (dispatchError.isModule) {
    try {
      const { section, name } = api.registry.findMetaError(dispatchError.asModule);
      return `${section}.${name}`;
    } catch {
      return `Module(${dispatchError.asModule.toString()})`;
    }
  }
  const inner = dispatchError.value;
  // Token(FundsUnavailable), Arithmetic(Overflow), Transactional(..), Trie(..)
  if (inner && typeof inner.type === 'string') return `${dispatchError.type}.${inner.type}`;
  return dispatchError.type;
}

function dispatchErrorDocs(api, dispatchError) {
  if (!dispatchError.isModule) return '';
  try {
    return api.registry.findMetaError(dispatchError.asModule).docs.join(' ');
  } catch {
    return '';
  }
}

const SUDO_RESULT_EVENTS = new Set(['Sudid', 'SudoAsDone']);

/**
 * Sudo's inner result from a list of event records: `null` when there is no
 * Sudid/SudoAsDone event, `{ ok: true }`, or `{ ok: false, error: 'section.Name' }`.
 */
export function sudoResult(api, events) {
  const record = events.find(({ event }) => event.section === 'sudo' && SUDO_RESULT_EVENTS.has(event.method));
  if (!record) return null;
  const result = record.event.data[0];
  if (result.isOk) return { ok: true };
  return { ok: false, error: dispatchErrorName(api, result.asErr), dispatchError: result.asErr };
}

/** Name of sudo's inner error (e.g. 'consortium.AlreadyRegistered'), or null if none/ok. */
export function sudoErrorName(api, events) {
  const r = sudoResult(api, events);
  return r && !r.ok ? r.error : null;
}

function txLabel(tx) {
  try {
    return `${tx.method.section}.${tx.method.method}`;
  } catch {
    return 'extrinsic';
  }
}

/**
 * Sign and submit `tx` with `signer` (a keyring pair); resolve when it is in a
 * block (or finalized, with `{ finalized: true }`) with `{ events, blockHash,
 * status }` — `events` are this extrinsic's EventRecords. `nonce` and `tip`
 * (planck) are passed to polkadot.js's signer options when given.
 *
 * Rejects with an Error whose message is the dispatch error's name
 * (`${section}.${name}`, e.g. 'consortium.NotOrganizationAdmin') when the
 * extrinsic fails, and — unless `{ checkSudo: false }` — also when it
 * succeeded but sudo's Sudid event carries a failed inner result (the message
 * is then the inner error's name). The error has `.dispatchError`, `.docs`,
 * `.events`, `.blockHash` and `.sudo` (true for an inner sudo failure).
 * Pool rejections (invalid transaction, e.g. cannot pay fees) reject with the
 * RPC error as is.
 */
export function signAndWait(api, tx, signer, { finalized = false, checkSudo = true, timeoutMs = 120_000, nonce, tip } = {}) {
  const label = txLabel(tx);
  return new Promise((resolve, reject) => {
    let unsub = null;
    let settled = false;
    const finish = (err, value) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      if (unsub) unsub();
      err ? reject(err) : resolve(value);
    };
    const timer = setTimeout(
      () => finish(new Error(`${label}: not ${finalized ? 'finalized' : 'in a block'} within ${timeoutMs} ms`)),
      timeoutMs,
    );
    const options = { ...(nonce === undefined ? {} : { nonce }), ...(tip === undefined ? {} : { tip }) };

    tx.signAndSend(signer, options, (result) => {
      const { status, events = [], dispatchError } = result;
      if (status.isInvalid || status.isDropped || status.isUsurped) {
        finish(new Error(`${label}: transaction ${status.type}`));
        return;
      }
      const done = finalized ? status.isFinalized : status.isInBlock || status.isFinalized;
      if (!done) return;
      const blockHash = status.isInBlock ? status.asInBlock : status.asFinalized;

      if (dispatchError) {
        const err = new Error(dispatchErrorName(api, dispatchError));
        Object.assign(err, { dispatchError, docs: dispatchErrorDocs(api, dispatchError), events, blockHash, sudo: false });
        finish(err);
        return;
      }
      if (checkSudo) {
        const sudo = sudoResult(api, events);
        if (sudo && !sudo.ok) {
          const err = new Error(sudo.error);
          Object.assign(err, {
            dispatchError: sudo.dispatchError,
            docs: dispatchErrorDocs(api, sudo.dispatchError),
            events,
            blockHash,
            sudo: true,
          });
          finish(err);
          return;
        }
      }
      finish(null, { events, blockHash, status });
    })
      .then((u) => {
        unsub = u;
        if (settled) u();
      })
      .catch((e) => finish(e));
  });
}

/** `signAndWait(api, api.tx.sudo.sudo(call), sudoKey, opts)`. */
export function sudoAndWait(api, call, sudoKey, opts) {
  return signAndWait(api, api.tx.sudo.sudo(call), sudoKey, opts);
}

/**
 * Whether `err` (from `signAndWait`) is a transaction-pool rejection: the RPC
 * refused the extrinsic (e.g. '1010: Invalid Transaction: Inability to pay some
 * fees , e.g. account balance too low') or its status turned Invalid/Dropped, so
 * it was never included in a block. A dispatch error (extrinsic included, call
 * failed) and a timeout are not pool rejections.
 */
export function isPoolRejection(err) {
  if (!err || err.dispatchError) return false;
  const message = String(err.message ?? err);
  return /\b101[0-4]\b|Invalid Transaction|Inability to pay|transaction (Invalid|Dropped|Usurped)/i.test(message);
}

/**
 * Submit `tx` signed by `signer`, expecting the transaction pool to refuse it.
 * Resolves with the rejection Error. Rejects with an explanatory Error when
 * the extrinsic was included instead (whether the call succeeded or failed in
 * dispatch), or when it failed in another way (e.g. a timeout).
 */
export async function expectPoolRejection(api, tx, signer, opts = {}) {
  const label = txLabel(tx);
  let included;
  try {
    included = await signAndWait(api, tx, signer, { timeoutMs: 60_000, ...opts });
  } catch (err) {
    if (isPoolRejection(err)) return err;
    if (err.dispatchError) {
      throw new Error(
        `${label}: expected the transaction pool to reject it, but it was included in block ` +
          `${err.blockHash} and failed in dispatch with ${err.message}`,
      );
    }
    throw new Error(`${label}: expected a transaction-pool rejection, got: ${err.message}`);
  }
  throw new Error(
    `${label}: expected the transaction pool to reject it, but it was included and succeeded ` +
      `in block ${included.blockHash}`,
  );
}
