// Shared UI pieces: building DOM nodes (h, svg), the shared page state, and the transaction
// panel (fee, progress, named error).
//
// Every piece of the page is made with h()/svg(): text goes in as text nodes and attribute
// values through setAttribute, so a name, a purpose or a document from the chain or a gateway
// is shown as text and never parsed as markup. (eslint.config.js forbids innerHTML and the
// other HTML sinks.)
import { t } from './i18n';
import { estimateFee, submit, errorSentence, fmtBalance, ChainError, type Account, type Progress, type Tx, type TxEvents } from './chain';

/** An attribute value: true sets an empty attribute, false, null and undefined leave it out. */
export type AttrValue = string | number | boolean | null | undefined;
export type Attrs = Record<string, AttrValue>;
/** A child: a node, text (a string or number), nothing (null, undefined, false), or a list of them. */
export type Child = Node | string | number | null | undefined | false | readonly Child[];

function setAttrs(el: Element, attrs: Attrs | null | undefined): void {
  if (!attrs) return;
  for (const [name, v] of Object.entries(attrs)) {
    if (v === null || v === undefined || v === false) continue;
    el.setAttribute(name, v === true ? '' : String(v));
  }
}

/** The children as nodes and text, lists flattened, nothing left out. */
export function nodes(...children: Child[]): (Node | string)[] {
  const out: (Node | string)[] = [];
  const add = (c: Child): void => {
    if (c === null || c === undefined || c === false) return;
    if (Array.isArray(c)) (c as readonly Child[]).forEach(add);
    else if (typeof c === 'number') out.push(String(c));
    else out.push(c as Node | string);
  };
  children.forEach(add);
  return out;
}

/** An HTML element with attributes and children (strings become text nodes). */
export function h<K extends keyof HTMLElementTagNameMap>(tag: K, attrs?: Attrs | null, ...children: Child[]): HTMLElementTagNameMap[K] {
  const el = document.createElement(tag);
  setAttrs(el, attrs);
  el.append(...nodes(...children));
  return el;
}

const SVG_NS = 'http://www.w3.org/2000/svg';
/** An SVG element with attributes and children (strings become text nodes). */
export function svg<K extends keyof SVGElementTagNameMap>(tag: K, attrs?: Attrs | null, ...children: Child[]): SVGElementTagNameMap[K] {
  const el = document.createElementNS(SVG_NS, tag);
  setAttrs(el, attrs);
  el.append(...nodes(...children));
  return el;
}

/** Replace the content of `el` with `children`. */
export function show(el: Element, ...children: Child[]): void {
  el.replaceChildren(...nodes(...children));
}

/** A plain element tree (tag, attributes, children): what src/fhir.ts describes a document
 * as, without the DOM. */
export interface ElementTree {
  tag: keyof HTMLElementTagNameMap;
  attrs: Record<string, string>;
  children: (ElementTree | string)[];
}

/** The DOM of an element tree. */
export function fromTree(tree: ElementTree): HTMLElement {
  return h(tree.tag, tree.attrs, tree.children.map((c) => (typeof c === 'string' ? c : fromTree(c))));
}

/** The query's element, which the code just rendered (an error when it is not there). */
export function $<E extends Element = HTMLElement>(root: ParentNode, selector: string): E {
  const el = root.querySelector<E>(selector);
  if (!el) throw new Error(`no ${selector} on the page`);
  return el;
}

export const state: { account: Account | null; accounts: Account[]; view: string; rerender: () => Promise<void> } = {
  account: null,
  accounts: [],
  view: 'patient',
  rerender: () => Promise.resolve(),
};

const STEPS: Progress[] = ['submitted', 'inBlock', 'finalized'];

/** Empty the transaction panel: a new task (a new pack checked, a new view) starts clean,
 * without the previous one's outcome. */
export function clearTx(): void {
  const panel = document.getElementById('tx');
  if (!panel) return;
  panel.dataset.state = 'idle';
  delete panel.dataset.error;
  panel.replaceChildren();
}

/**
 * Run one extrinsic with the transaction panel: its fee first, then each step, then the
 * outcome in words. Resolves with the events (or null when it failed).
 */
export async function runTx(actionKey: string, tx: Tx, opts: { onDone?: (events: TxEvents) => void; resolveAt?: 'inBlock' | 'finalized' } = {}): Promise<TxEvents | null> {
  const panel = $(document, '#tx');
  // Synchronously, before any await: the panel no longer shows the previous outcome.
  panel.dataset.state = 'preparing';
  delete panel.dataset.error;
  const account = state.account;
  if (!account) {
    panel.dataset.state = 'failed';
    show(panel, h('p', { class: 'error' }, t('tx.noAccount')));
    return null;
  }
  const action = t(actionKey);
  let feeText = '';
  try {
    const fee = await estimateFee(tx, account);
    feeText = fee.feeless ? t('tx.feeless', { left: fee.freeLeft }) : t('tx.fee', { fee: fmtBalance(fee.fee) });
  } catch {
    feeText = t('tx.feeUnknown');
  }
  let reached: Progress = 'signing';
  let step: Progress = 'signing'; // the last step reached, kept when the call then fails
  let block = '';
  const render = (extra: Child = null) => {
    panel.dataset.state = reached;
    if (reached !== 'failed') step = reached;
    panel.dataset.action = actionKey;
    show(
      panel,
      h('h2', { class: 'tx-title' }, action),
      h('p', { class: 'tx-fee', 'data-testid': 'tx-fee' }, feeText),
      h(
        'ol',
        { class: 'steps' },
        STEPS.map((s) => {
          const done = STEPS.indexOf(s) <= STEPS.indexOf(step);
          return h('li', { class: done ? 'done' : '' }, t(`tx.step.${s}`) + (done ? ' ✓' : ''));
        }),
      ),
      block ? h('p', { class: 'muted' }, t('tx.block', { hash: block.slice(0, 18) + '…' })) : null,
      extra,
    );
  };
  render();
  panel.scrollIntoView?.({ block: 'nearest' });
  try {
    const events = await submit(
      tx,
      account,
      (p, hash) => {
        if (p === 'failed') return;
        if (p === 'inBlock' && reached === 'signing') step = 'submitted';
        if (STEPS.indexOf(p) > STEPS.indexOf(reached) || reached === 'signing') reached = p;
        if (hash) block = hash;
        render();
      },
      opts.resolveAt,
    );
    if (opts.resolveAt !== 'inBlock') reached = 'finalized';
    render(h('p', { class: 'ok', 'data-testid': 'tx-result' }, t('tx.done', { action })));
    opts.onDone?.(events);
    return events;
  } catch (e: unknown) {
    reached = 'failed';
    const sentence = errorSentence(e);
    panel.dataset.error = e instanceof ChainError ? `${e.section}.${e.errorName}` : 'unexpected';
    render(h('p', { class: 'error', role: 'alert', 'data-testid': 'tx-error' }, `${t('tx.failed', { action })} ${sentence}`));
    return null;
  }
}
