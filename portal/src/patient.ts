// Patient view: registration, records (verify a copy, seal), consents (grant, revoke),
// access log with emergency alerts, erasure, guardians and recovery.
import { contentHash } from '@medchain/client';
import qrcode from 'qrcode-generator';
import type { Codec } from '@polkadot/types/types';
import { Option } from '@polkadot/types-codec';
import { t, getLang } from './i18n';
import { chainApi, num, fmtTime, organizations, orgName, ROLE_BITS, short, errorMessage } from './chain';
import { h, show, state, runTx } from './ui';

export const CATEGORIES = ['Demographics', 'Encounters', 'Diagnoses', 'Medications', 'LabResults', 'Imaging', 'Genomics', 'MentalHealth', 'Other'];
const PURPOSES = ['Treatment', 'Research', 'Insurance', 'PublicHealth'];

/** The names of the categories in a consent's bit set, in the current language. */
export function catNames(bits: number): string {
  return CATEGORIES.filter((_, i) => bits & (1 << i))
    .map((c) => t(`cat.${c}`))
    .join(', ');
}

function rolesText(roles: number): string {
  return ROLE_BITS.filter(([b]) => roles & b)
    .map(([, n]) => t(`role.${n}`))
    .join(', ');
}

/** An event field by name (polkadot.js names the fields of an event's data). */
function eventField(data: Codec[] & { names: string[] | null }, name: string): Codec | undefined {
  const i = data.names?.indexOf(name) ?? -1;
  return i >= 0 ? data[i] : undefined;
}

/**
 * Emergencies reach the patient at once: while this view is open, every new block's events
 * are read, and a hospital breaking the glass for this patient, or logging a read under an
 * emergency consent (which a gateway requires before it serves the document), re-renders the
 * view, whose alert then lists it. One subscription, for the patient on screen.
 */
let watching: { patient: string; unsub: (() => void) | null } | null = null;
function watchEmergencies(patient: string): void {
  if (watching?.patient === patient) return;
  watching?.unsub?.();
  const mine: { patient: string; unsub: (() => void) | null } = { patient, unsub: null };
  watching = mine;
  const stop = () => {
    mine.unsub?.();
    if (watching === mine) watching = null;
  };
  void chainApi()
    .query.system.events((records) => {
      if (watching !== mine) return stop();
      if (state.view !== 'patient' || state.account?.address !== patient) return stop();
      const concernsMe = records.some(({ event }) => {
        if (event.section !== 'consent') return false;
        const forMe = eventField(event.data, 'patient')?.toString() === patient;
        if (event.method === 'EmergencyAccessGranted') return forMe;
        if (event.method === 'AccessLogged') return forMe && eventField(event.data, 'emergency')?.toString() === 'true';
        return false;
      });
      if (concernsMe) void state.rerender();
    })
    .then((u) => {
      mine.unsub = u;
      if (watching !== mine) u();
    });
}

export async function renderPatient(el: HTMLElement): Promise<void> {
  const me = state.account;
  if (!me) {
    show(el, h('h1', null, t('patient.title')), h('p', null, t('app.pickAccount')));
    return;
  }
  const api = chainApi();
  const lang = getLang();
  watchEmergencies(me.address);
  // Storage a runtime may not have (guardian proxies, recovery friend groups): asked only when there.
  const recoveryQuery = (api.query as Record<string, Record<string, ((who: string) => Promise<Codec>) | undefined> | undefined>).recovery?.friendGroups;
  const [info, freeLeft, recordsRaw, consentsRaw, logRaw, orgs, proxies, recoverable, requestsRaw] = await Promise.all([
    api.call.patientIdentityApi.patient(me.address),
    api.call.patientIdentityApi.freeCallsLeft(me.address),
    api.call.healthRecordsApi.recordsOf(me.address, 0, 256),
    api.call.consentApi.consentsOf(me.address),
    api.call.consentApi.accessLog(me.address),
    organizations(),
    api.query.proxy ? api.query.proxy.proxies(me.address) : null,
    recoveryQuery ? recoveryQuery(me.address) : null,
    api.query.consent.accessRequests.entries(me.address),
  ]);

  // --- registration
  let reg: HTMLElement;
  let registered = false;
  if (info.isNone) {
    reg = h('p', { 'data-testid': 'reg-status' }, t('patient.notRegistered'));
  } else if (info.unwrap().isDeregistered) {
    reg = h('p', { 'data-testid': 'reg-status' }, t('patient.deregistered', { block: info.unwrap().asDeregistered.deregisteredAt.toNumber() }));
  } else {
    registered = true;
    const r = info.unwrap().asRegistered;
    const attested = r.attestations.map((a) => a.toString());
    // Onboarding by a Provider counts as its attestation (README: "Attested means onboarded by
    // a Provider or attested by one"), so show the onboarding hospital there too.
    if (r.onboardedBy.isSome && !attested.includes(r.onboardedBy.unwrap().toString())) attested.unshift(r.onboardedBy.unwrap().toString());
    const atts = await Promise.all(attested.map((a) => orgName(a)));
    reg = h(
      'dl',
      { class: 'kv', 'data-testid': 'reg-status' },
      h('dt', null, t('patient.status')),
      h('dd', null, t('patient.registered', { block: r.registeredAt.toNumber() })),
      h('dt', null, t('patient.commitment')),
      h('dd', null, h('code', null, short(r.commitment.toHex()))),
      h('dt', null, t('patient.onboardedBy')),
      h('dd', null, r.onboardedBy.isSome ? await orgName(r.onboardedBy.unwrap().toString()) : t('patient.self')),
      h('dt', null, t('patient.attestations')),
      h('dd', null, atts.length ? atts.join(', ') : t('patient.none')),
      h('dt', null, t('patient.freeCalls')),
      h('dd', null, freeLeft.toNumber()),
    );
  }

  // Reads logged under each consent (the gateways serve a document only once its read is
  // logged, so these are the documents actually opened).
  const readsOf = new Map<number, { n: number; last: number }>();
  for (const e of logRaw) {
    const cid = num(e.consentId);
    const r = readsOf.get(cid) ?? { n: 0, last: 0 };
    readsOf.set(cid, { n: r.n + 1, last: Math.max(r.last, num(e.at)) });
  }

  // --- consents
  const consents = consentsRaw.map(([id, c]) => ({ id: num(id), c }));
  const now = Date.now();
  const rows: HTMLElement[] = [];
  const alerts: HTMLElement[] = [];
  const breakGlassIds = new Set<number>();
  const emergencyBadge = () => h('strong', { class: 'badge-alert' }, t('consent.emergency'));
  for (const { id, c } of consents) {
    const grantee = await orgName(c.grantee.toString());
    const bg = c.kind.isBreakGlass;
    const revoked = c.revokedAt.isSome;
    const expires = c.expiresAt.isSome ? num(c.expiresAt.unwrap()) : null;
    const active = !revoked && (expires === null || expires > now);
    const status = revoked ? t('consent.revoked', { at: fmtTime(num(c.revokedAt.unwrap()), lang) }) : active ? t('consent.active') : t('consent.expired');
    const access = [c.scope.access.read.isTrue ? t('consent.read') : '', c.scope.access.write.isTrue ? t('consent.write') : ''].filter(Boolean).join(' + ');
    if (bg) {
      breakGlassIds.add(id);
      const reads = readsOf.get(id);
      alerts.push(
        h(
          'li',
          { 'data-testid': 'emergency-alert', 'data-consent-id': id },
          t('patient.emergencyAlert', { org: grantee, at: fmtTime(num(c.grantedAt), lang), until: fmtTime(expires, lang), code: c.kind.asBreakGlass.reasonCode.toNumber() }),
          reads ? [' ', h('strong', { 'data-testid': 'emergency-reads', 'data-reads': reads.n }, t('patient.emergencyReads', { n: reads.n, at: fmtTime(reads.last, lang) }))] : null,
        ),
      );
    }
    rows.push(
      h(
        'tr',
        { 'data-consent-id': id, 'data-active': String(active), class: bg ? 'alert-row' : '' },
        h('td', null, id),
        h('td', null, grantee, bg ? [' ', emergencyBadge()] : null),
        h('td', null, catNames(c.scope.categories.toNumber())),
        h('td', null, access),
        h('td', null, t(`purpose.${c.purpose.toString()}`)),
        h('td', null, fmtTime(num(c.grantedAt), lang)),
        h('td', null, expires ? fmtTime(expires, lang) : t('consent.noExpiry')),
        h('td', { 'data-testid': 'consent-status' }, status),
        h(
          'td',
          null,
          active && !bg ? h('button', { type: 'button', class: 'revoke', 'data-id': id, 'aria-label': t('consent.revokeLabel', { id, org: grantee }) }, t('consent.revoke')) : null,
        ),
      ),
    );
  }

  // --- access log
  const logRows: HTMLElement[] = [];
  for (const e of logRaw) {
    const cid = num(e.consentId);
    // Each entry records its consent's purpose and whether it was break-glass (storage v4).
    const emergency = e.emergency ? e.emergency.isTrue : breakGlassIds.has(cid);
    const purpose = e.purpose ? e.purpose.toString() : '';
    logRows.push(
      h(
        'tr',
        { class: emergency ? 'alert-row' : '', 'data-emergency': String(emergency) },
        h('td', null, fmtTime(num(e.at), lang)),
        h('td', null, await orgName(e.organization.toString())),
        h('td', null, h('code', null, short(e.accessor.toString()))),
        h('td', { 'data-testid': 'log-purpose' }, purpose ? t(`purpose.${purpose}`) : ''),
        h('td', null, t(`cat.${e.category.toString()}`)),
        h('td', null, h('code', null, short(e.recordId.toHex()))),
        h('td', null, cid, emergency ? [' ', emergencyBadge()] : null),
      ),
    );
  }

  // --- records
  const recRows: HTMLElement[] = [];
  for (const [rid, r] of recordsRaw) {
    const id = rid.toHex();
    const sealed = r.sealedAt.isSome;
    const author = r.author.isSome ? await orgName(r.author.unwrap().toString()) : t('records.selfUpload');
    const chain = [r.supersedes.isSome ? t('records.supersedes', { id: short(r.supersedes.unwrap().toHex()) }) : '', r.supersededBy.isSome ? t('records.supersededBy', { id: short(r.supersededBy.unwrap().toHex()) }) : t('records.latest')]
      .filter(Boolean)
      .join('; ');
    recRows.push(
      h(
        'tr',
        { 'data-record-id': id },
        h('td', null, h('code', { title: id }, short(id))),
        h('td', null, t(`cat.${r.category.toString()}`)),
        h('td', null, author),
        h('td', null, fmtTime(num(r.anchoredAt), lang)),
        h('td', { 'data-testid': 'sealed' }, sealed ? t('records.sealedAt', { at: fmtTime(num(r.sealedAt.unwrap()), lang) }) : t('records.notSealed')),
        h('td', null, chain),
        h('td', null, sealed ? null : h('button', { type: 'button', class: 'seal', 'data-id': id }, t('records.seal'))),
      ),
    );
  }

  // --- access requests (a clinician asks; approving is the consent grant)
  const lifetime = num(api.consts.consent.accessRequestLifetime);
  const in30days = new Date(Date.now() + 30 * 24 * 3600 * 1000).toISOString().slice(0, 10);
  const reqRows: HTMLElement[] = [];
  for (const [k, v] of requestsRaw) {
    if (v.isNone) continue;
    const org = k.args[1].toString();
    const r = v.unwrap();
    const at = num(r.requestedAt);
    const lapsed = lifetime > 0 && at + lifetime <= now;
    const bits = r.scope.categories.toNumber();
    const name = await orgName(org);
    reqRows.push(
      h(
        'li',
        { class: 'request', 'data-org': org, 'data-testid': 'access-request', 'data-lapsed': String(lapsed) },
        h(
          'p',
          null,
          t('request.text', { org: name, who: short(r.requester.toString()), at: fmtTime(at, lang), purpose: t(`purpose.${r.purpose.toString()}`) }),
          lapsed ? [' ', h('em', null, t('request.lapsed'))] : null,
        ),
        h(
          'fieldset',
          null,
          h('legend', null, t('request.categories')),
          CATEGORIES.map((c, i) =>
            bits & (1 << i) ? h('label', { class: 'check' }, h('input', { type: 'checkbox', name: 'req-cat', value: i, checked: true }), ` ${t(`cat.${c}`)}`) : null,
          ),
        ),
        h('p', null, h('label', null, t('request.until'), ' ', h('input', { type: 'date', class: 'req-expiry', value: in30days }))),
        h(
          'button',
          { type: 'button', class: 'approve', 'data-purpose': r.purpose.toString(), 'data-read': String(r.scope.access.read.isTrue), 'data-write': String(r.scope.access.write.isTrue) },
          t('request.approve'),
        ),
        ' ',
        h('button', { type: 'button', class: 'decline secondary' }, t('request.decline')),
      ),
    );
  }

  // A doctor's phone or workstation scanning this opens the clinician view on this patient.
  const clinicianLink = `${location.origin}${location.pathname}?patient=${encodeURIComponent(me.address)}#clinician`;

  const grantees = orgs.filter((o) => o.status === 'Active');
  const guardianProxies = proxies ? proxies[0].filter((p) => p.proxyType.toString() === 'Guardian') : [];
  const hasRecovery = recoverable instanceof Option && recoverable.isSome;
  const th = (text: string) => h('th', { scope: 'col' }, text);

  show(
    el,
    h('h1', null, t('patient.title')),
    alerts.length
      ? h('div', { class: 'alert', role: 'alert', 'data-testid': 'emergency-alerts' }, h('h2', null, t('patient.emergencyTitle')), h('ul', null, alerts), h('p', null, t('patient.emergencyHelp')))
      : null,
    h(
      'section',
      { 'aria-labelledby': 'h-reg' },
      h('h2', { id: 'h-reg' }, t('patient.registration')),
      h(
        'p',
        null,
        t('patient.myAccount'),
        ' ',
        h('code', { 'data-testid': 'my-address' }, me.address),
        ' ',
        h('button', { type: 'button', id: 'copy-address', class: 'secondary' }, t('patient.copyAddress')),
      ),
      h('p', { class: 'muted' }, t('patient.myAccountHelp')),
      h(
        'figure',
        { class: 'qr', 'data-testid': 'my-qr', 'data-link': clinicianLink },
        h('img', { src: qrDataUrl(clinicianLink), alt: t('patient.qrAlt'), width: 180, height: 180 }),
        h('figcaption', { class: 'muted' }, t('patient.qrCaption')),
      ),
      reg,
    ),
    reqRows.length
      ? h('section', { 'aria-labelledby': 'h-requests', class: 'requests' }, h('h2', { id: 'h-requests' }, t('request.title')), h('ul', { 'data-testid': 'access-requests' }, reqRows))
      : null,

    h(
      'section',
      { 'aria-labelledby': 'h-consents' },
      h('h2', { id: 'h-consents' }, t('consent.title')),
      rows.length
        ? h(
            'div',
            { class: 'scroll' },
            h(
              'table',
              { 'data-testid': 'consents' },
              h('caption', null, t('consent.caption')),
              h(
                'thead',
                null,
                h(
                  'tr',
                  null,
                  th(t('consent.id')),
                  th(t('consent.grantee')),
                  th(t('consent.categories')),
                  th(t('consent.access')),
                  th(t('consent.purpose')),
                  th(t('consent.granted')),
                  th(t('consent.expires')),
                  th(t('consent.status')),
                  th(t('consent.actions')),
                ),
              ),
              h('tbody', null, rows),
            ),
          )
        : h('p', null, t('consent.none')),

      h(
        'form',
        { id: 'grant-form', 'aria-labelledby': 'h-grant', novalidate: true },
        h('h3', { id: 'h-grant' }, t('consent.grantTitle')),
        h(
          'p',
          null,
          h('label', { for: 'grantee' }, t('consent.organization')),
          ' ',
          h('select', { id: 'grantee', required: true }, grantees.map((o) => h('option', { value: o.address }, `${o.name} — ${rolesText(o.roles)}`))),
        ),
        h(
          'fieldset',
          null,
          h('legend', null, t('consent.categories')),
          CATEGORIES.map((c, i) => h('label', { class: 'check' }, h('input', { type: 'checkbox', name: 'cat', value: i, id: `cat-${c}` }), ` ${t(`cat.${c}`)}`)),
        ),
        h(
          'fieldset',
          null,
          h('legend', null, t('consent.access')),
          h('label', { class: 'check' }, h('input', { type: 'checkbox', id: 'acc-read', checked: true }), ` ${t('consent.read')}`),
          ' ',
          h('label', { class: 'check' }, h('input', { type: 'checkbox', id: 'acc-write' }), ` ${t('consent.write')}`),
        ),
        h(
          'p',
          null,
          h('label', { for: 'purpose' }, t('consent.purpose')),
          ' ',
          h('select', { id: 'purpose' }, PURPOSES.map((p) => h('option', { value: p }, t(`purpose.${p}`)))),
        ),
        h(
          'p',
          null,
          h('label', { for: 'expiry' }, t('consent.expiryLabel')),
          ' ',
          h('input', { type: 'date', id: 'expiry', 'aria-describedby': 'expiry-help' }),
          ' ',
          h('span', { id: 'expiry-help', class: 'muted' }, t('consent.expiryHelp')),
        ),
        h('p', { class: 'error', id: 'grant-error', role: 'alert' }),
        h('button', { type: 'submit', id: 'grant-submit' }, t('consent.grant')),
      ),
    ),

    h(
      'section',
      { 'aria-labelledby': 'h-records' },
      h('h2', { id: 'h-records' }, t('records.title')),
      recRows.length
        ? h(
            'div',
            { class: 'scroll' },
            h(
              'table',
              { 'data-testid': 'records' },
              h('caption', null, t('records.caption')),
              h(
                'thead',
                null,
                h(
                  'tr',
                  null,
                  th(t('records.id')),
                  th(t('records.category')),
                  th(t('records.author')),
                  th(t('records.time')),
                  th(t('records.sealed')),
                  th(t('records.versions')),
                  th(t('consent.actions')),
                ),
              ),
              h('tbody', null, recRows),
            ),
          )
        : h('p', null, t('records.none')),
      h(
        'form',
        { id: 'verify-form', 'aria-labelledby': 'h-verify' },
        h('h3', { id: 'h-verify' }, t('verify.title')),
        h('p', { class: 'muted' }, t('verify.help')),
        h(
          'p',
          null,
          h('label', { for: 'verify-record' }, t('verify.record')),
          ' ',
          h(
            'select',
            { id: 'verify-record' },
            recordsRaw.map(([rid, r]) => h('option', { value: rid.toHex() }, `${short(rid.toHex())} — ${t(`cat.${r.category.toString()}`)}`)),
          ),
        ),
        h(
          'p',
          null,
          h('label', { for: 'verify-file' }, t('verify.file')),
          ' ',
          h('input', { type: 'file', id: 'verify-file', accept: '.json,application/json,application/fhir+json' }),
        ),
        h('p', null, h('label', { for: 'verify-salt' }, t('verify.salt')), ' ', h('input', { id: 'verify-salt', size: 70, placeholder: '0x…' })),
        h('button', { type: 'submit' }, t('verify.check')),
        h('p', { id: 'verify-result', role: 'status', 'data-testid': 'verify-result' }),
      ),
    ),

    h(
      'section',
      { 'aria-labelledby': 'h-log' },
      h('h2', { id: 'h-log' }, t('log.title')),
      logRows.length
        ? h(
            'div',
            { class: 'scroll' },
            h(
              'table',
              { 'data-testid': 'access-log' },
              h('caption', null, t('log.caption')),
              h(
                'thead',
                null,
                h(
                  'tr',
                  null,
                  th(t('log.time')),
                  th(t('log.organization')),
                  th(t('log.accessor')),
                  th(t('consent.purpose')),
                  th(t('records.category')),
                  th(t('records.id')),
                  th(t('consent.id')),
                ),
              ),
              h('tbody', null, logRows),
            ),
          )
        : h('p', null, t('log.none')),
    ),

    h(
      'section',
      { 'aria-labelledby': 'h-guard' },
      h('h2', { id: 'h-guard' }, t('guardian.title')),
      h('p', null, t('guardian.text')),
      h(
        'p',
        { 'data-testid': 'guardians' },
        guardianProxies.length ? t('guardian.have', { list: guardianProxies.map((p) => short(p.delegate.toString())).join(', ') }) : t('guardian.none'),
      ),
      h('p', null, t('recovery.text')),
      h('p', null, hasRecovery ? t('recovery.configured') : t('recovery.none')),
    ),

    registered
      ? h(
          'section',
          { 'aria-labelledby': 'h-erase', class: 'danger' },
          h('h2', { id: 'h-erase' }, t('erase.title')),
          h('p', null, t('erase.does')),
          h('p', null, t('erase.doesNot')),
          h('p', null, h('label', { class: 'check' }, h('input', { type: 'checkbox', id: 'erase-confirm' }), ` ${t('erase.confirm')}`)),
          h('button', { type: 'button', id: 'erase', class: 'danger-btn' }, t('erase.button')),
        )
      : null,
  );

  // --- handlers
  el.querySelector('#copy-address')?.addEventListener('click', () => navigator.clipboard?.writeText(me.address).catch(() => {}));
  el.querySelectorAll<HTMLLIElement>('li.request').forEach((li) => {
    const org = li.dataset.org!;
    li.querySelector('button.approve')!.addEventListener('click', async () => {
      const b = li.querySelector('button.approve') as HTMLButtonElement;
      let bits = 0;
      li.querySelectorAll<HTMLInputElement>('input[name=req-cat]:checked').forEach((c) => (bits |= 1 << Number(c.value)));
      if (bits === 0) return void alert(t('consent.needCategory'));
      const exp = (li.querySelector('.req-expiry') as HTMLInputElement).value;
      const expiresAt = exp ? Date.parse(`${exp}T23:59:59Z`) : null;
      if (expiresAt !== null && expiresAt <= Date.now()) return void alert(t('consent.expiryPast'));
      const tx = api.tx.consent.grantConsent(org, { categories: bits, access: { read: b.dataset.read === 'true', write: b.dataset.write === 'true' } }, b.dataset.purpose, expiresAt);
      const ok = await runTx('action.approve', tx);
      if (ok) await state.rerender();
    });
    li.querySelector('button.decline')!.addEventListener('click', async () => {
      const ok = await runTx('action.decline', api.tx.consent.declineAccessRequest(org));
      if (ok) await state.rerender();
    });
  });
  const form = el.querySelector('#grant-form') as HTMLFormElement;
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    const errEl = el.querySelector('#grant-error') as HTMLElement;
    errEl.textContent = '';
    let bits = 0;
    form.querySelectorAll<HTMLInputElement>('input[name=cat]:checked').forEach((c) => (bits |= 1 << Number(c.value)));
    const read = (el.querySelector('#acc-read') as HTMLInputElement).checked;
    const write = (el.querySelector('#acc-write') as HTMLInputElement).checked;
    if (bits === 0) return void (errEl.textContent = t('consent.needCategory'));
    if (!read && !write) return void (errEl.textContent = t('consent.needAccess'));
    const grantee = (el.querySelector('#grantee') as HTMLSelectElement).value;
    const purpose = (el.querySelector('#purpose') as HTMLSelectElement).value;
    const exp = (el.querySelector('#expiry') as HTMLInputElement).value;
    const expiresAt = exp ? Date.parse(`${exp}T23:59:59Z`) : null;
    if (expiresAt !== null && expiresAt <= Date.now()) return void (errEl.textContent = t('consent.expiryPast'));
    const tx = api.tx.consent.grantConsent(grantee, { categories: bits, access: { read, write } }, purpose, expiresAt);
    const ok = await runTx('action.grant', tx);
    if (ok) await state.rerender();
    (document.getElementById('tx') as HTMLElement).focus?.();
  });
  el.querySelectorAll<HTMLButtonElement>('button.revoke').forEach((b) =>
    b.addEventListener('click', async () => {
      const ok = await runTx('action.revoke', api.tx.consent.revokeConsent(Number(b.dataset.id)));
      if (ok) await state.rerender();
    }),
  );
  el.querySelectorAll<HTMLButtonElement>('button.seal').forEach((b) =>
    b.addEventListener('click', async () => {
      if (!confirm(t('records.sealConfirm'))) return;
      const ok = await runTx('action.seal', api.tx.healthRecords.sealRecord(b.dataset.id));
      if (ok) await state.rerender();
    }),
  );
  el.querySelector('#verify-form')?.addEventListener('submit', async (e) => {
    e.preventDefault();
    const out = el.querySelector('#verify-result') as HTMLElement;
    const file = (el.querySelector('#verify-file') as HTMLInputElement).files?.[0];
    const salt = (el.querySelector('#verify-salt') as HTMLInputElement).value.trim();
    const recordId = (el.querySelector('#verify-record') as HTMLSelectElement).value;
    if (!file || !salt || !recordId) return void (out.textContent = t('verify.need'));
    try {
      const text = await file.text();
      const doc: unknown = JSON.parse(text);
      if (typeof doc !== 'object' || doc === null) throw new Error('not a JSON document');
      const hash = contentHash(doc, salt);
      const v = await api.call.healthRecordsApi.verifyRecord(recordId, hash);
      const match = v.known.isTrue && v.hashMatches.isTrue;
      out.dataset.match = String(match);
      out.className = match ? 'ok' : 'error';
      out.textContent = match ? t('verify.match', { hash: short(hash) }) : t('verify.noMatch', { hash: short(hash) });
    } catch (err: unknown) {
      out.dataset.match = 'false';
      out.className = 'error';
      out.textContent = t('verify.bad', { message: errorMessage(err) });
    }
  });
  el.querySelector('#erase')?.addEventListener('click', async () => {
    if (!(el.querySelector('#erase-confirm') as HTMLInputElement).checked) {
      alert(t('erase.needConfirm'));
      return;
    }
    const ok = await runTx('action.erase', api.tx.patientIdentity.deregister());
    if (ok) await state.rerender();
  });
}

/** A QR code of `text` as a data: URL (a GIF). */
function qrDataUrl(text: string): string {
  const qr = qrcode(0, 'M');
  qr.addData(text);
  qr.make();
  return qr.createDataURL(4, 2);
}
