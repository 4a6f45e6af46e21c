// The record gateway's FHIR R4 API end to end, beside one real dev node: St.
// Mary's gateway stores and anchors FHIR creates (a resource, a transaction Bundle) exactly
// like native uploads; Lakeside's doctor searches and reads P's documents through FHIR only
// once P consented for Treatment and the read is logged on chain; every refusal is the
// native one (same status, same reason code) as an OperationOutcome; Research and Insurance
// consents open nothing; a break-glass read is served and audited as ETREAT; the gateway's
// own disclosures come back as BALP-shaped AuditEvents to the patient and St. Mary's staff
// only. Every FHIR body is validated by Python's fhir.resources (R4B models), and fhirclient
// (an off-the-shelf FHIR client, R4 models) searches, reads and creates with a small
// request-signing auth hook (tests/e2e/fhir/check_fhir.py).

import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, afterEach, before, describe, it } from 'node:test';

import { Keyring } from '@polkadot/keyring';
import { hexToU8a, u8aConcat } from '@polkadot/util';
import { blake2AsHex, cryptoWaitReady, randomAsHex } from '@polkadot/util-crypto';

import { signAndWait, startNode, sudoAndWait } from '../lib/node.js';
import { devCa, startGateway } from '../lib/gateway.js';
import { field, findEvent, toNumber } from '../lib/values.js';
import { LAB_RESULTS, UNIT, labReport } from '../lib/gateway-fixtures.js';

const TX = { timeout: 240_000 };
const PROVIDER = 1; // Roles bit set: Provider
const REPO = fileURLToPath(new URL('../../..', import.meta.url));
const CHECKER = join(REPO, 'tests/e2e/fhir/check_fhir.py');
const REASON = 'urn:medchain:reason';
const ACT_REASON = 'http://terminology.hl7.org/CodeSystem/v3-ActReason';

/** The test venv's python (clients/python/venv.sh: fhir.resources, fhirclient). */
const python = () => execFileSync('bash', [join(REPO, 'clients/python/venv.sh')], { encoding: 'utf8' }).trim();

/** A lab report as a FHIR client creates it: its patient and category named in the resource. */
const taggedReport = (value, patient) => ({
  ...labReport(value),
  meta: { tag: [{ system: 'urn:medchain:category', code: 'LabResults' }] },
  subject: { identifier: { system: 'urn:medchain:account', value: patient.address } },
});

/** The native reason code an OperationOutcome carries. */
const reasonOf = (outcome) => outcome?.issue?.[0]?.details?.coding?.find((c) => c.system === REASON)?.code;

describe('record gateway: FHIR R4 under the native rules, AuditEvents of its disclosures', () => {
  let node;
  let api;
  let dir;
  let bodies; // every FHIR body the gateway returned, validated at the end
  let gw;
  let keys = {};
  let ready = false;
  const ids = {}; // record ids (0x…) of the documents created
  let consentToB = null;
  const loggedIn = {}; // each logged read's extrinsic, `<block>-<index>`, by reader
  /** `<block number>-<extrinsic index>` of the extrinsic that emitted this AccessLogged. */
  const logPosition = async (logged) => {
    const rec = logged.events.find(({ event }) => event.section === 'consent' && event.method === 'AccessLogged');
    assert.ok(rec, 'an AccessLogged event');
    const number = (await api.rpc.chain.getHeader(logged.blockHash)).number.toNumber();
    return `${number}-${rec.phase.asApplyExtrinsic.toNumber()}`;
  };
  const saved = new Set();

  /** Keep a FHIR body for fhir.resources (one file per body). */
  const save = (name, json) => {
    assert.ok(json && typeof json.resourceType === 'string', `${name}: not a FHIR resource: ${JSON.stringify(json)}`);
    writeFileSync(join(bodies, `${name}.json`), JSON.stringify(json, null, 1));
    saved.add(json.resourceType);
  };
  const fhirId = (recordId) => recordId.slice(2);

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'medchain-e2e-fhir-'));
    bodies = join(dir, 'bodies');
    mkdirSync(bodies);
    node = await startNode();
    api = node.api;
    await cryptoWaitReady();
    const keyring = new Keyring({ type: 'sr25519', ss58Format: api.registry.chainSS58 ?? 42 });
    const tag = randomAsHex(6).slice(2);
    keys = {
      tag,
      alice: keyring.addFromUri('//Alice'), // St. Mary's admin, sudo
      gatewayA: keyring.addFromUri(`//Alice//fhir-gateway-${tag}`),
      clerkA: keyring.addFromUri(`//Alice//fhir-clerk-${tag}`),
      clerkAUri: `//Alice//fhir-clerk-${tag}`,
      lakeside: keyring.addFromUri(`//FhirLakeside-${tag}`),
      doctorB: keyring.addFromUri(`//FhirLakeside-${tag}//doctor`),
      doctorBUri: `//FhirLakeside-${tag}//doctor`,
      nurseB: keyring.addFromUri(`//FhirLakeside-${tag}//nurse`),
      patient: keyring.addFromUri(`//FhirPatient-${tag}`),
      helix: keyring.addFromUri('//Ferdie'), // Helix Clinical Trials (TrialSponsor)
      secureCare: keyring.addFromUri('//Bob//stash'), // SecureCare Insurance (Insurer)
    };
    const { alice, lakeside } = keys;
    await signAndWait(api, api.tx.balances.transferKeepAlive(lakeside.address, 1000n * UNIT), alice);
    await sudoAndWait(api, api.tx.consortium.registerOrganization(lakeside.address, 'Lakeside Hospital', PROVIDER), alice);
    for (const [admin, staff] of [[alice, keys.gatewayA], [alice, keys.clerkA], [lakeside, keys.doctorB], [lakeside, keys.nurseB]]) {
      await signAndWait(api, api.tx.consortium.addStaff(staff.address), admin);
    }
    for (const staff of [keys.doctorB, keys.nurseB]) {
      await signAndWait(api, api.tx.balances.transferKeepAlive(staff.address, 10n * UNIT), lakeside);
    }
    await signAndWait(api, api.tx.balances.transferKeepAlive(keys.gatewayA.address, 100n * UNIT), alice);
    await signAndWait(api, api.tx.patientIdentity.onboardPatient(keys.patient.address, randomAsHex(32)), alice);
    await signAndWait(
      api,
      api.tx.consent.grantConsent(alice.address, { categories: LAB_RESULTS, access: { read: true, write: true } }, 'Treatment', null),
      keys.patient,
    );
    gw = await startGateway({
      nodeWs: node.wsUrl,
      suri: `//Alice//fhir-gateway-${tag}`,
      dataDir: join(dir, 'a'),
      extraArgs: ['--upload-wait-secs', '90'],
    });
    ready = true;
  }, { timeout: 300_000 });

  after(async () => {
    if (gw) await gw.stop();
    if (node) await node.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  }, { timeout: 60_000 });

  afterEach((t) => {
    if (t.passed === false || t.error) {
      if (gw) console.log(`--- gateway log (${gw.logPath}) ---\n${gw.tail(30)}`);
    }
  });

  const fhir = (method, path, pair, body, headers = {}) =>
    gw.request(method, `/fhir${path}`, { pair, headers, ...(body === undefined ? {} : { body: JSON.stringify(body) }) });
  const native = (pair, recordId) => gw.request('GET', `/v1/records/${recordId}`, { pair });

  /** A FHIR refusal: the native status and reason code, as an OperationOutcome. */
  const sameRefusal = (name, res, nativeRes, reason) => {
    assert.equal(res.headers.get('content-type'), 'application/fhir+json', `${name}: ${res.text}`);
    assert.equal(res.json?.resourceType, 'OperationOutcome', `${name}: ${res.text}`);
    assert.equal(res.json.issue[0].severity, 'error');
    assert.equal(reasonOf(res.json), reason, `${name}: ${res.text}`);
    if (nativeRes) {
      assert.equal(nativeRes.json?.error, reason, `${name} (native): ${nativeRes.text}`);
      assert.equal(res.status, nativeRes.status, `${name}: the native status`);
    }
    save(`outcome-${name}`, res.json);
  };

  it('metadata: a public CapabilityStatement (FHIR 4.0.1, json) listing the interactions and search parameters', async (t) => {
    if (!ready) return t.skip('set-up failed');
    const res = await fhir('GET', '/metadata');
    assert.equal(res.status, 200, res.text);
    assert.equal(res.json.resourceType, 'CapabilityStatement');
    assert.equal(res.json.fhirVersion, '4.0.1');
    assert.deepEqual(res.json.format, ['json']);
    const resources = Object.fromEntries(res.json.rest[0].resource.map((r) => [r.type, r]));
    assert.deepEqual(resources.DocumentReference.searchParam.map((p) => p.name), ['patient', 'category', '_count']);
    assert.deepEqual(resources.Binary.interaction.map((i) => i.code), ['read']);
    assert.deepEqual(resources.AuditEvent.interaction.map((i) => i.code), ['read', 'search-type']);
    assert.ok(resources.Observation.interaction.some((i) => i.code === 'create'));
    save('capability', res.json);
  });

  it('create: a resource (POST /fhir/Observation) and a transaction Bundle (POST /fhir) are stored and anchored like native uploads; another hospital\'s staff is refused as natively', TX, async (t) => {
    if (!ready) return t.skip('set-up failed');
    const res = await fhir('POST', '/Observation', keys.clerkA, taggedReport(131, keys.patient));
    assert.equal(res.status, 201, res.text);
    ids.one = res.headers.get('x-medchain-record-id');
    assert.match(ids.one, /^0x[0-9a-f]{64}$/);
    assert.equal(res.headers.get('location'), `/fhir/Observation/${fhirId(ids.one)}`);
    save('created-observation', res.json);
    const record = (await api.query.healthRecords.records(ids.one)).unwrap();
    assert.equal(field(record, 'contentHash').toHex(), res.headers.get('x-medchain-content-hash'));
    assert.equal(field(record, 'anchoredBy').toString(), keys.gatewayA.address, 'anchored by the gateway, as a native upload');

    const bundle = {
      resourceType: 'Bundle',
      type: 'transaction',
      entry: [140, 150].map((v) => ({ resource: taggedReport(v, keys.patient), request: { method: 'POST', url: 'Observation' } })),
    };
    const tx = await fhir('POST', '', keys.clerkA, bundle);
    assert.equal(tx.status, 200, tx.text);
    assert.equal(tx.json.type, 'transaction-response');
    assert.equal(tx.json.entry.length, 2);
    for (const entry of tx.json.entry) {
      assert.equal(entry.response.status, '201 Created', JSON.stringify(entry));
      assert.match(entry.response.location, /^Observation\/[0-9a-f]{64}$/);
    }
    save('transaction-response', tx.json);
    [ids.two, ids.three] = tx.json.entry.map((e) => `0x${e.response.location.split('/')[1]}`);
    const onChain = (await api.call.healthRecordsApi.recordsOf(keys.patient.address, 0, 256)).map(([id]) => id.toHex());
    for (const id of [ids.one, ids.two, ids.three]) assert.ok(onChain.includes(id), `${id} anchored`);

    // Lakeside's doctor is no staff of St. Mary's: refused, as the native upload refuses.
    const foreign = await fhir('POST', '/Observation', keys.doctorB, taggedReport(99, keys.patient));
    const nativeForeign = await gw.request('POST', `/v1/records?patient=${keys.patient.address}&category=LabResults`, {
      pair: keys.doctorB,
      body: JSON.stringify(labReport(99)),
    });
    sameRefusal('foreign-create', foreign, nativeForeign, 'NotStaffOfThisOrganization');
    // A resource naming no patient: refused by name.
    const bare = await fhir('POST', '/Observation', keys.clerkA, labReport(98));
    sameRefusal('no-patient', bare, null, 'BadPatient');
    assert.equal(bare.status, 400);
  });

  it('before consent: search lists nothing to Lakeside\'s doctor; Binary, DocumentReference and the Observation are refused exactly as the native fetch (NotLogged); unsigned, unknown ids and unsupported search parameters get their OperationOutcome', TX, async (t) => {
    if (!ids.one) return t.skip('needs the created records');
    const search = await fhir('GET', `/DocumentReference?patient=${keys.patient.address}`, keys.doctorB);
    assert.equal(search.status, 200, search.text);
    assert.equal(search.json.type, 'searchset');
    assert.equal(search.json.total, 0, search.text);
    save('searchset-empty', search.json);
    const nativeRefused = await native(keys.doctorB, ids.one);
    for (const path of [`/Binary/${fhirId(ids.one)}`, `/DocumentReference/${fhirId(ids.one)}`, `/Observation/${fhirId(ids.one)}`]) {
      sameRefusal(`no-consent-${path.split('/')[1]}`, await fhir('GET', path, keys.doctorB), nativeRefused, 'NotLogged');
    }
    sameRefusal('unsigned', await fhir('GET', `/Binary/${fhirId(ids.one)}`), await native(undefined, ids.one), 'MissingSignatureHeader');
    const unknown = `0x${'00'.repeat(32)}`;
    sameRefusal('unknown-id', await fhir('GET', `/Binary/${fhirId(unknown)}`, keys.doctorB), await native(keys.doctorB, unknown), 'UnknownRecord');
    const unsupported = await fhir('GET', `/DocumentReference?patient=${keys.patient.address}&date=2026`, keys.doctorB);
    assert.equal(unsupported.status, 400, unsupported.text);
    assert.equal(unsupported.json.issue[0].code, 'not-supported');
    sameRefusal('unsupported-param', unsupported, null, 'BadQuery');
    const noPatient = await fhir('GET', '/DocumentReference', keys.doctorB);
    assert.equal(noPatient.status, 400, noPatient.text);
    sameRefusal('search-no-patient', noPatient, null, 'BadPatient');
  });

  it('P consents for Treatment: still NotLogged until Lakeside\'s doctor logs the read; then search, DocumentReference, Binary and the Observation are served, and the copy verifies against the chain', TX, async (t) => {
    if (!ids.one) return t.skip('needs the created records');
    const granted = await signAndWait(
      api,
      api.tx.consent.grantConsent(keys.lakeside.address, { categories: LAB_RESULTS, access: { read: true, write: false } }, 'Treatment', null),
      keys.patient,
    );
    consentToB = toNumber(findEvent(granted.events, 'consent', 'ConsentGranted').consentId);
    sameRefusal('consent-unlogged', await fhir('GET', `/Binary/${fhirId(ids.one)}`, keys.doctorB), await native(keys.doctorB, ids.one), 'NotLogged');

    loggedIn.doctor = await logPosition(
      await signAndWait(api, api.tx.consent.logAccess(keys.patient.address, consentToB, ids.one, 'LabResults'), keys.doctorB),
    );
    const binary = await fhir('GET', `/Binary/${fhirId(ids.one)}`, keys.doctorB);
    assert.equal(binary.status, 200, binary.text);
    assert.deepEqual(binary.json, taggedReport(131, keys.patient));
    const nativeServed = await native(keys.doctorB, ids.one);
    assert.equal(nativeServed.status, 200, nativeServed.text);
    assert.equal(binary.text, nativeServed.text, 'the same bytes as the native fetch');
    const salt = hexToU8a(binary.headers.get('x-medchain-salt'));
    assert.equal(blake2AsHex(u8aConcat(salt, binary.bytes), 256), binary.headers.get('x-medchain-content-hash'));
    // As a Binary resource, for a client that asks for FHIR JSON.
    const asResource = await fhir('GET', `/Binary/${fhirId(ids.one)}`, keys.doctorB, undefined, { accept: 'application/fhir+json' });
    assert.equal(asResource.json.resourceType, 'Binary', asResource.text);
    assert.equal(Buffer.from(asResource.json.data, 'base64').toString('utf8'), binary.text);
    save('binary', asResource.json);

    const search = await fhir('GET', `/DocumentReference?patient=${keys.patient.address}`, keys.doctorB);
    assert.equal(search.status, 200, search.text);
    assert.deepEqual(search.json.entry.map((e) => e.resource.id), [fhirId(ids.one)], 'only the logged record');
    save('searchset-doctor', search.json);
    const ref = await fhir('GET', `/DocumentReference/${fhirId(ids.one)}`, keys.doctorB);
    assert.equal(ref.status, 200, ref.text);
    const identifier = (system) => ref.json.identifier.find((i) => i.system === system)?.value;
    assert.equal(identifier('urn:medchain:record'), ids.one);
    assert.equal(identifier('urn:medchain:content-hash'), binary.headers.get('x-medchain-content-hash'));
    assert.equal(ref.json.category[0].coding[0].code, 'LabResults');
    assert.equal(ref.json.subject.identifier.value, keys.patient.address);
    assert.equal(ref.json.content[0].attachment.url, `/fhir/Binary/${fhirId(ids.one)}`);
    assert.deepEqual(search.json.entry[0].resource, ref.json);
    save('documentreference', ref.json);
    const obs = await fhir('GET', `/Observation/${fhirId(ids.one)}`, keys.doctorB);
    assert.equal(obs.status, 200, obs.text);
    assert.equal(obs.json.resourceType, 'Observation');
    save('observation', obs.json);
    sameRefusal('wrong-type', await fhir('GET', `/DiagnosticReport/${fhirId(ids.one)}`, keys.doctorB), null, 'UnknownRecord');

    // The patient lists all three; a category filter with nothing of it lists none.
    const own = await fhir('GET', `/DocumentReference?patient=${keys.patient.address}&_count=10`, keys.patient);
    assert.deepEqual(own.json.entry.map((e) => e.resource.id).sort(), [ids.one, ids.two, ids.three].map(fhirId).sort());
    save('searchset-patient', own.json);
    const imaging = await fhir('GET', `/DocumentReference?patient=${keys.patient.address}&category=Imaging`, keys.patient);
    assert.equal(imaging.json.total, 0, imaging.text);
  });

  it('purpose: Research and Insurance consents log no read and open nothing through FHIR, refused as natively', TX, async (t) => {
    if (!consentToB) return t.skip('needs the consent to Lakeside');
    for (const [grantee, purpose] of [[keys.helix, 'Research'], [keys.secureCare, 'Insurance']]) {
      const granted = await signAndWait(
        api,
        api.tx.consent.grantConsent(grantee.address, { categories: LAB_RESULTS, access: { read: true, write: false } }, purpose, null),
        keys.patient,
      );
      const consentId = toNumber(findEvent(granted.events, 'consent', 'ConsentGranted').consentId);
      await assert.rejects(
        signAndWait(api, api.tx.consent.logAccess(keys.patient.address, consentId, ids.one, 'LabResults'), grantee),
        /PurposeNotPermitted/,
      );
      sameRefusal(`purpose-${purpose}`, await fhir('GET', `/Binary/${fhirId(ids.one)}`, grantee), await native(grantee, ids.one), 'NotLogged');
      const search = await fhir('GET', `/DocumentReference?patient=${keys.patient.address}`, grantee);
      assert.equal(search.json.total, 0, `${purpose}: ${search.text}`);
    }
  });

  it('break-glass: Lakeside\'s nurse breaks the glass, logs the read and is served through FHIR', TX, async (t) => {
    if (!consentToB) return t.skip('needs the consent to Lakeside');
    const broke = await signAndWait(api, api.tx.consent.breakGlass(keys.patient.address, 1), keys.nurseB);
    const emergency = toNumber(findEvent(broke.events, 'consent', 'EmergencyAccessGranted').consentId);
    loggedIn.nurse = await logPosition(
      await signAndWait(api, api.tx.consent.logAccess(keys.patient.address, emergency, ids.two, 'LabResults'), keys.nurseB),
    );
    const res = await fhir('GET', `/Binary/${fhirId(ids.two)}`, keys.nurseB);
    assert.equal(res.status, 200, res.text);
    assert.equal(res.headers.get('x-medchain-served-as'), `emergency:${keys.lakeside.address}`);
  });

  it('AuditEvents: served, refused and break-glass reads, BALP-shaped, for the patient and St. Mary\'s staff only', TX, async (t) => {
    if (!consentToB) return t.skip('needs the reads');
    const res = await fhir('GET', `/AuditEvent?patient=${keys.patient.address}`, keys.patient);
    assert.equal(res.status, 200, res.text);
    assert.equal(res.json.type, 'searchset');
    save('searchset-audit', res.json);
    const events = res.json.entry.map((e) => e.resource);
    const who = (e) => e.agent.find((a) => a.requestor).who.identifier.value;
    const record = (e) => e.entity?.find((x) => x.what.identifier.system === 'urn:medchain:record')?.what.identifier.value;
    const purpose = (e) => e.purposeOfEvent?.[0]?.coding?.find((c) => c.system === ACT_REASON)?.code;
    const extrinsic = (e) => e.entity?.find((x) => x.what.identifier.system === 'urn:medchain:extrinsic')?.what.identifier.value;
    const reads = events.filter((e) => e.subtype[0].code === 'read');

    const served = reads.find((e) => who(e) === keys.doctorB.address && e.outcome === '0' && record(e) === ids.one);
    assert.ok(served, `a served read by the doctor: ${JSON.stringify(reads.map((e) => [who(e), e.outcome, e.outcomeDesc]))}`);
    assert.equal(served.action, 'R');
    assert.equal(served.type.code, 'rest');
    assert.equal(purpose(served), 'TREAT');
    const org = served.agent.find((a) => a.type.coding[0].code === 'PROV');
    assert.equal(org.who.identifier.value, keys.lakeside.address);
    assert.equal(served.agent.find((a) => a.type.coding[0].code === '110152').who.identifier.value, keys.alice.address);
    assert.equal(served.source.observer.identifier.value, keys.alice.address);
    const patientEntity = served.entity.find((x) => x.type.code === '1');
    assert.equal(patientEntity.what.identifier.value, keys.patient.address);
    assert.equal(patientEntity.role.code, '1');
    // Its source on chain: the doctor's own log_access extrinsic, `<block>-<index>`.
    assert.equal(extrinsic(served), loggedIn.doctor, 'the served read names the log_access extrinsic');
    save('auditevent-served', served);

    const refused = reads.find((e) => who(e) === keys.doctorB.address && e.outcome === '4');
    assert.ok(refused, 'a refused read by the doctor');
    assert.equal(refused.outcomeDesc, 'NotLogged');
    assert.equal(extrinsic(refused), undefined, 'a refusal has no access-log extrinsic');
    save('auditevent-refused', refused);
    const research = reads.find((e) => who(e) === keys.helix.address);
    assert.equal(research?.outcomeDesc, 'NotLogged', 'the Research sponsor\'s refused read');

    const glass = reads.find((e) => who(e) === keys.nurseB.address && e.outcome === '0');
    assert.ok(glass, 'the break-glass read');
    assert.equal(purpose(glass), 'ETREAT');
    assert.equal(record(glass), ids.two);
    assert.equal(extrinsic(glass), loggedIn.nurse, 'the break-glass read names the nurse\'s log_access');
    save('auditevent-break-glass', glass);
    assert.ok(events.some((e) => e.action === 'C' && e.subtype[0].code === 'create' && record(e) === ids.one), 'the create');

    // One event by id: the patient and St. Mary's clerk may read it; Lakeside's doctor may not.
    const byPatient = await fhir('GET', `/AuditEvent/${served.id}`, keys.patient);
    assert.equal(byPatient.status, 200, byPatient.text);
    assert.deepEqual(byPatient.json, served);
    const byClerk = await fhir('GET', `/AuditEvent/${served.id}`, keys.clerkA);
    assert.equal(byClerk.status, 200, byClerk.text);
    sameRefusal('audit-other-org', await fhir('GET', `/AuditEvent/${served.id}`, keys.doctorB), null, 'NotStaffOfThisOrganization');
    sameRefusal('audit-search-other-org', await fhir('GET', `/AuditEvent?patient=${keys.patient.address}`, keys.doctorB), null, 'NotStaffOfThisOrganization');
  });

  it('fhirclient 4.4.0 (R4) searches, reads and creates against the gateway with the signed-request auth hook', TX, async (t) => {
    if (!consentToB) return t.skip('needs the logged read');
    const py = python();
    const base = `${gw.url}/fhir`;
    const run = (args) => JSON.parse(execFileSync(py, [CHECKER, 'client', '--base', base, '--ca', devCa(), ...args], { encoding: 'utf8' }));
    const read = run([
      '--suri', keys.doctorBUri,
      '--search-patient', keys.patient.address,
      '--read', `DocumentReference/${fhirId(ids.one)}`, `Observation/${fhirId(ids.one)}`,
    ]);
    assert.deepEqual(read.search, [fhirId(ids.one)]);
    assert.equal(read.read[`DocumentReference/${fhirId(ids.one)}`].identifier[0].value, ids.one);
    assert.equal(read.read[`Observation/${fhirId(ids.one)}`].valueQuantity.value, 131);
    const file = join(dir, 'create.json');
    writeFileSync(file, JSON.stringify(taggedReport(160, keys.patient)));
    const created = run(['--suri', keys.clerkAUri, '--create', file]);
    assert.equal(created.create.valueQuantity.value, 160);
    const onChain = await api.call.healthRecordsApi.recordsOf(keys.patient.address, 0, 256);
    assert.equal(onChain.length, 4, 'the fhirclient create is anchored');
    // The auth hook is what lets it in: unsigned, the same search is refused.
    assert.throws(() => run(['--suri', '', '--search-patient', keys.patient.address, '--unsigned']), /401|MissingSignatureHeader/);
  });

  it('the README\'s FHIR client command runs as written (README.md once pasted, else the draft in docs/FHIR.md)', TX, async (t) => {
    if (!consentToB) return t.skip('needs the logged read');
    const readme = readFileSync(join(REPO, 'README.md'), 'utf8');
    const draft = readFileSync(join(REPO, 'docs/FHIR.md'), 'utf8').split('## README section (draft)')[1] ?? '';
    const source = readme.includes('check_fhir.py client') ? readme : draft;
    const block = [...source.matchAll(/```sh\n([\s\S]*?)```/g)].map((m) => m[1]).find((b) => b.includes('check_fhir.py client'));
    assert.ok(block, 'a ```sh block running check_fhir.py client');
    const script = block
      .replaceAll('~/.cache/medchain/dev-certs/ca.pem', devCa())
      .replaceAll('127.0.0.1:8801', `127.0.0.1:${gw.port}`)
      .replaceAll('//Lakeside//doctor', keys.doctorBUri);
    const out = execFileSync('bash', ['-euo', 'pipefail', '-c', script], {
      cwd: REPO,
      env: { ...process.env, PATIENT: keys.patient.address, ID: fhirId(ids.one) },
      encoding: 'utf8',
    });
    const got = JSON.parse(out.trim().split('\n').pop());
    assert.deepEqual(got.search, [fhirId(ids.one)]);
    assert.equal(got.read[`Observation/${fhirId(ids.one)}`].valueQuantity.value, 131);
  });

  it('fhir.resources (R4B models) validates every FHIR body the gateway returned', async (t) => {
    if (!ready) return t.skip('set-up failed');
    for (const kind of ['CapabilityStatement', 'Bundle', 'DocumentReference', 'OperationOutcome', 'AuditEvent', 'Observation', 'Binary']) {
      assert.ok(saved.has(kind), `no ${kind} was kept to validate`);
    }
    const out = JSON.parse(execFileSync(python(), [CHECKER, 'validate', bodies], { encoding: 'utf8' }));
    assert.ok(Object.keys(out).length >= 20, JSON.stringify(out));
    assert.equal(out['capability.json'], 'CapabilityStatement');
    assert.equal(out['auditevent-break-glass.json'], 'AuditEvent');
    // The checker does fail on a malformed resource.
    const broken = join(dir, 'broken');
    mkdirSync(broken);
    writeFileSync(join(broken, 'x.json'), JSON.stringify({ resourceType: 'AuditEvent', action: 'R' }));
    assert.throws(() => execFileSync(python(), [CHECKER, 'validate', broken], { encoding: 'utf8', stdio: 'pipe' }), /recorded|agent|source|type/);
  });
});
