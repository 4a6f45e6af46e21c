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
import { gatewayMessage } from '../src/gateway-sign.js';

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
  { name: 'GET of a record, empty body', suri: '//Alice', audience: ST_MARYS, method: 'GET', path_and_query: `/v1/records/${u8aToHex(blake2AsU8a(utf8('record-1'), 256))}`, body: new Uint8Array() },
  {
    name: 'POST of a FHIR resource (UTF-8 body), the method given in lower case: the message has it in upper case',
    suri: '//Bob',
    audience: ST_MARYS,
    method: 'post',
    path_and_query: '/fhir/Observation?_format=application/fhir%2Bjson',
    body: utf8('{"resourceType":"Observation","status":"final","code":{"text":"Hämoglobin 血红蛋白"},"valueQuantity":{"value":13.5,"unit":"g/dL"}}'),
  },
  {
    name: 'GET with a query string, another gateway',
    suri: '//Charlie',
    audience: LAKESIDE,
    method: 'GET',
    path_and_query: '/v1/records?patient=5GrwvaEF5zXb26Fz9rcQpDWS57CtERHpNehXCPcNoHGKutQY&category=LabResults&limit=20',
    body: new Uint8Array(),
  },
  { name: 'PUT of a binary body (every byte value)', suri: '//Alice', audience: LAKESIDE, method: 'PUT', path_and_query: '/v1/uploads/scan-7.dcm', body: Uint8Array.from({ length: 256 }, (_, i) => i) },
];

const dir = mkdtempSync(join(tmpdir(), 'medchain-gateway-sign-vectors-'));
const cases = [];
try {
  for (const [i, c] of CASES.entries()) {
    const bodyFile = join(dir, `body-${i}`);
    writeFileSync(bodyFile, c.body);
    const line = execFileSync(
      gatewayBinary(),
      ['sign', '--suri', c.suri, '--audience', c.audience, '--method', c.method, '--path', c.path_and_query, '--body-file', bodyFile, '--count', '1'],
      { encoding: 'utf8' },
    ).trim();
    const [account, timestamp, nonce, signature] = line.split('\t');
    const message = gatewayMessage(blake2AsU8a, c.audience, c.method, c.path_and_query, timestamp, nonce, c.body);
    const publicKey = decodeAddress(account);
    // sr25519 over exactly these bytes (signatureVerify would also try them wrapped in <Bytes>).
    if (!sr25519Verify(message, signature, publicKey)) throw new Error(`case ${i} (${c.name}): the gateway's signature does not verify over src/gateway-sign.js's message`);
    const text = new TextDecoder().decode(message);
    if (u8aToHex(stringToU8a(text)) !== u8aToHex(message)) throw new Error(`case ${i}: the message is not UTF-8 text`);
    cases.push({
      name: c.name,
      audience: c.audience,
      method: c.method,
      path_and_query: c.path_and_query,
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
  'medchain-gateway/1\\n0x<audience>\\n<METHOD>\\n<path and query>\\n<timestamp>\\n<nonce>\\n0x<blake2_256(body)>. ' +
  'Each case was signed (raw, no <Bytes> wrapping) by `medchain-gateway sign --count 1`, which chose the timestamp and the nonce; ' +
  'the signature verifies over message_hex. Written by tests/testkit/tools/gen-gateway-sign-vectors.js.';
writeFileSync(out, `${JSON.stringify({ scheme: 'medchain-gateway/1', description, cases }, null, 2)}\n`);
console.log(`wrote ${out}: ${cases.length} cases, each signed by ${gatewayBinary()} and verified over the testkit's message`);
