// The prescription encoding against the pallet: the same bytes are pinned in
// pallets/prescriptions/src/tests.rs (`the_js_encoding_is_the_pallets`), made there by the
// pallet's own types and SCALE codec. (The hashes over them are checked end to end: the
// e2e suite's prescriptions are accepted by the real node.)
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import { encodePrescription, fillMessage, issueMessage, productPreimage } from '../src/prescriptions.js';

const hex = (bytes) => Buffer.from(bytes).toString('hex');
const filled = (len, byte) => new Uint8Array(len).fill(byte);

describe('prescriptions: the bytes the pallet hashes and verifies', () => {
  it('a prescription encodes as the pallet encodes it (envelope of 70 bytes: a two-byte compact length)', () => {
    const encoded = encodePrescription({
      prescriber: filled(32, 1),
      holder: filled(32, 2),
      product: filled(32, 3),
      fills: 3,
      issuedAt: 1_768_435_200_000n,
      expiresAt: 1_770_000_000_000,
      regulatorEnvelope: filled(70, 0xee),
    });
    assert.equal(
      hex(encoded),
      '01'.repeat(32) + '02'.repeat(32) + '03'.repeat(32) + '03' + '00b0f3be9b010000' + '00a4381c9c010000' + '1901' + 'ee'.repeat(70),
    );
  });

  it('the product commitment\'s preimage: the domain as SCALE bytes, GTIN, units per fill (LE), salt', () => {
    const pre = productPreimage({ gtin: '09506000134352', unitsPerFill: 2, salt: filled(32, 0) });
    assert.equal(hex(pre), '54' + Buffer.from('medchain/rx/product/1').toString('hex') + Buffer.from('09506000134352').toString('hex') + '0200' + '00'.repeat(32));
  });

  it('the signed messages', () => {
    const id = filled(32, 0x11);
    assert.equal(hex(issueMessage(id)), Buffer.from('medchain/rx/issue/1').toString('hex') + '11'.repeat(32));
    assert.equal(hex(fillMessage(id, 2, filled(32, 7))), Buffer.from('medchain/rx/fill/1').toString('hex') + '11'.repeat(32) + '02' + '07'.repeat(32));
  });

  it('refuses what the pallet would not decode', () => {
    assert.throws(() => encodePrescription({ prescriber: filled(31, 1), holder: filled(32, 2), product: filled(32, 3), fills: 1, issuedAt: 0, expiresAt: 1 }), /prescriber must be 32 bytes/);
    assert.throws(() => encodePrescription({ prescriber: filled(32, 1), holder: filled(32, 2), product: filled(32, 3), fills: 256, issuedAt: 0, expiresAt: 1 }), /does not fit/);
    assert.throws(() => productPreimage({ gtin: '123', unitsPerFill: 1, salt: filled(32, 0) }), /GTIN-14/);
  });
});
