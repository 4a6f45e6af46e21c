// Checks every case of the shared vectors in tests/vectors/ (also read by the Rust
// health-records pallet tests, with the runtime's own binary-merkle-tree).
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { u8aToHex } from '@polkadot/util';
import { blake2_256, buildTree, canonicalize, contentHash, expectedProofLength, merkleProof, merkleRoot, verifyProof } from '../src/index.js';

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
