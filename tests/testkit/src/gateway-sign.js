// Signed requests to a record gateway (gateway/src/auth.rs; gateway/README.md "Signed
// requests"): the bytes a requester signs and the five x-medchain-* headers that carry the
// signature. The suites' one copy of the scheme (portal/src/chain.ts keeps the portal app's
// own, checked against the same vectors, tests/vectors/gateway-sign.json).
//
// The message, as the gateway rebuilds it (auth::message):
//
//   medchain-gateway/2\n<origin>\n0x<audience>\n<METHOD>\n<path and query>\n<timestamp>\n<nonce>\n0x<blake2_256(body)>
//
// `<origin>`: the origin of the URL the request is sent to, as `new URL(url).origin` gives it
// (`scheme://host[:port]`, lower case, default port omitted), also sent as x-medchain-origin;
// the gateway serves only its own public origins, so a request sent to a server that relays
// to it is refused (401 WrongOrigin). Version 1 (no origin) is no longer accepted.
// `<audience>`: lower-case hex of the gateway's audience (its /v1/info `audience`);
// `<METHOD>` upper-cased (ASCII); `<timestamp>` ms since the Unix epoch, in decimal;
// `<nonce>` as given (the gateway accepts 16..=64 characters of [A-Za-z0-9_-]); the body hash
// of the empty body for a GET. The signature (sr25519, what polkadot.js `pair.sign` makes) is
// over the message itself, or over `<Bytes>` + message + `</Bytes>` (`wrapped`: what the
// polkadot.js extension's signRaw signs).
//
// No dependencies: the caller passes its blake2 (`blake2AsU8a` of @polkadot/util-crypto, or
// zombienet's `zombie.util.blake2AsU8a`) and its signer (a keyring pair, or any
// `{ address, sign(bytes) }`).

import { randomBytes } from 'node:crypto';

/** The scheme's first line. */
export const GATEWAY_SIGNING_SCHEME = 'medchain-gateway/2';

/** The five headers of a signed request (auth.rs HEADER_*). */
export const GATEWAY_HEADERS = Object.freeze({
  account: 'x-medchain-account',
  timestamp: 'x-medchain-timestamp',
  nonce: 'x-medchain-nonce',
  signature: 'x-medchain-signature',
  origin: 'x-medchain-origin',
});

const utf8 = new TextEncoder();
const hex = (bytes) => `0x${Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('hex')}`;

/** `0x` + lower-case hex of an audience given as `0x` + hex (any case) or as bytes. */
function audienceHex(audience) {
  if (audience instanceof Uint8Array) return hex(audience);
  if (typeof audience === 'string' && /^0x(?:[0-9a-fA-F]{2})+$/.test(audience)) return audience.toLowerCase();
  throw new TypeError(`gateway audience must be 0x + hex (its /v1/info audience) or bytes, not ${JSON.stringify(audience)}`);
}

function timestampText(timestamp) {
  const text = typeof timestamp === 'string' ? timestamp : typeof timestamp === 'bigint' || Number.isSafeInteger(timestamp) ? String(timestamp) : '';
  if (!/^\d+$/.test(text)) throw new TypeError(`gateway request timestamp must be a whole number of ms, not ${String(timestamp)}`);
  return text;
}

function bodyBytes(body) {
  if (body === undefined || body === null) return new Uint8Array();
  if (typeof body === 'string') return utf8.encode(body);
  if (body instanceof Uint8Array) return body;
  throw new TypeError('gateway request body must be bytes or a string');
}

/**
 * Where a request to `url` (an absolute http(s) URL, a string or a URL) goes: its origin as
 * browsers serialize it (`new URL(url).origin`) and its path and query, as signed.
 */
export function gatewayTarget(url) {
  let parsed;
  try {
    parsed = url instanceof URL ? url : new URL(String(url));
  } catch {
    throw new TypeError(`a gateway request is signed for the absolute URL it is sent to (https://host[:port]/path), not ${JSON.stringify(String(url))}`);
  }
  if (parsed.protocol !== 'https:' && parsed.protocol !== 'http:') throw new TypeError(`a gateway URL is https (or http), not ${parsed.protocol}`);
  return { origin: parsed.origin, pathAndQuery: `${parsed.pathname}${parsed.search}` };
}

/** `origin` (or any URL of it) as the gateway compares it: `new URL(origin).origin`. */
export function gatewayOrigin(origin) {
  return gatewayTarget(origin).origin;
}

/**
 * The bytes a requester signs (auth.rs `message`) for a request sent to `origin` (as
 * `new URL(url).origin` gives it: anything else throws). `blake2`: `(bytes, 256) =>
 * Uint8Array(32)`, e.g. `blake2AsU8a`; `body`: bytes, a string (UTF-8) or nothing (the empty body).
 */
export function gatewayMessage(blake2, origin, audience, method, pathAndQuery, timestamp, nonce, body) {
  if (typeof blake2 !== 'function') throw new TypeError('gatewayMessage needs the caller\'s blake2 (e.g. blake2AsU8a of @polkadot/util-crypto)');
  if (typeof origin !== 'string' || !/^https?:\/\//.test(origin) || gatewayOrigin(origin) !== origin) {
    throw new TypeError(`gateway origin must be serialized as new URL(url).origin gives it (scheme://host[:port]), not ${JSON.stringify(origin)}`);
  }
  const bodyHash = blake2(bodyBytes(body), 256);
  if (!(bodyHash instanceof Uint8Array) || bodyHash.length !== 32) {
    throw new TypeError('blake2 must return the 32-byte hash as bytes: (bytes, 256) => Uint8Array, e.g. blake2AsU8a');
  }
  const upper = String(method).replace(/[a-z]+/g, (s) => s.toUpperCase()); // ASCII only, as Rust's to_ascii_uppercase
  return utf8.encode(
    `${GATEWAY_SIGNING_SCHEME}\n${origin}\n${audienceHex(audience)}\n${upper}\n${pathAndQuery}\n${timestampText(timestamp)}\n${nonce}\n${hex(bodyHash)}`,
  );
}

/** `<Bytes>` + message + `</Bytes>` (auth.rs `wrap_bytes`, @polkadot/util `u8aWrapBytes`). */
export function wrapBytes(message) {
  const prefix = utf8.encode('<Bytes>');
  const suffix = utf8.encode('</Bytes>');
  const out = new Uint8Array(prefix.length + message.length + suffix.length);
  out.set(prefix, 0);
  out.set(message, prefix.length);
  out.set(suffix, prefix.length + message.length);
  return out;
}

/** A fresh nonce: 16 random bytes as 32 hex characters. */
export function freshNonce() {
  return randomBytes(16).toString('hex');
}

/**
 * The five signature headers of a request to `url` (the absolute URL it is sent to: its origin
 * and its path and query are signed) signed by `pair` (a keyring pair, or any
 * `{ address, sign(bytes) => Uint8Array }`; `address` is sent as x-medchain-account: SS58 or
 * `0x` + the 32-byte public key) for the gateway of `audience`. `timestamp` defaults to now,
 * `nonce` to a fresh one; `wrapped`: sign `<Bytes>` + message + `</Bytes>`.
 */
export function gatewaySignedHeaders({ blake2, pair }, audience, method, url, body, { timestamp = Date.now(), nonce = freshNonce(), wrapped = false } = {}) {
  const { origin, pathAndQuery } = gatewayTarget(url);
  const message = gatewayMessage(blake2, origin, audience, method, pathAndQuery, timestamp, nonce, body);
  const signature = pair.sign(wrapped ? wrapBytes(message) : message);
  return {
    [GATEWAY_HEADERS.account]: pair.address,
    [GATEWAY_HEADERS.timestamp]: timestampText(timestamp),
    [GATEWAY_HEADERS.nonce]: nonce,
    [GATEWAY_HEADERS.signature]: hex(signature),
    [GATEWAY_HEADERS.origin]: origin,
  };
}
