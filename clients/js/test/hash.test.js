import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { blake2_256, canonicalBytes, contentHash, identityCommitment, opaqueLocator, randomSalt, SALT_LENGTH } from '../src/hash.js';
import { u8aToHex, hexToU8a, u8aConcat } from '@polkadot/util';

const SALT = '0x' + '11'.repeat(32);
const enc = (s) => new TextEncoder().encode(s);

describe('blake2_256', () => {
  it('matches the known blake2b-256 vectors (sp_core::blake2_256)', () => {
    assert.equal(u8aToHex(blake2_256(new Uint8Array())), '0x0e5751c026e543b2e8ab2eb06099daa1d1e5df47778f7787faab45cdf12fe3a8');
    assert.equal(u8aToHex(blake2_256(enc('abc'))), '0xbddd813c634239723171ef3fee98579b94964e3bb1cb3e427262c8c068d52319');
  });
});

describe('contentHash', () => {
  const obs = { resourceType: 'Observation', id: 'o1', status: 'final', valueQuantity: { value: 6.3, unit: 'mmol/l' } };

  it('is blake2_256(salt ++ utf8(canonical JSON))', () => {
    const canonical = '{"id":"o1","resourceType":"Observation","status":"final","valueQuantity":{"unit":"mmol/l","value":6.3}}';
    assert.equal(new TextDecoder().decode(canonicalBytes(obs)), canonical);
    const expected = u8aToHex(blake2_256(u8aConcat(hexToU8a(SALT), enc(canonical))));
    assert.equal(contentHash(obs, SALT), expected);
    assert.equal(contentHash(obs, hexToU8a(SALT)), expected);
    assert.equal(contentHash(enc(canonical), SALT), expected); // raw bytes are hashed as they are
  });

  it('fixed vector', () => {
    assert.equal(contentHash({ resourceType: 'Patient', id: 'p' }, SALT), u8aToHex(blake2_256(u8aConcat(hexToU8a(SALT), enc('{"id":"p","resourceType":"Patient"}')))));
    assert.equal(contentHash(new Uint8Array(), '0x' + '00'.repeat(32)), u8aToHex(blake2_256(new Uint8Array(32))));
  });

  it('ignores key order and whitespace of the source document', () => {
    const reordered = JSON.parse('{ "valueQuantity": {"unit":"mmol/l", "value": 6.30}, "status":"final", "id":"o1", "resourceType":"Observation" }');
    assert.equal(contentHash(reordered, SALT), contentHash(obs, SALT));
  });

  it('changes with the salt and with any content change', () => {
    assert.notEqual(contentHash(obs, SALT), contentHash(obs, '0x' + '12'.repeat(32)));
    assert.notEqual(contentHash(obs, SALT), contentHash({ ...obs, status: 'amended' }, SALT));
  });

  it('hides low-entropy documents: without the salt, candidates do not match', () => {
    const anchored = contentHash({ resourceType: 'Observation', valueString: 'positive' }, randomSalt());
    const unsalted = ['positive', 'negative'].map((v) => u8aToHex(blake2_256(canonicalBytes({ resourceType: 'Observation', valueString: v }))));
    assert.ok(!unsalted.includes(anchored));
  });

  it('requires a 32-byte salt and a resource object or bytes', () => {
    assert.throws(() => contentHash(obs), /salt is required/);
    assert.throws(() => contentHash(obs, '0x1234'), /32 bytes/);
    assert.throws(() => contentHash(obs, 'not hex'), /hex/);
    assert.throws(() => contentHash('{"a":1}', SALT), /JSON.parse/);
    assert.throws(() => contentHash([1], SALT), TypeError);
    assert.throws(() => contentHash({ a: NaN }, SALT), /non-finite/);
  });
});

describe('randomSalt', () => {
  it('returns 32 fresh random bytes as hex', () => {
    const a = randomSalt();
    const b = randomSalt();
    assert.match(a, /^0x[0-9a-f]{64}$/);
    assert.equal(hexToU8a(a).length, SALT_LENGTH);
    assert.notEqual(a, b);
  });
});

describe('identityCommitment', () => {
  it('is blake2_256(salt ++ document bytes)', () => {
    const doc = enc('PASSPORT X1234567 DOE JANE 1980-01-01');
    assert.equal(identityCommitment(SALT, doc), u8aToHex(blake2_256(u8aConcat(hexToU8a(SALT), doc))));
    assert.notEqual(identityCommitment(SALT, doc), identityCommitment('0x' + '22'.repeat(32), doc));
  });

  it('rejects strings (ambiguous hex/utf8) and bad salts', () => {
    assert.throws(() => identityCommitment(SALT, 'doc'), /Uint8Array/);
    assert.throws(() => identityCommitment('0x00', enc('doc')), /32 bytes/);
  });
});

describe('opaqueLocator', () => {
  const KEY = '0x' + '42'.repeat(32);
  it('is mc1: + keyed blake2b-256 (RFC 7693 keyed mode, as Python hashlib.blake2b(key=))', () => {
    assert.equal(
      opaqueLocator('fhir/Observation/3', KEY),
      'mc1:16a11c09928b14844dfb6ce56bbeaf1dd60f9f2802ad462dc589c0b0ef5c4911',
    );
  });
  it('depends on the key and the reference, and reveals neither', () => {
    const a = opaqueLocator('https://fhir.stmarys.example/Observation/3', KEY);
    assert.notEqual(a, opaqueLocator('https://fhir.stmarys.example/Observation/4', KEY));
    assert.notEqual(a, opaqueLocator('https://fhir.stmarys.example/Observation/3', '0x' + '00'.repeat(32)));
    assert.ok(!/fhir|stmarys|Observation/.test(a));
  });
  it('refuses a missing or short key and an empty reference', () => {
    assert.throws(() => opaqueLocator('x'), TypeError);
    assert.throws(() => opaqueLocator('x', '0x1234'), RangeError);
    assert.throws(() => opaqueLocator('', KEY), TypeError);
  });
});
