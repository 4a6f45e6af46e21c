// Shared UI pieces: the DOM helpers (src/dom.ts), the shared page state, and the transaction
// panel (fee, progress, named error).
import { t } from './i18n';
import { $, h, show, type Child } from './dom';
export * from './dom';
import { estimateFee, submit, errorSentence, fmtBalance, ChainError, type Account, type Progress, type Tx, type TxEvents } from './chain';

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
