// src/chain.ts signs gateway requests with its own copy of the scheme (the app cannot import
// from tests/): gatewayMessage must build, byte for byte, what the gateway signs and checks
// (gateway/src/auth.rs), and gatewayHeaders must sign it as the gateway accepts it. Checked
// against tests/vectors/gateway-sign.json, whose signatures the gateway's own Rust code made
// (`medchain-gateway sign`), and against the test suites' copy,
// tests/testkit/src/gateway-sign.js (its unit test reads the same vectors).
//
// Node does not import .ts: src/chain.ts is transpiled (the installed `typescript`,
// transpileModule: types stripped, nothing checked; `npm run typecheck` checks) into a
// temporary directory, its polkadot.js imports pointed at the portal's node_modules, its
// ./i18n import at a stub (only error sentences use it) and its type-only ./chain-types
// import dropped. No node, no network, no browser.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import ts from 'typescript';

import { Keyring } from '@polkadot/keyring';
import { hexToU8a, u8aToHex, u8aWrapBytes } from '@polkadot/util';
import { blake2AsHex, blake2AsU8a, cryptoWaitReady, decodeAddress, sr25519Verify } from '@polkadot/util-crypto';

import { gatewayMessage as testkitMessage } from '../../tests/testkit/src/gateway-sign.js';

const PORTAL = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const VECTORS = JSON.parse(fs.readFileSync(path.join(PORTAL, '..', 'tests', 'vectors', 'gateway-sign.json'), 'utf8'));
let tmp;
let chain;

/** sr25519 over exactly `message` (polkadot.js signatureVerify would also accept it wrapped in <Bytes>). */
const verifies = (message, signature, address) => sr25519Verify(message, signature, decodeAddress(address));

before(async () => {
  await cryptoWaitReady();
  let js = ts.transpileModule(fs.readFileSync(path.join(PORTAL, 'src', 'chain.ts'), 'utf8'), {
    compilerOptions: { target: ts.ScriptTarget.ES2022, module: ts.ModuleKind.ESNext },
    fileName: 'chain.ts',
  }).outputText;
  const rewrites = { polkadot: 0, i18n: 0, chainTypes: 0 };
  js = js.replace(/ from '(@polkadot\/[\w/-]+)';$/gm, (_, name) => {
    rewrites.polkadot++;
    return ` from ${JSON.stringify(import.meta.resolve(name))};`;
  });
  js = js.replace(/ from '\.\/i18n';$/m, () => {
    rewrites.i18n++;
    return " from './i18n-stub.mjs';";
  });
  js = js.replace(/^import '\.\/chain-types';$/m, () => {
    rewrites.chainTypes++;
    return '';
  });
  assert.ok(rewrites.polkadot >= 4 && rewrites.i18n === 1 && rewrites.chainTypes === 1, `chain.ts's imports as expected: ${JSON.stringify(rewrites)}`);
  assert.ok(!/ from '\.\/(?!i18n-stub\.mjs')|^import '/m.test(js), 'no other local import left in chain.ts');
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'medchain-gateway-sign-test-'));
  fs.writeFileSync(path.join(tmp, 'i18n-stub.mjs'), 'export const t = (key) => key;\n');
  fs.writeFileSync(path.join(tmp, 'chain.mjs'), js);
  chain = await import(pathToFileURL(path.join(tmp, 'chain.mjs')).href);
});

after(() => {
  if (tmp) fs.rmSync(tmp, { recursive: true, force: true });
});

test('the vectors: the gateway signed each message_hex, whose body hash is blake2-256 of the body', () => {
  assert.equal(VECTORS.scheme, 'medchain-gateway/2');
  assert.ok(VECTORS.cases.length >= 4);
  assert.ok(new Set(VECTORS.cases.map((c) => c.origin)).size >= 2, 'cases for two origins or more');
  for (const c of VECTORS.cases) {
    assert.equal(new URL(c.url).origin, c.origin, `${c.name}: the origin is new URL(url).origin`);
    assert.equal(blake2AsHex(hexToU8a(c.body), 256), c.body_hash, c.name);
    assert.equal(u8aToHex(new TextEncoder().encode(c.message)), c.message_hex, c.name);
    assert.equal(u8aToHex(decodeAddress(c.account)), c.public_key);
    assert.ok(verifies(hexToU8a(c.message_hex), c.signature, c.account), `${c.name}: the gateway's signature verifies`);
    assert.ok(!verifies(u8aWrapBytes(hexToU8a(c.message_hex)), c.signature, c.account), `${c.name}: over the message itself, not wrapped`);
  }
});

test('src/chain.ts gatewayMessage builds the messages the gateway signed, as the testkit does', () => {
  for (const c of VECTORS.cases) {
    const args = [c.origin, c.audience, c.method, c.path_and_query, c.timestamp, c.nonce, hexToU8a(c.body)];
    const message = chain.gatewayMessage(...args);
    assert.equal(u8aToHex(message), c.message_hex, c.name);
    assert.ok(verifies(message, c.signature, c.account), `${c.name}: the gateway's signature verifies over chain.ts's message`);
    assert.equal(u8aToHex(testkitMessage(blake2AsU8a, ...args)), c.message_hex, `${c.name}: the testkit's message`);
  }
  // A GET's body defaults to the empty one.
  const get = VECTORS.cases.find((c) => c.method === 'GET' && c.body === '0x');
  assert.equal(u8aToHex(chain.gatewayMessage(get.origin, get.audience, get.method, get.path_and_query, get.timestamp, get.nonce)), get.message_hex);
});

test('src/chain.ts gatewayHeaders: a dev key signs <Bytes> + the message + </Bytes>, the extension is asked to sign the message', async () => {
  const c = VECTORS.cases.find((v) => v.method === 'GET' && v.body === '0x');
  const alice = new Keyring({ type: 'sr25519', ss58Format: 4242 }).addFromUri('//Alice');
  const expected = (h) => testkitMessage(blake2AsU8a, c.origin, c.audience, 'GET', c.path_and_query, h['x-medchain-timestamp'], h['x-medchain-nonce']);

  const before = Date.now();
  // Given the URL the request goes to: its origin (as browsers serialize it) and path are signed.
  const dev = await chain.gatewayHeaders({ address: alice.address, label: 'Alice', source: 'dev', pair: alice }, c.audience, 'GET', c.url);
  assert.deepEqual(Object.keys(dev), ['x-medchain-account', 'x-medchain-timestamp', 'x-medchain-nonce', 'x-medchain-signature', 'x-medchain-origin']);
  assert.equal(dev['x-medchain-origin'], c.origin);
  assert.equal(dev['x-medchain-account'], alice.address);
  assert.ok(Number(dev['x-medchain-timestamp']) >= before && Number(dev['x-medchain-timestamp']) <= Date.now());
  assert.match(dev['x-medchain-nonce'], /^[0-9a-f]{32}$/);
  const message = expected(dev);
  assert.ok(verifies(u8aWrapBytes(message), dev['x-medchain-signature'], alice.address), 'signed over the wrapped message');
  assert.ok(!verifies(message, dev['x-medchain-signature'], alice.address), 'not over the bare message');

  const asked = [];
  const extension = {
    address: alice.address,
    label: 'Alice (extension)',
    source: 'extension',
    signer: {
      signRaw: async (payload) => {
        asked.push(payload);
        return { id: 1, signature: u8aToHex(alice.sign(u8aWrapBytes(hexToU8a(payload.data)))) };
      },
    },
  };
  const ext = await chain.gatewayHeaders(extension, c.audience, 'get', c.url);
  assert.equal(asked.length, 1);
  assert.deepEqual(asked[0], { address: alice.address, data: u8aToHex(expected(ext)), type: 'bytes' });
  assert.ok(verifies(u8aWrapBytes(expected(ext)), ext['x-medchain-signature'], alice.address));
});
