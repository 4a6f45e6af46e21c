// Clinician view: a doctor, signed in with a staff key, opens a referred patient
// by the account the patient shows, asks for a consent, and once the patient granted it
// assembles the patient's history from every hospital's gateway: one transaction logs the
// reads, the documents are fetched from all gateways in parallel, each is checked against
// its anchor on chain and shown on one timeline. Break-glass is the emergency path.
import { u8aConcat, hexToU8a, u8aToHex } from '@polkadot/util';
import { blake2AsU8a } from '@polkadot/util-crypto';
import { t, getLang } from './i18n';
import type { H256 } from '@polkadot/types/interfaces';
import { chainApi, num, fmtTime, orgName, organizationOf, short, sameAccount, gatewayHeaders, bytesToText, errorMessage, type Account } from './chain';
import type { GatewayEntry, HealthRecord } from './chain-types';
import { $, h, show, fromTree, state, runTx, type Child } from './ui';
import { CATEGORIES, catNames } from './patient';
import { viewFhir } from './fhir';

/** Categories a referral asks for by default: the clinical history. */
const DEFAULT_REQUEST = ['Encounters', 'Diagnoses', 'Medications', 'LabResults', 'Imaging'];
const PURPOSES = ['Treatment', 'Research', 'Insurance', 'PublicHealth'];
/** Break-glass reason codes (agreed off chain; the chain stores the number only). */
const REASON_CODES = [1, 2, 3];

const params = new URLSearchParams(location.search);
let patient: string = params.get('patient') ?? '';

/** One document of the timeline. */
interface Item {
  recordId: string;
  category: string;
  author: string | null; // organization (admin account)
  hospital: string;
  anchoredAt: number;
  contentHash: string;
  supersedes: string | null;
  sealed: boolean;
  status: 'pending' | 'verified' | 'failed' | 'sealed';
  reason?: string;
  view?: ReturnType<typeof viewFhir>;
  earlier?: Item[];
}

let items: Item[] = [];
let summary = '';
/** What the last assembly measured (read by the benchmark and the tests). */
export interface Assembly {
  documents: number;
  verified: number;
  gateways: number;
  listMs: number;
  logMs: number;
  fetchMs: number;
  renderMs: number;
  totalMs: number;
}

function validAddress(a: string): boolean {
  try {
    chainApi().createType('AccountId32', a);
    return a.length > 0;
  } catch {
    return false;
  }
}

interface MyConsent {
  id: number;
  purpose: string;
  categories: number;
  emergency: boolean;
  active: boolean;
  expiresAt: number | null;
  revokedAt: number | null;
}

async function myConsents(p: string, org: string): Promise<MyConsent[]> {
  const raw = await chainApi().call.consentApi.consentsOf(p);
  const now = Date.now();
  return raw
    .map(([id, c]) => ({ id: num(id), c }))
    // Read consents only: a hospital's write-only consent (to anchor) reads nothing.
    .filter(({ c }) => sameAccount(c.grantee.toString(), org) && c.scope.access.read.isTrue)
    .map(({ id, c }) => {
      const expiresAt = c.expiresAt.isSome ? num(c.expiresAt.unwrap()) : null;
      const revokedAt = c.revokedAt.isSome ? num(c.revokedAt.unwrap()) : null;
      return {
        id,
        purpose: c.purpose.toString(),
        categories: c.scope.categories.toNumber(),
        emergency: c.kind.isBreakGlass,
        active: revokedAt === null && (expiresAt === null || expiresAt > now),
        expiresAt,
        revokedAt,
      };
    });
}

/** The consent to read under: the newest active one, Treatment (and break-glass) first. */
function pickConsent(cs: MyConsent[]): MyConsent | null {
  const active = cs.filter((c) => c.active).sort((a, b) => b.id - a.id);
  return active.find((c) => c.purpose === 'Treatment') ?? active[0] ?? null;
}

export async function renderClinician(el: HTMLElement): Promise<void> {
  const me = state.account;
  if (!me) {
    show(el, h('h1', null, t('clinician.title')), h('p', null, t('app.pickAccount')));
    return;
  }
  const api = chainApi();
  const lang = getLang();
  const org = await organizationOf(me.address);
  if (!org) {
    show(el, h('h1', null, t('clinician.title')), h('p', { class: 'error', 'data-testid': 'not-staff' }, t('clinician.notStaff')));
    return;
  }
  const orgLabel = await orgName(org);
  let body: Child = null;
  let consent: MyConsent | null = null;
  if (patient && validAddress(patient)) {
    const [info, consents, request] = await Promise.all([
      api.call.patientIdentityApi.patient(patient),
      myConsents(patient, org),
      api.query.consent.accessRequests(patient, org),
    ]);
    const registered = info.isSome && info.unwrap().isRegistered;
    consent = pickConsent(consents);
    const ended = consents.filter((c) => !c.active).sort((a, b) => b.id - a.id)[0];
    let status: HTMLElement;
    if (!registered) status = h('p', { class: 'error', 'data-testid': 'consent-state', 'data-state': 'not-patient' }, t('clinician.notPatient'));
    else if (consent)
      status = h(
        'p',
        {
          class: consent.emergency ? 'alert-inline' : 'ok',
          'data-testid': 'consent-state',
          'data-state': consent.emergency ? 'emergency' : 'granted',
          'data-consent-id': consent.id,
          'data-purpose': consent.purpose,
        },
        t(consent.emergency ? 'clinician.emergencyConsent' : 'clinician.consent', {
          id: consent.id,
          purpose: t(`purpose.${consent.purpose}`),
          categories: catNames(consent.categories),
          until: consent.expiresAt ? fmtTime(consent.expiresAt, lang) : t('consent.noExpiry'),
        }),
      );
    else if (request.isSome) {
      const r = request.unwrap();
      status = h(
        'p',
        { 'data-testid': 'consent-state', 'data-state': 'requested' },
        t('clinician.requested', { at: fmtTime(num(r.requestedAt), lang), categories: catNames(r.scope.categories.toNumber()), purpose: t(`purpose.${r.purpose.toString()}`) }),
      );
    } else
      status = h(
        'p',
        { 'data-testid': 'consent-state', 'data-state': ended ? 'ended' : 'none' },
        ended ? t('clinician.ended', { id: ended.id, at: fmtTime(ended.revokedAt ?? ended.expiresAt, lang) }) : t('clinician.noConsent'),
      );

    const requestForm = registered
      ? h(
          'form',
          { id: 'request-form', 'aria-labelledby': 'h-request', novalidate: true },
          h('h3', { id: 'h-request' }, t('clinician.requestTitle')),
          h(
            'fieldset',
            null,
            h('legend', null, t('consent.categories')),
            CATEGORIES.map((c, i) =>
              h('label', { class: 'check' }, h('input', { type: 'checkbox', name: 'req-cat', value: i, checked: DEFAULT_REQUEST.includes(c) }), ` ${t(`cat.${c}`)}`),
            ),
          ),
          h(
            'p',
            null,
            h('label', { for: 'req-purpose' }, t('consent.purpose')),
            ' ',
            h('select', { id: 'req-purpose' }, PURPOSES.map((p) => h('option', { value: p }, t(`purpose.${p}`)))),
          ),
          h('p', { class: 'error', id: 'request-error', role: 'alert' }),
          h('button', { type: 'submit', id: 'request-submit' }, t('clinician.sendRequest')),
        )
      : null;

    const summaryEl = () => h('p', { 'data-testid': 'assembly-summary', role: 'status' }, summary);
    const timeline = items.length ? [summaryEl(), h('ol', { class: 'timeline', 'data-testid': 'timeline' }, items.map((it) => itemNode(it, lang)))] : summary ? summaryEl() : null;

    body = [
      h('section', { 'aria-labelledby': 'h-consent' }, h('h2', { id: 'h-consent' }, t('clinician.consentTitle')), status, consent ? null : requestForm),
      h(
        'section',
        { 'aria-labelledby': 'h-history' },
        h('h2', { id: 'h-history' }, t('clinician.historyTitle')),
        h('p', { class: 'muted' }, t('clinician.historyHelp')),
        h(
          'p',
          null,
          h('button', { type: 'button', id: 'assemble', disabled: !consent }, t('clinician.assemble')),
          items.length ? [' ', h('button', { type: 'button', id: 'refetch' }, t('clinician.refetch'))] : null,
        ),
        timeline,
      ),
      registered
        ? h(
            'section',
            { 'aria-labelledby': 'h-bg', class: 'danger' },
            h('h2', { id: 'h-bg' }, t('clinician.breakGlassTitle')),
            h('p', null, t('clinician.breakGlassText')),
            h(
              'p',
              null,
              h('label', { for: 'bg-reason' }, t('clinician.reason')),
              ' ',
              h('select', { id: 'bg-reason' }, REASON_CODES.map((c) => h('option', { value: c }, t(`clinician.reason${c}`)))),
            ),
            h('p', null, h('label', { class: 'check' }, h('input', { type: 'checkbox', id: 'bg-confirm' }), ` ${t('clinician.breakGlassConfirm')}`)),
            h('p', { class: 'error', id: 'bg-error', role: 'alert' }),
            h('button', { type: 'button', id: 'break-glass', class: 'danger-btn' }, t('clinician.breakGlass')),
          )
        : null,
    ];
  } else if (patient) {
    body = h('p', { class: 'error', role: 'alert', 'data-testid': 'bad-patient' }, t('clinician.badAddress'));
  }

  show(
    el,
    h('h1', null, t('clinician.title')),
    h('p', { 'data-testid': 'acting-for' }, t('clinician.actingFor', { org: orgLabel })),
    h(
      'form',
      { id: 'patient-form', class: 'inline', 'aria-label': t('clinician.openPatient') },
      h('label', { for: 'patient-address' }, t('clinician.patientAddress')),
      ' ',
      h('input', { id: 'patient-address', size: 52, value: patient, autocomplete: 'off', spellcheck: 'false' }),
      ' ',
      h('button', { type: 'submit' }, t('clinician.open')),
    ),
    h('p', { class: 'muted' }, t('clinician.patientHelp')),
    body,
  );

  $(el, '#patient-form').addEventListener('submit', async (e) => {
    e.preventDefault();
    const v = $<HTMLInputElement>(el, '#patient-address').value.trim();
    if (v !== patient) {
      items = [];
      summary = '';
    }
    patient = v;
    await state.rerender();
  });
  el.querySelector('#request-form')?.addEventListener('submit', async (e) => {
    e.preventDefault();
    let bits = 0;
    el.querySelectorAll<HTMLInputElement>('input[name=req-cat]:checked').forEach((c) => (bits |= 1 << Number(c.value)));
    if (bits === 0) return void ($(el, '#request-error').textContent = t('consent.needCategory'));
    const purpose = $<HTMLSelectElement>(el, '#req-purpose').value;
    const ok = await runTx('action.request', api.tx.consent.requestAccess(patient, { categories: bits, access: { read: true, write: false } }, purpose));
    if (ok) {
      await state.rerender();
      waitForConsent(org);
    }
  });
  el.querySelector('#assemble')?.addEventListener('click', async () => {
    const cs = pickConsent(await myConsents(patient, org));
    if (!cs) return void (await state.rerender());
    await assemble(me, org, cs);
  });
  el.querySelector('#refetch')?.addEventListener('click', async () => {
    await fetchAll(me, items.filter((i) => !i.sealed));
    summary = t('clinician.refetched', { n: items.filter((i) => i.status === 'verified').length, total: items.length });
    await state.rerender();
  });
  el.querySelectorAll<HTMLButtonElement>('button.earlier').forEach((b) =>
    b.addEventListener('click', async () => {
      const it = items.find((i) => i.recordId === b.dataset.id);
      const cs = pickConsent(await myConsents(patient, org));
      if (it && cs) await earlierVersions(me, cs, it);
    }),
  );
  el.querySelector('#break-glass')?.addEventListener('click', async () => {
    if (!$<HTMLInputElement>(el, '#bg-confirm').checked) {
      $(el, '#bg-error').textContent = t('clinician.breakGlassNeedConfirm');
      return;
    }
    const code = Number($<HTMLSelectElement>(el, '#bg-reason').value);
    const ok = await runTx('action.breakGlass', api.tx.consent.breakGlass(patient, code));
    if (ok) await state.rerender();
  });
  if (patient && !consent && el.querySelector('[data-state="requested"]')) waitForConsent(org);
}

function itemNode(it: Item, lang: string): HTMLElement {
  let status: HTMLElement;
  if (it.status === 'verified') status = h('span', { class: 'ok', 'data-testid': 'doc-status' }, `✓ ${t('clinician.verified')}`);
  else if (it.status === 'sealed') status = h('span', { class: 'error', 'data-testid': 'doc-status' }, t('clinician.sealed'));
  else if (it.status === 'failed') status = h('span', { class: 'error', 'data-testid': 'doc-status' }, `✗ ${t('clinician.notVerified', { reason: it.reason ?? '' })}`);
  else status = h('span', { class: 'muted', 'data-testid': 'doc-status' }, t('clinician.fetching'));
  const v = it.view;
  const title = v ? h('h3', { class: 'tl-title' }, v.when ? [h('time', { datetime: v.when }, fmtWhen(v.when, lang)), ' · '] : null, v.title) : null;
  const earlier = it.supersedes
    ? it.earlier
      ? h(
          'details',
          { open: true },
          h('summary', null, t('clinician.earlierVersions', { n: it.earlier.length })),
          h('ol', { class: 'timeline earlier' }, it.earlier.map((e) => itemNode(e, lang))),
        )
      : h('button', { type: 'button', class: 'earlier', 'data-id': it.recordId }, t('clinician.showEarlier'))
    : null;
  return h(
    'li',
    { class: `tl-item ${it.status}`, 'data-record-id': it.recordId, 'data-status': it.status, 'data-kind': v?.kind ?? '', 'data-category': it.category },
    title,
    h(
      'p',
      { class: 'tl-meta' },
      h('span', { class: 'tl-hospital' }, it.hospital),
      ` · ${t(`cat.${it.category}`)} · ${t('clinician.anchored', { at: fmtTime(it.anchoredAt, lang) })} · `,
      status,
      ' ',
      h('code', { title: it.recordId }, short(it.recordId)),
    ),
    v ? h('div', { class: 'tl-doc' }, fromTree(v.body)) : null,
    earlier,
  );
}

function fmtWhen(iso: string, lang: string): string {
  const ms = Date.parse(iso);
  if (Number.isNaN(ms)) return iso;
  return new Date(ms).toLocaleDateString(lang === 'zh-CN' ? 'zh-CN' : 'en-GB', { timeZone: 'UTC', dateStyle: 'medium' });
}

/**
 * Re-render on every new best block until the organization holds a consent (or the view
 * changes). The best block, not the finalized one: the doctor sees the patient's answer as
 * soon as it is in a block, and nothing is lost if that block is abandoned — the log
 * transaction is checked again on chain, and the gateways decide on their best block.
 */
let waiting = false;
function waitForConsent(org: string): void {
  if (waiting) return;
  waiting = true;
  const mine = patient;
  let unsub: (() => void) | null = null;
  void chainApi()
    .rpc.chain.subscribeNewHeads(async () => {
      if (state.view !== 'clinician' || patient !== mine) {
        unsub?.();
        waiting = false;
        return;
      }
      const cs = pickConsent(await myConsents(mine, org));
      if (cs) {
        unsub?.();
        waiting = false;
        await state.rerender();
      }
    })
    .then((u) => (unsub = u));
}

interface Gateway {
  url: string;
  audience: string;
}

/**
 * Whether a gateway's audience (what requests to it are signed for) names organization
 * `org` and the signing key `key` the chain's directory publishes for it, then its 16-byte
 * instance id: a server that shows the published key but another gateway's audience would
 * collect requests valid at that other gateway, so the portal signs for nothing else.
 */
function audienceNames(audience: unknown, org: string, key: string): boolean {
  if (typeof audience !== 'string') return false;
  const id = (a: string) => chainApi().createType('AccountId32', a).toHex().slice(2);
  const prefix = `0x${id(org)}${id(key)}`.toLowerCase();
  const lower = audience.toLowerCase();
  return lower.startsWith(prefix) && /^[0-9a-f]{32}$/.test(lower.slice(prefix.length));
}

/**
 * The gateways of `orgs` (authors of the patient's records), each checked against its own
 * /v1/info. One runtime call answers for all of them (`gatewaysOfPatient`: the directory
 * entries of the patient's records' authors); an author it does not list (e.g. one whose
 * records are all in batches) is asked for alone (`gatewayOf`).
 */
/** The fields of a gateway's /v1/info the portal checks. */
interface GatewayInfo {
  organization: string;
  signer: string;
  audience: unknown;
}

function isGatewayInfo(x: unknown): x is GatewayInfo {
  if (typeof x !== 'object' || x === null) return false;
  const o = x as Record<string, unknown>;
  return typeof o.organization === 'string' && typeof o.signer === 'string';
}

async function gateways(orgs: string[]): Promise<Map<string, Gateway | string>> {
  const api = chainApi();
  const out = new Map<string, Gateway | string>();
  const listed = new Map<string, GatewayEntry>();
  for (const [org, entry] of await api.call.gatewayDirectoryApi.gatewaysOfPatient(patient)) listed.set(org.toString(), entry);
  await Promise.all(
    [...new Set(orgs)].map(async (o) => {
      let e = [...listed].find(([org]) => sameAccount(org, o))?.[1];
      if (!e) {
        const entry = await api.call.gatewayDirectoryApi.gatewayOf(o);
        if (entry.isNone) return void out.set(o, t('clinician.noGateway'));
        e = entry.unwrap();
      }
      const url = bytesToText(e.endpoint.toHex()).replace(/\/+$/, '');
      try {
        const res = await fetch(`${url}/v1/info`);
        const info: unknown = await res.json();
        const key = api.createType('AccountId32', e.publicKey.toHex()).toString();
        if (!isGatewayInfo(info) || !sameAccount(info.organization, o) || !sameAccount(info.signer, key) || !audienceNames(info.audience, o, key))
          return void out.set(o, t('clinician.gatewayMismatch', { url }));
        out.set(o, { url, audience: info.audience as string });
      } catch (err: unknown) {
        out.set(o, t('clinician.gatewayDown', { url, message: errorMessage(err) }));
      }
    }),
  );
  return out;
}

function toItem(rid: H256, r: HealthRecord, hospital: string): Item {
  return {
    recordId: rid.toHex(),
    category: r.category.toString(),
    author: r.author.isSome ? r.author.unwrap().toString() : null,
    hospital,
    anchoredAt: num(r.anchoredAt),
    contentHash: r.contentHash.toHex(),
    supersedes: r.supersedes.isSome ? r.supersedes.unwrap().toHex() : null,
    sealed: r.sealedAt.isSome,
    status: r.sealedAt.isSome ? 'sealed' : 'pending',
  };
}

/** Log the reads of `reads` under `consent`, in as few transactions as MaxReadsPerLog allows. */
async function logReads(consent: MyConsent, reads: Item[]): Promise<boolean> {
  const api = chainApi();
  const max = api.consts.consent.maxReadsPerLog.toNumber();
  for (let i = 0; i < reads.length; i += max) {
    const chunk = reads.slice(i, i + max).map((it) => [it.recordId, it.category]);
    // In a block is enough: gateways decide on their best block.
    const ok = await runTx('action.logReads', api.tx.consent.logAccesses(patient, consent.id, chunk), { resolveAt: 'inBlock' });
    if (!ok) return false;
  }
  return true;
}

let gatewayCache = new Map<string, Gateway | string>();

/** Fetch `list` from their authors' gateways in parallel and check each against its anchor. */
async function fetchAll(me: Account, list: Item[]): Promise<void> {
  const orgs = list.map((i) => i.author).filter((a): a is string => !!a);
  const missing = orgs.filter((o) => !gatewayCache.has(o));
  if (missing.length) for (const [k, v] of await gateways(missing)) gatewayCache.set(k, v);
  await Promise.all(list.map((it) => fetchOne(me, it)));
}

async function fetchOne(me: Account, it: Item): Promise<void> {
  const gw = it.author ? gatewayCache.get(it.author) : t('clinician.noAuthor');
  if (!gw || typeof gw === 'string') {
    it.status = 'failed';
    it.reason = gw ?? t('clinician.noGateway');
    return;
  }
  const url = `${gw.url}/v1/records/${it.recordId}`;
  try {
    // Signed for the entry's endpoint, where it is sent: a server there relaying to the
    // hospital's gateway gets the request refused (WrongOrigin), not the document.
    const headers = await gatewayHeaders(me, gw.audience, 'GET', url);
    const res = await fetch(url, { headers });
    const bytes = new Uint8Array(await res.arrayBuffer());
    if (res.status !== 200) {
      let code = String(res.status);
      let message = '';
      try {
        const j: unknown = JSON.parse(new TextDecoder().decode(bytes));
        if (typeof j === 'object' && j !== null) {
          const { error, code: c, message: m } = j as Record<string, unknown>;
          code = typeof error === 'string' ? error : typeof c === 'string' || typeof c === 'number' ? String(c) : code;
          message = typeof m === 'string' ? m : '';
        }
      } catch {
        /* not JSON */
      }
      it.status = res.status === 410 ? 'sealed' : 'failed';
      it.reason = t(`clinician.refused.${code}`, {}, null) ?? t('clinician.refusedOther', { code, message });
      it.view = undefined;
      return;
    }
    const salt = res.headers.get('x-medchain-salt') ?? '';
    const recomputed = u8aToHex(blake2AsU8a(u8aConcat(hexToU8a(salt), bytes), 256));
    if (recomputed !== it.contentHash) {
      it.status = 'failed';
      it.reason = t('clinician.hashMismatch');
      it.view = undefined;
      return;
    }
    it.view = viewFhir(JSON.parse(new TextDecoder().decode(bytes)) as unknown);
    it.status = 'verified';
    it.reason = undefined;
  } catch (err: unknown) {
    it.status = 'failed';
    it.reason = t('clinician.networkError', { message: errorMessage(err) });
  }
}

function sortTimeline(list: Item[]): void {
  const key = (i: Item) => {
    const w = i.view?.when ? Date.parse(i.view.when) : NaN;
    return Number.isNaN(w) ? i.anchoredAt : w;
  };
  list.sort((a, b) => key(b) - key(a));
}

async function assemble(me: Account, org: string, consent: MyConsent): Promise<void> {
  const t0 = performance.now();
  const raw = await chainApi().call.healthRecordsApi.recordsOf(patient, 0, 256);
  const all: Item[] = [];
  for (const [rid, r] of raw) {
    if (r.supersededBy.isSome) continue; // the latest version only; earlier ones on request
    if (!(consent.categories & (1 << CATEGORIES.indexOf(r.category.toString())))) continue;
    const author = r.author.isSome ? r.author.unwrap().toString() : null;
    all.push(toItem(rid, r, author ? await orgName(author) : t('records.selfUpload')));
  }
  gatewayCache = new Map();
  const t1 = performance.now();
  const toRead = all.filter((i) => !i.sealed);
  let t2 = t1;
  if (toRead.length) {
    // The gateways' directory entries and /v1/info while the log transaction waits for its block.
    const authors = [...new Set(toRead.map((i) => i.author).filter((a): a is string => !!a))];
    const infos = gateways(authors).then((m) => m.forEach((v, k) => gatewayCache.set(k, v)));
    const logged = await logReads(consent, toRead);
    await infos;
    if (!logged) {
      summary = t('clinician.logFailed');
      items = [];
      await state.rerender();
      return;
    }
    t2 = performance.now();
    await fetchAll(me, toRead);
  }
  const t3 = performance.now();
  sortTimeline(all);
  items = all;
  const verified = all.filter((i) => i.status === 'verified').length;
  const hospitals = new Set(all.map((i) => i.author)).size;
  summary = t('clinician.summary', { n: all.length, verified, hospitals, seconds: ((t3 - t0) / 1000).toFixed(1) });
  await state.rerender();
  const t4 = performance.now();
  const result: Assembly = {
    documents: all.length,
    verified,
    gateways: hospitals,
    listMs: t1 - t0,
    logMs: t2 - t1,
    fetchMs: t3 - t2,
    renderMs: t4 - t3,
    totalMs: t4 - t0,
  };
  window.medchainLastAssembly = result;
  document.getElementById('view')?.setAttribute('data-assembled', String(Date.now()));
}

async function earlierVersions(me: Account, consent: MyConsent, it: Item): Promise<void> {
  const history = await chainApi().call.healthRecordsApi.recordHistory(it.recordId);
  const older: Item[] = [];
  for (const [rid, r] of history) {
    if (rid.toHex() === it.recordId) continue;
    const author = r.author.isSome ? r.author.unwrap().toString() : null;
    older.push(toItem(rid, r, author ? await orgName(author) : t('records.selfUpload')));
  }
  const toRead = older.filter((i) => !i.sealed);
  if (toRead.length && (await logReads(consent, toRead))) await fetchAll(me, toRead);
  older.sort((a, b) => b.anchoredAt - a.anchoredAt);
  it.earlier = older;
  await state.rerender();
}
