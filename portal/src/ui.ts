// Shared UI pieces: escaping, the transaction panel (fee, progress, named error).
import { t } from './i18n';
import { estimateFee, submit, errorSentence, fmtBalance, type Account, type Progress } from './chain';

export function esc(s: any): string {
  return String(s ?? '').replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
}

export const state: { account: Account | null; accounts: Account[]; view: string; rerender: () => void } = {
  account: null,
  accounts: [],
  view: 'patient',
  rerender: () => {},
};

const STEPS: Progress[] = ['submitted', 'inBlock', 'finalized'];

/**
 * Run one extrinsic with the transaction panel: its fee first, then each step, then the
 * outcome in words. Resolves with the events (or null when it failed).
 */
/** Empty the transaction panel: a new task (a new pack checked, a new view) starts clean,
 * without the previous one's outcome. */
export function clearTx(): void {
  const panel = document.getElementById('tx');
  if (!panel) return;
  panel.dataset.state = 'idle';
  delete panel.dataset.error;
  panel.innerHTML = '';
}

export async function runTx(
  actionKey: string,
  tx: any,
  opts: { onDone?: (events: any[]) => void; resolveAt?: 'inBlock' | 'finalized' } = {},
): Promise<any[] | null> {
  const panel = document.getElementById('tx')!;
  // Synchronously, before any await: the panel no longer shows the previous outcome.
  panel.dataset.state = 'preparing';
  delete panel.dataset.error;
  const account = state.account;
  if (!account) {
    panel.dataset.state = 'failed';
    panel.innerHTML = `<p class="error">${esc(t('tx.noAccount'))}</p>`;
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
  const render = (extra = '') => {
    panel.dataset.state = reached;
    if (reached !== 'failed') step = reached;
    panel.dataset.action = actionKey;
    panel.innerHTML =
      `<h2 class="tx-title">${esc(action)}</h2>` +
      `<p class="tx-fee" data-testid="tx-fee">${esc(feeText)}</p>` +
      `<ol class="steps">${STEPS.map((s) => {
        const done = STEPS.indexOf(s) <= STEPS.indexOf(step as any);
        return `<li class="${done ? 'done' : ''}">${esc(t(`tx.step.${s}`))}${done ? ' ✓' : ''}</li>`;
      }).join('')}</ol>` +
      (block ? `<p class="muted">${esc(t('tx.block', { hash: block.slice(0, 18) + '…' }))}</p>` : '') +
      extra;
  };
  render();
  panel.scrollIntoView?.({ block: 'nearest' });
  try {
    const events = await submit(tx, account, (p, hash) => {
      if (p === 'failed') return;
      if (p === 'inBlock' && reached === 'signing') step = 'submitted';
      if (STEPS.indexOf(p) > STEPS.indexOf(reached as any) || reached === 'signing') reached = p;
      if (hash) block = hash;
      render();
    }, opts.resolveAt);
    if (opts.resolveAt !== 'inBlock') reached = 'finalized';
    render(`<p class="ok" data-testid="tx-result">${esc(t('tx.done', { action }))}</p>`);
    opts.onDone?.(events);
    return events;
  } catch (e: any) {
    reached = 'failed';
    const sentence = errorSentence(e);
    panel.dataset.error = e?.section ? `${e.section}.${e.errorName}` : 'unexpected';
    render(`<p class="error" role="alert" data-testid="tx-error">${esc(t('tx.failed', { action }))} ${esc(sentence)}</p>`);
    return null;
  }
}
