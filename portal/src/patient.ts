// Patient view: registration, records (verify a copy, seal), consents (grant, revoke),
// access log with emergency alerts, erasure, guardians and recovery.
import { contentHash } from '@medchain/client';
import qrcode from 'qrcode-generator';
import { t, getLang } from './i18n';
import { api, num, fmtTime, organizations, orgName, ROLE_BITS, short } from './chain';
import { esc, state, runTx } from './ui';

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
  api.query.system
    .events((records: any[]) => {
      if (watching !== mine) return stop();
      if (state.view !== 'patient' || state.account?.address !== patient) return stop();
      const concernsMe = records.some(({ event }: any) => {
        if (event.section !== 'consent') return false;
        if (event.method === 'EmergencyAccessGranted') return event.data.patient.toString() === patient;
        if (event.method === 'AccessLogged') return event.data.patient.toString() === patient && event.data.emergency.isTrue;
        return false;
      });
      if (concernsMe) state.rerender();
    })
    .then((u: any) => {
      mine.unsub = u;
      if (watching !== mine) u();
    });
}

export async function renderPatient(el: HTMLElement): Promise<void> {
  const me = state.account;
  if (!me) {
    el.innerHTML = `<h1>${esc(t('patient.title'))}</h1><p>${esc(t('app.pickAccount'))}</p>`;
    return;
  }
  const lang = getLang();
  watchEmergencies(me.address);
  const [info, freeLeft, recordsRaw, consentsRaw, logRaw, orgs, proxies, recoverable, requestsRaw] = await Promise.all([
    api.call.patientIdentityApi.patient(me.address),
    api.call.patientIdentityApi.freeCallsLeft(me.address),
    api.call.healthRecordsApi.recordsOf(me.address, 0, 256),
    api.call.consentApi.consentsOf(me.address),
    api.call.consentApi.accessLog(me.address),
    organizations(),
    api.query.proxy ? api.query.proxy.proxies(me.address) : null,
    api.query.recovery?.friendGroups ? api.query.recovery.friendGroups(me.address) : null,
    api.query.consent.accessRequests ? api.query.consent.accessRequests.entries(me.address) : [],
  ]);

  // --- registration
  let reg = '';
  let registered = false;
  if (info.isNone) {
    reg = `<p data-testid="reg-status">${esc(t('patient.notRegistered'))}</p>`;
  } else if (info.unwrap().isDeregistered) {
    reg = `<p data-testid="reg-status">${esc(t('patient.deregistered', { block: info.unwrap().asDeregistered.deregisteredAt.toNumber() }))}</p>`;
  } else {
    registered = true;
    const r = info.unwrap().asRegistered;
    const attested = r.attestations.map((a: any) => a.toString());
    // Onboarding by a Provider counts as its attestation (README: "Attested means onboarded by
    // a Provider or attested by one"), so show the onboarding hospital there too.
    if (r.onboardedBy.isSome && !attested.includes(r.onboardedBy.unwrap().toString())) attested.unshift(r.onboardedBy.unwrap().toString());
    const atts = await Promise.all(attested.map((a: string) => orgName(a)));
    reg = `<dl class="kv" data-testid="reg-status">
      <dt>${esc(t('patient.status'))}</dt><dd>${esc(t('patient.registered', { block: r.registeredAt.toNumber() }))}</dd>
      <dt>${esc(t('patient.commitment'))}</dt><dd><code>${esc(short(r.commitment.toHex()))}</code></dd>
      <dt>${esc(t('patient.onboardedBy'))}</dt><dd>${esc(r.onboardedBy.isSome ? await orgName(r.onboardedBy.unwrap().toString()) : t('patient.self'))}</dd>
      <dt>${esc(t('patient.attestations'))}</dt><dd>${esc(atts.length ? atts.join(', ') : t('patient.none'))}</dd>
      <dt>${esc(t('patient.freeCalls'))}</dt><dd>${esc(freeLeft.toNumber())}</dd>
    </dl>`;
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
  const consents = consentsRaw.map(([id, c]: any) => ({ id: num(id), c }));
  const now = Date.now();
  const rows: string[] = [];
  const alerts: string[] = [];
  const breakGlassIds = new Set<number>();
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
        `<li data-testid="emergency-alert" data-consent-id="${id}">${esc(
          t('patient.emergencyAlert', { org: grantee, at: fmtTime(num(c.grantedAt), lang), until: fmtTime(expires, lang), code: c.kind.asBreakGlass.reasonCode.toNumber() }),
        )}${reads ? ` <strong data-testid="emergency-reads" data-reads="${reads.n}">${esc(t('patient.emergencyReads', { n: reads.n, at: fmtTime(reads.last, lang) }))}</strong>` : ''}</li>`,
      );
    }
    rows.push(`<tr data-consent-id="${id}" data-active="${active}" class="${bg ? 'alert-row' : ''}">
      <td>${id}</td><td>${esc(grantee)}${bg ? ` <strong class="badge-alert">${esc(t('consent.emergency'))}</strong>` : ''}</td>
      <td>${esc(catNames(c.scope.categories.toNumber()))}</td><td>${esc(access)}</td><td>${esc(t(`purpose.${c.purpose.toString()}`))}</td>
      <td>${esc(fmtTime(num(c.grantedAt), lang))}</td><td>${esc(expires ? fmtTime(expires, lang) : t('consent.noExpiry'))}</td>
      <td data-testid="consent-status">${esc(status)}</td>
      <td>${active && !bg ? `<button type="button" class="revoke" data-id="${id}" aria-label="${esc(t('consent.revokeLabel', { id, org: grantee }))}">${esc(t('consent.revoke'))}</button>` : ''}</td>
    </tr>`);
  }

  // --- access log
  const logRows: string[] = [];
  for (const e of logRaw) {
    const cid = num(e.consentId);
    // Each entry records its consent's purpose and whether it was break-glass (storage v4).
    const emergency = e.emergency ? e.emergency.isTrue : breakGlassIds.has(cid);
    const purpose = e.purpose ? e.purpose.toString() : '';
    logRows.push(`<tr class="${emergency ? 'alert-row' : ''}" data-emergency="${emergency}">
      <td>${esc(fmtTime(num(e.at), lang))}</td><td>${esc(await orgName(e.organization.toString()))}</td><td><code>${esc(short(e.accessor.toString()))}</code></td>
      <td data-testid="log-purpose">${esc(purpose ? t(`purpose.${purpose}`) : '')}</td>
      <td>${esc(t(`cat.${e.category.toString()}`))}</td><td><code>${esc(short(e.recordId.toHex()))}</code></td>
      <td>${cid}${emergency ? ` <strong class="badge-alert">${esc(t('consent.emergency'))}</strong>` : ''}</td></tr>`);
  }

  // --- records
  const recRows: string[] = [];
  for (const [rid, r] of recordsRaw) {
    const id = rid.toHex();
    const sealed = r.sealedAt.isSome;
    const author = r.author.isSome ? await orgName(r.author.unwrap().toString()) : t('records.selfUpload');
    const chain = [r.supersedes.isSome ? t('records.supersedes', { id: short(r.supersedes.unwrap().toHex()) }) : '', r.supersededBy.isSome ? t('records.supersededBy', { id: short(r.supersededBy.unwrap().toHex()) }) : t('records.latest')]
      .filter(Boolean)
      .join('; ');
    recRows.push(`<tr data-record-id="${id}">
      <td><code title="${esc(id)}">${esc(short(id))}</code></td><td>${esc(t(`cat.${r.category.toString()}`))}</td><td>${esc(author)}</td>
      <td>${esc(fmtTime(num(r.anchoredAt), lang))}</td><td data-testid="sealed">${esc(sealed ? t('records.sealedAt', { at: fmtTime(num(r.sealedAt.unwrap()), lang) }) : t('records.notSealed'))}</td>
      <td>${esc(chain)}</td>
      <td>${sealed ? '' : `<button type="button" class="seal" data-id="${id}">${esc(t('records.seal'))}</button>`}</td>
    </tr>`);
  }

  // --- access requests (a clinician asks; approving is the consent grant)
  const lifetime = api.consts.consent.accessRequestLifetime ? num(api.consts.consent.accessRequestLifetime) : 0;
  const in30days = new Date(Date.now() + 30 * 24 * 3600 * 1000).toISOString().slice(0, 10);
  const reqRows: string[] = [];
  for (const [k, v] of requestsRaw) {
    const org = k.args[1].toString();
    const r = v.unwrap();
    const at = num(r.requestedAt);
    const lapsed = lifetime > 0 && at + lifetime <= now;
    const bits = r.scope.categories.toNumber();
    const name = await orgName(org);
    reqRows.push(`<li class="request" data-org="${esc(org)}" data-testid="access-request" data-lapsed="${lapsed}">
      <p>${esc(t('request.text', { org: name, who: short(r.requester.toString()), at: fmtTime(at, lang), purpose: t(`purpose.${r.purpose.toString()}`) }))}${lapsed ? ` <em>${esc(t('request.lapsed'))}</em>` : ''}</p>
      <fieldset><legend>${esc(t('request.categories'))}</legend>${CATEGORIES.map((c, i) => (bits & (1 << i) ? `<label class="check"><input type="checkbox" name="req-cat" value="${i}" checked /> ${esc(t(`cat.${c}`))}</label>` : '')).join('')}</fieldset>
      <p><label>${esc(t('request.until'))} <input type="date" class="req-expiry" value="${in30days}" /></label></p>
      <button type="button" class="approve" data-purpose="${esc(r.purpose.toString())}" data-read="${r.scope.access.read.isTrue}" data-write="${r.scope.access.write.isTrue}">${esc(t('request.approve'))}</button>
      <button type="button" class="decline secondary">${esc(t('request.decline'))}</button>
    </li>`);
  }

  // A doctor's phone or workstation scanning this opens the clinician view on this patient.
  const clinicianLink = `${location.origin}${location.pathname}?patient=${encodeURIComponent(me.address)}#clinician`;

  const grantees = orgs.filter((o) => o.status === 'Active');
  const guardianProxies = proxies ? proxies[0].filter((p: any) => p.proxyType.toString() === 'Guardian') : [];

  el.innerHTML = `
  <h1>${esc(t('patient.title'))}</h1>
  ${alerts.length ? `<div class="alert" role="alert" data-testid="emergency-alerts"><h2>${esc(t('patient.emergencyTitle'))}</h2><ul>${alerts.join('')}</ul><p>${esc(t('patient.emergencyHelp'))}</p></div>` : ''}
  <section aria-labelledby="h-reg"><h2 id="h-reg">${esc(t('patient.registration'))}</h2>
    <p>${esc(t('patient.myAccount'))} <code data-testid="my-address">${esc(me.address)}</code> <button type="button" id="copy-address" class="secondary">${esc(t('patient.copyAddress'))}</button></p>
    <p class="muted">${esc(t('patient.myAccountHelp'))}</p>
    <figure class="qr" data-testid="my-qr" data-link="${esc(clinicianLink)}"><img src="${qrDataUrl(clinicianLink)}" alt="${esc(t('patient.qrAlt'))}" width="180" height="180" /><figcaption class="muted">${esc(t('patient.qrCaption'))}</figcaption></figure>
    ${reg}</section>
  ${reqRows.length ? `<section aria-labelledby="h-requests" class="requests"><h2 id="h-requests">${esc(t('request.title'))}</h2><ul data-testid="access-requests">${reqRows.join('')}</ul></section>` : ''}

  <section aria-labelledby="h-consents"><h2 id="h-consents">${esc(t('consent.title'))}</h2>
    ${rows.length ? `<div class="scroll"><table data-testid="consents"><caption>${esc(t('consent.caption'))}</caption><thead><tr>
      <th scope="col">${esc(t('consent.id'))}</th><th scope="col">${esc(t('consent.grantee'))}</th><th scope="col">${esc(t('consent.categories'))}</th><th scope="col">${esc(t('consent.access'))}</th>
      <th scope="col">${esc(t('consent.purpose'))}</th><th scope="col">${esc(t('consent.granted'))}</th><th scope="col">${esc(t('consent.expires'))}</th><th scope="col">${esc(t('consent.status'))}</th><th scope="col">${esc(t('consent.actions'))}</th>
    </tr></thead><tbody>${rows.join('')}</tbody></table></div>` : `<p>${esc(t('consent.none'))}</p>`}

    <form id="grant-form" aria-labelledby="h-grant" novalidate>
      <h3 id="h-grant">${esc(t('consent.grantTitle'))}</h3>
      <p><label for="grantee">${esc(t('consent.organization'))}</label>
        <select id="grantee" required>${grantees.map((o) => `<option value="${esc(o.address)}">${esc(o.name)} — ${esc(rolesText(o.roles))}</option>`).join('')}</select></p>
      <fieldset><legend>${esc(t('consent.categories'))}</legend>
        ${CATEGORIES.map((c, i) => `<label class="check"><input type="checkbox" name="cat" value="${i}" id="cat-${c}" /> ${esc(t(`cat.${c}`))}</label>`).join('')}
      </fieldset>
      <fieldset><legend>${esc(t('consent.access'))}</legend>
        <label class="check"><input type="checkbox" id="acc-read" checked /> ${esc(t('consent.read'))}</label>
        <label class="check"><input type="checkbox" id="acc-write" /> ${esc(t('consent.write'))}</label>
      </fieldset>
      <p><label for="purpose">${esc(t('consent.purpose'))}</label>
        <select id="purpose">${PURPOSES.map((p) => `<option value="${p}">${esc(t(`purpose.${p}`))}</option>`).join('')}</select></p>
      <p><label for="expiry">${esc(t('consent.expiryLabel'))}</label> <input type="date" id="expiry" aria-describedby="expiry-help" />
        <span id="expiry-help" class="muted">${esc(t('consent.expiryHelp'))}</span></p>
      <p class="error" id="grant-error" role="alert"></p>
      <button type="submit" id="grant-submit">${esc(t('consent.grant'))}</button>
    </form>
  </section>

  <section aria-labelledby="h-records"><h2 id="h-records">${esc(t('records.title'))}</h2>
    ${recRows.length ? `<div class="scroll"><table data-testid="records"><caption>${esc(t('records.caption'))}</caption><thead><tr>
      <th scope="col">${esc(t('records.id'))}</th><th scope="col">${esc(t('records.category'))}</th><th scope="col">${esc(t('records.author'))}</th><th scope="col">${esc(t('records.time'))}</th>
      <th scope="col">${esc(t('records.sealed'))}</th><th scope="col">${esc(t('records.versions'))}</th><th scope="col">${esc(t('consent.actions'))}</th></tr></thead><tbody>${recRows.join('')}</tbody></table></div>` : `<p>${esc(t('records.none'))}</p>`}
    <form id="verify-form" aria-labelledby="h-verify">
      <h3 id="h-verify">${esc(t('verify.title'))}</h3>
      <p class="muted">${esc(t('verify.help'))}</p>
      <p><label for="verify-record">${esc(t('verify.record'))}</label>
        <select id="verify-record">${recordsRaw.map(([rid, r]: any) => `<option value="${rid.toHex()}">${esc(short(rid.toHex()))} — ${esc(t(`cat.${r.category.toString()}`))}</option>`).join('')}</select></p>
      <p><label for="verify-file">${esc(t('verify.file'))}</label> <input type="file" id="verify-file" accept=".json,application/json,application/fhir+json" /></p>
      <p><label for="verify-salt">${esc(t('verify.salt'))}</label> <input id="verify-salt" size="70" placeholder="0x…" /></p>
      <button type="submit">${esc(t('verify.check'))}</button>
      <p id="verify-result" role="status" data-testid="verify-result"></p>
    </form>
  </section>

  <section aria-labelledby="h-log"><h2 id="h-log">${esc(t('log.title'))}</h2>
    ${logRows.length ? `<div class="scroll"><table data-testid="access-log"><caption>${esc(t('log.caption'))}</caption><thead><tr><th scope="col">${esc(t('log.time'))}</th><th scope="col">${esc(t('log.organization'))}</th><th scope="col">${esc(t('log.accessor'))}</th><th scope="col">${esc(t('consent.purpose'))}</th><th scope="col">${esc(t('records.category'))}</th><th scope="col">${esc(t('records.id'))}</th><th scope="col">${esc(t('consent.id'))}</th></tr></thead><tbody>${logRows.join('')}</tbody></table></div>` : `<p>${esc(t('log.none'))}</p>`}
  </section>

  <section aria-labelledby="h-guard"><h2 id="h-guard">${esc(t('guardian.title'))}</h2>
    <p>${esc(t('guardian.text'))}</p>
    <p data-testid="guardians">${esc(guardianProxies.length ? t('guardian.have', { list: guardianProxies.map((p: any) => short(p.delegate.toString())).join(', ') }) : t('guardian.none'))}</p>
    <p>${esc(t('recovery.text'))}</p>
    <p>${esc(recoverable && recoverable.isSome ? t('recovery.configured') : t('recovery.none'))}</p>
  </section>

  ${registered ? `<section aria-labelledby="h-erase" class="danger"><h2 id="h-erase">${esc(t('erase.title'))}</h2>
    <p>${esc(t('erase.does'))}</p><p>${esc(t('erase.doesNot'))}</p>
    <p><label class="check"><input type="checkbox" id="erase-confirm" /> ${esc(t('erase.confirm'))}</label></p>
    <button type="button" id="erase" class="danger-btn">${esc(t('erase.button'))}</button></section>` : ''}
  `;

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
      const hash = contentHash(JSON.parse(text), salt);
      const v = await api.call.healthRecordsApi.verifyRecord(recordId, hash);
      const match = v.known.isTrue && v.hashMatches.isTrue;
      out.dataset.match = String(match);
      out.className = match ? 'ok' : 'error';
      out.textContent = match ? t('verify.match', { hash: short(hash) }) : t('verify.noMatch', { hash: short(hash) });
    } catch (err: any) {
      out.dataset.match = 'false';
      out.className = 'error';
      out.textContent = t('verify.bad', { message: err?.message ?? String(err) });
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
