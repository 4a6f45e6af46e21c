import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { u8aToHex, stringToU8a } from '@polkadot/util';

import {
  GS,
  Gs1Error,
  formatElementString,
  gs1CheckDigit,
  gs1Year,
  isValidGtin14,
  parseElementString,
  parseGs1Date,
  serialLeaf,
  serialsTree,
} from '../src/gs1.js';
import { blake2_256 } from '../src/hash.js';
import { verifyProof } from '../src/merkle.js';

describe('GS1 check digits', () => {
  it('accepts published GS1 examples and rejects a wrong digit', () => {
    // GS1 General Specifications' GTIN examples.
    assert.equal(isValidGtin14('09506000134352'), true);
    assert.equal(isValidGtin14('00012345600012'), true);
    assert.equal(gs1CheckDigit('629104150021'), '3'); // GTIN-13 6291041500213
    assert.equal(isValidGtin14('09506000134353'), false);
    assert.equal(isValidGtin14('0950600013435'), false); // 13 digits
    assert.equal(isValidGtin14('0950600013435A'), false);
  });
});

describe('GS1 dates (AI 17)', () => {
  it('places the century by the GS1 sliding window', () => {
    assert.equal(gs1Year(0, 2026), 2000);
    assert.equal(gs1Year(76, 2026), 2076);
    assert.equal(gs1Year(77, 2026), 1977);
    assert.equal(gs1Year(99, 2026), 1999);
    assert.equal(gs1Year(10, 2080), 2110); // 70 years back: the next century
    assert.equal(gs1Year(29, 2080), 2129); // 51 years back: read as 49 years ahead
    assert.equal(gs1Year(31, 2080), 2031); // 49 years back: this century
    assert.deepEqual(parseGs1Date('990101', new Date(Date.UTC(2026, 0, 1))), { year: 1999, month: 1, day: 1 });
  });

  it('reads YYMMDD, DD=00 as the last day, leap years', () => {
    assert.deepEqual(parseGs1Date('281231'), { year: 2028, month: 12, day: 31 });
    assert.deepEqual(parseGs1Date('280200'), { year: 2028, month: 2, day: 29 });
    assert.deepEqual(parseGs1Date('270200'), { year: 2027, month: 2, day: 28 });
    assert.throws(() => parseGs1Date('270229'), Gs1Error);
    assert.throws(() => parseGs1Date('271301'), Gs1Error);
    assert.throws(() => parseGs1Date('270431'), Gs1Error);
    assert.throws(() => parseGs1Date('2704'), Gs1Error);
  });
});

describe('element strings as a scanner reads them', () => {
  const pack = { gtin: '09506000134352', expiry: '281231', lot: 'LOT-42A', serial: 'SN0000123' };

  it('parses a DataMatrix transmission (]d2 prefix, GS after variable fields)', () => {
    const scanned = `]d20109506000134352172812311` + `0LOT-42A${GS}21SN0000123`;
    const parsed = parseElementString(scanned);
    assert.equal(parsed.gtin, pack.gtin);
    assert.equal(parsed.expiry, pack.expiry);
    assert.equal(parsed.lot, pack.lot);
    assert.equal(parsed.serial, pack.serial);
  });

  it('parses fields in any order and the human-readable form', () => {
    assert.deepEqual(
      parseElementString(`21SN0000123${GS}0109506000134352172812311` + '0LOT-42A').serial,
      'SN0000123',
    );
    const human = parseElementString('(01)09506000134352(17)281231(10)LOT-42A(21)SN0000123');
    assert.equal(human.lot, 'LOT-42A');
    assert.equal(human.serial, 'SN0000123');
  });

  it('round-trips what formatElementString prints', () => {
    const printed = formatElementString(pack);
    const { gtin, expiry, lot, serial } = parseElementString(`]d2${printed}`);
    assert.deepEqual({ gtin, expiry, lot, serial }, pack);
  });

  it('rejects bad GTINs, bad dates, over-long lots, unknown and repeated AIs', () => {
    assert.throws(() => parseElementString('0109506000134353'), /check digit/);
    assert.throws(() => parseElementString('0109506000134352171302' + '31'), Gs1Error);
    assert.throws(() => parseElementString(`0109506000134352` + `10${'L'.repeat(21)}`), /1 to 20/);
    assert.throws(() => parseElementString('99XYZ'), /unknown/);
    assert.throws(() => parseElementString(`21A${GS}21B`), /twice/);
    assert.throws(() => parseElementString(`21SN 1`), /set 82/);
  });
});

describe('serials tree', () => {
  it('hashes each serial\'s ASCII bytes as a leaf and proves members', () => {
    const serials = Array.from({ length: 1000 }, (_, i) => `SN${String(i).padStart(7, '0')}`);
    const tree = serialsTree(serials);
    assert.equal(u8aToHex(serialLeaf('SN1')), u8aToHex(stringToU8a('SN1')));
    // One serial: root = blake2_256(serial bytes).
    assert.equal(serialsTree(['SN1']).root(), u8aToHex(blake2_256(stringToU8a('SN1'))));
    for (const i of [0, 500, 999]) {
      const { proof } = tree.proof(i);
      assert.equal(verifyProof(tree.root(), proof, serials.length, i, serialLeaf(serials[i]), { strict: true }), true);
      assert.equal(verifyProof(tree.root(), proof, serials.length, i, serialLeaf('FAKE0001'), { strict: true }), false);
    }
  });
});
