// Regulator view: recalled / reported batches with their custody diagram, trials whose
// reported outcomes differ from the registered ones, emergency access per hospital.
import { t, getLang } from './i18n';
import { api, num, fmtTime, organizations, orgName, bytesToText, sameAccount } from './chain';
import { esc } from './ui';

function gtinText(g: any): string {
  return new TextDecoder().decode(g.toU8a ? g.toU8a() : g);
}

async function custodyDiagram(batchId: number, manufacturer: string): Promise<string> {
  const history = await api.call.drugProvenanceApi.batchHistory(batchId);
  const orgs = await organizations();
  const edges = new Map<string, { from: string; to: string; qty: number; transit: number }>();
  const dispensed = new Map<string, number>();
  const parties = new Set<string>([manufacturer]);
  for (const ev of history) {
    if (ev.isReceived || ev.isShipped || ev.isCancelled || ev.isRejected) {
      const e = ev.isReceived ? ev.asReceived : ev.isShipped ? ev.asShipped : ev.isCancelled ? ev.asCancelled : ev.asRejected;
      const from = e.from.toString();
      const to = e.to.toString();
      parties.add(from);
      parties.add(to);
      const key = `${from}>${to}`;
      const edge = edges.get(key) ?? { from, to, qty: 0, transit: 0 };
      const q = e.quantity.toNumber();
      if (ev.isShipped) edge.transit += q;
      if (ev.isReceived) {
        edge.qty += q;
        edge.transit -= q;
      }
      if (ev.isCancelled || ev.isRejected) edge.transit -= q;
      edges.set(key, edge);
    }
    if (ev.isDispensed) {
      const p = ev.asDispensed.pharmacy.toString();
      dispensed.set(p, (dispensed.get(p) ?? 0) + ev.asDispensed.count.toNumber());
    }
  }
  const roleOf = (a: string) => orgs.find((o) => sameAccount(o.address, a))?.roles ?? 0;
  const column = (a: string) => (sameAccount(a, manufacturer) ? 0 : roleOf(a) & 8 ? 1 : roleOf(a) & 2 ? 2 : roleOf(a) & 4 ? 0 : 1);
  const cols: string[][] = [[], [], []];
  for (const p of parties) cols[column(p)].push(p);
  const W = 220;
  const H = 70;
  const pos = new Map<string, [number, number]>();
  cols.forEach((c, ci) => c.forEach((p, i) => pos.set(p, [20 + ci * (W + 90), 40 + i * (H + 30)])));
  const height = Math.max(...cols.map((c) => c.length), 1) * (H + 30) + 40;
  const names = new Map<string, string>();
  for (const p of parties) names.set(p, await orgName(p));
  let svg = '';
  const textual: string[] = [];
  for (const e of edges.values()) {
    const [x1, y1] = pos.get(e.from)!;
    const [x2, y2] = pos.get(e.to)!;
    const label = e.transit > 0 ? t('reg.edgeTransit', { qty: e.qty, transit: e.transit }) : t('reg.edgeQty', { qty: e.qty });
    svg += `<line x1="${x1 + W}" y1="${y1 + H / 2}" x2="${x2}" y2="${y2 + H / 2}" class="edge ${e.qty === 0 ? 'transit' : ''}" marker-end="url(#arrow)"/>`;
    svg += `<text x="${(x1 + W + x2) / 2}" y="${(y1 + y2) / 2 + H / 2 - 6}" text-anchor="middle" class="edge-label">${esc(label)}</text>`;
    textual.push(`<li data-testid="edge">${esc(t('reg.edgeText', { from: names.get(e.from), to: names.get(e.to), label }))}</li>`);
  }
  for (const [p, [x, y]] of pos) {
    const d = dispensed.get(p);
    svg += `<rect x="${x}" y="${y}" width="${W}" height="${H}" rx="8" class="node col${column(p)}"/>`;
    svg += `<text x="${x + 10}" y="${y + 26}" class="node-name">${esc(names.get(p))}</text>`;
    if (d) svg += `<text x="${x + 10}" y="${y + 50}" class="node-sub">${esc(t('reg.dispensedN', { n: d }))}</text>`;
  }
  return `<figure class="diagram"><svg role="img" aria-labelledby="dg-${batchId}" viewBox="0 0 ${3 * W + 2 * 90 + 40} ${height}" width="100%">
    <title id="dg-${batchId}">${esc(t('reg.diagramTitle', { id: batchId }))}</title>
    <defs><marker id="arrow" viewBox="0 0 10 10" refX="10" refY="5" markerWidth="8" markerHeight="8" orient="auto"><path d="M0,0 L10,5 L0,10 z"/></marker></defs>${svg}</svg>
    <figcaption>${esc(t('reg.diagramCaption'))}<ul>${textual.join('')}</ul></figcaption></figure>`;
}

export async function renderRegulator(el: HTMLElement): Promise<void> {
  const lang = getLang();
  const entries = await api.query.drugProvenance.batches.entries();
  const batches = entries
    .map(([k, v]: any) => ({ id: num(k.args[0]), b: v.isSome ? v.unwrap() : v }))
    .filter((x: any) => x.b && (x.b.recalled.isSome || x.b.suspectReports.toNumber() > 0))
    .sort((a: any, b: any) => a.id - b.id);
  const sections: string[] = [];
  for (const { id, b } of batches) {
    const holders = await api.call.drugProvenanceApi.holders(id);
    const reports = await api.call.drugProvenanceApi.suspectReports(id);
    const holderRows: string[] = [];
    for (const [who, c] of holders) {
      holderRows.push(`<tr data-holder="${esc(who.toString())}"><td>${esc(await orgName(who.toString()))}</td><td data-testid="held">${c.held.toNumber()}</td><td>${c.incoming.toNumber()}</td><td>${c.outgoing.toNumber()}</td></tr>`);
    }
    const reportRows: string[] = [];
    for (const r of reports) {
      reportRows.push(`<li>${esc(t('reg.report', { who: await orgName(r.reporter.toString()), reason: t(`reason.${r.reason.toString()}`), at: fmtTime(num(r.at), lang) }))}</li>`);
    }
    const recall = b.recalled.isSome ? b.recalled.unwrap() : null;
    sections.push(`<article class="batch" data-batch-id="${id}" data-recalled="${!!recall}" aria-labelledby="b-${id}">
      <h3 id="b-${id}">${esc(t('reg.batchTitle', { id, gtin: gtinText(b.gtin), lot: bytesToText(b.lot.toHex()) }))}</h3>
      <p>${esc(t('reg.batchFacts', { maker: await orgName(b.manufacturer.toString()), qty: b.quantity.toNumber(), dispensed: b.dispensed.toNumber(), transit: b.inTransit.toNumber(), destroyed: b.destroyed.toNumber() }))}</p>
      ${recall ? `<p class="alert-inline">${esc(t('reg.recalled', { by: await orgName(recall.by.toString()), at: fmtTime(num(recall.at), lang), code: recall.reasonCode.toNumber() }))}</p>` : ''}
      <h4>${esc(t('reg.holders'))}</h4>
      ${holderRows.length ? `<table data-testid="holders"><thead><tr><th scope="col">${esc(t('reg.holder'))}</th><th scope="col">${esc(t('reg.held'))}</th><th scope="col">${esc(t('reg.incoming'))}</th><th scope="col">${esc(t('reg.outgoing'))}</th></tr></thead><tbody>${holderRows.join('')}</tbody></table>` : `<p>${esc(t('reg.noHolders'))}</p>`}
      <h4>${esc(t('reg.reports'))}</h4>${reportRows.length ? `<ul data-testid="reports">${reportRows.join('')}</ul>` : `<p>${esc(t('reg.noReports'))}</p>`}
      <h4>${esc(t('reg.custody'))}</h4>${await custodyDiagram(id, b.manufacturer.toString())}
    </article>`);
  }

  // Trials with switched outcomes
  const switched = await api.call.clinicalTrialsApi.trialsWithOutcomeSwitch(null, 50);
  const trials: string[] = [];
  for (const id of switched) {
    const tr = await api.call.clinicalTrialsApi.trial(id);
    if (tr.isNone) continue;
    const info = tr.unwrap();
    const res = info.results.isSome ? info.results.unwrap() : null;
    trials.push(`<li data-trial-id="${id.toNumber()}">${esc(t('reg.trial', { id: id.toNumber(), registry: bytesToText(info.registryId.toHex()), sponsor: await orgName(info.sponsor.toString()) }))}
      <br/>${esc(t('reg.missing'))}: ${res && res.missing.length ? res.missing.map((h: any) => `<code>${esc(h.toHex().slice(0, 18))}…</code>`).join(', ') : '—'}
      <br/>${esc(t('reg.added'))}: ${res && res.added.length ? res.added.map((h: any) => `<code>${esc(h.toHex().slice(0, 18))}…</code>`).join(', ') : '—'}</li>`);
  }

  // Emergency access per Provider
  const orgs = await organizations();
  const emergencyWindow = api.consts.consent.emergencyWindow.toNumber();
  const blockMs = api.consts.timestamp.minimumPeriod.toNumber() * 2;
  const emergencyHours = Math.max(1, Math.round((emergencyWindow * blockMs) / 3_600_000));
  const emRows: string[] = [];
  for (const o of orgs.filter((x) => x.roles & 1)) {
    const [[total, windowUses], reads, incident] = await Promise.all([
      api.call.consentApi.emergencyUses(o.address),
      api.query.consent.emergencyReads ? api.query.consent.emergencyReads(o.address) : null,
      api.query.consent.emergencyIncidents ? api.query.consent.emergencyIncidents(o.address) : null,
    ]);
    // An incident lifts the per-staff break-glass limit until the end of its last window.
    const window = Math.floor((await api.query.system.number()).toNumber() / emergencyWindow);
    const inc = incident && incident.isSome && incident.unwrap().untilWindow.toNumber() >= window ? incident.unwrap() : null;
    const incText = inc
      ? t('reg.emIncident', { code: inc.code.toNumber(), hours: (inc.untilWindow.toNumber() - window + 1) * emergencyHours })
      : '—';
    emRows.push(`<tr data-org="${esc(o.address)}"><td>${esc(o.name)}</td><td data-testid="em-total">${total.toNumber()}</td><td>${windowUses.toNumber()}</td>
      <td data-testid="em-reads">${reads ? reads.toNumber() : '—'}</td><td data-testid="em-incident" data-in-force="${!!inc}">${esc(incText)}</td></tr>`);
  }

  el.innerHTML = `<h1>${esc(t('reg.title'))}</h1>
    <section aria-labelledby="h-batches"><h2 id="h-batches">${esc(t('reg.batches'))}</h2>
      ${sections.length ? sections.join('') : `<p>${esc(t('reg.noBatches'))}</p>`}</section>
    <section aria-labelledby="h-trials"><h2 id="h-trials">${esc(t('reg.trials'))}</h2>
      ${trials.length ? `<ul data-testid="trials">${trials.join('')}</ul>` : `<p>${esc(t('reg.noTrials'))}</p>`}
      <p class="muted">${esc(t('reg.trialsHelp'))}</p></section>
    <section aria-labelledby="h-em"><h2 id="h-em">${esc(t('reg.emergency'))}</h2>
      <table data-testid="emergency"><thead><tr><th scope="col">${esc(t('reg.hospital'))}</th><th scope="col">${esc(t('reg.emTotal'))}</th><th scope="col">${esc(t('reg.emWindow'))}</th><th scope="col">${esc(t('reg.emReads'))}</th><th scope="col">${esc(t('reg.emIncidentCol'))}</th></tr></thead><tbody>${emRows.join('')}</tbody></table></section>`;
}
