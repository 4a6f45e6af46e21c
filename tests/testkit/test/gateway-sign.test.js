// src/gateway-sign.js against tests/vectors/gateway-sign.json: messages the gateway's own Rust
// code signed (`medchain-gateway sign`; each signature verifies over message_hex, which
// portal/test/gateway-sign.test.js checks with polkadot.js). No dependencies here, so no
// blake2 either: the tests pass one that looks the body's hash up in the vectors (the
// hashes themselves are checked by the portal test with polkadot.js' blake2).
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';

import { GATEWAY_HEADERS, GATEWAY_SIGNING_SCHEME, freshNonce, gatewayMessage, gatewayOrigin, gatewaySignedHeaders, gatewayTarget, wrapBytes } from '../src/gateway-sign.js';

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

const args = (c) => [c.origin, c.audience, c.method, c.path_and_query, c.timestamp, c.nonce, bytes(c.body)];

describe('gateway-sign', () => {
  it('builds, byte for byte, the messages the gateway signed (tests/vectors/gateway-sign.json)', () => {
    assert.equal(VECTORS.scheme, GATEWAY_SIGNING_SCHEME);
    assert.equal(GATEWAY_SIGNING_SCHEME, 'medchain-gateway/2');
    assert.ok(VECTORS.cases.length >= 4);
    // At least two origins: https on a non-default port, and one whose default port is omitted.
    const origins = new Set(VECTORS.cases.map((c) => c.origin));
    assert.ok(origins.size >= 2, [...origins].join(' '));
    assert.ok([...origins].some((o) => /^https:\/\/[^/]+:\d+$/.test(o)), 'an https origin with a port');
    assert.ok(VECTORS.cases.some((c) => /:443\//.test(c.url) && !c.origin.includes(':443')), 'a default port omitted');
    for (const c of VECTORS.cases) {
      assert.deepEqual(gatewayTarget(c.url), { origin: c.origin, pathAndQuery: c.path_and_query }, c.name);
      assert.ok(c.message.startsWith(`medchain-gateway/2\n${c.origin}\n${c.audience}\n`), c.name);
      const message = gatewayMessage(vectorBlake2, ...args(c));
      assert.equal(hex(message), c.message_hex, c.name);
      assert.equal(new TextDecoder().decode(message), c.message, c.name);
    }
  });

  it('takes the timestamp as a number, a bigint or digits, the body as bytes or a string, the audience in any hex case or as bytes', () => {
    const get = VECTORS.cases.find((c) => c.body === '0x' && c.method === 'GET');
    const post = VECTORS.cases.find((c) => c.method === 'post');
    const expect = (c, ...a) => assert.equal(hex(gatewayMessage(vectorBlake2, ...a)), c.message_hex);
    expect(get, get.origin, get.audience, 'GET', get.path_and_query, BigInt(get.timestamp), get.nonce, undefined);
    expect(get, get.origin, get.audience.toUpperCase().replace(/^0X/, '0x'), 'get', get.path_and_query, String(get.timestamp), get.nonce, '');
    expect(get, get.origin, bytes(get.audience), 'Get', get.path_and_query, get.timestamp, get.nonce, new Uint8Array());
    expect(post, post.origin, post.audience, 'POST', post.path_and_query, post.timestamp, post.nonce, Buffer.from(post.body.slice(2), 'hex').toString('utf8'));
  });

  it('serializes origins as browsers do, and takes the origin and the path from the URL a request is sent to', () => {
    assert.equal(gatewayOrigin('HTTPS://Records.Example:443/'), 'https://records.example');
    assert.equal(gatewayOrigin('https://records.example:8801/v1/info'), 'https://records.example:8801');
    assert.equal(gatewayOrigin('http://127.0.0.1:80'), 'http://127.0.0.1');
    assert.equal(gatewayOrigin('https://[::1]:8443'), 'https://[::1]:8443');
    assert.deepEqual(gatewayTarget('https://records.example:8801/v1/records?patient=a&x=1'), { origin: 'https://records.example:8801', pathAndQuery: '/v1/records?patient=a&x=1' });
    assert.deepEqual(gatewayTarget(new URL('https://records.example/')), { origin: 'https://records.example', pathAndQuery: '/' });
    // A path alone is no URL: the request is signed for where it goes.
    assert.throws(() => gatewayTarget('/v1/records/0x01'), /absolute URL/);
    assert.throws(() => gatewayTarget('ftp://records.example/x'), /https/);
  });

  it('refuses what the gateway could not match: a bad origin, audience or timestamp, a blake2 giving hex', () => {
    const c = VECTORS.cases[0];
    const message = (over) => {
      const a = { ...c, ...over };
      return () => gatewayMessage(a.blake2 ?? vectorBlake2, a.origin, a.audience, a.method, a.path_and_query, a.timestamp, a.nonce, new Uint8Array());
    };
    // The origin as new URL(url).origin gives it, nothing else.
    for (const origin of [undefined, '', 'records.example', `${c.origin}/`, c.origin.toUpperCase(), `${c.url}`, 'https://records.example:443']) {
      assert.throws(message({ origin }), /origin/, String(origin));
    }
    assert.throws(message({ audience: c.audience.slice(2) }), /audience/);
    assert.throws(message({ audience: `${c.audience}0` }), /audience/);
    assert.throws(message({ audience: '0x' }), /audience/);
    assert.throws(message({ timestamp: 1.5 }), /timestamp/);
    assert.throws(message({ timestamp: -1 }), /timestamp/);
    assert.throws(message({ timestamp: '2026-12-08' }), /timestamp/);
    assert.throws(message({ blake2: () => EMPTY_HASH }), /blake2/);
    assert.throws(() => gatewayMessage(undefined, c.origin, c.audience, 'GET', '/', 1, 'n'), /blake2/);
  });

  it('signs the message for the URL\'s origin, or <Bytes> + message + </Bytes>, into the five headers', () => {
    const signed = [];
    const pair = { sign: (m) => (signed.push(m), new Uint8Array(64).fill(0xab)) };
    for (const c of VECTORS.cases) {
      pair.address = c.account;
      const headers = gatewaySignedHeaders({ blake2: vectorBlake2, pair }, c.audience, c.method, c.url, bytes(c.body), { timestamp: c.timestamp, nonce: c.nonce });
      assert.deepEqual(headers, {
        'x-medchain-account': c.account,
        'x-medchain-timestamp': String(c.timestamp),
        'x-medchain-nonce': c.nonce,
        'x-medchain-signature': `0x${'ab'.repeat(64)}`,
        'x-medchain-origin': c.origin,
      }, c.name);
      assert.deepEqual(Object.keys(headers), Object.values(GATEWAY_HEADERS));
      assert.equal(hex(signed.at(-1)), c.message_hex, c.name);
    }
    const c = VECTORS.cases[0];
    signed.length = 0;
    // A path alone is refused: the origin would be unknown.
    assert.throws(() => gatewaySignedHeaders({ blake2: vectorBlake2, pair }, c.audience, c.method, c.path_and_query), /absolute URL/);
    gatewaySignedHeaders({ blake2: vectorBlake2, pair }, c.audience, c.method, c.url, bytes(c.body), { timestamp: c.timestamp, nonce: c.nonce, wrapped: true });
    assert.equal(Buffer.from(signed[0]).toString('utf8'), `<Bytes>${c.message}</Bytes>`);
    assert.deepEqual(signed[0], wrapBytes(bytes(c.message_hex)));
  });

  it('defaults to now and a fresh nonce the gateway accepts', () => {
    const c = VECTORS.cases[0];
    const pair = { address: c.account, sign: () => new Uint8Array(64) };
    const before = Date.now();
    const a = gatewaySignedHeaders({ blake2: vectorBlake2, pair }, c.audience, 'GET', `${c.origin}/v1/info`);
    const b = gatewaySignedHeaders({ blake2: vectorBlake2, pair }, c.audience, 'GET', `${c.origin}/v1/info`);
    const ts = Number(a['x-medchain-timestamp']);
    assert.ok(ts >= before && ts <= Date.now(), 'timestamp: now, in ms');
    for (const h of [a, b]) assert.match(h['x-medchain-nonce'], /^[0-9a-f]{32}$/);
    assert.notEqual(a['x-medchain-nonce'], b['x-medchain-nonce']);
    assert.match(freshNonce(), /^[A-Za-z0-9_-]{16,64}$/);
  });
});
