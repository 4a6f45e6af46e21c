// MedChain portal: one page, three views (patient, pharmacist, regulator), two languages.
import { t, getLang, setLang, LANGS } from './i18n';
import { connect, loadAccounts, devKeysOffered, chainName, api, WrongChainError } from './chain';
import { esc, state } from './ui';
import { renderPatient } from './patient';
import { renderPharmacist } from './pharmacist';
import { renderRegulator } from './regulator';
import { renderClinician } from './clinician';

const params = new URLSearchParams(location.search);
// A production build talks to the node pinned at build time and to nothing else: no ?rpc=, no
// stored endpoint, no Connect form (security review N7; vite.config.ts). A development build
// takes ?rpc=, then the endpoint stored by its Connect form.
let endpoint = __MEDCHAIN_DEV__ ? params.get('rpc') || localStorage.getItem('medchain.rpc') || __MEDCHAIN_RPC__ || 'ws://127.0.0.1:9944' : __MEDCHAIN_RPC__;
let connError = '';
let wrongChain: WrongChainError | null = null;
let connected = false;
if (params.get('lang')) setLang(params.get('lang')!);
document.documentElement.lang = getLang();
const VIEWS = ['patient', 'clinician', 'pharmacist', 'regulator'];
state.view = VIEWS.includes(location.hash.slice(1)) ? location.hash.slice(1) : 'patient';

function shell(): void {
  const app = document.getElementById('app')!;
  document.title = t('app.title');
  (document.querySelector('.skip') as HTMLElement).textContent = t('app.skip');
  const accOptions = state.accounts
    .map((a) => `<option value="${esc(a.address)}" ${state.account?.address === a.address ? 'selected' : ''}>${esc(a.label)}</option>`)
    .join('');
  app.innerHTML = `
  <header class="top">
    <div class="brand">${esc(t('app.title'))}</div>
    <div class="controls">
      <label>${esc(t('app.language'))}
        <select id="lang">${LANGS.map(([v, n]) => `<option value="${v}" ${v === getLang() ? 'selected' : ''}>${n}</option>`).join('')}</select>
      </label>
      ${
        __MEDCHAIN_DEV__
          ? `<form id="endpoint-form" class="inline">
        <label>${esc(t('app.endpoint'))} <input id="endpoint" value="${esc(endpoint)}" size="24" /></label>
        <button type="submit">${esc(t('app.connect'))}</button>
      </form>`
          : `<span class="pinned" id="endpoint-pinned">${esc(t('app.endpoint'))}: <code>${esc(endpoint)}</code></span>`
      }
      <label>${esc(t('app.account'))}
        <select id="account"><option value="">${esc(t('app.chooseAccount'))}</option>${accOptions}</select>
      </label>
    </div>
    ${
      wrongChain
        ? `<p class="conn error" role="alert" data-testid="conn" data-connected="false" data-wrong-chain="true">${esc(t('app.wrongChain', { url: endpoint, expected: wrongChain.expected, got: wrongChain.got }))}</p>`
        : `<p class="conn" data-testid="conn" data-connected="${connected}">${connected ? esc(t('app.connected', { chain: chainName })) + (devKeysOffered ? ' · ' + esc(t('app.devChain')) : '') : esc(connError ? t('app.connError', { url: endpoint, error: connError }) : t('app.connecting', { url: endpoint }))}</p>`
    }
    ${connected && state.accounts.length === 0 ? `<p class="warn">${esc(t(__MEDCHAIN_DEV__ ? 'app.noAccounts' : 'app.noExtension'))}</p>` : ''}
    <nav aria-label="${esc(t('app.views'))}"><ul class="tabs">
      ${VIEWS.map((v) => `<li><a href="#${v}" id="tab-${v}" ${v === state.view ? 'aria-current="page"' : ''}>${esc(t(`view.${v}`))}</a></li>`).join('')}
    </ul></nav>
  </header>
  <main id="main" tabindex="-1">
    <div id="view" data-view="${state.view}"></div>
    <section id="tx" role="status" aria-live="polite" aria-label="${esc(t('tx.panel'))}" data-state="idle"></section>
  </main>
  <footer class="foot">${esc(t('app.footer'))}</footer>`;

  (document.getElementById('lang') as HTMLSelectElement).addEventListener('change', (e) => {
    setLang((e.target as HTMLSelectElement).value);
    render();
    (document.getElementById('lang') as HTMLSelectElement).focus();
  });
  document.getElementById('endpoint-form')?.addEventListener('submit', (e) => {
    e.preventDefault();
    if (!__MEDCHAIN_DEV__) return;
    endpoint = (document.getElementById('endpoint') as HTMLInputElement).value.trim();
    localStorage.setItem('medchain.rpc', endpoint);
    start();
  });
  (document.getElementById('account') as HTMLSelectElement).addEventListener('change', (e) => {
    const v = (e.target as HTMLSelectElement).value;
    state.account = state.accounts.find((a) => a.address === v) ?? null;
    if (state.account) localStorage.setItem('medchain.account', state.account.address);
    renderView();
    (document.getElementById('account') as HTMLSelectElement).focus();
  });
}

let renderSeq = 0;
async function renderView(): Promise<void> {
  const el = document.getElementById('view')!;
  el.dataset.view = state.view;
  el.dataset.ready = 'false';
  const seq = ++renderSeq;
  if (!connected) {
    el.innerHTML = wrongChain ? `<p class="error">${esc(t('app.wrongChainView'))}</p>` : `<p>${esc(t('app.notConnected'))}</p>`;
    return;
  }
  try {
    if (state.view === 'patient') await renderPatient(el);
    else if (state.view === 'clinician') await renderClinician(el);
    else if (state.view === 'pharmacist') await renderPharmacist(el);
    else await renderRegulator(el);
  } catch (e: any) {
    el.innerHTML = `<p class="error" role="alert">${esc(t('err.unexpected', { message: e?.message ?? String(e) }))}</p>`;
  }
  if (seq === renderSeq) el.dataset.ready = 'true';
}

function render(): void {
  shell();
  renderView();
}
state.rerender = renderView;

window.addEventListener('hashchange', () => {
  const v = location.hash.slice(1);
  if (VIEWS.includes(v)) {
    state.view = v;
    render();
    (document.getElementById(`tab-${v}`) as HTMLElement)?.focus();
  }
});

async function start(): Promise<void> {
  connected = false;
  connError = '';
  wrongChain = null;
  render();
  try {
    await connect(endpoint);
    connected = true;
    state.accounts = await loadAccounts();
    const wanted = params.get('account') || localStorage.getItem('medchain.account');
    state.account = state.accounts.find((a) => a.address === wanted || a.label.includes(`(${wanted})`)) ?? null;
  } catch (e: any) {
    if (e instanceof WrongChainError) wrongChain = e;
    else connError = e?.message ?? String(e);
  }
  render();
  // The tests' handle on the page's api: development builds only.
  if (__MEDCHAIN_DEV__) (window as any).medchainApi = api;
}

start();
