// The two catalogs have the same keys, no empty value, the same {placeholders}, and every
// key the code names literally exists. Each language's catalog is its main file merged with
// its FHIR labels (fhir.<lang>.json), as src/i18n.ts merges them.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { PORTAL } from './lib.js';

const load = (f) => JSON.parse(fs.readFileSync(path.join(PORTAL, 'src/locales', f), 'utf8'));
// The main file wins on a clash, as in src/i18n.ts (the last test checks there is none).
const en = { ...load('fhir.en.json'), ...load('en.json') };
const zh = { ...load('fhir.zh-CN.json'), ...load('zh-CN.json') };

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
  // A literal ending in a dot is the prefix of keys built at run time, t('fhir.kind.' + x): it
  // must be listed in prefixes below with the names the code can give it. (Template literals,
  // t(`cat.${x}`), are not read; their prefixes are listed by hand too.)
  const dynamic = new Set();
  for (const f of src) {
    const text = fs.readFileSync(path.join(PORTAL, 'src', f), 'utf8');
    for (const m of text.matchAll(/\bt\('([a-zA-Z]+\.[\w.]+)'/g)) (m[1].endsWith('.') ? dynamic : used).add(m[1].replace(/\.$/, ''));
  }
  const fhirKinds = ['Observation', 'Condition', 'MedicationStatement', 'MedicationRequest', 'DiagnosticReport', 'AllergyIntolerance', 'Immunization', 'Encounter', 'Procedure', 'DocumentReference'];
  // FHIR required value sets src/fhir.ts translates (an unknown code is shown as it is).
  const fhirCodes = {
    'fhir.val': ['registered', 'preliminary', 'final', 'amended', 'corrected', 'appended', 'partial', 'cancelled', 'entered-in-error', 'unknown', 'active', 'recurrence', 'relapse', 'inactive', 'remission', 'resolved', 'unconfirmed', 'provisional', 'differential', 'confirmed', 'refuted', 'completed', 'intended', 'stopped', 'on-hold', 'not-taken', 'draft', 'proposal', 'plan', 'directive', 'order', 'original-order', 'reflex-order', 'filler-order', 'instance-order', 'option', 'allergy', 'intolerance', 'food', 'medication', 'environment', 'biologic', 'low', 'high', 'unable-to-assess', 'mild', 'moderate', 'severe', 'not-done', 'planned', 'arrived', 'triaged', 'in-progress', 'onleave', 'finished', 'preparation'],
    'fhir.interp': ['H', 'L', 'N', 'A', 'HH', 'LL', 'AA', 'POS', 'NEG'],
    'fhir.unit': ['s', 'min', 'h', 'd', 'wk', 'mo', 'a'],
    'fhir.class': ['AMB', 'EMER', 'IMP', 'ACUTE', 'NONAC', 'OBSENC', 'PRENC', 'SS', 'HH', 'VR', 'FLD'],
  };
  const prefixes = {
    'fhir.kind': fhirKinds,
    ...fhirCodes,
    cat: ['Demographics', 'Encounters', 'Diagnoses', 'Medications', 'LabResults', 'Imaging', 'Genomics', 'MentalHealth', 'Other'], purpose: ['Treatment', 'Research', 'Insurance', 'PublicHealth'], reason: ['DoubleDispense', 'UnknownSerial', 'Recalled', 'Expired', 'DamagedOrTampered', 'Other'], view: ['patient', 'pharmacist', 'regulator'], 'tx.step': ['submitted', 'inBlock', 'finalized'], role: ['Provider', 'Pharmacy', 'Manufacturer', 'Distributor', 'Regulator', 'TrialSponsor', 'Researcher', 'Insurer'],
  };
  for (const p of dynamic) assert.ok(p in prefixes, `key prefix ${p}. is built at run time: list its names in prefixes`);
  for (const [p, names] of Object.entries(prefixes)) for (const n of names) used.add(`${p}.${n}`);
  for (const k of used) assert.ok(k in en, `missing key ${k}`);
  assert.ok(used.size > 150);
  assert.ok(dynamic.has('fhir.val'), "t('fhir.val.' + code) in src/fhir.ts is found");
});

test('the FHIR catalogs hold only fhir. keys and do not clash with the main catalogs', () => {
  for (const [main, fhir] of [['en.json', 'fhir.en.json'], ['zh-CN.json', 'fhir.zh-CN.json']]) {
    const m = load(main);
    const f = load(fhir);
    assert.ok(Object.keys(f).length > 50, `${fhir} is nearly empty`);
    for (const k of Object.keys(f)) {
      assert.ok(k.startsWith('fhir.'), `${fhir}: ${k} is not a fhir. key`);
      assert.ok(!(k in m), `${k} is in both ${main} and ${fhir}`);
    }
  }
});
