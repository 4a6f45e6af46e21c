// Binary Merkle tree, an exact reimplementation of the Rust crate
// `binary-merkle-tree` 16.1.2 (substrate/utils/binary-merkle-tree) with
// H = sp_runtime::traits::BlakeTwo256, as used by the MedChain runtime:
//
//     merkle_root::<BlakeTwo256, _>(leaves)            (leaves = 32-byte document hashes)
//     merkle_proof::<BlakeTwo256, _, _>(leaves, index)
//     verify_proof::<BlakeTwo256, _, _>(&root, proof, number_of_leaves, leaf_index, &leaf)
//
// Rules (each checked against the crate's lib.rs):
//   1. Every leaf VALUE is hashed once: node0[i] = H(leaf[i]). MedChain leaves are
//      already 32-byte content hashes; the crate hashes them again. No sorting of
//      leaves, no sorting of pairs, no domain-separation prefixes.
//   2. Inner node = H(left ++ right) (64 bytes in, 32 out), pairing (0,1), (2,3), ...
//   3. A row with an odd number (>= 3) of nodes promotes its last node unchanged to
//      the next row (it is not hashed, not duplicated).
//   4. A row of one node is the root. So one leaf => root = H(leaf).
//      Zero leaves => root = 32 zero bytes (merkle_proof panics for them; we throw).
//   5. Proof = the sibling of the current node at each row, bottom-up; a row where the
//      node is promoted contributes nothing. The root and the leaf are not included.
//   6. verify_proof: false if leaf_index >= number_of_leaves; leaf VALUE is hashed
//      (Leaf::Value, which is what `&leaf` converts to); then for each proof item b,
//      with a = current hash: if position is odd OR position + 1 == width
//      then a = H(b ++ a) else a = H(a ++ b); position /= 2; width = (width - 1) / 2 + 1.
//      The proof length is not checked separately: the result must equal the root.
//
// The MedChain runtime's `verify_inclusion` is stricter than the crate's verify_proof: it
// also refuses a proof with more than MAX_PROOF_ITEMS (32) items or with a length other than
// expectedProofLength(leafCount, leafIndex). `verifyProof(..., { strict: true })` applies
// those checks too, so a client can tell in advance what the chain will answer.

import { u8aToHex } from '@polkadot/util';
import { blake2_256, toBytes } from './hash.js';

const U32_MAX = 0xffffffff;
const HASH_LENGTH = 32;

function concat2(a, b) {
  const out = new Uint8Array(a.length + b.length);
  out.set(a, 0);
  out.set(b, a.length);
  return out;
}

function eqBytes(a, b) {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

function isU32(n) {
  return Number.isInteger(n) && n >= 0 && n <= U32_MAX;
}

/** Most proof items the runtime accepts (pallet-health-records MAX_PROOF_ITEMS). */
export const MAX_PROOF_ITEMS = 32;

/**
 * How many items the proof of leaf `leafIndex` in a tree of `numberOfLeaves` leaves has:
 * one per level at which the node has a sibling (0 if the index is out of range). Same as
 * pallet-health-records' `expected_proof_len`.
 */
export function expectedProofLength(numberOfLeaves, leafIndex) {
  if (!isU32(numberOfLeaves) || !isU32(leafIndex) || leafIndex >= numberOfLeaves) return 0;
  let position = leafIndex;
  let width = numberOfLeaves;
  let length = 0;
  while (width > 1) {
    if (position % 2 === 1 || position + 1 < width) length++;
    position = Math.floor(position / 2);
    width = Math.ceil(width / 2);
  }
  return length;
}

/** H(leaf) with the tree's hasher (blake2-256 unless told): the level-0 node of a leaf. */
export function hashLeaf(leaf, { hasher = blake2_256 } = {}) {
  return u8aToHex(hasher(toBytes(leaf, 'leaf')));
}

/**
 * Build every row of the tree once. Proofs for any number of leaves then cost
 * O(log n) each.
 *
 * @param {(string|Uint8Array)[]} leaves leaf values (0x-hex or bytes; for MedChain the
 *   32-byte content hashes, in the order they were anchored)
 * @param {{hasher?: (data: Uint8Array) => Uint8Array}} [options] hasher defaults to blake2-256
 */
export function buildTree(leaves, { hasher = blake2_256 } = {}) {
  if (!Array.isArray(leaves)) throw new TypeError('leaves must be an array');
  if (leaves.length > U32_MAX) throw new RangeError('at most 2^32 - 1 leaves');
  const values = leaves.map((l, i) => toBytes(l, `leaves[${i}]`));

  // rows[0] = hashed leaves; rows[k+1] built from rows[k]; last row has one node.
  const rows = [values.map((v) => hasher(v))];
  while (rows[rows.length - 1].length > 1) {
    const row = rows[rows.length - 1];
    const next = [];
    for (let i = 0; i + 1 < row.length; i += 2) next.push(hasher(concat2(row[i], row[i + 1])));
    if (row.length % 2 === 1) next.push(row[row.length - 1]); // promote the odd last node
    rows.push(next);
  }

  const numberOfLeaves = values.length;
  const rootBytes = numberOfLeaves === 0 ? new Uint8Array(HASH_LENGTH) : rows[rows.length - 1][0];
  const rootHex = u8aToHex(rootBytes);

  return {
    numberOfLeaves,
    /** 0x-hex root (32 zero bytes for an empty tree, as the crate). */
    root() {
      return rootHex;
    },
    /** Leaf value at index, 0x-hex. */
    leaf(index) {
      return u8aToHex(values[index]);
    },
    /** Proof for one leaf: { root, proof, numberOfLeaves, leafIndex, leaf } (hex). */
    proof(leafIndex) {
      if (!Number.isInteger(leafIndex) || leafIndex < 0 || leafIndex >= numberOfLeaves) {
        throw new RangeError(`leaf index ${leafIndex} out of range for ${numberOfLeaves} leaves`);
      }
      const proof = [];
      let position = leafIndex;
      for (let r = 0; r < rows.length - 1; r++) {
        const row = rows[r];
        if (position % 2 === 1) {
          proof.push(u8aToHex(row[position - 1])); // right child: left sibling
        } else if (position + 1 < row.length) {
          proof.push(u8aToHex(row[position + 1])); // left child: right sibling
        } // else: last node of an odd row, promoted, no proof item
        position = Math.floor(position / 2);
      }
      return { root: rootHex, proof, numberOfLeaves, leafIndex, leaf: u8aToHex(values[leafIndex]) };
    },
  };
}

/** merkle_root::<BlakeTwo256, _>(leaves) as 0x-hex. */
export function merkleRoot(leaves, options) {
  return buildTree(leaves, options).root();
}

/** merkle_proof::<BlakeTwo256, _, _>(leaves, leafIndex). Throws where the crate panics. */
export function merkleProof(leaves, leafIndex, options) {
  return buildTree(leaves, options).proof(leafIndex);
}

/**
 * verify_proof::<BlakeTwo256, _, _>(&root, proof, number_of_leaves, leaf_index, &leaf).
 *
 * @param {string|Uint8Array} root
 * @param {(string|Uint8Array)[]} proof
 * @param {number} numberOfLeaves u32
 * @param {number} leafIndex u32
 * @param {string|Uint8Array} leaf the leaf VALUE (hashed here, Leaf::Value), or its
 *   level-0 hash when options.leafIsHash (Leaf::Hash)
 * @param {{hasher?: Function, leafIsHash?: boolean, strict?: boolean}} [options] strict: also
 *   apply the runtime's checks (at most MAX_PROOF_ITEMS items, exactly expectedProofLength)
 * @returns {boolean} false on any malformed input
 */
export function verifyProof(root, proof, numberOfLeaves, leafIndex, leaf, { hasher = blake2_256, leafIsHash = false, strict = false } = {}) {
  let rootBytes;
  let leafBytes;
  let items;
  try {
    rootBytes = toBytes(root, 'root');
    leafBytes = toBytes(leaf, 'leaf');
    if (!Array.isArray(proof)) return false;
    items = proof.map((p) => toBytes(p, 'proof item'));
  } catch {
    return false;
  }
  // In Rust root, proof items (and Leaf::Hash) are H::Out, fixed 32 bytes by type.
  if (rootBytes.length !== HASH_LENGTH || items.some((p) => p.length !== HASH_LENGTH)) return false;
  if (leafIsHash && leafBytes.length !== HASH_LENGTH) return false;
  if (!isU32(numberOfLeaves) || !isU32(leafIndex)) return false;
  if (leafIndex >= numberOfLeaves) return false;
  if (strict && (items.length > MAX_PROOF_ITEMS || items.length !== expectedProofLength(numberOfLeaves, leafIndex))) {
    return false;
  }

  let a = leafIsHash ? leafBytes : hasher(leafBytes);
  let position = leafIndex;
  let width = numberOfLeaves;
  for (const b of items) {
    a = position % 2 === 1 || position + 1 === width ? hasher(concat2(b, a)) : hasher(concat2(a, b));
    position = Math.floor(position / 2);
    width = Math.floor((width - 1) / 2) + 1;
  }
  return eqBytes(rootBytes, a);
}
