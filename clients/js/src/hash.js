// Salted content hashes and identity commitments (blake2-256, as the runtime's BlakeTwo256).
//
// WHY SALT: a hash is only hiding if the input is hard to guess. Many medical
// documents are not: a lab result for a known patient, test and day may have only a
// handful of plausible values ("positive"/"negative", a glucose level between 3 and
// 30 mmol/L in 0.1 steps...). Anyone reading the public chain could canonicalize
// each candidate document, hash it and compare with the anchored hash, learning the
// result without ever seeing the record. Prefixing 32 random bytes (256 bits of
// entropy) makes that search hopeless. The salt is NOT on chain: it is stored off
// chain next to the document (e.g. in the FHIR server, or the batch's salts.json)
// and shared, together with the document, with whoever is allowed to verify it
// (the patient, an insurer under consent, an auditor). Use a fresh salt per
// document; never reuse one across documents or patients.
//
//   content_hash        = blake2_256(salt ++ utf8(canonicalize(resource)))
//                         (or blake2_256(salt ++ bytes) when given raw document bytes)
//   identity commitment = blake2_256(salt ++ identity_document_bytes)   (PatientIdentity)

import { u8aConcat, u8aToHex, hexToU8a, isHex, stringToU8a } from '@polkadot/util';
import { blake2AsU8a } from '@polkadot/util-crypto';
import { canonicalize } from './canonical.js';

/** Length of a salt in bytes. */
export const SALT_LENGTH = 32;

/** blake2b with a 32-byte digest (sp_runtime::traits::BlakeTwo256 / sp_core::blake2_256). */
export function blake2_256(data) {
  return blake2AsU8a(data, 256);
}

/**
 * Bytes from a 0x-prefixed hex string or a Uint8Array (Buffer included).
 * Strings that are not 0x-hex are rejected (never silently UTF-8 encoded).
 */
export function toBytes(value, what = 'value') {
  if (value instanceof Uint8Array) return value;
  if (typeof value === 'string') {
    if (!value.startsWith('0x') || !isHex(value)) {
      throw new TypeError(`${what} must be 0x-prefixed hex with an even number of digits, got ${JSON.stringify(value.slice(0, 80))}`);
    }
    return hexToU8a(value);
  }
  throw new TypeError(`${what} must be a 0x-hex string or a Uint8Array`);
}

function saltBytes(salt) {
  if (salt === undefined || salt === null) {
    throw new TypeError('a salt is required (use randomSalt() and store it with the document)');
  }
  const bytes = toBytes(salt, 'salt');
  if (bytes.length !== SALT_LENGTH) {
    throw new RangeError(`salt must be ${SALT_LENGTH} bytes, got ${bytes.length}`);
  }
  return bytes;
}

/** 32 bytes from the platform CSPRNG (crypto.getRandomValues), as 0x-hex. */
export function randomSalt() {
  const bytes = new Uint8Array(SALT_LENGTH);
  globalThis.crypto.getRandomValues(bytes);
  return u8aToHex(bytes);
}

/** UTF-8 bytes of the canonical JSON of a resource. */
export function canonicalBytes(resource) {
  return stringToU8a(canonicalize(resource));
}

/**
 * Salted content hash of a FHIR resource, as anchored by `HealthRecords.anchor_record`
 * and used as a Merkle leaf by `anchor_batch`.
 *
 * @param {object|Uint8Array} resourceOrBytes a parsed FHIR resource (a JSON object; it is
 *   canonicalized first) or the raw bytes of a document (hashed as they are).
 * @param {string|Uint8Array} salt 32 bytes (0x-hex or Uint8Array)
 * @returns {string} 0x-hex, 32 bytes
 */
export function contentHash(resourceOrBytes, salt) {
  const s = saltBytes(salt);
  let body;
  if (resourceOrBytes instanceof Uint8Array) {
    body = resourceOrBytes;
  } else if (resourceOrBytes !== null && typeof resourceOrBytes === 'object' && !Array.isArray(resourceOrBytes)) {
    body = canonicalBytes(resourceOrBytes);
  } else {
    throw new TypeError('contentHash expects a FHIR resource (a parsed JSON object) or a Uint8Array of document bytes; parse JSON text with JSON.parse first');
  }
  return u8aToHex(blake2_256(u8aConcat(s, body)));
}

/**
 * PatientIdentity commitment: blake2_256(salt ++ identity document bytes).
 * @param {string|Uint8Array} salt 32 bytes
 * @param {Uint8Array} documentBytes the identity document exactly as stored off chain
 * @returns {string} 0x-hex, 32 bytes
 */
export function identityCommitment(salt, documentBytes) {
  const s = saltBytes(salt);
  if (!(documentBytes instanceof Uint8Array)) {
    throw new TypeError('identityCommitment expects the identity document as a Uint8Array (e.g. fs.readFileSync(path))');
  }
  return u8aToHex(blake2_256(u8aConcat(s, documentBytes)));
}

/** Prefix (and version) of the opaque locators `opaqueLocator` makes. */
export const LOCATOR_PREFIX = 'mc1:';

/**
 * An opaque record locator for `HealthRecords.anchor_record`: `mc1:` followed by the hex of
 * blake2b-256 keyed with a 32-byte secret of the document's holder (its gateway) over the
 * UTF-8 bytes of its internal reference (a FHIR URL, an object-store key).
 *
 * WHY: a locator is public to every node and stays in the anchoring block for ever, even
 * after the record is sealed. A readable reference such as
 * `https://fhir.stmarys.example/DiagnosticReport/cbc-2026-11-26` tells everyone the hospital,
 * the test and the day. The keyed hash tells nothing; the holder maps it back to the
 * document (it knows the key and keeps the map), and nobody without the key can test
 * guesses of references against it.
 *
 * @param {string} reference the holder's internal reference of the document
 * @param {string|Uint8Array} key the holder's 32-byte locator key (0x-hex or bytes); keep it
 *   secret, one per organization or gateway
 * @returns {string} `mc1:` + 64 hex digits (68 bytes, within the runtime's 256)
 */
export function opaqueLocator(reference, key) {
  if (typeof reference !== 'string' || reference.length === 0) {
    throw new TypeError('opaqueLocator expects the internal reference as a non-empty string');
  }
  const k = toBytes(key, 'locator key');
  if (k.length !== 32) throw new RangeError(`locator key must be 32 bytes, got ${k.length}`);
  return LOCATOR_PREFIX + u8aToHex(blake2AsU8a(stringToU8a(reference), 256, k)).slice(2);
}
