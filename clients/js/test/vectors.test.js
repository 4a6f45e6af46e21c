// Checks every case of the shared vectors in tests/vectors/ (also read by the Rust tests:
// merkle.json and content-hash.json by the health-records pallet's, with the runtime's own
// binary-merkle-tree; gs1.json, except its element strings, by the drug-provenance pallet's).
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { u8aToHex } from '@polkadot/util';
import {
  blake2_256,
  buildTree,
  canonicalize,
  companyPrefixCandidates,
  contentHash,
  expectedProofLength,
  gs1CheckDigit,
  Gs1Error,
  gs1Year,
  gtinHasCompanyPrefix,
  isValidCompanyPrefix,
  isValidGtin14,
  isValidLot,
  isValidSerial,
  MAX_LOT_LEN,
  MAX_SERIAL_LEN,
  merkleProof,
  merkleRoot,
  parseElementString,
  parseGs1Date,
  toGtin14,
  verifyProof,
} from '../src/index.js';

const VECTORS = new URL('../../../tests/vectors/', import.meta.url);
const load = (name) => JSON.parse(readFileSync(new URL(name, VECTORS), 'utf8'));
const enc = (s) => new TextEncoder().encode(s);

describe('shared vectors: merkle.json', () => {
  const v = load('merkle.json');

  it('is for blake2-256 and has the required sizes', () => {
    assert.equal(v.hasher, 'blake2-256');
    const sizes = v.cases.map((c) => c.leaves.length);
    for (const n of [1, 2, 3, 5, 8, 9]) assert.ok(sizes.includes(n), `missing a ${n}-leaf case`);
  });

  for (const [k, c] of v.cases.entries()) {
    it(`case ${k}: ${c.leaves.length} leaves`, () => {
      const n = c.leaves.length;
      c.leaves.forEach((leaf, i) => {
        assert.match(leaf, /^0x[0-9a-f]{64}$/);
        assert.equal(leaf, u8aToHex(blake2_256(enc(`doc-${i}`))), `leaf ${i} is blake2_256("doc-${i}")`);
      });
      assert.equal(merkleRoot(c.leaves), c.root);
      const tree = buildTree(c.leaves);
      assert.ok(c.proofs.length > 0);
      for (const p of c.proofs) {
        assert.equal(p.leaf, c.leaves[p.leaf_index]);
        assert.deepEqual(tree.proof(p.leaf_index).proof, p.proof, `proof of ${p.leaf_index}`);
        assert.deepEqual(merkleProof(c.leaves, p.leaf_index).proof, p.proof);
        assert.ok(verifyProof(c.root, p.proof, n, p.leaf_index, p.leaf));
        assert.equal(p.proof.length, expectedProofLength(n, p.leaf_index));
        assert.ok(verifyProof(c.root, p.proof, n, p.leaf_index, p.leaf, { strict: true }));
        assert.equal(verifyProof(c.root, p.proof, n, p.leaf_index, u8aToHex(blake2_256(enc('intruder')))), false);
      }
      if (n <= 16) assert.deepEqual(c.proofs.map((p) => p.leaf_index).sort((a, b) => a - b), [...Array(n).keys()], 'every index proven');
    });
  }
});

describe('shared vectors: content-hash.json', () => {
  const v = load('content-hash.json');

  it('covers Patient, Observation and Bundle resources', () => {
    const types = v.cases.map((c) => c.resource.resourceType);
    for (const t of ['Patient', 'Observation', 'Bundle']) assert.ok(types.includes(t), t);
  });

  for (const [k, c] of v.cases.entries()) {
    it(`case ${k}: ${c.name ?? c.resource.resourceType}`, () => {
      assert.equal(canonicalize(c.resource), c.canonical);
      assert.match(c.salt, /^0x[0-9a-f]{64}$/);
      assert.equal(contentHash(c.resource, c.salt), c.content_hash);
      assert.equal(contentHash(enc(c.canonical), c.salt), c.content_hash);
    });
  }
});

describe('shared vectors: gs1.json', () => {
  const v = load('gs1.json');
  const orNull = (x) => (x === undefined ? null : x);

  it('check digits (GS1 mod 10, any length)', () => {
    assert.ok(v.check_digits.length > 0);
    for (const c of v.check_digits) {
      if (c.check_digit === null) assert.throws(() => gs1CheckDigit(c.body), Gs1Error, c.body);
      else assert.equal(gs1CheckDigit(c.body), c.check_digit, `${c.body}: ${c.note}`);
    }
  });

  it('GTIN-14', () => {
    assert.ok(v.gtin14.some((c) => c.valid) && v.gtin14.some((c) => c.error === 'check_digit') && v.gtin14.some((c) => c.error === 'format'));
    for (const c of v.gtin14) {
      assert.equal(isValidGtin14(c.gtin), c.valid, `${JSON.stringify(c.gtin)}: ${c.note}`);
      // 'format' = not 14 ASCII digits; 'check_digit' = 14 digits, wrong last one.
      assert.equal(c.error === 'format', !/^[0-9]{14}$/.test(c.gtin), `${JSON.stringify(c.gtin)}: error kind`);
      if (c.valid) assert.equal(toGtin14(c.gtin), c.gtin);
    }
  });

  it('GTIN-8, -12 and -13 padded to GTIN-14', () => {
    for (const c of v.short_gtins) {
      const body = c.gtin.slice(0, -1);
      assert.equal(gs1CheckDigit(body) === c.gtin.at(-1), c.gtin14 !== null, `${c.gtin}: own check digit`);
      assert.equal(isValidGtin14(c.gtin), false, `${c.gtin} is not taken as a GTIN-14 unpadded`);
      if (c.gtin14 === null) {
        assert.throws(() => toGtin14(c.gtin), /check digit/, c.gtin);
      } else {
        assert.equal(toGtin14(c.gtin), c.gtin14, c.gtin);
        assert.equal(gs1CheckDigit(c.gtin14.slice(0, 13)), gs1CheckDigit(body), 'padding keeps the check digit');
        assert.ok(isValidGtin14(c.gtin14));
      }
    }
  });

  it('company prefixes, their candidates in a GTIN and containment', () => {
    for (const c of v.company_prefixes) assert.equal(isValidCompanyPrefix(c.prefix), c.valid, `${JSON.stringify(c.prefix)}: ${c.note ?? c.error}`);
    for (const c of v.prefix_candidates) assert.deepEqual(companyPrefixCandidates(c.gtin), c.prefixes, c.gtin);
    for (const c of v.prefix_containment) {
      assert.equal(gtinHasCompanyPrefix(c.gtin, c.prefix), c.contains, `${c.gtin} / ${c.prefix}: ${c.note ?? ''}`);
      assert.equal(companyPrefixCandidates(c.gtin).includes(c.prefix), c.contains, `${c.gtin} / ${c.prefix}: candidates`);
    }
  });

  it('lot (AI 10) and serial (AI 21) values', () => {
    assert.equal(v.lot_serial.max_len, MAX_LOT_LEN);
    assert.equal(v.lot_serial.max_len, MAX_SERIAL_LEN);
    for (const c of v.lot_serial.cases) {
      assert.equal(isValidLot(c.value), c.valid, `lot ${JSON.stringify(c.value)}: ${c.note ?? ''}`);
      assert.equal(isValidSerial(c.value), c.valid, `serial ${JSON.stringify(c.value)}: ${c.note ?? ''}`);
      // The same rule inside an element string (bracketed form: the value may hold a GS).
      if (!c.value.includes('(')) {
        const parse = () => parseElementString(`(01)09506000134352(10)${c.value}(21)${c.value}`);
        if (c.valid) assert.deepEqual([parse().lot, parse().serial], [c.value, c.value]);
        else assert.throws(parse, Gs1Error, JSON.stringify(c.value));
      }
    }
  });

  it('expiry dates YYMMDD: DD 00, leap years, the century window', () => {
    for (const c of v.expiry) {
      const now = new Date(c.now_ms);
      assert.equal(now.toISOString(), c.today, 'now_ms is today');
      const label = `${JSON.stringify(c.yymmdd)} on ${c.today}: ${c.note ?? ''}`;
      if (c.date === null) {
        assert.throws(() => parseGs1Date(c.yymmdd, now), Gs1Error, label);
        continue;
      }
      const date = parseGs1Date(c.yymmdd, now);
      assert.deepEqual(date, c.date, label);
      assert.equal(gs1Year(Number(c.yymmdd.slice(0, 2)), now.getUTCFullYear()), c.date.year, label);
      assert.equal(Date.UTC(date.year, date.month - 1, date.day + 1) - 1, c.end_of_day_ms, `${label}: end of day`);
    }
  });

  it('element strings (JS only)', () => {
    assert.ok(v.element_strings.some((c) => c.error === null) && v.element_strings.some((c) => c.error !== null));
    for (const c of v.element_strings) {
      const label = `${JSON.stringify(c.input)}: ${c.note ?? ''}`;
      if (c.error !== null) {
        assert.throws(() => parseElementString(c.input), (e) => e instanceof Gs1Error && e.message.includes(c.error), label);
        continue;
      }
      const r = parseElementString(c.input);
      assert.deepEqual({ gtin: orNull(r.gtin), expiry: orNull(r.expiry), lot: orNull(r.lot), serial: orNull(r.serial), ais: r.ais }, c.result, label);
    }
  });
});
