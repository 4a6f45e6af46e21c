// E-prescriptions (pallets/prescriptions/README.md): the product commitment, the token's
// SCALE encoding and id, and the messages the prescriber and the holder sign — what a
// prescribing app, a patient's wallet and a pharmacy's app compute off chain. The suites'
// one copy (tests/e2e, tests/bench); pinned against the pallet by the vector in
// test/prescriptions.test.js and the pallet's `the_signed_messages_are_pinned`.
//
// No dependencies: the caller passes its blake2 (`blake2AsU8a` of @polkadot/util-crypto).
// Accounts are 32-byte public keys (Uint8Array; `keyring.decodeAddress(address)`).

/** What a prescriber's staff key signs: this ++ the prescription id. */
export const RX_ISSUE_DOMAIN = 'medchain/rx/issue/1';
/** What a holder key signs for a fill: this ++ id ++ fill ++ the pharmacy's account. */
export const RX_FILL_DOMAIN = 'medchain/rx/fill/1';
/** The product commitment's domain. */
export const RX_PRODUCT_DOMAIN = 'medchain/rx/product/1';

const utf8 = new TextEncoder();

function concat(...parts) {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

/** SCALE compact encoding of a length (< 2^30). */
function compactLength(n) {
  if (!Number.isInteger(n) || n < 0 || n >= 2 ** 30) throw new RangeError(`length ${n} out of range`);
  if (n < 64) return new Uint8Array([n << 2]);
  if (n < 2 ** 14) return new Uint8Array([((n << 2) | 1) & 0xff, (n << 2) >> 8]);
  const v = (n << 2) | 2;
  return new Uint8Array([v & 0xff, (v >> 8) & 0xff, (v >> 16) & 0xff, (v >>> 24) & 0xff]);
}

function uintLE(value, bytes) {
  let v = BigInt(value);
  if (v < 0n || v >= 1n << BigInt(8 * bytes)) throw new RangeError(`${value} does not fit in ${bytes} bytes`);
  const out = new Uint8Array(bytes);
  for (let i = 0; i < bytes; i++) {
    out[i] = Number(v & 0xffn);
    v >>= 8n;
  }
  return out;
}

function fixed(bytes, len, what) {
  if (!(bytes instanceof Uint8Array) || bytes.length !== len) throw new TypeError(`${what} must be ${len} bytes`);
  return bytes;
}

function hash(blake2, bytes) {
  const h = blake2(bytes, 256);
  if (!(h instanceof Uint8Array) || h.length !== 32) throw new TypeError('blake2 must return 32 bytes: (bytes, 256) => Uint8Array');
  return h;
}

/** The GTIN-14 as its 14 ASCII digits (a string or bytes). */
function gtinBytes(gtin) {
  const bytes = typeof gtin === 'string' ? utf8.encode(gtin) : gtin;
  return fixed(bytes, 14, 'a GTIN-14');
}

/**
 * The product commitment: blake2-256 of SCALE (domain as bytes, GTIN [u8; 14], units per
 * fill u16, salt [u8; 32]). `salt`: 32 random bytes.
 */
export function productCommitment(blake2, opening) {
  return hash(blake2, productPreimage(opening));
}

/** What [`productCommitment`] hashes. */
export function productPreimage({ gtin, unitsPerFill, salt }) {
  const domain = utf8.encode(RX_PRODUCT_DOMAIN);
  return concat(compactLength(domain.length), domain, gtinBytes(gtin), uintLE(unitsPerFill, 2), fixed(salt, 32, 'the salt'));
}

/**
 * A prescription's SCALE encoding (`Prescription<AccountId32>`): prescriber, holder (32-byte
 * public keys), product (32 bytes), fills (u8), issuedAt, expiresAt (u64 ms), the regulator
 * envelope (bytes, at most 512).
 */
export function encodePrescription({ prescriber, holder, product, fills, issuedAt, expiresAt, regulatorEnvelope = new Uint8Array() }) {
  if (regulatorEnvelope.length > 512) throw new RangeError('the regulator envelope holds at most 512 bytes');
  return concat(
    fixed(prescriber, 32, 'the prescriber'),
    fixed(holder, 32, 'the holder'),
    fixed(product, 32, 'the product commitment'),
    uintLE(fills, 1),
    uintLE(issuedAt, 8),
    uintLE(expiresAt, 8),
    compactLength(regulatorEnvelope.length),
    regulatorEnvelope,
  );
}

/** A prescription's id: blake2-256 of its SCALE encoding. */
export function prescriptionId(blake2, prescription) {
  return hash(blake2, encodePrescription(prescription));
}

/** What the prescriber signs: `medchain/rx/issue/1` ++ id. */
export function issueMessage(id) {
  return concat(utf8.encode(RX_ISSUE_DOMAIN), fixed(id, 32, 'the prescription id'));
}

/** What the holder signs to let `pharmacy` (32-byte account) make fill `fill` of prescription `id`. */
export function fillMessage(id, fill, pharmacy) {
  return concat(utf8.encode(RX_FILL_DOMAIN), fixed(id, 32, 'the prescription id'), uintLE(fill, 1), fixed(pharmacy, 32, 'the pharmacy'));
}
