#!/usr/bin/env node
// Writes the shared test vectors in tests/vectors/ (read by the JS tests here and by the
// Rust health-records pallet tests). Never overwrites an existing file unless --force:
// once a vector file exists (possibly written from the Rust side), it is the reference.
//
//   node tools/gen-vectors.js [--force] [--only merkle.json|content-hash.json]
import { existsSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { u8aToHex } from '@polkadot/util';
import { blake2_256, buildTree, canonicalize, contentHash } from '../src/index.js';
import { CONTENT_HASH_RESOURCES } from './resources.js';

const here = dirname(fileURLToPath(import.meta.url));
const outDir = resolve(here, '../../../tests/vectors');
const force = process.argv.includes('--force');
const onlyAt = process.argv.indexOf('--only');
const only = onlyAt >= 0 ? process.argv[onlyAt + 1] : undefined;
const utf8 = (s) => new TextEncoder().encode(s);

function write(name, data) {
  if (only && only !== name) return;
  const path = join(outDir, name);
  if (existsSync(path) && !force) {
    console.log(`kept existing ${path} (use --force to overwrite)`);
    return;
  }
  writeFileSync(path, JSON.stringify(data, null, 2) + '\n');
  console.log(`wrote ${path}`);
}

// merkle.json
const SIZES = [1, 2, 3, 5, 8, 9];
const merkle = {
  hasher: 'blake2-256',
  description:
    'binary-merkle-tree 16.1.2 with BlakeTwo256, as the MedChain runtime uses it: ' +
    'root = merkle_root::<BlakeTwo256, _>(leaves), proofs = merkle_proof::<BlakeTwo256, _, _>(leaves, i).proof, ' +
    'checked with verify_proof::<BlakeTwo256, _, _>(&root, proof, leaves.len(), leaf_index, &leaf). ' +
    'Each leaf is a 32-byte document hash passed as the leaf VALUE (the crate hashes it again). ' +
    'Leaf i of a case = blake2_256(utf8("doc-" + i)), i = 0..n-1. Every index of every case is proven.',
  cases: SIZES.map((n) => {
    const leaves = Array.from({ length: n }, (_, i) => u8aToHex(blake2_256(utf8(`doc-${i}`))));
    const tree = buildTree(leaves);
    return {
      leaves,
      root: tree.root(),
      proofs: leaves.map((_, i) => {
        const p = tree.proof(i);
        return { leaf_index: p.leafIndex, leaf: p.leaf, proof: p.proof };
      }),
    };
  }),
};

// content-hash.json
const contentHashes = {
  hasher: 'blake2-256',
  description:
    'content_hash = blake2_256(salt ++ utf8(canonical)), canonical = canonicalize(resource) ' +
    '(scripts/client/src/canonical.js: JCS-style, keys sorted by UTF-16 code units, no whitespace, ' +
    'JSON.stringify string escaping and number rendering). salt of case i = blake2_256(utf8("medchain-test-salt-" + i)).',
  cases: CONTENT_HASH_RESOURCES.map(({ name, resource }, i) => {
    const salt = u8aToHex(blake2_256(utf8(`medchain-test-salt-${i}`)));
    return { name, resource, canonical: canonicalize(resource), salt, content_hash: contentHash(resource, salt) };
  }),
};

write('merkle.json', merkle);
write('content-hash.json', contentHashes);
