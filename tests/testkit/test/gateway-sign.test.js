// src/gateway-sign.js against tests/vectors/gateway-sign.json: messages the gateway's own Rust
// code signed (`medchain-gateway sign`; each signature verifies over message_hex, which
// portal/test/gateway-sign.test.js checks with polkadot.js). No dependencies here, so no
// blake2 either: the tests pass one that looks the body's hash up in the vectors (the
// hashes themselves are checked by the portal test with polkadot.js' blake2).
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';

import { GATEWAY_HEADERS, GATEWAY_SIGNING_SCHEME, freshNonce, gatewayMessage, gatewaySignedHeaders, wrapBytes } from '../src/gateway-sign.js';

const VECTORS = JSON.parse(readFileSync(new URL('../../vectors/gateway-sign.json', import.meta.url), 'utf8'));
const hex = (bytes) => `0x${Buffer.from(bytes).toString('hex')}`;
const bytes = (h) => new Uint8Array(Buffer.from(h.slice(2), 'hex'));

/** A blake2 that knows the vectors' bodies only, and insists on 256 bits. */
const HASHES = new Map(VECTORS.cases.map((c) => [c.body, c.body_hash]));
function vectorBlake2(data, bitLength) {
  assert.equal(bitLength, 256, 'blake2 is asked for 256 bits');
  const known = HASHES.get(hex(data));
  assert.ok(known, `no vector body ${hex(data).slice(0, 20)}…`);
  return bytes(known);
}
const EMPTY_HASH = HASHES.get('0x');

const args = (c) => [c.audience, c.method, c.path_and_query, c.timestamp, c.nonce, bytes(c.body)];

describe('gateway-sign', () => {
  it('builds, byte for byte, the messages the gateway signed (tests/vectors/gateway-sign.json)', () => {
    assert.equal(VECTORS.scheme, GATEWAY_SIGNING_SCHEME);
    assert.ok(VECTORS.cases.length >= 4);
    for (const c of VECTORS.cases) {
      const message = gatewayMessage(vectorBlake2, ...args(c));
      assert.equal(hex(message), c.message_hex, c.name);
      assert.equal(new TextDecoder().decode(message), c.message, c.name);
    }
  });

  it('takes the timestamp as a number, a bigint or digits, the body as bytes or a string, the audience in any hex case or as bytes', () => {
    const get = VECTORS.cases.find((c) => c.body === '0x' && c.method === 'GET');
    const post = VECTORS.cases.find((c) => c.method === 'post');
    const expect = (c, ...a) => assert.equal(hex(gatewayMessage(vectorBlake2, ...a)), c.message_hex);
    expect(get, get.audience, 'GET', get.path_and_query, BigInt(get.timestamp), get.nonce, undefined);
    expect(get, get.audience.toUpperCase().replace(/^0X/, '0x'), 'get', get.path_and_query, String(get.timestamp), get.nonce, '');
    expect(get, bytes(get.audience), 'Get', get.path_and_query, get.timestamp, get.nonce, new Uint8Array());
    expect(post, post.audience, 'POST', post.path_and_query, post.timestamp, post.nonce, Buffer.from(post.body.slice(2), 'hex').toString('utf8'));
  });

  it('refuses what the gateway could not match: a bad audience or timestamp, a blake2 giving hex', () => {
    const c = VECTORS.cases[0];
    const message = (over) => {
      const a = { ...c, ...over };
      return () => gatewayMessage(a.blake2 ?? vectorBlake2, a.audience, a.method, a.path_and_query, a.timestamp, a.nonce, new Uint8Array());
    };
    assert.throws(message({ audience: c.audience.slice(2) }), /audience/);
    assert.throws(message({ audience: `${c.audience}0` }), /audience/);
    assert.throws(message({ audience: '0x' }), /audience/);
    assert.throws(message({ timestamp: 1.5 }), /timestamp/);
    assert.throws(message({ timestamp: -1 }), /timestamp/);
    assert.throws(message({ timestamp: '2026-12-08' }), /timestamp/);
    assert.throws(message({ blake2: () => EMPTY_HASH }), /blake2/);
    assert.throws(() => gatewayMessage(undefined, c.audience, 'GET', '/', 1, 'n'), /blake2/);
  });

  it('signs the message, or <Bytes> + message + </Bytes>, into the four headers', () => {
    const c = VECTORS.cases[0];
    const signed = [];
    const pair = { address: c.account, sign: (m) => (signed.push(m), new Uint8Array(64).fill(0xab)) };
    const headers = gatewaySignedHeaders({ blake2: vectorBlake2, pair }, c.audience, c.method, c.path_and_query, bytes(c.body), { timestamp: c.timestamp, nonce: c.nonce });
    assert.deepEqual(headers, {
      'x-medchain-account': c.account,
      'x-medchain-timestamp': String(c.timestamp),
      'x-medchain-nonce': c.nonce,
      'x-medchain-signature': `0x${'ab'.repeat(64)}`,
    });
    assert.deepEqual(Object.keys(headers), Object.values(GATEWAY_HEADERS));
    assert.equal(hex(signed[0]), c.message_hex);

    gatewaySignedHeaders({ blake2: vectorBlake2, pair }, c.audience, c.method, c.path_and_query, bytes(c.body), { timestamp: c.timestamp, nonce: c.nonce, wrapped: true });
    assert.equal(Buffer.from(signed[1]).toString('utf8'), `<Bytes>${c.message}</Bytes>`);
    assert.deepEqual(signed[1], wrapBytes(bytes(c.message_hex)));
  });

  it('defaults to now and a fresh nonce the gateway accepts', () => {
    const c = VECTORS.cases[0];
    const pair = { address: c.account, sign: () => new Uint8Array(64) };
    const before = Date.now();
    const a = gatewaySignedHeaders({ blake2: vectorBlake2, pair }, c.audience, 'GET', '/v1/info');
    const b = gatewaySignedHeaders({ blake2: vectorBlake2, pair }, c.audience, 'GET', '/v1/info');
    const ts = Number(a['x-medchain-timestamp']);
    assert.ok(ts >= before && ts <= Date.now(), 'timestamp: now, in ms');
    for (const h of [a, b]) assert.match(h['x-medchain-nonce'], /^[0-9a-f]{32}$/);
    assert.notEqual(a['x-medchain-nonce'], b['x-medchain-nonce']);
    assert.match(freshNonce(), /^[A-Za-z0-9_-]{16,64}$/);
  });
});
