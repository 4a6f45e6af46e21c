import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildTree, contentHash, identityCommitment, opaqueLocator, serialLeaf, verifyProof } from '../src/index.js';

const BIN = fileURLToPath(new URL('../bin/medchain-client.js', import.meta.url));
const run = (...args) => JSON.parse(execFileSync(process.execPath, [BIN, ...args], { encoding: 'utf8' }));
const SALT = '0x' + 'ab'.repeat(32);

describe('medchain-client CLI', () => {
  let dir;
  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'medchain-client-'));
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('hash: salted canonical content hash, random salt when none given', () => {
    const resource = { resourceType: 'Observation', id: 'o1', valueQuantity: { value: 5.4 } };
    const file = join(dir, 'obs.json');
    writeFileSync(file, JSON.stringify(resource, null, 4));
    const out = run('hash', file, '--salt', SALT);
    assert.deepEqual(out, {
      canonical_length: Buffer.byteLength('{"id":"o1","resourceType":"Observation","valueQuantity":{"value":5.4}}'),
      salt: SALT,
      content_hash: contentHash(resource, SALT),
    });
    const random = run('hash', file);
    assert.match(random.salt, /^0x[0-9a-f]{64}$/);
    assert.equal(random.content_hash, contentHash(resource, random.salt));
  });

  it('locator: an opaque keyed hash of the internal reference, never the reference', () => {
    const key = '0x' + '42'.repeat(32);
    const reference = 'https://fhir.stmarys.example/DiagnosticReport/cbc-2026-11-26/_history/1';
    const out = run('locator', reference, '--key', key);
    assert.deepEqual(out, { locator: opaqueLocator(reference, key) });
    assert.match(out.locator, /^mc1:[0-9a-f]{64}$/);
    for (const leak of ['fhir', 'stmarys', 'Diagnostic', '2026']) assert.ok(!out.locator.includes(leak));
    // Another key gives another locator: without the key, guesses cannot be tested.
    assert.notEqual(run('locator', reference, '--key', '0x' + '43'.repeat(32)).locator, out.locator);
    const fromEnv = JSON.parse(execFileSync(process.execPath, [BIN, 'locator', reference], {
      encoding: 'utf8', env: { ...process.env, MEDCHAIN_LOCATOR_KEY: key },
    }));
    assert.equal(fromEnv.locator, out.locator);
    const noKey = spawnSync(process.execPath, [BIN, 'locator', reference], {
      encoding: 'utf8', env: { ...process.env, MEDCHAIN_LOCATOR_KEY: '' },
    });
    assert.equal(noKey.status, 2);
    assert.match(noKey.stderr, /--key/);
  });

  it('commitment: blake2_256(salt ++ file bytes)', () => {
    const file = join(dir, 'id.txt');
    writeFileSync(file, 'ID-CARD 123 DOE JANE\n');
    const out = run('commitment', '--salt', SALT, file);
    assert.deepEqual(out, { salt: SALT, commitment: identityCommitment(SALT, readFileSync(file)) });
  });

  it('batch over a directory writes salts.json, reuses salts, then prove/verify', () => {
    const b = join(dir, 'batch');
    mkdirSync(b);
    const docs = Array.from({ length: 5 }, (_, i) => ({ resourceType: 'Observation', id: `o${i}`, valueString: i % 2 ? 'positive' : 'negative' }));
    docs.forEach((d, i) => writeFileSync(join(b, `obs-${i}.json`), JSON.stringify(d)));
    writeFileSync(join(b, 'notes.txt'), 'ignored');
    const hashesFile = join(dir, 'hashes.txt');
    const out = run('batch', b, '--out', hashesFile);
    assert.equal(out.leaf_count, 5);
    const salts = JSON.parse(readFileSync(join(b, 'salts.json'), 'utf8'));
    assert.deepEqual(Object.keys(salts), docs.map((_, i) => `obs-${i}.json`));
    const leaves = docs.map((d, i) => contentHash(d, salts[`obs-${i}.json`].salt));
    leaves.forEach((l, i) => assert.equal(salts[`obs-${i}.json`].content_hash, l));
    assert.equal(out.root, buildTree(leaves).root());
    assert.equal(run('batch', b).root, out.root, 'salts are reused: same root');
    assert.equal(run('batch', hashesFile).root, out.root);

    const proof = run('prove', hashesFile, '3');
    assert.equal(proof.root, out.root);
    assert.equal(proof.leaf, leaves[3]);
    assert.equal(proof.number_of_leaves, 5);
    assert.equal(proof.leaf_index, 3);
    assert.ok(verifyProof(proof.root, proof.proof, 5, 3, proof.leaf));
    const proofFile = join(dir, 'proof.json');
    writeFileSync(proofFile, JSON.stringify(proof));
    assert.deepEqual(run('verify', proofFile), { valid: true });
    writeFileSync(proofFile, JSON.stringify({ ...proof, leaf_index: 2 }));
    const bad = spawnSync(process.execPath, [BIN, 'verify', proofFile], { encoding: 'utf8' });
    assert.equal(bad.status, 1);
    assert.deepEqual(JSON.parse(bad.stdout), { valid: false });
  });

  it('batch over a list file ignores blanks and comments; bad lines and indices fail', () => {
    const list = join(dir, 'list.txt');
    const leaves = [1, 2, 3].map((i) => '0x' + String(i).repeat(64));
    writeFileSync(list, `# nightly export\n${leaves[0]}\n\n${leaves[1]}\r\n${leaves[2]}\n`);
    assert.deepEqual(run('batch', list), { root: buildTree(leaves).root(), leaf_count: 3 });
    const r = spawnSync(process.execPath, [BIN, 'prove', list, '3'], { encoding: 'utf8' });
    assert.equal(r.status, 1);
    assert.match(r.stderr, /out of range/);
    writeFileSync(list, '0x1234\n');
    const r2 = spawnSync(process.execPath, [BIN, 'batch', list], { encoding: 'utf8' });
    assert.equal(r2.status, 1);
    assert.match(r2.stderr, /list\.txt:1/);
    const r3 = spawnSync(process.execPath, [BIN, 'frobnicate'], { encoding: 'utf8' });
    assert.equal(r3.status, 2);
    assert.match(r3.stderr, /usage/);
  });

  it('scan: a GS1 DataMatrix transmission; a bad check digit exits 1', () => {
    const out = run('scan', ']d20109506000134352172812311' + '0LOT42\x1d21SN0001');
    assert.equal(out.gtin, '09506000134352');
    assert.equal(out.expiry, '281231');
    assert.equal(out.lot, 'LOT42');
    assert.equal(out.serial, 'SN0001');
    const bad = spawnSync(process.execPath, [BIN, 'scan', '(01)09506000134353'], { encoding: 'utf8' });
    assert.equal(bad.status, 1);
    assert.match(bad.stderr, /check digit/);
  });

  it('serials: serials_root and the proof of one serial', () => {
    const file = join(dir, 'serials.txt');
    const serials = Array.from({ length: 37 }, (_, i) => `SN${i}`);
    writeFileSync(file, serials.join('\n') + '\n');
    const out = run('serials', file, '--prove', 'SN20');
    assert.equal(out.quantity, 37);
    assert.equal(out.leaf_index, 20);
    assert.equal(verifyProof(out.serials_root, out.proof, 37, 20, serialLeaf('SN20'), { strict: true }), true);
    const missing = spawnSync(process.execPath, [BIN, 'serials', file, '--prove', 'SN99'], { encoding: 'utf8' });
    assert.equal(missing.status, 1);
  });
});
