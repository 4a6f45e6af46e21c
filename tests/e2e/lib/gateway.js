// Start `medchain-gateway run` processes for the e2e suites and talk to them with signed
// requests, the way a hospital's EHR or a clinician's tool would.
//
// The binary is $MEDCHAIN_GATEWAY, else `medchain-gateway` next to the node binary
// (both are built into $CARGO_TARGET_DIR/release).
//
// Gateways serve https (as in production) with a certificate from scripts/dev-certs.sh,
// made once per test process in a temporary directory; requests trust that CA only
// (`devCa()`). `startGateway({ tls: false })` starts one with --insecure-http instead.

import { execFileSync, spawn } from 'node:child_process';
import { closeSync, mkdirSync, mkdtempSync, openSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

import { blake2AsU8a } from '@polkadot/util-crypto';
import { Agent, fetch as undiciFetch } from 'undici';
import { stringToU8a } from '@polkadot/util';

import { gatewayBinary } from '../../testkit/src/binaries.js';
import { gatewaySignedHeaders } from '../../testkit/src/gateway-sign.js';
import { track } from '../../testkit/src/processes.js';
import { freePort } from './node.js';

export { gatewayBinary };

let certs = null;

/** The development CA and the gateways' certificate (scripts/dev-certs.sh), made once per process. */
export function devCerts() {
  if (!certs) {
    const dir = mkdtempSync(path.join(tmpdir(), 'medchain-e2e-certs-'));
    const script = fileURLToPath(new URL('../../../scripts/dev-certs.sh', import.meta.url));
    const ca = execFileSync('bash', [script, 'gateway'], { env: { ...process.env, MEDCHAIN_DEV_CERTS: dir }, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] }).trim();
    certs = { dir, ca, caPem: readFileSync(ca), cert: path.join(dir, 'gateway.pem'), key: path.join(dir, 'gateway.key') };
  }
  return certs;
}

/** The development CA's path (what clients trust). */
export const devCa = () => devCerts().ca;

let agent = null;

/**
 * One HTTP(S) request with undici's fetch through an Agent that trusts the development CA
 * (Node's global fetch cannot be given a CA; NODE_EXTRA_CA_CERTS is read only at start-up).
 * Resolves { status, headers (a Headers), bytes }.
 */
export async function httpRequest(url, { method = 'GET', headers = {}, body } = {}) {
  agent ??= new Agent({ connect: { ca: devCerts().caPem } });
  const res = await undiciFetch(url, { method, headers, body, dispatcher: agent });
  return { status: res.status, headers: res.headers, bytes: new Uint8Array(await res.arrayBuffer()) };
}

process.on('exit', () => {
  if (certs) rmSync(certs.dir, { recursive: true, force: true });
});

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/**
 * The five signature headers for a request by `pair` sent to `url` (the full URL: its origin
 * and its path and query are signed; gateway/src/auth.rs, the message is
 * tests/testkit/src/gateway-sign.js's). `wrapped`: sign `<Bytes>` + message + `</Bytes>`,
 * as the polkadot.js extension's signRaw does.
 */
export function signRequest(pair, audience, method, url, body, { timestamp = Date.now(), nonce, wrapped = false } = {}) {
  return gatewaySignedHeaders({ blake2: blake2AsU8a, pair }, audience, method, url, body, { timestamp, nonce: nonce ?? undefined, wrapped });
}

/**
 * Start a gateway beside the node at `nodeWs`, signing anchors with `suri`, storing under
 * `dataDir`, serving https with the development certificate (`tls: false`: plain http,
 * --insecure-http). Returns { url, audience, info, logPath, request, stop, kill, restart }.
 */
export async function startGateway({ nodeWs, suri, dataDir, port, extraArgs = [], env = {}, tls = true }) {
  const bin = gatewayBinary();
  const listenPort = port ?? (await freePort());
  const url = `${tls ? 'https' : 'http'}://127.0.0.1:${listenPort}`;
  const tlsArgs = tls ? ['--tls-cert', devCerts().cert, '--tls-key', devCerts().key] : ['--insecure-http'];
  mkdirSync(dataDir, { recursive: true });
  const logPath = path.join(dataDir, `gateway-${listenPort}.log`);
  let child = null;
  let args = extraArgs;
  let extraEnv = env;

  const launch = async () => {
    const log = openSync(logPath, 'a');
    child = spawn(
      bin,
      ['run', '--node', nodeWs, '--listen', `127.0.0.1:${listenPort}`, '--data-dir', dataDir, ...tlsArgs, ...args],
      { env: { ...process.env, ...extraEnv, MEDCHAIN_GATEWAY_SURI: suri, RUST_LOG: 'info' }, stdio: ['ignore', log, log] },
    );
    closeSync(log);
    track(child); // SIGKILL when the test process exits
    const deadline = Date.now() + 60_000;
    for (;;) {
      if (child.exitCode !== null) throw new Error(`gateway exited (${child.exitCode}); log ${logPath}:\n${tail()}`);
      try {
        const res = await httpRequest(`${url}/v1/info`);
        if (res.status === 200) return JSON.parse(Buffer.from(res.bytes).toString('utf8'));
      } catch {
        /* not yet listening */
      }
      if (Date.now() > deadline) throw new Error(`gateway did not answer within 60 s; log ${logPath}:\n${tail()}`);
      await sleep(200);
    }
  };

  const tail = (n = 40) => {
    try {
      return readFileSync(logPath, 'utf8').split('\n').slice(-n).join('\n');
    } catch {
      return '';
    }
  };

  const waitExit = (proc) =>
    new Promise((resolve) => {
      if (proc.exitCode !== null || proc.signalCode !== null) resolve();
      else proc.once('exit', resolve);
    });

  const gw = {
    url,
    port: listenPort,
    logPath,
    dataDir,
    info: await launch(),
    tail,
    get pid() {
      return child?.pid;
    },
    alive() {
      return child !== null && child.exitCode === null && child.signalCode === null;
    },
    /** SIGINT (graceful) and wait. */
    async stop() {
      if (!gw.alive()) return;
      const proc = child;
      proc.kill('SIGINT');
      const timer = setTimeout(() => proc.kill('SIGKILL'), 5000);
      await waitExit(proc);
      clearTimeout(timer);
    },
    /** Wait (up to `ms`) for the process to exit by itself; whether it did. */
    async waitForExit(ms = 60_000) {
      if (!gw.alive()) return true;
      const proc = child;
      const timer = new Promise((r) => setTimeout(() => r(false), ms));
      return Promise.race([waitExit(proc).then(() => true), timer]);
    },
    /** SIGKILL: a crash. */
    async kill() {
      if (!gw.alive()) return;
      const proc = child;
      proc.kill('SIGKILL');
      await waitExit(proc);
    },
    /** Stop (gracefully) and start again, with other extra arguments if given. */
    async restart(newArgs, newEnv) {
      await gw.stop();
      if (newArgs) args = newArgs;
      if (newEnv) extraEnv = newEnv;
      gw.info = await launch();
      return gw.info;
    },
    /**
     * A request to the gateway. `pair` signs it (omit for unsigned); `body` is a string or
     * bytes; `sign` overrides signing options ({ timestamp, nonce, wrapped, url: sign for
     * another URL than the one the request goes to }); `headers` are set last.
     * Returns { status, json, text, bytes, headers, sent } (`sent`: the headers sent).
     */
    async request(method, pathAndQuery, { pair, body, sign = {}, headers = {} } = {}) {
      const bytes = body === undefined ? new Uint8Array() : typeof body === 'string' ? stringToU8a(body) : body;
      const sent = {
        ...(pair ? signRequest(pair, gw.info.audience, method, sign.url ?? `${gw.url}${pathAndQuery}`, bytes, sign) : {}),
        ...(bytes.length ? { 'content-type': 'application/fhir+json' } : {}),
        ...headers,
      };
      const res = await httpRequest(`${gw.url}${pathAndQuery}`, { method, headers: sent, body: bytes.length ? bytes : undefined });
      const raw = res.bytes;
      const text = Buffer.from(raw).toString('utf8');
      let json = null;
      try {
        json = JSON.parse(text);
      } catch {
        /* not JSON */
      }
      return { status: res.status, json, text, bytes: raw, headers: res.headers, sent };
    },
  };
  return gw;
}
