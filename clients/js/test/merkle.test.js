import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { u8aToHex, u8aConcat, hexToU8a } from '@polkadot/util';
import { keccakAsU8a } from '@polkadot/util-crypto';
import { blake2_256 } from '../src/hash.js';
import { buildTree, expectedProofLength, hashLeaf, MAX_PROOF_ITEMS, merkleProof, merkleRoot, verifyProof } from '../src/merkle.js';

const enc = (s) => new TextEncoder().encode(s);
const H = (...parts) => blake2_256(u8aConcat(...parts));
const hex = (u8a) => u8aToHex(u8a);
const docLeaves = (n) => Array.from({ length: n }, (_, i) => hex(blake2_256(enc(`doc-${i}`))));
const keccak = (d) => keccakAsU8a(d, 256);

describe('merkle root (hand-built trees, blake2-256)', () => {
  const L = docLeaves(5).map((l) => hexToU8a(l));
  const h = L.map((l) => blake2_256(l)); // each leaf VALUE is hashed once

  it('0 leaves: 32 zero bytes', () => {
    assert.equal(merkleRoot([]), '0x' + '00'.repeat(32));
  });
  it('1 leaf: root = H(leaf)', () => {
    assert.equal(merkleRoot([L[0]]), hex(h[0]));
  });
  it('2 leaves: H(H(l0) ++ H(l1))', () => {
    assert.equal(merkleRoot(L.slice(0, 2)), hex(H(h[0], h[1])));
  });
  it('3 leaves: last node promoted, not duplicated', () => {
    assert.equal(merkleRoot(L.slice(0, 3)), hex(H(H(h[0], h[1]), h[2])));
  });
  it('4 leaves', () => {
    assert.equal(merkleRoot(L.slice(0, 4)), hex(H(H(h[0], h[1]), H(h[2], h[3]))));
  });
  it('5 leaves: promoted twice', () => {
    assert.equal(merkleRoot(L), hex(H(H(H(h[0], h[1]), H(h[2], h[3])), h[4])));
  });
  it('no sorting: order matters', () => {
    assert.notEqual(merkleRoot([L[1], L[0]]), merkleRoot([L[0], L[1]]));
  });
  it('accepts hex and Uint8Array alike, rejects non-hex strings', () => {
    assert.equal(merkleRoot(docLeaves(3)), merkleRoot(docLeaves(3).map((x) => hexToU8a(x))));
    assert.throws(() => merkleRoot(['doc-0']), /hex/);
  });
});

describe('merkle proofs: sizes 1,2,3,4,5,7,8,9,16', () => {
  for (const n of [1, 2, 3, 4, 5, 7, 8, 9, 16]) {
    it(`${n} leaves: every index proves, tampering fails`, () => {
      const leaves = docLeaves(n);
      const tree = buildTree(leaves);
      assert.equal(tree.root(), merkleRoot(leaves));
      const maxLen = n <= 1 ? 0 : Math.ceil(Math.log2(n)); // crate's proof_capacity
      for (let i = 0; i < n; i++) {
        const p = tree.proof(i);
        assert.deepEqual(p, merkleProof(leaves, i));
        assert.equal(p.leaf, leaves[i]);
        assert.equal(p.numberOfLeaves, n);
        assert.equal(p.leafIndex, i);
        assert.ok(p.proof.length <= maxLen);
        assert.ok(verifyProof(p.root, p.proof, n, i, p.leaf), `n=${n} i=${i}`);
        assert.ok(verifyProof(p.root, p.proof, n, i, hashLeaf(p.leaf), { leafIsHash: true }));
        assert.equal(p.proof.length, expectedProofLength(n, i));
        assert.ok(verifyProof(p.root, p.proof, n, i, p.leaf, { strict: true }));

        // wrong leaf, wrong index, wrong count, wrong root, flipped proof byte, dropped item
        const other = hex(blake2_256(enc('not-in-batch')));
        assert.equal(verifyProof(p.root, p.proof, n, i, other), false);
        if (n > 1) assert.equal(verifyProof(p.root, p.proof, n, (i + 1) % n, p.leaf), false);
        assert.equal(verifyProof(p.root, p.proof, n, n, p.leaf), false);
        assert.equal(verifyProof(p.root, p.proof, n, n + 5, p.leaf), false);
        assert.equal(verifyProof(hex(blake2_256(enc('x'))), p.proof, n, i, p.leaf), false);
        for (let k = 0; k < p.proof.length; k++) {
          const bad = [...p.proof];
          const bytes = hexToU8a(bad[k]);
          bytes[31] ^= 1;
          bad[k] = hex(bytes);
          assert.equal(verifyProof(p.root, bad, n, i, p.leaf), false);
          assert.equal(verifyProof(p.root, p.proof.filter((_, j) => j !== k), n, i, p.leaf), false);
        }
        if (p.proof.length > 1) assert.equal(verifyProof(p.root, [...p.proof].reverse(), n, i, p.leaf), false);
        assert.equal(verifyProof(p.root, [...p.proof, p.root], n, i, p.leaf), false);
      }
    });
  }

  it('rejects malformed input instead of throwing', () => {
    const leaves = docLeaves(4);
    const p = merkleProof(leaves, 1);
    assert.equal(verifyProof('0x12', p.proof, 4, 1, p.leaf), false);
    assert.equal(verifyProof(p.root, ['0x12', ...p.proof.slice(1)], 4, 1, p.leaf), false);
    assert.equal(verifyProof(p.root, 'nope', 4, 1, p.leaf), false);
    assert.equal(verifyProof(p.root, p.proof, -1, 1, p.leaf), false);
    assert.equal(verifyProof(p.root, p.proof, 4, 1.5, p.leaf), false);
    assert.equal(verifyProof(p.root, p.proof, 2 ** 32, 1, p.leaf), false);
    assert.equal(verifyProof(p.root, p.proof, 4, 1, 'doc-1'), false);
  });

  it('expectedProofLength matches the pallet (and 0 out of range); strict mode caps items', () => {
    assert.equal(MAX_PROOF_ITEMS, 32);
    assert.deepEqual([0, 1, 2, 3, 4].map((i) => expectedProofLength(5, i)), [3, 3, 3, 3, 1]);
    assert.equal(expectedProofLength(1, 0), 0);
    assert.equal(expectedProofLength(5, 5), 0);
    assert.equal(expectedProofLength(2 ** 32 - 1, 0), 32);
    const leaves = docLeaves(4);
    const p = merkleProof(leaves, 0);
    const padded = [...p.proof, ...Array(40).fill(p.root)];
    assert.equal(verifyProof(p.root, padded, 4, 0, p.leaf, { strict: true }), false);
    assert.equal(verifyProof(p.root, p.proof.slice(0, 1), 4, 0, p.leaf, { strict: true }), false);
  });

  it('merkleProof throws where the crate panics (index out of range, empty)', () => {
    assert.throws(() => merkleProof(docLeaves(3), 3), RangeError);
    assert.throws(() => merkleProof([], 0), RangeError);
    assert.throws(() => buildTree(docLeaves(2)).proof(-1), RangeError);
  });

  it('exact proof shapes: promoted nodes contribute no proof item', () => {
    const leaves = docLeaves(5);
    const h = leaves.map((l) => blake2_256(hexToU8a(l)));
    const n01 = H(h[0], h[1]);
    const n23 = H(h[2], h[3]);
    assert.deepEqual(merkleProof(leaves, 4).proof, [hex(H(n01, n23))]);
    assert.deepEqual(merkleProof(leaves, 0).proof, [hex(h[1]), hex(n23), hex(h[4])]);
    assert.deepEqual(merkleProof(leaves, 3).proof, [hex(h[2]), hex(n01), hex(h[4])]);
    assert.deepEqual(merkleProof(leaves.slice(0, 1), 0).proof, []);
  });
});

describe('merkle: 10,000 leaves', () => {
  it('builds once, proves members quickly, and all verify', () => {
    const leaves = Array.from({ length: 10000 }, (_, i) => hex(blake2_256(enc(`doc-${i}`))));
    const t0 = performance.now();
    const tree = buildTree(leaves);
    const built = performance.now() - t0;
    const t1 = performance.now();
    const proofs = [0, 4242, 9999].map((i) => tree.proof(i));
    const proved = performance.now() - t1;
    for (const p of proofs) {
      assert.equal(p.proof.length <= 14, true); // ceil(log2(10000)) = 14
      assert.ok(verifyProof(tree.root(), p.proof, 10000, p.leafIndex, p.leaf));
    }
    assert.equal(merkleRoot(leaves), tree.root());
    assert.ok(proved < 50, `3 proofs took ${proved} ms`);
    assert.ok(built < 5000, `build took ${built} ms`);
    // spot check all indices stepping by 97 (the crate's large-tree test steps by 13 over 6000)
    for (let i = 0; i < 10000; i += 97) assert.ok(verifyProof(tree.root(), tree.proof(i).proof, 10000, i, leaves[i]));
  });
});

// The crate's own unit tests (binary-merkle-tree 16.1.2, src/lib.rs) use Keccak256; the tree
// algorithm is the same for every hasher, so reproducing their expected values checks our
// implementation against Rust-computed answers.
describe('binary-merkle-tree 16.1.2 unit-test vectors (Keccak256)', () => {
  const fx = JSON.parse(readFileSync(new URL('./fixtures/crate-keccak-vectors.json', import.meta.url), 'utf8'));
  const opts = { hasher: keccak };

  it('should_generate_single_root / should_generate_root_pow_2', () => {
    assert.equal(merkleRoot(fx.single_root.leaves, opts), fx.single_root.root);
    assert.equal(merkleRoot(fx.pow2_root.leaves, opts), fx.pow2_root.root);
  });

  it('should_generate_root_complex', () => {
    for (const c of fx.string_cases) assert.equal(merkleRoot(c.leaves.map(enc), opts), c.root, c.leaves.join(''));
  });

  it('should_generate_and_verify_proof_on_test_data (167 addresses, exact last-leaf proof)', () => {
    const data = fx.address_leaves;
    assert.equal(data.length, 167);
    const tree = buildTree(data, opts);
    assert.equal(tree.root(), fx.address_root);
    for (let i = 0; i < data.length; i++) {
      const p = tree.proof(i);
      assert.equal(p.leaf, data[i].toLowerCase());
      assert.ok(verifyProof(p.root, p.proof, data.length, i, p.leaf, opts));
    }
    assert.deepEqual(tree.proof(data.length - 1).proof, fx.last_leaf_proof);
  });

  it('should_generate_and_verify_proof_large (varying sizes)', () => {
    for (let i = 1; i < 16; i++) {
      const data = [];
      for (let c = 'a'.charCodeAt(0); c < 'z'.charCodeAt(0); c++) if (c % i !== 0) data.push(enc(String.fromCharCode(c)));
      const tree = buildTree(data, opts);
      for (let l = 0; l < data.length; l++) assert.ok(verifyProof(tree.root(), tree.proof(l).proof, data.length, l, data[l], opts));
    }
  });

  it('proof_length_never_exceeds_tree_height (n = 1..130)', () => {
    for (let n = 1; n <= 130; n++) {
      const data = Array.from({ length: n }, (_, i) => new Uint8Array(32).fill(i & 0xff));
      const tree = buildTree(data, opts);
      const max = n <= 1 ? 0 : Math.floor(Math.log2(n - 1)) + 1;
      for (let l = 0; l < n; l++) {
        const p = tree.proof(l);
        assert.ok(p.proof.length <= max, `n=${n} l=${l}`);
        assert.ok(verifyProof(tree.root(), p.proof, n, l, data[l], opts));
      }
    }
  });
});
