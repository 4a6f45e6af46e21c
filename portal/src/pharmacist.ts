// Pharmacist view: scan/paste a GS1 DataMatrix element string, load the batch's serials
// file from the manufacturer, ask verify_unit, then dispense or report a suspect pack.
import { parseElementString, serialsTree, GS } from '@medchain/client';
import { t, getLang } from './i18n';
import { api, num, fmtTime, orgName, organizationOf, bytesToText, sameAccount } from './chain';
import { esc, state, runTx, clearTx } from './ui';

let lastScan = '';
let serialsText = '';
let serialsName = '';

/** Scanners type FNC1 as ASCII 29; people paste it as <GS>, {GS}, \x1d or a visible ␝. */
export function normalizeScan(s: string): string {
  return s.trim().replace(/<GS>|\{GS\}|\\x1[dD]|␝/g, GS);
}

function proofFor(serial: string): { proof: any; inList: boolean; root: string | null; count: number } {
  const text = serialsText.trim();
  if (text.startsWith('{')) {
    // A proof file as printed by `medchain-client serials <file> --prove <serial>`.
    const p = JSON.parse(text);
    return { proof: { leafIndex: p.leaf_index, leafCount: p.quantity, siblings: p.proof }, inList: p.serial === serial, root: p.serials_root ?? null, count: p.quantity };
  }
  const serials = text.split('\n').map((l) => l.trim()).filter(Boolean);
  const tree = serialsTree(serials);
  const idx = serials.indexOf(serial);
  if (idx < 0) return { proof: { leafIndex: 0, leafCount: serials.length, siblings: [] }, inList: false, root: tree.root(), count: serials.length };
  return { proof: { leafIndex: idx, leafCount: serials.length, siblings: tree.proof(idx).proof }, inList: true, root: tree.root(), count: serials.length };
}

export async function renderPharmacist(el: HTMLElement): Promise<void> {
  const me = state.account;
  const org = me ? await organizationOf(me.address) : null;
  el.innerHTML = `
  <h1>${esc(t('pharm.title'))}</h1>
  ${me ? `<p>${esc(org ? t('pharm.actingFor', { org: await orgName(org) }) : t('pharm.notStaff'))}</p>` : `<p>${esc(t('app.pickAccount'))}</p>`}
  <form id="scan-form" aria-labelledby="h-scan">
    <h2 id="h-scan">${esc(t('pharm.scanTitle'))}</h2>
    <p><label for="scan">${esc(t('pharm.scanLabel'))}</label><br/>
      <input id="scan" size="60" autocomplete="off" aria-describedby="scan-help" value="${esc(lastScan)}" />
      <br/><span id="scan-help" class="muted">${esc(t('pharm.scanHelp'))}</span></p>
    <p><label for="serials-file">${esc(t('pharm.serialsLabel'))}</label> <input type="file" id="serials-file" accept=".txt,.json,text/plain,application/json" aria-describedby="serials-help" />
      <br/><span id="serials-help" class="muted">${esc(t('pharm.serialsHelp'))}</span>
      <span data-testid="serials-loaded">${serialsName ? esc(t('pharm.serialsLoaded', { name: serialsName })) : ''}</span></p>
    <button type="submit" id="verify-unit">${esc(t('pharm.verify'))}</button>
  </form>
  <section id="unit" aria-live="polite" data-testid="unit"></section>`;

  (el.querySelector('#serials-file') as HTMLInputElement).addEventListener('change', async (e) => {
    const f = (e.target as HTMLInputElement).files?.[0];
    if (!f) return;
    serialsText = await f.text();
    serialsName = f.name;
    (el.querySelector('[data-testid=serials-loaded]') as HTMLElement).textContent = t('pharm.serialsLoaded', { name: f.name });
  });
  el.querySelector('#scan-form')!.addEventListener('submit', async (e) => {
    e.preventDefault();
    lastScan = (el.querySelector('#scan') as HTMLInputElement).value;
    // A new pack: the previous pack's dispense or report outcome is not this one's.
    clearTx();
    await showUnit(el.querySelector('#unit') as HTMLElement, lastScan, org);
  });
  if (lastScan && serialsText) await showUnit(el.querySelector('#unit') as HTMLElement, lastScan, org);
}

async function showUnit(out: HTMLElement, raw: string, myOrg: string | null): Promise<void> {
  const lang = getLang();
  out.dataset.verdict = '';
  let pack: any;
  try {
    pack = parseElementString(normalizeScan(raw));
    if (!pack.gtin || !pack.lot || !pack.serial) throw new Error(t('pharm.scanIncomplete'));
  } catch (err: any) {
    out.dataset.verdict = 'unreadable';
    out.innerHTML = `<p class="error" role="alert">${esc(t('pharm.scanBad', { message: err?.message ?? String(err) }))}</p>`;
    return;
  }
  if (!serialsText) {
    out.dataset.verdict = 'noserials';
    out.innerHTML = `<p class="error" role="alert">${esc(t('pharm.needSerials'))}</p>`;
    return;
  }
  let p;
  try {
    p = proofFor(pack.serial);
  } catch (err: any) {
    out.innerHTML = `<p class="error" role="alert">${esc(t('pharm.serialsBad', { message: err?.message ?? String(err) }))}</p>`;
    return;
  }
  const status = await api.call.drugProvenanceApi.verifyUnit(pack.gtin, pack.lot, pack.serial, p.proof);
  const batchId = status.batchId.isSome ? num(status.batchId.unwrap()) : null;
  let fileMatches = true;
  if (batchId !== null && p.root) {
    const b = await api.call.drugProvenanceApi.batch(batchId);
    if (b.isSome) fileMatches = b.unwrap().serialsRoot.toHex() === p.root;
  }
  const lines: string[] = [];
  let verdict = 'ok';
  let reason: string | null = null;
  if (batchId === null) {
    verdict = 'unknown';
    reason = 'UnknownSerial';
    lines.push(`<li class="bad">${esc(t('pharm.unknownBatch'))}</li>`);
  } else {
    if (status.authentic.isTrue) lines.push(`<li class="good">${esc(t('pharm.authentic', { maker: await orgName(status.manufacturer.isSome ? status.manufacturer.unwrap().toString() : null) }))}</li>`);
    else {
      verdict = 'fake';
      reason = 'UnknownSerial';
      lines.push(`<li class="bad">${esc(t('pharm.notAuthentic'))}</li>`);
      if (!fileMatches) lines.push(`<li class="bad">${esc(t('pharm.fileMismatch'))}</li>`);
    }
    if (status.dispensed.isSome) {
      const d = status.dispensed.unwrap();
      verdict = 'dispensed';
      reason = 'DoubleDispense';
      lines.push(`<li class="bad" data-testid="double-dispense">${esc(t('pharm.alreadyDispensed', { by: await orgName(d.pharmacy.toString()), at: fmtTime(num(d.at), lang) }))}</li>`);
    }
    if (status.recalled.isTrue) {
      verdict = 'recalled';
      reason = 'Recalled';
      lines.push(`<li class="bad">${esc(t('pharm.recalled'))}</li>`);
    }
    if (status.expired.isTrue) {
      verdict = verdict === 'ok' ? 'expired' : verdict;
      reason = reason ?? 'Expired';
      lines.push(`<li class="bad">${esc(t('pharm.expired'))}</li>`);
    }
    const held = myOrg ? status.holders.find(([who]: any) => sameAccount(who.toString(), myOrg)) : null;
    if (verdict === 'ok') {
      if (held && held[1].held.toNumber() > 0) lines.push(`<li class="good">${esc(t('pharm.okToDispense', { held: held[1].held.toNumber() }))}</li>`);
      else {
        verdict = 'notheld';
        lines.push(`<li class="warn">${esc(t('pharm.notHeld'))}</li>`);
      }
    }
    if (status.suspectReports.toNumber() > 0) lines.push(`<li class="warn">${esc(t('pharm.suspects', { n: status.suspectReports.toNumber() }))}</li>`);
  }
  const exp = pack.expiry ? `${pack.expiry.slice(4, 6) === '00' ? '' : pack.expiry.slice(4, 6) + '/'}${pack.expiry.slice(2, 4)}/20${pack.expiry.slice(0, 2)}` : '—';
  out.dataset.verdict = verdict;
  out.dataset.batchId = batchId === null ? '' : String(batchId);
  out.innerHTML = `
    <h2>${esc(t('pharm.packTitle'))}</h2>
    <dl class="kv"><dt>GTIN</dt><dd data-testid="gtin">${esc(pack.gtin)}</dd><dt>${esc(t('pharm.lot'))}</dt><dd data-testid="lot">${esc(pack.lot)}</dd>
      <dt>${esc(t('pharm.expiry'))}</dt><dd>${esc(exp)}</dd><dt>${esc(t('pharm.serial'))}</dt><dd data-testid="serial">${esc(pack.serial)}</dd>
      <dt>${esc(t('pharm.batch'))}</dt><dd>${batchId === null ? '—' : batchId}</dd></dl>
    <h3>${esc(t('pharm.answer'))}</h3>
    <ul class="verdict ${verdict === 'ok' ? 'ok' : 'bad'}" ${verdict === 'ok' ? '' : 'role="alert"'} data-testid="verdict">${lines.join('')}</ul>
    ${verdict === 'ok' ? `<button type="button" id="dispense">${esc(t('pharm.dispense'))}</button>` : ''}
    ${reason && batchId !== null ? `<button type="button" id="report" data-reason="${reason}">${esc(t('pharm.report', { reason: t(`reason.${reason}`) }))}</button>` : ''}`;
  out.querySelector('#dispense')?.addEventListener('click', async () => {
    const ok = await runTx('action.dispense', api.tx.drugProvenance.dispense(batchId, pack.serial, p.proof));
    if (ok) await showUnit(out, raw, myOrg);
  });
  out.querySelector('#report')?.addEventListener('click', async () => {
    const ok = await runTx('action.report', api.tx.drugProvenance.reportSuspect(batchId, pack.serial, reason));
    if (ok) await showUnit(out, raw, myOrg);
  });
  (out.querySelector('h2') as HTMLElement)?.setAttribute('tabindex', '-1');
  (void 0);
  void bytesToText;
}
