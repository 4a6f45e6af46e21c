// src/fhir.ts: each supported FHIR R4 kind shown as labeled fields in English and Chinese,
// everything escaped, other resources as JSON, and no input makes it throw.
//
// Node does not import .ts: src/fhir.ts and src/i18n.ts are transpiled (the installed
// `typescript`, transpileModule: types stripped, nothing checked; `npm run typecheck` checks)
// into a temporary directory; i18n's JSON imports are pointed at the real catalogs, so the
// catalogs are merged by i18n.ts's own code. No network, no browser, about a second.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import ts from 'typescript';
import { demoHistory } from './fixtures/history.js';

const PORTAL = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
let tmp;
let viewFhir, setLang, catalogs;

function transpile(file) {
  const src = fs.readFileSync(path.join(PORTAL, 'src', file), 'utf8');
  return ts.transpileModule(src, { compilerOptions: { target: ts.ScriptTarget.ES2022, module: ts.ModuleKind.ESNext }, fileName: file }).outputText;
}

before(async () => {
  // What i18n.ts reads from the browser at load and on setLang.
  const store = new Map();
  globalThis.localStorage = { getItem: (k) => store.get(k) ?? null, setItem: (k, v) => store.set(k, String(v)) };
  if (typeof globalThis.navigator === 'undefined') Object.defineProperty(globalThis, 'navigator', { value: { language: 'en-US' }, configurable: true });
  globalThis.document = { documentElement: { lang: 'en' } };

  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'medchain-fhir-test-'));
  let i18n = transpile('i18n.ts');
  let jsonImports = 0;
  i18n = i18n.replace(/^import (\w+) from '\.\/(locales\/[\w.-]+\.json)';$/gm, (_, name, file) => {
    jsonImports++;
    return `const ${name} = JSON.parse(__readFileSync(${JSON.stringify(path.join(PORTAL, 'src', file))}, 'utf8'));`;
  });
  assert.equal(jsonImports, 4, 'i18n.ts imports en, zh-CN and their fhir catalogs');
  assert.ok(!/\.json['"]/.test(i18n.replace(/__readFileSync\([^)]*\)/g, '')), 'no JSON import left');
  fs.writeFileSync(path.join(tmp, 'i18n.mjs'), `import { readFileSync as __readFileSync } from 'node:fs';\n${i18n}`);
  const fhir = transpile('fhir.ts').replace(/from '\.\/i18n'/g, "from './i18n.mjs'");
  assert.ok(fhir.includes("from './i18n.mjs'"));
  assert.ok(!/from '\.\/(?!i18n\.mjs)/.test(fhir), 'fhir.ts imports nothing but ./i18n');
  fs.writeFileSync(path.join(tmp, 'fhir.mjs'), fhir);
  ({ setLang, catalogs } = await import(pathToFileURL(path.join(tmp, 'i18n.mjs')).href));
  ({ viewFhir } = await import(pathToFileURL(path.join(tmp, 'fhir.mjs')).href));
  setLang('en');
});

after(() => {
  if (tmp) fs.rmSync(tmp, { recursive: true, force: true });
});

// --- helpers

const LOINC = 'http://loinc.org';
const SNOMED = 'http://snomed.info/sct';
const UCUM = 'http://unitsofmeasure.org';
const cc = (system, code, display, text) => ({ coding: [{ system, code, ...(display ? { display } : {}) }], ...(text ? { text } : {}) });
const q = (value, unit) => ({ value, unit, system: UCUM, code: unit });
const PATIENT = { reference: 'Patient/example' };

/** The html is only our tags (attributes escaped) around escaped text. */
function assertSafe(html, what = '') {
  const rest = html
    .replace(/<dl class="fhir" data-kind="[^"<>]*">|<dd data-field="[^"<>]*">|<\/?(dl|dt|dd|ul|li)>|<pre class="fhir-json">|<\/pre>/g, '')
    .replace(/&(amp|lt|gt|quot|#39);/g, '');
  assert.ok(!/[<>"]/.test(rest), `unescaped markup in ${what}: ${html.slice(0, 300)}`);
  assert.ok(!/&(?!amp;|lt;|gt;|quot;|#39;)/.test(html.replace(/&(amp|lt|gt|quot|#39);/g, '')), `bare & in ${what}`);
}

/** The value of the <dd data-field=field> (its escaped text), or undefined. */
function field(html, name) {
  const m = html.match(new RegExp(`<dd data-field="${name}">(.*?)</dd>`));
  return m?.[1];
}
const labels = (html) => [...html.matchAll(/<dt>(.*?)<\/dt>/g)].map((m) => m[1]);

function assertView(v, kind, structured) {
  assert.equal(typeof v, 'object');
  assert.equal(v.kind, kind);
  assert.equal(v.structured, structured, `structured for ${kind}: ${v.html.slice(0, 200)}`);
  assert.equal(typeof v.title, 'string');
  assert.ok(v.title.length > 0);
  assert.ok(!v.title.includes('fhir.') && !v.html.includes('fhir.'), `a missing catalog key: ${v.title} ${v.html}`);
  assertSafe(v.html, kind);
  if (structured) assert.match(v.html, /^<dl class="fhir" data-kind="\w+">.*<\/dl>$/s);
  else assert.match(v.html, /^<pre class="fhir-json">.*<\/pre>$/s);
}

// --- realistic synthetic resources, one per kind (no real patient data)

const R = {
  a1c: {
    resourceType: 'Observation',
    id: 'a1c',
    status: 'final',
    category: [cc('http://terminology.hl7.org/CodeSystem/observation-category', 'laboratory', 'Laboratory')],
    code: cc(LOINC, '4548-4', 'Hemoglobin A1c/Hemoglobin.total in Blood', 'Hemoglobin A1c'),
    subject: PATIENT,
    effectiveDateTime: '2024-03-05T09:12:00Z',
    issued: '2024-03-05T15:00:00Z',
    valueQuantity: q(7.2, '%'),
    interpretation: [cc('http://terminology.hl7.org/CodeSystem/v3-ObservationInterpretation', 'H', 'High')],
    referenceRange: [{ low: q(4.0, '%'), high: q(5.6, '%'), text: 'non-diabetic' }],
  },
  bp: {
    resourceType: 'Observation',
    status: 'final',
    code: cc(LOINC, '85354-9', 'Blood pressure panel with all children optional'),
    subject: PATIENT,
    effectivePeriod: { start: '2024-04-01T10:00:00+08:00', end: '2024-04-01T10:05:00+08:00' },
    component: [
      { code: cc(LOINC, '8480-6', 'Systolic blood pressure'), valueQuantity: q(128, 'mmHg'), interpretation: [cc(null, 'H')] },
      { code: cc(LOINC, '8462-4', 'Diastolic blood pressure'), valueQuantity: q(82, 'mmHg') },
    ],
  },
  covid: {
    resourceType: 'Observation',
    status: 'final',
    code: cc(LOINC, '94500-6', 'SARS-CoV-2 RNA [Presence] in Respiratory specimen by NAA with probe detection'),
    valueCodeableConcept: cc(SNOMED, '260415000', 'Not detected'),
    issued: '2023-01-02T08:00:00Z',
  },
  condition: {
    resourceType: 'Condition',
    clinicalStatus: cc('http://terminology.hl7.org/CodeSystem/condition-clinical', 'active', 'Active'),
    verificationStatus: cc('http://terminology.hl7.org/CodeSystem/condition-ver-status', 'confirmed', 'Confirmed'),
    severity: cc(SNOMED, '6736007', 'Moderate'),
    code: cc(SNOMED, '44054006', 'Diabetes mellitus type 2', 'Type 2 diabetes mellitus'),
    subject: PATIENT,
    onsetDateTime: '2019-06-14',
    abatementString: 'not abated',
    recordedDate: '2019-06-20T11:00:00Z',
    note: [{ text: 'Diet counselling given.' }],
  },
  medStatement: {
    resourceType: 'MedicationStatement',
    status: 'active',
    medicationReference: { reference: 'Medication/met', display: 'Metformin 500 mg tablet' },
    subject: PATIENT,
    effectivePeriod: { start: '2023-02-01' },
    dateAsserted: '2023-05-10T10:00:00Z',
    reasonCode: [cc(SNOMED, '44054006', 'Diabetes mellitus type 2')],
    dosage: [
      {
        text: '500 mg by mouth twice daily with meals',
        timing: { repeat: { frequency: 2, period: 1, periodUnit: 'd' } },
        route: cc(SNOMED, '26643006', 'Oral route'),
        doseAndRate: [{ doseQuantity: q(500, 'mg') }],
      },
    ],
  },
  medRequest: {
    resourceType: 'MedicationRequest',
    status: 'active',
    intent: 'order',
    medicationCodeableConcept: cc('http://www.nlm.nih.gov/research/umls/rxnorm', '308191', 'amoxicillin 500 MG Oral Capsule'),
    subject: PATIENT,
    authoredOn: '2024-11-02T16:20:00Z',
    requester: { display: 'Dr. A. Chen (demo)' },
    reasonCode: [cc(SNOMED, '36971009', 'Sinusitis', 'Acute sinusitis')],
    dosageInstruction: [{ timing: { repeat: { frequency: 1, period: 8, periodUnit: 'h' } }, doseAndRate: [{ doseQuantity: q(500, 'mg') }] }],
  },
  report: {
    resourceType: 'DiagnosticReport',
    status: 'final',
    category: [cc('http://terminology.hl7.org/CodeSystem/v2-0074', 'LAB', 'Laboratory')],
    code: cc(LOINC, '57698-3', 'Lipid panel with direct LDL - Serum or Plasma', 'Lipid panel'),
    subject: PATIENT,
    effectiveDateTime: '2024-02-10T08:00:00Z',
    issued: '2024-02-11T09:00:00Z',
    performer: [{ display: 'Demo General Hospital laboratory' }],
    result: [
      { reference: 'Observation/ldl', display: 'LDL cholesterol 138 mg/dL' },
      { reference: 'Observation/hdl', display: 'HDL cholesterol 46 mg/dL' },
    ],
    conclusion: 'LDL cholesterol above target.',
    conclusionCode: [cc(SNOMED, '55822004', 'Hyperlipidemia')],
  },
  allergy: {
    resourceType: 'AllergyIntolerance',
    clinicalStatus: cc('http://terminology.hl7.org/CodeSystem/allergyintolerance-clinical', 'active', 'Active'),
    verificationStatus: cc('http://terminology.hl7.org/CodeSystem/allergyintolerance-verification', 'confirmed', 'Confirmed'),
    type: 'allergy',
    category: ['medication'],
    criticality: 'high',
    code: cc(SNOMED, '764146007', 'Penicillin'),
    patient: PATIENT,
    onsetDateTime: '2010-05-01',
    recordedDate: '2021-08-30T13:45:00Z',
    reaction: [{ manifestation: [cc(SNOMED, '247472004', 'Hives'), cc(SNOMED, '418290006', 'Itching')], severity: 'moderate' }],
  },
  immunization: {
    resourceType: 'Immunization',
    status: 'completed',
    vaccineCode: cc('http://hl7.org/fhir/sid/cvx', '140', 'Influenza, seasonal, injectable, preservative free'),
    patient: PATIENT,
    occurrenceDateTime: '2024-10-15T10:30:00Z',
    lotNumber: 'DEMO-FLU-2401',
    site: cc('http://terminology.hl7.org/CodeSystem/v3-ActSite', 'LA', 'left arm'),
    route: cc('http://terminology.hl7.org/CodeSystem/v3-RouteOfAdministration', 'IM', 'Injection, intramuscular'),
    doseQuantity: q(0.5, 'mL'),
    performer: [{ actor: { display: 'Nurse J. Park (demo)' } }],
  },
  encounter: {
    resourceType: 'Encounter',
    status: 'finished',
    class: { system: 'http://terminology.hl7.org/CodeSystem/v3-ActCode', code: 'AMB', display: 'ambulatory' },
    type: [cc(SNOMED, '185349003', 'Encounter for check up', 'Annual check-up')],
    subject: PATIENT,
    period: { start: '2024-01-09T09:00:00Z', end: '2024-01-09T09:40:00Z' },
    serviceProvider: { display: 'Demo Riverside Clinic' },
  },
  procedure: {
    resourceType: 'Procedure',
    status: 'completed',
    code: cc(SNOMED, '73761001', 'Colonoscopy'),
    subject: PATIENT,
    performedDateTime: '2022-09-01T08:00:00Z',
    outcome: cc(SNOMED, '385669000', 'Successful'),
  },
  doc: {
    resourceType: 'DocumentReference',
    status: 'current',
    meta: { lastUpdated: '2024-06-01T12:00:00Z' },
    type: cc(LOINC, '18842-5', 'Discharge summary'),
    subject: PATIENT,
    description: 'Synthetic demo summary & <b>notes</b>',
  },
};

// --- each kind

test('Observation: quantity with unit, interpretation, reference range, status', () => {
  const v = viewFhir(R.a1c);
  assertView(v, 'Observation', true);
  assert.equal(v.title, 'Hemoglobin A1c: 7.2 %');
  assert.equal(v.when, '2024-03-05T09:12:00Z');
  assert.equal(field(v.html, 'code'), 'Hemoglobin A1c');
  assert.equal(field(v.html, 'value'), '7.2 %');
  assert.equal(field(v.html, 'interpretation'), 'High');
  assert.equal(field(v.html, 'referenceRange'), '4–5.6 % (non-diabetic)');
  assert.equal(field(v.html, 'status'), 'Final');
  assert.deepEqual(labels(v.html).slice(0, 3), ['Test', 'Result', 'Interpretation']);
});

test('Observation: components, value kinds, and the time it took place', () => {
  const bp = viewFhir(R.bp);
  assertView(bp, 'Observation', true);
  assert.equal(bp.title, 'Blood pressure panel with all children optional: 128 mmHg / 82 mmHg');
  assert.equal(bp.when, '2024-04-01T10:00:00+08:00', 'effectivePeriod.start');
  assert.ok(bp.html.includes('<dt>Systolic blood pressure</dt><dd data-field="component">128 mmHg (High)</dd>'), bp.html);
  assert.ok(bp.html.includes('<dt>Diastolic blood pressure</dt><dd data-field="component">82 mmHg</dd>'));

  const covid = viewFhir(R.covid);
  assert.equal(covid.title, 'SARS-CoV-2 RNA [Presence] in Respiratory specimen by NAA with probe detection: Not detected');
  assert.equal(covid.when, '2023-01-02T08:00:00Z', 'issued when no effective[x]');

  const base = { resourceType: 'Observation', code: { text: 'Urine color' } };
  assert.equal(viewFhir({ ...base, valueString: 'Pale yellow' }).title, 'Urine color: Pale yellow');
  assert.equal(viewFhir({ ...base, valueBoolean: false }).title, 'Urine color: No');
  assert.equal(viewFhir({ ...base, valueInteger: 3 }).title, 'Urine color: 3');
  assert.equal(viewFhir({ ...base, valueQuantity: { value: 5, comparator: '<', unit: 'mg/dL' } }).title, 'Urine color: < 5 mg/dL');
  assert.equal(viewFhir(base).title, 'Urine color', 'no value: the code alone');
  assert.equal(viewFhir(base).when, null);
  assert.equal(viewFhir({ ...base, meta: { lastUpdated: '2020-01-01T00:00:00Z' } }).when, '2020-01-01T00:00:00Z');
});

test('a CodeableConcept shows its text, else a display, else system|code', () => {
  const o = (code) => viewFhir({ resourceType: 'Observation', code, valueInteger: 1 }).title;
  assert.equal(o({ text: 'Text', coding: [{ system: 's', code: 'c', display: 'Display' }] }), 'Text: 1');
  assert.equal(o({ coding: [{ system: 's', code: 'c', display: 'Display' }] }), 'Display: 1');
  assert.equal(o({ coding: [{ system: 'http://loinc.org', code: '718-7' }] }), 'http://loinc.org|718-7: 1');
  assert.equal(o({ coding: [{ code: '718-7' }] }), '718-7: 1');
  assert.equal(o({ text: '   ', coding: [{ system: 's', code: 'c' }, { display: 'Second' }] }), 'Second: 1', 'a blank text is no text');
});

test('Condition: code, clinical and verification status, severity, onset, abatement, note', () => {
  const v = viewFhir(R.condition);
  assertView(v, 'Condition', true);
  assert.equal(v.title, 'Type 2 diabetes mellitus');
  assert.equal(v.when, '2019-06-14');
  assert.equal(field(v.html, 'clinicalStatus'), 'Active');
  assert.equal(field(v.html, 'verificationStatus'), 'Confirmed');
  assert.equal(field(v.html, 'severity'), 'Moderate');
  assert.equal(field(v.html, 'onset'), '2019-06-14');
  assert.equal(field(v.html, 'abatement'), 'not abated');
  assert.equal(field(v.html, 'note'), 'Diet counselling given.');
  const { onsetDateTime, ...noOnset } = R.condition;
  assert.equal(viewFhir(noOnset).when, '2019-06-20T11:00:00Z', 'recordedDate without onsetDateTime');
});

test('MedicationStatement and MedicationRequest: medication, dosage, timing, dose, route, prescriber', () => {
  const s = viewFhir(R.medStatement);
  assertView(s, 'MedicationStatement', true);
  assert.equal(s.title, 'Metformin 500 mg tablet: 500 mg by mouth twice daily with meals');
  assert.equal(s.when, '2023-02-01', 'effectivePeriod.start');
  assert.equal(field(s.html, 'status'), 'Active');
  assert.equal(field(s.html, 'timing'), '2 × per day');
  assert.equal(field(s.html, 'dose'), '500 mg');
  assert.equal(field(s.html, 'route'), 'Oral route');
  assert.equal(field(s.html, 'reason'), 'Diabetes mellitus type 2');
  const { effectivePeriod, ...asserted } = R.medStatement;
  assert.equal(viewFhir(asserted).when, '2023-05-10T10:00:00Z', 'dateAsserted');

  const r = viewFhir(R.medRequest);
  assertView(r, 'MedicationRequest', true);
  assert.equal(r.title, 'amoxicillin 500 MG Oral Capsule', 'no dosage text: the medication alone');
  assert.equal(r.when, '2024-11-02T16:20:00Z');
  assert.equal(field(r.html, 'intent'), 'Order');
  assert.equal(field(r.html, 'timing'), '1 × every 8 hours');
  assert.equal(field(r.html, 'requester'), 'Dr. A. Chen (demo)');
  assert.equal(field(r.html, 'authoredOn'), '2024-11-02T16:20:00Z');
  assert.equal(field(r.html, 'reason'), 'Acute sinusitis');
  // Two dosages are numbered.
  const two = viewFhir({ ...R.medRequest, dosageInstruction: [{ text: 'first week: 1 tablet' }, { text: 'then 2 tablets' }] });
  assert.ok(two.html.includes('<dt>Dosage 1</dt>') && two.html.includes('<dt>Dosage 2</dt>'));
});

test('DiagnosticReport: code, status, category, results, conclusion, performer', () => {
  const v = viewFhir(R.report);
  assertView(v, 'DiagnosticReport', true);
  assert.equal(v.title, 'Lipid panel');
  assert.equal(v.when, '2024-02-10T08:00:00Z');
  assert.equal(field(v.html, 'results'), '<ul><li>LDL cholesterol 138 mg/dL</li><li>HDL cholesterol 46 mg/dL</li></ul>');
  assert.equal(field(v.html, 'conclusion'), 'LDL cholesterol above target.');
  assert.equal(field(v.html, 'conclusionCode'), 'Hyperlipidemia');
  assert.equal(field(v.html, 'category'), 'Laboratory');
  assert.equal(field(v.html, 'performer'), 'Demo General Hospital laboratory');
  assert.equal(field(v.html, 'issued'), '2024-02-11T09:00:00Z');
  const { effectiveDateTime, ...issuedOnly } = R.report;
  assert.equal(viewFhir(issuedOnly).when, '2024-02-11T09:00:00Z');
});

test('AllergyIntolerance: substance, statuses, type, category, criticality, reactions', () => {
  const v = viewFhir(R.allergy);
  assertView(v, 'AllergyIntolerance', true);
  assert.equal(v.title, 'Allergy to Penicillin');
  assert.equal(v.when, '2021-08-30T13:45:00Z', 'recordedDate first');
  assert.equal(field(v.html, 'criticality'), 'High');
  assert.equal(field(v.html, 'type'), 'Allergy');
  assert.equal(field(v.html, 'category'), 'Medication');
  assert.equal(field(v.html, 'reaction'), 'Hives, Itching (Moderate)');
  assert.equal(viewFhir({ ...R.allergy, type: 'intolerance' }).title, 'Intolerance to Penicillin');
  const { recordedDate, ...onsetOnly } = R.allergy;
  assert.equal(viewFhir(onsetOnly).when, '2010-05-01');
});

test('Immunization, Encounter, Procedure', () => {
  const i = viewFhir(R.immunization);
  assertView(i, 'Immunization', true);
  assert.equal(i.title, 'Influenza, seasonal, injectable, preservative free');
  assert.equal(i.when, '2024-10-15T10:30:00Z');
  assert.equal(field(i.html, 'lotNumber'), 'DEMO-FLU-2401');
  assert.equal(field(i.html, 'doseQuantity'), '0.5 mL');
  assert.equal(field(i.html, 'site'), 'left arm');
  assert.equal(field(i.html, 'route'), 'Injection, intramuscular');
  assert.equal(field(i.html, 'performer'), 'Nurse J. Park (demo)');
  assert.equal(field(i.html, 'status'), 'Completed');

  const e = viewFhir(R.encounter);
  assertView(e, 'Encounter', true);
  assert.equal(e.title, 'Annual check-up');
  assert.equal(e.when, '2024-01-09T09:00:00Z');
  assert.equal(field(e.html, 'period'), '2024-01-09T09:00:00Z – 2024-01-09T09:40:00Z');
  assert.equal(field(e.html, 'serviceProvider'), 'Demo Riverside Clinic');
  assert.equal(field(e.html, 'class'), 'Outpatient', 'a v3 ActCode class is translated');
  const classOnly = viewFhir({ resourceType: 'Encounter', class: { system: 'http://terminology.hl7.org/CodeSystem/v3-ActCode', code: 'EMER' }, reasonCode: [{ text: 'Shortness of breath' }], period: { start: '2024-02-02' } });
  assertView(classOnly, 'Encounter', true);
  assert.equal(classOnly.title, 'Emergency: Shortness of breath', 'no type: the class, and the reason');

  const p = viewFhir(R.procedure);
  assertView(p, 'Procedure', true);
  assert.equal(p.title, 'Colonoscopy');
  assert.equal(p.when, '2022-09-01T08:00:00Z');
  assert.equal(field(p.html, 'outcome'), 'Successful');
});

// --- escaping, fallback, languages

test('clinical text is escaped, in fields and in the JSON fallback', () => {
  const evil = '<script>alert("x")</script>';
  const v = viewFhir({
    resourceType: 'Observation',
    code: { text: evil },
    valueQuantity: { value: 1, unit: '"><img src=x onerror=alert(1)>' },
    note: [{ text: `a & b ${evil}` }],
    referenceRange: [{ text: "<i>it's</i>" }],
  });
  assertView(v, 'Observation', true);
  assert.equal(v.title, `${evil}: 1 "><img src=x onerror=alert(1)>`, 'the title is plain text: the caller escapes it');
  assert.ok(!v.html.includes('<script') && !v.html.includes('<img') && !v.html.includes('<i>'));
  assert.ok(v.html.includes('&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;'));
  assert.ok(v.html.includes('a &amp; b'));
  assert.ok(v.html.includes('&lt;i&gt;it&#39;s&lt;/i&gt;'));

  const f = viewFhir({ resourceType: '<b>Evil</b>', text: { div: `<div>${evil}</div>` } });
  assertView(f, '<b>Evil</b>', false);
  assert.ok(!f.html.includes('<script') && !f.html.includes('<div') && !f.html.includes('<b>'));
  assert.ok(f.html.includes('&lt;script&gt;'));
});

test('other resources and malformed ones are formatted JSON', () => {
  const d = viewFhir(R.doc);
  assertView(d, 'DocumentReference', false);
  assert.equal(d.title, 'DocumentReference');
  assert.equal(d.when, '2024-06-01T12:00:00Z', 'meta.lastUpdated');
  assert.ok(d.html.includes('\n  &quot;resourceType&quot;: &quot;DocumentReference&quot;,\n'), 'indented JSON');
  assert.ok(d.html.includes('summary &amp; &lt;b&gt;notes&lt;/b&gt;'));

  // A supported kind without what it is about, or with it of the wrong type.
  for (const bad of [{ resourceType: 'Observation', valueInteger: 1 }, { resourceType: 'Observation', code: 42 }, { resourceType: 'Condition', code: [] }, { resourceType: 'Immunization', vaccineCode: 'flu' }, { resourceType: 'MedicationRequest', medicationReference: { reference: 42 } }]) {
    const v = viewFhir(bad);
    assertView(v, bad.resourceType, false);
    assert.equal(v.title, bad.resourceType);
  }
  assert.equal(viewFhir({ resourceType: 'Observation', code: 42, effectiveDateTime: '2024-01-01' }).when, '2024-01-01', 'the time even when malformed');

  for (const x of [null, undefined, 0, 42, 'Observation', true, [], [R.a1c], {}, { resourceType: 7 }, { resourceType: '' }]) {
    const v = viewFhir(x);
    assertView(v, '', false);
    assert.equal(v.title, 'Unknown document');
    assert.equal(v.when, null);
  }
  assert.equal(viewFhir(null).html, '<pre class="fhir-json">null</pre>');
  assert.equal(viewFhir(undefined).html, '<pre class="fhir-json">undefined</pre>');
});

test('Chinese: labels, coded values and titles in zh-CN, clinical text as it is', () => {
  setLang('zh-CN');
  try {
    const han = /[\u4e00-\u9fff]/;
    const a1c = viewFhir(R.a1c);
    assertView(a1c, 'Observation', true);
    assert.equal(a1c.title, 'Hemoglobin A1c: 7.2 %', 'clinical text stays');
    assert.deepEqual(labels(a1c.html).slice(0, 3), ['检验项目', '结果', '结果判读']);
    assert.equal(field(a1c.html, 'interpretation'), '偏高');
    assert.equal(field(a1c.html, 'status'), '最终');
    for (const [name, r] of Object.entries(R)) {
      if (name === 'bp') continue; // component labels are the components' own names
      const v = viewFhir(r);
      assertView(v, r.resourceType, name !== 'doc');
      for (const l of labels(v.html)) assert.match(l, han, `${name}: label ${l} is not Chinese`);
    }
    assert.equal(viewFhir(R.allergy).title, 'Penicillin过敏');
    assert.equal(field(viewFhir(R.allergy).html, 'criticality'), '高');
    assert.equal(field(viewFhir(R.allergy).html, 'reaction'), 'Hives, Itching (中度)');
    assert.equal(field(viewFhir(R.condition).html, 'clinicalStatus'), '活动');
    assert.equal(field(viewFhir(R.medStatement).html, 'timing'), '每天2次');
    assert.equal(field(viewFhir(R.medRequest).html, 'timing'), '每8小时1次');
    assert.equal(field(viewFhir(R.medRequest).html, 'intent'), '医嘱');
    assert.equal(field(viewFhir(R.encounter).html, 'class'), '门诊');
    assert.equal(viewFhir({ resourceType: 'Observation', code: { text: 'HIV' }, valueBoolean: true }).title, 'HIV: 是');
    assert.equal(viewFhir(null).title, '未知文档');
    assert.equal(field(viewFhir({ ...R.a1c, status: 'no-such-status' }).html, 'status'), 'no-such-status', 'an unknown code as it is');
  } finally {
    setLang('en');
  }
  assert.equal(viewFhir(null).title, 'Unknown document');
});

test('i18n merges each main catalog with its FHIR catalog', () => {
  for (const lang of ['en', 'zh-CN']) {
    const main = JSON.parse(fs.readFileSync(path.join(PORTAL, 'src/locales', `${lang}.json`), 'utf8'));
    const fhir = JSON.parse(fs.readFileSync(path.join(PORTAL, 'src/locales', `fhir.${lang}.json`), 'utf8'));
    assert.deepEqual(Object.keys(catalogs[lang]).sort(), [...new Set([...Object.keys(main), ...Object.keys(fhir)])].sort());
    for (const [k, v] of Object.entries(main)) assert.equal(catalogs[lang][k], v, 'the main file wins');
  }
});

test('the demo history: every supported kind as fields, the DocumentReference as JSON, in both languages', () => {
  const h20 = demoHistory(20);
  assert.equal(h20.length, 20);
  assert.deepEqual([...new Set(h20.map((x) => x.resource.resourceType))].sort(), ['AllergyIntolerance', 'Condition', 'DiagnosticReport', 'DocumentReference', 'Encounter', 'Immunization', 'MedicationRequest', 'MedicationStatement', 'Observation']);
  assert.equal(JSON.stringify(demoHistory(20)), JSON.stringify(h20), 'deterministic');
  const h = demoHistory(100);
  assert.equal(h.filter((x) => x.resource.resourceType === 'DocumentReference').length, 1);
  const CATS = { Observation: 'LabResults', DiagnosticReport: 'LabResults', Condition: 'Diagnoses', AllergyIntolerance: 'Diagnoses', MedicationStatement: 'Medications', MedicationRequest: 'Medications', Encounter: 'Encounters', Immunization: 'Encounters', DocumentReference: 'Other' };
  const whens = [];
  for (const lang of ['en', 'zh-CN']) {
    setLang(lang);
    try {
      for (const { category, resource } of h) {
        assert.equal(category, CATS[resource.resourceType]);
        assert.equal(resource.subject?.reference ?? resource.patient?.reference, 'Patient/example');
        const v = viewFhir(resource);
        assertView(v, resource.resourceType, resource.resourceType !== 'DocumentReference');
        assert.ok(v.when, `${resource.id} has a time`);
        if (lang === 'en') whens.push(v.when);
      }
    } finally {
      setLang('en');
    }
  }
  assert.ok(whens[0].startsWith('2022-') && whens.at(-1).startsWith('2024-'), 'about three years');
});

// --- fuzz

/** A small seeded generator: the same garbage every run, so a failure can be replayed. */
function rng(seed) {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let x = s;
    x = Math.imul(x ^ (x >>> 15), x | 1);
    x ^= x + Math.imul(x ^ (x >>> 7), x | 61);
    return ((x ^ (x >>> 14)) >>> 0) / 4294967296;
  };
}

test('no input makes it throw (fuzz)', () => {
  const rand = rng(20261202);
  const int = (n) => Math.floor(rand() * n);
  const KEYS = ['resourceType', 'code', 'text', 'coding', 'display', 'system', 'value', 'unit', 'valueQuantity', 'valueCodeableConcept', 'valueString', 'valueBoolean', 'valueInteger', 'component', 'interpretation', 'referenceRange', 'low', 'high', 'status', 'effectiveDateTime', 'effectivePeriod', 'start', 'end', 'meta', 'lastUpdated', 'dosage', 'dosageInstruction', 'timing', 'repeat', 'frequency', 'period', 'periodUnit', 'doseAndRate', 'doseQuantity', 'reaction', 'manifestation', 'note', 'performer', 'actor', 'result', '__proto__', 'constructor', 'toString', 'hasOwnProperty'];
  const STRINGS = ['', ' ', 'Observation', 'Condition', 'MedicationStatement', 'MedicationRequest', 'DiagnosticReport', 'AllergyIntolerance', 'Immunization', 'Encounter', 'Procedure', 'constructor', '__proto__', 'toString', 'hasOwnProperty', '<script>x</script>', '"&\'<>', '{substance}', '$&$1', 'd', 'h', 'H', 'final', 'entered-in-error', '2024-01-01', '2024-13-99T99:99', 'x'.repeat(5000), '\u0000\uffff\ud800', '7.2', 'NaN'];
  function garbage(depth) {
    switch (int(depth > 3 ? 7 : 10)) {
      case 0: return null;
      case 1: return undefined;
      case 2: return [0, -0, 1, -1, 7.2, 1e308, NaN, Infinity, -Infinity, Number.MAX_SAFE_INTEGER + 2][int(10)];
      case 3: return rand() < 0.5;
      case 4: case 5: return STRINGS[int(STRINGS.length)];
      case 6: return [Symbol('s'), 10n, () => 1, new Date(0), /re/][int(5)];
      case 7: return Array.from({ length: int(4) }, () => garbage(depth + 1));
      default: {
        const o = int(8) === 0 ? Object.create(null) : {};
        for (let k = int(5); k > 0; k--) o[KEYS[int(KEYS.length)]] = garbage(depth + 1);
        if (int(3) === 0) o.resourceType = STRINGS[2 + int(9)];
        return o;
      }
    }
  }
  /** A realistic resource with a few of its values, anywhere in it, replaced by garbage. */
  function mutate(r) {
    const copy = structuredClone(r);
    for (let n = 1 + int(4); n > 0; n--) {
      let node = copy;
      for (let d = 0; d < 6; d++) {
        const keys = node && typeof node === 'object' ? Object.keys(node) : [];
        if (!keys.length) break;
        const k = keys[int(keys.length)];
        if (d > 0 && (int(3) === 0 || typeof node[k] !== 'object' || node[k] === null)) {
          node[k] = garbage(2);
          break;
        }
        node = node[k];
      }
    }
    return copy;
  }
  const bases = [...Object.values(R), ...demoHistory(24).map((x) => x.resource)];
  const cyclic = { resourceType: 'Observation', code: { text: 'loop' } };
  cyclic.self = cyclic;
  const hostile = new Proxy({}, { get() { throw new Error('boom'); }, ownKeys() { throw new Error('boom'); } });
  const inputs = [cyclic, { ...cyclic, code: cyclic }, hostile, { resourceType: 'Observation', code: hostile }, { resourceType: 'Condition', code: { text: hostile } }];
  for (let i = 0; i < 300; i++) inputs.push(i % 3 === 0 ? garbage(0) : mutate(bases[i % bases.length]));
  let structured = 0;
  for (const lang of ['en', 'zh-CN']) {
    setLang(lang);
    try {
      for (const [i, x] of inputs.entries()) {
        let v;
        assert.doesNotThrow(() => (v = viewFhir(x)), `input ${i}`);
        assert.equal(typeof v.kind, 'string');
        assert.ok(typeof v.title === 'string' && v.title.length > 0, `input ${i}: a title`);
        assert.ok(v.when === null || (typeof v.when === 'string' && /^\d{4}/.test(v.when)), `input ${i}: when ${v.when}`);
        assert.equal(typeof v.structured, 'boolean');
        assertSafe(v.html, `input ${i}`);
        if (v.structured) structured++;
      }
    } finally {
      setLang('en');
    }
  }
  assert.ok(structured > 100, `the mutated resources are mostly still shown as fields (${structured})`);
});
