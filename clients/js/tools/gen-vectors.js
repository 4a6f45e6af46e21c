#!/usr/bin/env node
// Writes the shared test vectors in tests/vectors/ (read by the JS tests here and by the
// Rust tests of the health-records and drug-provenance pallets). Never overwrites an
// existing file unless --force: once a vector file exists (possibly written from the Rust
// side), it is the reference.
//
//   node tools/gen-vectors.js [--force] [--only merkle.json|content-hash.json|gs1.json]
//
// merkle.json and content-hash.json are computed here (and checked by the Rust tests);
// gs1.json is the hand-written table of tools/gs1-cases.js, written out as it is.
import { existsSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { u8aToHex } from '@polkadot/util';
import { blake2_256, buildTree, canonicalize, contentHash } from '../src/index.js';
import {
  CHECK_DIGITS,
  COMPANY_PREFIXES,
  ELEMENT_STRINGS,
  EXPIRY,
  GS1_DESCRIPTION,
  GTIN14,
  LOT_SERIAL,
  PREFIX_CANDIDATES,
  PREFIX_CONTAINMENT,
  SHORT_GTINS,
} from './gs1-cases.js';
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
    '(clients/js/src/canonical.js: JCS-style, keys sorted by UTF-16 code units, no whitespace, ' +
    'JSON.stringify string escaping and number rendering). salt of case i = blake2_256(utf8("medchain-test-salt-" + i)).',
  cases: CONTENT_HASH_RESOURCES.map(({ name, resource }, i) => {
    const salt = u8aToHex(blake2_256(utf8(`medchain-test-salt-${i}`)));
    return { name, resource, canonical: canonicalize(resource), salt, content_hash: contentHash(resource, salt) };
  }),
};

// gs1.json: hand-written expectations, nothing computed.
const gs1 = {
  description: GS1_DESCRIPTION,
  check_digits: CHECK_DIGITS,
  gtin14: GTIN14,
  short_gtins: SHORT_GTINS,
  company_prefixes: COMPANY_PREFIXES,
  prefix_candidates: PREFIX_CANDIDATES,
  prefix_containment: PREFIX_CONTAINMENT,
  lot_serial: LOT_SERIAL,
  expiry: EXPIRY,
  element_strings: ELEMENT_STRINGS,
};

write('merkle.json', merkle);
write('content-hash.json', contentHashes);
write('gs1.json', gs1);
