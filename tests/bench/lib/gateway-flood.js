// The flood of gateway-load.js --flood, in its own process (so its CPU use does not delay the
// authorized client's timers): `keys` fresh sr25519 keys (no chain identity), `perKey`
// signed fetches each, sent from several loopback source addresses.
//
//   node lib/gateway-flood.js '<json: {url, audience, path, keys, perKey, ips, concurrency}>'
//
// Pre-signs everything, prints `ready <n>`, waits for `go` on stdin, sends, then prints one
// JSON line: {sent, ms, statuses: {<status>: n}, errors: {<code>: n}}.

import http from 'node:http';
import { createInterface } from 'node:readline';

import { u8aToHex } from '@polkadot/util';
import { blake2AsU8a, cryptoWaitReady, randomAsU8a, sr25519PairFromSeed, sr25519Sign } from '@polkadot/util-crypto';

import { gatewaySignedHeaders } from '../../testkit/src/gateway-sign.js';

const opts = JSON.parse(process.argv[2]);
const target = new URL(opts.url);

await cryptoWaitReady();
const now = Date.now();
const requests = [];
for (let k = 0; k < opts.keys; k += 1) {
  const keys = sr25519PairFromSeed(randomAsU8a(32));
  // The account as 0x + its public key (no keyring, no SS58 encoding per key).
  const pair = { address: u8aToHex(keys.publicKey), sign: (message) => sr25519Sign(message, keys) };
  for (let r = 0; r < opts.perKey; r += 1) {
    requests.push(gatewaySignedHeaders({ blake2: blake2AsU8a, pair }, opts.audience, 'GET', new URL(opts.path, target), undefined, { timestamp: now }));
  }
}
// Interleave keys (key 0 request 0, key 1 request 0, ...), as many clients would.
const ordered = [];
for (let r = 0; r < opts.perKey; r += 1) {
  for (let k = 0; k < opts.keys; k += 1) ordered.push(requests[k * opts.perKey + r]);
}

const agents = opts.ips.map(
  (ip) => new http.Agent({ keepAlive: true, maxSockets: Math.max(1, Math.ceil(opts.concurrency / opts.ips.length)), localAddress: ip }),
);

function send(i) {
  return new Promise((resolve) => {
    const req = http.request(
      { host: target.hostname, port: target.port, path: opts.path, method: 'GET', headers: ordered[i], agent: agents[i % agents.length] },
      (res) => {
        const chunks = [];
        res.on('data', (c) => chunks.push(c));
        res.on('end', () => {
          let code = '';
          try {
            code = JSON.parse(Buffer.concat(chunks).toString('utf8')).error ?? '';
          } catch {
            /* not JSON */
          }
          resolve({ status: res.statusCode, code });
        });
      },
    );
    req.on('error', (e) => resolve({ status: 'error', code: e.code ?? e.message }));
    req.end();
  });
}

console.log(`ready ${ordered.length}`);
const rl = createInterface({ input: process.stdin });
await new Promise((resolve) => rl.once('line', resolve));
rl.close();

const statuses = {};
const errors = {};
const started = Date.now();
let next = 0;
async function worker() {
  while (next < ordered.length) {
    const i = next;
    next += 1;
    const { status, code } = await send(i);
    statuses[status] = (statuses[status] ?? 0) + 1;
    if (code) errors[code] = (errors[code] ?? 0) + 1;
  }
}
await Promise.all(Array.from({ length: opts.concurrency }, worker));
const ms = Date.now() - started;
for (const agent of agents) agent.destroy();
console.log(JSON.stringify({ sent: ordered.length, ms, statuses, errors }));
