#!/usr/bin/env node
// Writes tests/vectors/gateway-sign.json: the gateway request-signing message
// (gateway/src/auth.rs `message`) for hand-written requests, each signed by the gateway's own
// Rust code (`medchain-gateway sign --count 1`, which picks the timestamp and the nonce).
// A case is written only if the gateway's signature verifies over the message
// src/gateway-sign.js builds, i.e. that message is byte for byte what the Rust side signed.
// Never overwrites the file unless --force.
//
//   node tests/testkit/tools/gen-gateway-sign-vectors.js [--force]
//
// Needs the gateway binary (src/binaries.js: $MEDCHAIN_GATEWAY, else beside the node) and
// polkadot.js (blake2, sr25519 verification), taken from tests/e2e/node_modules (`npm ci` there).
// The testkit itself stays without dependencies: this tool is not part of it.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

import { gatewayBinary } from '../src/binaries.js';
import { GATEWAY_SIGNING_SCHEME, gatewayMessage, gatewayTarget } from '../src/gateway-sign.js';

const out = fileURLToPath(new URL('../../vectors/gateway-sign.json', import.meta.url));
if (existsSync(out) && !process.argv.includes('--force')) {
  console.error(`${out} exists: it is the reference (--force to write it again)`);
  process.exit(1);
}
const e2e = createRequire(fileURLToPath(new URL('../../e2e/package.json', import.meta.url)));
const load = (name) => import(pathToFileURL(e2e.resolve(name)).href);
const { blake2AsU8a, cryptoWaitReady, decodeAddress, sr25519Verify } = await load('@polkadot/util-crypto');
const { u8aToHex, stringToU8a } = await load('@polkadot/util');
await cryptoWaitReady();

const utf8 = (s) => new TextEncoder().encode(s);
// Audiences as /v1/info gives them: organization (32 bytes) ++ gateway key (32) ++ instance id (16).
const audience = (label) =>
  u8aToHex(new Uint8Array([...blake2AsU8a(utf8(`${label} organization`), 256), ...blake2AsU8a(utf8(`${label} gateway key`), 256), ...blake2AsU8a(utf8(`${label} instance`), 128)]));
const ST_MARYS = audience("St. Mary's Hospital");
const LAKESIDE = audience('Lakeside General Hospital');

const CASES = [
  // `url`: where the request is sent; its origin (as new URL(url).origin serializes it) and its
  // path and query are signed. St. Mary's on a non-default https port, Lakeside on the default
  // one (given as :443 in upper case: the origin has neither), a development gateway over http.
  { name: 'GET of a record, empty body', suri: '//Alice', audience: ST_MARYS, method: 'GET', url: `https://records.stmarys.example:8801/v1/records/${u8aToHex(blake2AsU8a(utf8('record-1'), 256))}`, body: new Uint8Array() },
  {
    name: 'POST of a FHIR resource (UTF-8 body), the method given in lower case: the message has it in upper case',
    suri: '//Bob',
    audience: ST_MARYS,
    method: 'post',
    url: 'https://records.stmarys.example:8801/fhir/Observation?_format=application/fhir%2Bjson',
    body: utf8('{"resourceType":"Observation","status":"final","code":{"text":"Hämoglobin 血红蛋白"},"valueQuantity":{"value":13.5,"unit":"g/dL"}}'),
  },
  {
    name: 'GET with a query string, another gateway, on the default https port (the origin omits it)',
    suri: '//Charlie',
    audience: LAKESIDE,
    method: 'GET',
    url: 'https://Records.Lakeside.EXAMPLE:443/v1/records?patient=5GrwvaEF5zXb26Fz9rcQpDWS57CtERHpNehXCPcNoHGKutQY&category=LabResults&limit=20',
    body: new Uint8Array(),
  },
  { name: 'PUT of a binary body (every byte value), to a development gateway over http', suri: '//Alice', audience: LAKESIDE, method: 'PUT', url: 'http://127.0.0.1:8802/v1/uploads/scan-7.dcm', body: Uint8Array.from({ length: 256 }, (_, i) => i) },
];

const dir = mkdtempSync(join(tmpdir(), 'medchain-gateway-sign-vectors-'));
const cases = [];
try {
  for (const [i, c] of CASES.entries()) {
    const bodyFile = join(dir, `body-${i}`);
    writeFileSync(bodyFile, c.body);
    const { origin, pathAndQuery } = gatewayTarget(c.url);
    // The gateway's `sign` takes the URL as given and serializes its origin itself.
    const line = execFileSync(
      gatewayBinary(),
      ['sign', '--suri', c.suri, '--audience', c.audience, '--origin', c.url, '--method', c.method, '--path', pathAndQuery, '--body-file', bodyFile, '--count', '1'],
      { encoding: 'utf8' },
    ).trim();
    const [account, timestamp, nonce, signature, signedFor] = line.split('\t');
    if (signedFor !== origin) throw new Error(`case ${i} (${c.name}): the gateway signed for ${signedFor}, new URL(url).origin is ${origin}`);
    const message = gatewayMessage(blake2AsU8a, origin, c.audience, c.method, pathAndQuery, timestamp, nonce, c.body);
    const publicKey = decodeAddress(account);
    // sr25519 over exactly these bytes (signatureVerify would also try them wrapped in <Bytes>).
    if (!sr25519Verify(message, signature, publicKey)) throw new Error(`case ${i} (${c.name}): the gateway's signature does not verify over src/gateway-sign.js's message`);
    const text = new TextDecoder().decode(message);
    if (u8aToHex(stringToU8a(text)) !== u8aToHex(message)) throw new Error(`case ${i}: the message is not UTF-8 text`);
    cases.push({
      name: c.name,
      url: c.url,
      origin,
      audience: c.audience,
      method: c.method,
      path_and_query: pathAndQuery,
      timestamp: Number(timestamp),
      nonce,
      body: u8aToHex(c.body),
      body_hash: u8aToHex(blake2AsU8a(c.body, 256)),
      message: text,
      message_hex: u8aToHex(message),
      suri: c.suri,
      account,
      public_key: u8aToHex(publicKey),
      signature,
    });
  }
} finally {
  rmSync(dir, { recursive: true, force: true });
}

const description =
  'The gateway request-signing message (gateway/src/auth.rs `message`): ' +
  `${GATEWAY_SIGNING_SCHEME}\\n<origin>\\n0x<audience>\\n<METHOD>\\n<path and query>\\n<timestamp>\\n<nonce>\\n0x<blake2_256(body)>, where <origin> is new URL(url).origin of the URL the request is sent to. ` +
  'Each case was signed (raw, no <Bytes> wrapping) by `medchain-gateway sign --count 1`, which chose the timestamp and the nonce; ' +
  'the signature verifies over message_hex. Written by tests/testkit/tools/gen-gateway-sign-vectors.js.';
writeFileSync(out, `${JSON.stringify({ scheme: GATEWAY_SIGNING_SCHEME, description, cases }, null, 2)}\n`);
console.log(`wrote ${out}: ${cases.length} cases, each signed by ${gatewayBinary()} and verified over the testkit's message`);
