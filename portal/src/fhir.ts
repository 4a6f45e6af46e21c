// A FHIR R4 resource (parsed JSON), shown human-readably in the page's language for a
// clinician's history timeline: a one-line title, the clinically relevant time, and a
// <dl class="fhir"> of labeled fields. Any other resource, or a supported one that lacks
// what it is about, is shown as formatted JSON. Never throws, whatever it is given.
//
// The fields are described as a plain element tree (FhirTree: tag, attributes, text), which
// the page turns into DOM nodes (ui.ts fromTree: the document's text stays text) and which
// `html` serializes, every text and attribute escaped, for checks without a browser
// (test/fhir.test.js). Depends on nothing but ./i18n (labels under `fhir.`, in
// locales/fhir.*.json), so that this module loads without the DOM or the chain code.
import { t } from './i18n';

export interface FhirView {
  /** resourceType, e.g. 'Observation' ('' when the input has none). */
  kind: string;
  /** One line of plain text (the caller escapes it): labels translated, clinical text as in the resource. */
  title: string;
  /** The clinically relevant date/time exactly as in the resource (an ISO string), or null. */
  when: string | null;
  /** The document: <dl class="fhir"> (structured) or <pre class="fhir-json"> (fallback). */
  body: FhirTree;
  /** `body` as HTML, every text and attribute escaped. */
  html: string;
  /** true when shown as labeled fields, false when shown as formatted JSON. */
  structured: boolean;
}

/** An element of the shown document: its tag, attributes and children (text or elements). */
export interface FhirTree {
  tag: 'dl' | 'dt' | 'dd' | 'ul' | 'li' | 'pre';
  attrs: Record<string, string>;
  children: (FhirTree | string)[];
}

type Obj = Record<string, unknown>;
type Row = [label: string, value: string | string[], field: string];

const el = (tag: FhirTree['tag'], attrs: Record<string, string>, ...children: (FhirTree | string)[]): FhirTree => ({ tag, attrs, children });

const ENTITIES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };
function esc(s: string): string {
  return s.replace(/[&<>"']/g, (c) => ENTITIES[c] ?? c);
}

/** The HTML of a tree: every text and attribute value escaped. */
function serialize(x: FhirTree | string): string {
  if (typeof x === 'string') return esc(x);
  const attrs = Object.entries(x.attrs)
    .map(([k, v]) => ` ${k}="${esc(v)}"`)
    .join('');
  return `<${x.tag}${attrs}>${x.children.map(serialize).join('')}</${x.tag}>`;
}

const isObj = (x: unknown): x is Obj => typeof x === 'object' && x !== null && !Array.isArray(x);
/** A non-blank string, as it is. */
const str = (x: unknown): string | null => (typeof x === 'string' && x.trim() !== '' ? x : null);
/** A number (or a numeric-looking string, which some senders emit) as text. */
const numText = (x: unknown): string | null => (typeof x === 'number' && Number.isFinite(x) ? String(x) : str(x));
/** An array element of FHIR (a lone object is taken as a one-element array). */
const list = (x: unknown): unknown[] => (Array.isArray(x) ? x : isObj(x) ? [x] : []);
const objs = (x: unknown): Obj[] => list(x).filter(isObj);
const nonEmpty = (xs: (string | null)[]): string[] => xs.filter((x): x is string => !!x);
/** Looks like a FHIR date/dateTime/instant (YYYY, YYYY-MM, YYYY-MM-DD, with a time). */
const dateStr = (x: unknown): string | null => {
  const s = str(x);
  return s && /^\d{4}(-\d{2}(-\d{2}([T ]\d{2}:\d{2}.*)?)?)?$/.test(s.trim()) ? s : null;
};

/** text, else the first coding with a display, else the first coding's system|code. */
function cc(x: unknown): string | null {
  if (!isObj(x)) return null;
  const text = str(x.text);
  if (text) return text;
  const codings = objs(x.coding);
  for (const c of codings) if (str(c.display)) return c.display as string;
  const c = codings.find((c) => str(c.code));
  if (!c) return null;
  return systemCode(c.system, c.code as string);
}

/** Encounter.class (a Coding of v3 ActCode): the translated code when known, else display,
 * else system|code. */
function encounterClass(x: unknown): string | null {
  if (!isObj(x)) return null;
  const sys = typeof x.system === 'string' ? x.system : '';
  if (str(x.code) && (sys === '' || sys.includes('v3-ActCode'))) {
    const tr = t('fhir.class.' + (x.code as string).trim(), {}, null);
    if (tr) return tr;
  }
  if (str(x.display)) return x.display as string;
  if (!str(x.code)) return null;
  return systemCode(x.system, x.code as string);
}

/** A coding without a display: system|code, or the code alone. */
function systemCode(system: unknown, code: string): string {
  const sys = str(system);
  return sys ? `${sys}|${code}` : code;
}

/** A code of a required FHIR value set (status, intent, criticality, …), translated when known. */
function code(x: unknown): string | null {
  const s = str(x);
  return s ? t('fhir.val.' + s.trim(), {}, s) : null;
}

/** A CodeableConcept from an HL7 value set (clinicalStatus, verificationStatus): its text, else
 * the translated code, else as cc(). */
function statusCc(x: unknown): string | null {
  if (!isObj(x)) return null;
  if (str(x.text)) return x.text as string;
  for (const c of objs(x.coding)) {
    const sys = typeof c.system === 'string' ? c.system : '';
    if (str(c.code) && (sys === '' || sys.startsWith('http://terminology.hl7.org/'))) {
      const tr = t('fhir.val.' + (c.code as string).trim(), {}, null);
      if (tr) return tr;
    }
  }
  return cc(x);
}

/** Observation.interpretation: text, else the translated v3 interpretation code, else cc(). */
function interp(x: unknown): string | null {
  if (!isObj(x)) return null;
  if (str(x.text)) return x.text as string;
  for (const c of objs(x.coding)) {
    const sys = typeof c.system === 'string' ? c.system : '';
    if (str(c.code) && (sys === '' || sys.includes('ObservationInterpretation'))) {
      const tr = t('fhir.interp.' + (c.code as string).trim(), {}, null);
      if (tr) return tr;
    }
  }
  return cc(x);
}

function quantity(x: unknown): string | null {
  if (!isObj(x)) return null;
  const v = numText(x.value);
  if (v === null) return null;
  const unit = str(x.unit) ?? str(x.code);
  const cmp = str(x.comparator);
  return `${cmp ? cmp + ' ' : ''}${v}${unit ? ' ' + unit : ''}`;
}

function range(low: unknown, high: unknown): string | null {
  const lo = quantity(low);
  const hi = quantity(high);
  // '4.0 % – 5.6 %' reads badly: with the same unit on both ends, write it once.
  if (lo && hi && isObj(low) && isObj(high)) {
    const lu = str(low.unit) ?? str(low.code);
    const hu = str(high.unit) ?? str(high.code);
    if (lu && lu === hu && !str(low.comparator) && !str(high.comparator)) return `${numText(low.value)}–${numText(high.value)} ${hu}`;
    return `${lo} – ${hi}`;
  }
  if (lo) return `≥ ${lo}`;
  if (hi) return `≤ ${hi}`;
  return null;
}

function period(x: unknown): string | null {
  if (!isObj(x)) return null;
  const s = str(x.start);
  const e = str(x.end);
  if (s && e) return `${s} – ${e}`;
  if (s) return `${s} –`;
  if (e) return `– ${e}`;
  return null;
}

function bool(x: unknown): string | null {
  if (typeof x !== 'boolean') return null;
  return x ? t('fhir.yes') : t('fhir.no');
}

/** value[x] of an Observation or an Observation.component. */
function value(o: Obj): string | null {
  return (
    quantity(o.valueQuantity) ??
    cc(o.valueCodeableConcept) ??
    str(o.valueString) ??
    bool(o.valueBoolean) ??
    numText(o.valueInteger) ??
    (isObj(o.valueRange) ? range(o.valueRange.low, o.valueRange.high) : null) ??
    (isObj(o.valueRatio) && quantity(o.valueRatio.numerator) && quantity(o.valueRatio.denominator)
      ? `${quantity(o.valueRatio.numerator)} / ${quantity(o.valueRatio.denominator)}`
      : null) ??
    str(o.valueDateTime) ??
    str(o.valueTime) ??
    period(o.valuePeriod)
  );
}

/** A Reference: its display, else its reference (e.g. 'Practitioner/123'). */
function ref(x: unknown): string | null {
  if (!isObj(x)) return null;
  return str(x.display) ?? str(x.reference);
}

const notes = (x: unknown): string[] => nonEmpty(objs(x).map((n) => str(n.text)));
const ccs = (x: unknown): string[] => nonEmpty(list(x).map(cc));

/** onset[x] / abatement[x] / occurrence[x] / performed[x] of the given prefix. */
function choiceTime(o: Obj, p: string): string | null {
  const age = quantity(o[p + 'Age']);
  return (
    str(o[p + 'DateTime']) ??
    period(o[p + 'Period']) ??
    str(o[p + 'String']) ??
    age ??
    (isObj(o[p + 'Range']) ? range((o[p + 'Range'] as Obj).low, (o[p + 'Range'] as Obj).high) : null) ??
    bool(o[p + 'Boolean'])
  );
}

function timing(x: unknown): string | null {
  if (!isObj(x)) return null;
  const named = cc(x.code);
  const r = isObj(x.repeat) ? x.repeat : null;
  if (r) {
    const unit = str(r.periodUnit);
    const per = numText(r.period);
    if (unit && per) {
      const params = { frequency: numText(r.frequency) ?? '1', period: per, unit: t('fhir.unit.' + unit, {}, unit) };
      const s = per === '1' ? t('fhir.timing.perUnit', params) : t('fhir.timing.every', params);
      return named ? `${named} (${s})` : s;
    }
  }
  if (named) return named;
  const ev = list(x.event).map(str).find((e) => e);
  return ev ?? null;
}

/** The rows of one Dosage (MedicationStatement.dosage, MedicationRequest.dosageInstruction). */
function dosageRows(d: Obj, n: number | null): Row[] {
  const rows: Row[] = [];
  const doses = nonEmpty(objs(d.doseAndRate).map((dr) => quantity(dr.doseQuantity) ?? (isObj(dr.doseRange) ? range(dr.doseRange.low, dr.doseRange.high) : null)));
  rows.push([n === null ? t('fhir.dosage') : t('fhir.dosageN', { n }), str(d.text) ?? '', 'dosage']);
  rows.push([t('fhir.timing'), timing(d.timing) ?? '', 'timing']);
  rows.push([t('fhir.dose'), doses, 'dose']);
  rows.push([t('fhir.route'), cc(d.route) ?? '', 'route']);
  rows.push([t('fhir.asNeeded'), bool(d.asNeededBoolean) ?? cc(d.asNeededCodeableConcept) ?? '', 'asNeeded']);
  return rows;
}

function dosages(x: unknown): { rows: Row[]; first: string | null } {
  const ds = objs(x);
  const rows: Row[] = [];
  ds.forEach((d, i) => rows.push(...dosageRows(d, ds.length > 1 ? i + 1 : null)));
  const first = ds.map((d) => str(d.text)).find((s) => s) ?? null;
  return { rows, first };
}

interface Shown {
  title: string;
  rows: Row[];
}

/** Each supported kind: its title and rows, or null when it lacks what it is about. */
const KINDS: Record<string, (r: Obj) => Shown | null> = {
  Observation(r) {
    const what = cc(r.code);
    if (!what) return null;
    const v = value(r);
    const comps = objs(r.component);
    const compRows: Row[] = comps.map((c) => {
      const cv = value(c) ?? cc(c.dataAbsentReason) ?? '';
      const ci = list(c.interpretation).map(interp).filter((s) => s);
      return [cc(c.code) ?? '?', ci.length ? `${cv} (${ci.join(', ')})` : cv, 'component'];
    });
    const ranges = nonEmpty(
      objs(r.referenceRange).map((rr) => {
        const lh = range(rr.low, rr.high);
        const text = str(rr.text);
        return lh && text ? `${lh} (${text})` : (lh ?? text);
      }),
    );
    const compValues = nonEmpty(comps.map((c) => value(c)));
    const shown = v ?? (compValues.length ? compValues.join(' / ') : null);
    return {
      title: shown ? `${what}: ${shown}` : what,
      rows: [
        [t('fhir.code'), what, 'code'],
        [t('fhir.value'), v ?? '', 'value'],
        [t('fhir.dataAbsent'), v ? '' : (cc(r.dataAbsentReason) ?? ''), 'dataAbsent'],
        ...compRows,
        [t('fhir.interpretation'), nonEmpty(list(r.interpretation).map(interp)), 'interpretation'],
        [t('fhir.referenceRange'), ranges, 'referenceRange'],
        [t('fhir.status'), code(r.status) ?? '', 'status'],
        [t('fhir.category'), ccs(r.category), 'category'],
        [t('fhir.effective'), str(r.effectiveDateTime) ?? period(r.effectivePeriod) ?? str(r.effectiveInstant) ?? '', 'effective'],
        [t('fhir.issued'), str(r.issued) ?? '', 'issued'],
        [t('fhir.performer'), nonEmpty(list(r.performer).map(ref)), 'performer'],
        [t('fhir.note'), notes(r.note), 'note'],
      ],
    };
  },

  Condition(r) {
    const what = cc(r.code);
    if (!what) return null;
    return {
      title: what,
      rows: [
        [t('fhir.condition'), what, 'code'],
        [t('fhir.clinicalStatus'), statusCc(r.clinicalStatus) ?? '', 'clinicalStatus'],
        [t('fhir.verificationStatus'), statusCc(r.verificationStatus) ?? '', 'verificationStatus'],
        [t('fhir.category'), ccs(r.category), 'category'],
        [t('fhir.severity'), cc(r.severity) ?? '', 'severity'],
        [t('fhir.bodySite'), ccs(r.bodySite), 'bodySite'],
        [t('fhir.onset'), choiceTime(r, 'onset') ?? '', 'onset'],
        [t('fhir.abatement'), choiceTime(r, 'abatement') ?? '', 'abatement'],
        [t('fhir.recorded'), str(r.recordedDate) ?? '', 'recorded'],
        [t('fhir.note'), notes(r.note), 'note'],
      ],
    };
  },

  MedicationStatement(r) {
    const what = cc(r.medicationCodeableConcept) ?? ref(r.medicationReference);
    if (!what) return null;
    const d = dosages(r.dosage);
    return {
      title: d.first ? `${what}: ${d.first}` : what,
      rows: [
        [t('fhir.medication'), what, 'medication'],
        [t('fhir.status'), code(r.status) ?? '', 'status'],
        ...d.rows,
        [t('fhir.effective'), str(r.effectiveDateTime) ?? period(r.effectivePeriod) ?? '', 'effective'],
        [t('fhir.dateAsserted'), str(r.dateAsserted) ?? '', 'dateAsserted'],
        [t('fhir.reason'), [...ccs(r.reasonCode), ...nonEmpty(list(r.reasonReference).map(ref))], 'reason'],
        [t('fhir.note'), notes(r.note), 'note'],
      ],
    };
  },

  MedicationRequest(r) {
    const what = cc(r.medicationCodeableConcept) ?? ref(r.medicationReference);
    if (!what) return null;
    const d = dosages(r.dosageInstruction);
    return {
      title: d.first ? `${what}: ${d.first}` : what,
      rows: [
        [t('fhir.medication'), what, 'medication'],
        [t('fhir.status'), code(r.status) ?? '', 'status'],
        [t('fhir.intent'), code(r.intent) ?? '', 'intent'],
        ...d.rows,
        [t('fhir.authoredOn'), str(r.authoredOn) ?? '', 'authoredOn'],
        [t('fhir.requester'), ref(r.requester) ?? '', 'requester'],
        [t('fhir.reason'), [...ccs(r.reasonCode), ...nonEmpty(list(r.reasonReference).map(ref))], 'reason'],
        [t('fhir.note'), notes(r.note), 'note'],
      ],
    };
  },

  DiagnosticReport(r) {
    const what = cc(r.code);
    if (!what) return null;
    return {
      title: what,
      rows: [
        [t('fhir.report'), what, 'code'],
        [t('fhir.status'), code(r.status) ?? '', 'status'],
        [t('fhir.category'), ccs(r.category), 'category'],
        [t('fhir.effective'), str(r.effectiveDateTime) ?? period(r.effectivePeriod) ?? '', 'effective'],
        [t('fhir.issued'), str(r.issued) ?? '', 'issued'],
        [t('fhir.performer'), nonEmpty(list(r.performer).map(ref)), 'performer'],
        [t('fhir.results'), nonEmpty(list(r.result).map(ref)), 'results'],
        [t('fhir.conclusion'), str(r.conclusion) ?? '', 'conclusion'],
        [t('fhir.conclusionCode'), ccs(r.conclusionCode), 'conclusionCode'],
      ],
    };
  },

  AllergyIntolerance(r) {
    const what = cc(r.code);
    if (!what) return null;
    const reactions = objs(r.reaction).map((x) => {
      const m = ccs(x.manifestation).join(', ') || str(x.description) || '';
      const sev = code(x.severity);
      const sub = cc(x.substance);
      return [m, sev ? `(${sev})` : '', sub && sub !== what ? `— ${sub}` : ''].filter((s) => s).join(' ');
    });
    return {
      title: str(r.type)?.trim() === 'intolerance' ? t('fhir.title.intolerance', { substance: what }) : t('fhir.title.allergy', { substance: what }),
      rows: [
        [t('fhir.substance'), what, 'code'],
        [t('fhir.clinicalStatus'), statusCc(r.clinicalStatus) ?? '', 'clinicalStatus'],
        [t('fhir.verificationStatus'), statusCc(r.verificationStatus) ?? '', 'verificationStatus'],
        [t('fhir.type'), code(r.type) ?? '', 'type'],
        [t('fhir.category'), nonEmpty(list(r.category).map(code)), 'category'],
        [t('fhir.criticality'), code(r.criticality) ?? '', 'criticality'],
        [t('fhir.reaction'), reactions.filter((s) => s), 'reaction'],
        [t('fhir.onset'), choiceTime(r, 'onset') ?? '', 'onset'],
        [t('fhir.recorded'), str(r.recordedDate) ?? '', 'recorded'],
        [t('fhir.note'), notes(r.note), 'note'],
      ],
    };
  },

  Immunization(r) {
    const what = cc(r.vaccineCode);
    if (!what) return null;
    return {
      title: what,
      rows: [
        [t('fhir.vaccine'), what, 'vaccineCode'],
        [t('fhir.status'), code(r.status) ?? '', 'status'],
        [t('fhir.occurrence'), str(r.occurrenceDateTime) ?? str(r.occurrenceString) ?? '', 'occurrence'],
        [t('fhir.lotNumber'), str(r.lotNumber) ?? '', 'lotNumber'],
        [t('fhir.dose'), quantity(r.doseQuantity) ?? '', 'doseQuantity'],
        [t('fhir.site'), cc(r.site) ?? '', 'site'],
        [t('fhir.route'), cc(r.route) ?? '', 'route'],
        [t('fhir.performer'), nonEmpty(objs(r.performer).map((p) => ref(p.actor))), 'performer'],
        [t('fhir.note'), notes(r.note), 'note'],
      ],
    };
  },

  Encounter(r) {
    const type = ccs(r.type);
    const cls = encounterClass(r.class);
    const what = type[0] ?? cls;
    if (!what) return null;
    const reasons = [...ccs(r.reasonCode), ...nonEmpty(list(r.reasonReference).map(ref))];
    return {
      title: reasons.length ? `${what}: ${reasons[0]}` : what,
      rows: [
        [t('fhir.type'), type, 'type'],
        [t('fhir.class'), cls ?? '', 'class'],
        [t('fhir.status'), code(r.status) ?? '', 'status'],
        [t('fhir.period'), period(r.period) ?? '', 'period'],
        [t('fhir.reason'), reasons, 'reason'],
        [t('fhir.performer'), nonEmpty(objs(r.participant).map((p) => ref(p.individual))), 'performer'],
        [t('fhir.location'), nonEmpty(objs(r.location).map((l) => ref(l.location))), 'location'],
        [t('fhir.serviceProvider'), ref(r.serviceProvider) ?? '', 'serviceProvider'],
      ],
    };
  },

  Procedure(r) {
    const what = cc(r.code);
    if (!what) return null;
    return {
      title: what,
      rows: [
        [t('fhir.procedure'), what, 'code'],
        [t('fhir.status'), code(r.status) ?? '', 'status'],
        [t('fhir.performed'), choiceTime(r, 'performed') ?? '', 'performed'],
        [t('fhir.performer'), nonEmpty(objs(r.performer).map((p) => ref(p.actor))), 'performer'],
        [t('fhir.reason'), [...ccs(r.reasonCode), ...nonEmpty(list(r.reasonReference).map(ref))], 'reason'],
        [t('fhir.bodySite'), ccs(r.bodySite), 'bodySite'],
        [t('fhir.outcome'), cc(r.outcome) ?? '', 'outcome'],
        [t('fhir.note'), notes(r.note), 'note'],
      ],
    };
  },
};

/** Where each kind keeps its clinically relevant time, in order of preference. */
const WHEN: Record<string, ((r: Obj) => unknown)[]> = {
  Observation: [(r) => r.effectiveDateTime, (r) => (isObj(r.effectivePeriod) ? r.effectivePeriod.start : null), (r) => r.effectiveInstant, (r) => r.issued],
  Condition: [(r) => r.onsetDateTime, (r) => (isObj(r.onsetPeriod) ? r.onsetPeriod.start : null), (r) => r.recordedDate],
  MedicationStatement: [(r) => r.effectiveDateTime, (r) => (isObj(r.effectivePeriod) ? r.effectivePeriod.start : null), (r) => r.dateAsserted],
  MedicationRequest: [(r) => r.authoredOn],
  DiagnosticReport: [(r) => r.effectiveDateTime, (r) => (isObj(r.effectivePeriod) ? r.effectivePeriod.start : null), (r) => r.issued],
  AllergyIntolerance: [(r) => r.recordedDate, (r) => r.onsetDateTime],
  Immunization: [(r) => r.occurrenceDateTime, (r) => r.recorded],
  Encounter: [(r) => (isObj(r.period) ? r.period.start : null)],
  Procedure: [(r) => r.performedDateTime, (r) => (isObj(r.performedPeriod) ? r.performedPeriod.start : null)],
};

function whenOf(r: Obj, kind: string): string | null {
  // Own properties only: a resourceType such as 'constructor' must not find Object's.
  const getters = Object.prototype.hasOwnProperty.call(WHEN, kind) ? WHEN[kind] : [];
  for (const g of [...getters, (r: Obj) => (isObj(r.meta) ? r.meta.lastUpdated : null)]) {
    const d = dateStr(g(r));
    if (d) return d;
  }
  return null;
}

function dl(kind: string, rows: Row[]): FhirTree {
  const parts = rows
    .filter(([, v]) => (Array.isArray(v) ? v.length > 0 : v !== ''))
    .flatMap(([label, v, field]) => {
      const body = Array.isArray(v) ? (v.length === 1 ? v[0] : el('ul', {}, ...v.map((x) => el('li', {}, x)))) : v;
      return [el('dt', {}, label), el('dd', { 'data-field': field }, body)];
    });
  return el('dl', { class: 'fhir', 'data-kind': kind }, ...parts);
}

function view(kind: string, title: string, when: string | null, body: FhirTree, structured: boolean): FhirView {
  return { kind, title, when, body, html: serialize(body), structured };
}

function json(x: unknown): string {
  try {
    const s = JSON.stringify(x, (_k: string, v: unknown) => (typeof v === 'bigint' ? v.toString() : v), 2);
    if (typeof s === 'string') return s;
  } catch {
    /* a cycle, a throwing toJSON: below */
  }
  try {
    return String(x);
  } catch {
    return '';
  }
}

function fallback(x: unknown, kind: string, when: string | null): FhirView {
  return view(kind, kind || t('fhir.unknown'), when, el('pre', { class: 'fhir-json' }, json(x)), false);
}

/** A FHIR R4 resource (parsed JSON) for the history timeline; never throws. */
export function viewFhir(resource: unknown): FhirView {
  let kind = '';
  let when: string | null = null;
  try {
    if (!isObj(resource)) return fallback(resource, '', null);
    kind = str(resource.resourceType)?.trim() ?? '';
    when = whenOf(resource, kind);
    const show = Object.prototype.hasOwnProperty.call(KINDS, kind) ? KINDS[kind](resource) : null;
    if (!show) return fallback(resource, kind, when);
    return view(kind, show.title, when, dl(kind, show.rows), true);
  } catch {
    try {
      return fallback(resource, kind, when);
    } catch {
      return view(kind, kind || 'unknown', when, el('pre', { class: 'fhir-json' }), false);
    }
  }
}
