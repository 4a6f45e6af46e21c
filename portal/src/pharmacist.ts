// Pharmacist view: scan/paste a GS1 DataMatrix element string, load the batch's serials
// file from the manufacturer, ask verify_unit, then dispense or report a suspect pack.
import { parseElementString, serialsTree, GS } from '@medchain/client';
import { t, getLang } from './i18n';
import { chainApi, num, fmtTime, orgName, organizationOf, sameAccount, errorMessage } from './chain';
import type { UnitProof } from './chain-types';
import { $, h, show, state, runTx, clearTx, type Child } from './ui';

let lastScan = '';
let serialsText = '';
let serialsName = '';

/** Scanners type FNC1 as ASCII 29; people paste it as <GS>, {GS}, \x1d or a visible ␝. */
export function normalizeScan(s: string): string {
  return s.trim().replace(/<GS>|\{GS\}|\\x1[dD]|␝/g, GS);
}

/** A pack's product identifier, as read from its DataMatrix. */
interface Pack {
  gtin: string;
  lot: string;
  serial: string;
  expiry: string | null;
}

function readPack(raw: string): Pack {
  const p: { gtin?: unknown; lot?: unknown; serial?: unknown; expiry?: unknown } = parseElementString(normalizeScan(raw));
  const text = (x: unknown): string => (typeof x === 'string' ? x : '');
  const pack = { gtin: text(p.gtin), lot: text(p.lot), serial: text(p.serial), expiry: typeof p.expiry === 'string' ? p.expiry : null };
  if (!pack.gtin || !pack.lot || !pack.serial) throw new Error(t('pharm.scanIncomplete'));
  return pack;
}

/** A proof file as printed by `medchain-client serials <file> --prove <serial>`. */
interface ProofFile {
  serial: unknown;
  leaf_index: number;
  quantity: number;
  proof: string[];
  serials_root?: unknown;
}

function isProofFile(x: unknown): x is ProofFile {
  if (typeof x !== 'object' || x === null) return false;
  const p = x as Record<string, unknown>;
  return typeof p.leaf_index === 'number' && typeof p.quantity === 'number' && Array.isArray(p.proof) && p.proof.every((s) => typeof s === 'string');
}

function proofFor(serial: string): { proof: UnitProof; inList: boolean; root: string | null; count: number } {
  const text = serialsText.trim();
  if (text.startsWith('{')) {
    const p: unknown = JSON.parse(text);
    if (!isProofFile(p)) throw new Error('not a proof file of medchain-client serials --prove');
    const root = typeof p.serials_root === 'string' ? p.serials_root : null;
    return { proof: { leafIndex: p.leaf_index, leafCount: p.quantity, siblings: p.proof }, inList: p.serial === serial, root, count: p.quantity };
  }
  const serials = text
    .split('\n')
    .map((l) => l.trim())
    .filter(Boolean);
  const tree: { root(): string; proof(i: number): { proof: string[] } } = serialsTree(serials);
  const idx = serials.indexOf(serial);
  if (idx < 0) return { proof: { leafIndex: 0, leafCount: serials.length, siblings: [] }, inList: false, root: tree.root(), count: serials.length };
  return { proof: { leafIndex: idx, leafCount: serials.length, siblings: tree.proof(idx).proof }, inList: true, root: tree.root(), count: serials.length };
}

export async function renderPharmacist(el: HTMLElement): Promise<void> {
  const me = state.account;
  const org = me ? await organizationOf(me.address) : null;
  show(
    el,
    h('h1', null, t('pharm.title')),
    me ? h('p', null, org ? t('pharm.actingFor', { org: await orgName(org) }) : t('pharm.notStaff')) : h('p', null, t('app.pickAccount')),
    h(
      'form',
      { id: 'scan-form', 'aria-labelledby': 'h-scan' },
      h('h2', { id: 'h-scan' }, t('pharm.scanTitle')),
      h(
        'p',
        null,
        h('label', { for: 'scan' }, t('pharm.scanLabel')),
        h('br'),
        h('input', { id: 'scan', size: 60, autocomplete: 'off', 'aria-describedby': 'scan-help', value: lastScan }),
        h('br'),
        h('span', { id: 'scan-help', class: 'muted' }, t('pharm.scanHelp')),
      ),
      h(
        'p',
        null,
        h('label', { for: 'serials-file' }, t('pharm.serialsLabel')),
        ' ',
        h('input', { type: 'file', id: 'serials-file', accept: '.txt,.json,text/plain,application/json', 'aria-describedby': 'serials-help' }),
        h('br'),
        h('span', { id: 'serials-help', class: 'muted' }, t('pharm.serialsHelp')),
        ' ',
        h('span', { 'data-testid': 'serials-loaded' }, serialsName ? t('pharm.serialsLoaded', { name: serialsName }) : ''),
      ),
      h('button', { type: 'submit', id: 'verify-unit' }, t('pharm.verify')),
    ),
    h('section', { id: 'unit', 'aria-live': 'polite', 'data-testid': 'unit' }),
  );

  $<HTMLInputElement>(el, '#serials-file').addEventListener('change', (e) => {
    const f = (e.target as HTMLInputElement).files?.[0];
    if (!f) return;
    void f.text().then((text) => {
      serialsText = text;
      serialsName = f.name;
      $(el, '[data-testid=serials-loaded]').textContent = t('pharm.serialsLoaded', { name: f.name });
    });
  });
  $(el, '#scan-form').addEventListener('submit', (e) => {
    e.preventDefault();
    lastScan = $<HTMLInputElement>(el, '#scan').value;
    // A new pack: the previous pack's dispense or report outcome is not this one's.
    clearTx();
    void showUnit($(el, '#unit'), lastScan, org);
  });
  if (lastScan && serialsText) await showUnit($(el, '#unit'), lastScan, org);
}

async function showUnit(out: HTMLElement, raw: string, myOrg: string | null): Promise<void> {
  const api = chainApi();
  const lang = getLang();
  out.dataset.verdict = '';
  let pack: Pack;
  try {
    pack = readPack(raw);
  } catch (err: unknown) {
    out.dataset.verdict = 'unreadable';
    show(out, h('p', { class: 'error', role: 'alert' }, t('pharm.scanBad', { message: errorMessage(err) })));
    return;
  }
  if (!serialsText) {
    out.dataset.verdict = 'noserials';
    show(out, h('p', { class: 'error', role: 'alert' }, t('pharm.needSerials')));
    return;
  }
  let p: ReturnType<typeof proofFor>;
  try {
    p = proofFor(pack.serial);
  } catch (err: unknown) {
    show(out, h('p', { class: 'error', role: 'alert' }, t('pharm.serialsBad', { message: errorMessage(err) })));
    return;
  }
  const status = await api.call.drugProvenanceApi.verifyUnit(pack.gtin, pack.lot, pack.serial, p.proof);
  const batchId = status.batchId.isSome ? num(status.batchId.unwrap()) : null;
  let fileMatches = true;
  if (batchId !== null && p.root) {
    const b = await api.call.drugProvenanceApi.batch(batchId);
    if (b.isSome) fileMatches = b.unwrap().serialsRoot.toHex() === p.root;
  }
  const lines: HTMLElement[] = [];
  const line = (cls: string, text: string, attrs: Record<string, string> = {}) => lines.push(h('li', { class: cls, ...attrs }, text));
  let verdict = 'ok';
  let reason: string | null = null;
  if (batchId === null) {
    verdict = 'unknown';
    reason = 'UnknownSerial';
    line('bad', t('pharm.unknownBatch'));
  } else {
    if (status.authentic.isTrue) line('good', t('pharm.authentic', { maker: await orgName(status.manufacturer.isSome ? status.manufacturer.unwrap().toString() : null) }));
    else {
      verdict = 'fake';
      reason = 'UnknownSerial';
      line('bad', t('pharm.notAuthentic'));
      if (!fileMatches) line('bad', t('pharm.fileMismatch'));
    }
    if (status.dispensed.isSome) {
      const d = status.dispensed.unwrap();
      verdict = 'dispensed';
      reason = 'DoubleDispense';
      line('bad', t('pharm.alreadyDispensed', { by: await orgName(d.pharmacy.toString()), at: fmtTime(num(d.at), lang) }), { 'data-testid': 'double-dispense' });
    }
    if (status.recalled.isTrue) {
      verdict = 'recalled';
      reason = 'Recalled';
      line('bad', t('pharm.recalled'));
    }
    if (status.expired.isTrue) {
      verdict = verdict === 'ok' ? 'expired' : verdict;
      reason = reason ?? 'Expired';
      line('bad', t('pharm.expired'));
    }
    const held = myOrg ? status.holders.find(([who]) => sameAccount(who.toString(), myOrg)) : null;
    if (verdict === 'ok') {
      if (held && held[1].held.toNumber() > 0) line('good', t('pharm.okToDispense', { held: held[1].held.toNumber() }));
      else {
        verdict = 'notheld';
        line('warn', t('pharm.notHeld'));
      }
    }
    if (status.suspectReports.toNumber() > 0) line('warn', t('pharm.suspects', { n: status.suspectReports.toNumber() }));
  }
  const e = pack.expiry;
  const exp = e ? `${e.slice(4, 6) === '00' ? '' : e.slice(4, 6) + '/'}${e.slice(2, 4)}/20${e.slice(0, 2)}` : '—';
  out.dataset.verdict = verdict;
  out.dataset.batchId = batchId === null ? '' : String(batchId);
  const kv = (label: string, value: Child, testid?: string) => [h('dt', null, label), h('dd', { 'data-testid': testid }, value)];
  show(
    out,
    h('h2', null, t('pharm.packTitle')),
    h(
      'dl',
      { class: 'kv' },
      kv('GTIN', pack.gtin, 'gtin'),
      kv(t('pharm.lot'), pack.lot, 'lot'),
      kv(t('pharm.expiry'), exp),
      kv(t('pharm.serial'), pack.serial, 'serial'),
      kv(t('pharm.batch'), batchId === null ? '—' : batchId),
    ),
    h('h3', null, t('pharm.answer')),
    h('ul', { class: `verdict ${verdict === 'ok' ? 'ok' : 'bad'}`, role: verdict === 'ok' ? null : 'alert', 'data-testid': 'verdict' }, lines),
    verdict === 'ok' ? h('button', { type: 'button', id: 'dispense' }, t('pharm.dispense')) : null,
    reason && batchId !== null ? h('button', { type: 'button', id: 'report', 'data-reason': reason }, t('pharm.report', { reason: t(`reason.${reason}`) })) : null,
  );
  out.querySelector('#dispense')?.addEventListener('click', () => {
    void runTx('action.dispense', api.tx.drugProvenance.dispense(batchId, pack.serial, p.proof)).then((ok) => ok && showUnit(out, raw, myOrg));
  });
  out.querySelector('#report')?.addEventListener('click', () => {
    void runTx('action.report', api.tx.drugProvenance.reportSuspect(batchId, pack.serial, reason)).then((ok) => ok && showUnit(out, raw, myOrg));
  });
  out.querySelector('h2')?.setAttribute('tabindex', '-1');
}
