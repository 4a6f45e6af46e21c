// The two catalogs have the same keys, no empty value, the same {placeholders}, and every
// key the code names literally exists.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { PORTAL } from './lib.js';

const load = (f) => JSON.parse(fs.readFileSync(path.join(PORTAL, 'src/locales', f), 'utf8'));
const en = load('en.json');
const zh = load('zh-CN.json');

test('catalogs have the same keys', () => {
  assert.deepEqual(Object.keys(zh).sort(), Object.keys(en).sort());
});

test('no empty or untranslated value, same placeholders', () => {
  const ph = (s) => (s.match(/\{\w+\}/g) || []).sort().join(',');
  for (const k of Object.keys(en)) {
    assert.ok(en[k].trim() && zh[k].trim(), `empty value for ${k}`);
    assert.equal(ph(zh[k]), ph(en[k]), `placeholders differ for ${k}`);
    assert.ok(/[\u4e00-\u9fff\u3000-\u303f\uff00-\uffef]/.test(zh[k]) || /^[\s{}\w.:,()/-]*$/.test(zh[k].replace(/\{\w+\}/g, '')), `zh-CN value of ${k} has no Chinese: ${zh[k]}`);
  }
});

test('every key used in the source exists', () => {
  const src = fs.readdirSync(path.join(PORTAL, 'src')).filter((f) => f.endsWith('.ts'));
  const used = new Set();
  for (const f of src) for (const m of fs.readFileSync(path.join(PORTAL, 'src', f), 'utf8').matchAll(/\bt\('([a-zA-Z]+\.[\w.]+)'/g)) used.add(m[1]);
  const prefixes = { cat: ['Demographics', 'Encounters', 'Diagnoses', 'Medications', 'LabResults', 'Imaging', 'Genomics', 'MentalHealth', 'Other'], purpose: ['Treatment', 'Research', 'Insurance', 'PublicHealth'], reason: ['DoubleDispense', 'UnknownSerial', 'Recalled', 'Expired', 'DamagedOrTampered', 'Other'], view: ['patient', 'pharmacist', 'regulator'], 'tx.step': ['submitted', 'inBlock', 'finalized'], role: ['Provider', 'Pharmacy', 'Manufacturer', 'Distributor', 'Regulator', 'TrialSponsor', 'Researcher', 'Insurer'] };
  for (const [p, names] of Object.entries(prefixes)) for (const n of names) used.add(`${p}.${n}`);
  for (const k of used) assert.ok(k in en, `missing key ${k}`);
  assert.ok(used.size > 150);
});
