// Regulator view: recalled / reported batches with their custody diagram, trials whose
// reported outcomes differ from the registered ones, emergency access per hospital.
import type { U8aFixed } from '@polkadot/types-codec';
import { t, getLang } from './i18n';
import { chainApi, num, fmtTime, organizations, orgName, bytesToText, sameAccount } from './chain';
import { h, svg, show } from './ui';

function gtinText(g: U8aFixed): string {
  return new TextDecoder().decode(g.toU8a());
}

async function custodyDiagram(batchId: number, manufacturer: string): Promise<HTMLElement> {
  const history = await chainApi().call.drugProvenanceApi.batchHistory(batchId);
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
  const shapes: SVGElement[] = [];
  const textual: HTMLElement[] = [];
  for (const e of edges.values()) {
    const [x1, y1] = pos.get(e.from) ?? [0, 0];
    const [x2, y2] = pos.get(e.to) ?? [0, 0];
    const label = e.transit > 0 ? t('reg.edgeTransit', { qty: e.qty, transit: e.transit }) : t('reg.edgeQty', { qty: e.qty });
    shapes.push(svg('line', { x1: x1 + W, y1: y1 + H / 2, x2, y2: y2 + H / 2, class: `edge ${e.qty === 0 ? 'transit' : ''}`, 'marker-end': 'url(#arrow)' }));
    shapes.push(svg('text', { x: (x1 + W + x2) / 2, y: (y1 + y2) / 2 + H / 2 - 6, 'text-anchor': 'middle', class: 'edge-label' }, label));
    textual.push(h('li', { 'data-testid': 'edge' }, t('reg.edgeText', { from: names.get(e.from), to: names.get(e.to), label })));
  }
  for (const [p, [x, y]] of pos) {
    const d = dispensed.get(p);
    shapes.push(svg('rect', { x, y, width: W, height: H, rx: 8, class: `node col${column(p)}` }));
    shapes.push(svg('text', { x: x + 10, y: y + 26, class: 'node-name' }, names.get(p) ?? ''));
    if (d) shapes.push(svg('text', { x: x + 10, y: y + 50, class: 'node-sub' }, t('reg.dispensedN', { n: d })));
  }
  return h(
    'figure',
    { class: 'diagram' },
    svg(
      'svg',
      { role: 'img', 'aria-labelledby': `dg-${batchId}`, viewBox: `0 0 ${3 * W + 2 * 90 + 40} ${height}`, width: '100%' },
      svg('title', { id: `dg-${batchId}` }, t('reg.diagramTitle', { id: batchId })),
      svg(
        'defs',
        null,
        svg('marker', { id: 'arrow', viewBox: '0 0 10 10', refX: 10, refY: 5, markerWidth: 8, markerHeight: 8, orient: 'auto' }, svg('path', { d: 'M0,0 L10,5 L0,10 z' })),
      ),
      shapes,
    ),
    h('figcaption', null, t('reg.diagramCaption'), h('ul', null, textual)),
  );
}

export async function renderRegulator(el: HTMLElement): Promise<void> {
  const api = chainApi();
  const lang = getLang();
  const entries = await api.query.drugProvenance.batches.entries();
  const batches = entries
    .filter(([, v]) => v.isSome)
    .map(([k, v]) => ({ id: num(k.args[0]), b: v.unwrap() }))
    .filter((x) => x.b.recalled.isSome || x.b.suspectReports.toNumber() > 0)
    .sort((a, b) => a.id - b.id);
  const sections: HTMLElement[] = [];
  for (const { id, b } of batches) {
    const holders = await api.call.drugProvenanceApi.holders(id);
    const reports = await api.call.drugProvenanceApi.suspectReports(id);
    const holderRows: HTMLElement[] = [];
    for (const [who, c] of holders) {
      holderRows.push(
        h(
          'tr',
          { 'data-holder': who.toString() },
          h('td', null, await orgName(who.toString())),
          h('td', { 'data-testid': 'held' }, c.held.toNumber()),
          h('td', null, c.incoming.toNumber()),
          h('td', null, c.outgoing.toNumber()),
        ),
      );
    }
    const reportRows: HTMLElement[] = [];
    for (const r of reports) {
      reportRows.push(h('li', null, t('reg.report', { who: await orgName(r.reporter.toString()), reason: t(`reason.${r.reason.toString()}`), at: fmtTime(num(r.at), lang) })));
    }
    const recall = b.recalled.isSome ? b.recalled.unwrap() : null;
    sections.push(
      h(
        'article',
        { class: 'batch', 'data-batch-id': id, 'data-recalled': String(!!recall), 'aria-labelledby': `b-${id}` },
        h('h3', { id: `b-${id}` }, t('reg.batchTitle', { id, gtin: gtinText(b.gtin), lot: bytesToText(b.lot.toHex()) })),
        h(
          'p',
          null,
          t('reg.batchFacts', {
            maker: await orgName(b.manufacturer.toString()),
            qty: b.quantity.toNumber(),
            dispensed: b.dispensed.toNumber(),
            transit: b.inTransit.toNumber(),
            destroyed: b.destroyed.toNumber(),
          }),
        ),
        recall ? h('p', { class: 'alert-inline' }, t('reg.recalled', { by: await orgName(recall.by.toString()), at: fmtTime(num(recall.at), lang), code: recall.reasonCode.toNumber() })) : null,
        h('h4', null, t('reg.holders')),
        holderRows.length
          ? h(
              'table',
              { 'data-testid': 'holders' },
              h(
                'thead',
                null,
                h(
                  'tr',
                  null,
                  [t('reg.holder'), t('reg.held'), t('reg.incoming'), t('reg.outgoing')].map((s) => h('th', { scope: 'col' }, s)),
                ),
              ),
              h('tbody', null, holderRows),
            )
          : h('p', null, t('reg.noHolders')),
        h('h4', null, t('reg.reports')),
        reportRows.length ? h('ul', { 'data-testid': 'reports' }, reportRows) : h('p', null, t('reg.noReports')),
        h('h4', null, t('reg.custody')),
        await custodyDiagram(id, b.manufacturer.toString()),
      ),
    );
  }

  // Trials with switched outcomes
  const switched = await api.call.clinicalTrialsApi.trialsWithOutcomeSwitch(null, 50);
  const trials: HTMLElement[] = [];
  const hashes = (list: { toHex(): string }[]) => (list.length ? list.map((x, i) => [i ? ', ' : '', h('code', null, `${x.toHex().slice(0, 18)}…`)]) : '—');
  for (const id of switched) {
    const tr = await api.call.clinicalTrialsApi.trial(id);
    if (tr.isNone) continue;
    const info = tr.unwrap();
    const res = info.results.isSome ? info.results.unwrap() : null;
    trials.push(
      h(
        'li',
        { 'data-trial-id': id.toNumber() },
        t('reg.trial', { id: id.toNumber(), registry: bytesToText(info.registryId.toHex()), sponsor: await orgName(info.sponsor.toString()) }),
        h('br'),
        `${t('reg.missing')}: `,
        hashes(res ? [...res.missing] : []),
        h('br'),
        `${t('reg.added')}: `,
        hashes(res ? [...res.added] : []),
      ),
    );
  }

  // Emergency access per Provider
  const orgs = await organizations();
  const emergencyWindow = api.consts.consent.emergencyWindow.toNumber();
  const blockMs = api.consts.timestamp.minimumPeriod.toNumber() * 2;
  const emergencyHours = Math.max(1, Math.round((emergencyWindow * blockMs) / 3_600_000));
  const emRows: HTMLElement[] = [];
  for (const o of orgs.filter((x) => x.roles & 1)) {
    const [[total, windowUses], reads, incident] = await Promise.all([
      api.call.consentApi.emergencyUses(o.address),
      api.query.consent.emergencyReads(o.address),
      api.query.consent.emergencyIncidents(o.address),
    ]);
    // An incident lifts the per-staff break-glass limit until the end of its last window.
    const window = Math.floor((await api.query.system.number()).toNumber() / emergencyWindow);
    const inc = incident.isSome && incident.unwrap().untilWindow.toNumber() >= window ? incident.unwrap() : null;
    const incText = inc ? t('reg.emIncident', { code: inc.code.toNumber(), hours: (inc.untilWindow.toNumber() - window + 1) * emergencyHours }) : '—';
    emRows.push(
      h(
        'tr',
        { 'data-org': o.address },
        h('td', null, o.name),
        h('td', { 'data-testid': 'em-total' }, total.toNumber()),
        h('td', null, windowUses.toNumber()),
        h('td', { 'data-testid': 'em-reads' }, reads.toNumber()),
        h('td', { 'data-testid': 'em-incident', 'data-in-force': String(!!inc) }, incText),
      ),
    );
  }

  show(
    el,
    h('h1', null, t('reg.title')),
    h('section', { 'aria-labelledby': 'h-batches' }, h('h2', { id: 'h-batches' }, t('reg.batches')), sections.length ? sections : h('p', null, t('reg.noBatches'))),
    h(
      'section',
      { 'aria-labelledby': 'h-trials' },
      h('h2', { id: 'h-trials' }, t('reg.trials')),
      trials.length ? h('ul', { 'data-testid': 'trials' }, trials) : h('p', null, t('reg.noTrials')),
      h('p', { class: 'muted' }, t('reg.trialsHelp')),
    ),
    h(
      'section',
      { 'aria-labelledby': 'h-em' },
      h('h2', { id: 'h-em' }, t('reg.emergency')),
      h(
        'table',
        { 'data-testid': 'emergency' },
        h('thead', null, h('tr', null, [t('reg.hospital'), t('reg.emTotal'), t('reg.emWindow'), t('reg.emReads'), t('reg.emIncidentCol')].map((s) => h('th', { scope: 'col' }, s)))),
        h('tbody', null, emRows),
      ),
    ),
  );
}
