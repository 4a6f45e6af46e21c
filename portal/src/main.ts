// MedChain portal: one page, three views (patient, pharmacist, regulator), two languages.
import { t, getLang, setLang, LANGS } from './i18n';
import { connect, loadAccounts, devKeysOffered, chainName, chainApi, errorMessage, WrongChainError } from './chain';
import { $, h, show, state } from './ui';
import { renderPatient } from './patient';
import { renderPharmacist } from './pharmacist';
import { renderRegulator } from './regulator';
import { renderClinician } from './clinician';

const params = new URLSearchParams(location.search);
// A production build talks to the node pinned at build time and to nothing else: no ?rpc=, no
// stored endpoint, no Connect form (vite.config.ts). A development build
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
  const app = $(document, '#app');
  document.title = t('app.title');
  $(document, '.skip').textContent = t('app.skip');
  const accOptions = state.accounts.map((a) => h('option', { value: a.address, selected: state.account?.address === a.address }, a.label));
  const conn = wrongChain
    ? h('p', { class: 'conn error', role: 'alert', 'data-testid': 'conn', 'data-connected': 'false', 'data-wrong-chain': 'true' }, t('app.wrongChain', { url: endpoint, expected: wrongChain.expected, got: wrongChain.got }))
    : h(
        'p',
        { class: 'conn', 'data-testid': 'conn', 'data-connected': String(connected) },
        connected
          ? t('app.connected', { chain: chainName }) + (devKeysOffered ? ' · ' + t('app.devChain') : '')
          : connError
            ? t('app.connError', { url: endpoint, error: connError })
            : t('app.connecting', { url: endpoint }),
      );
  show(
    app,
    h(
      'header',
      { class: 'top' },
      h('div', { class: 'brand' }, t('app.title')),
      h(
        'div',
        { class: 'controls' },
        h('label', null, t('app.language'), ' ', h('select', { id: 'lang' }, LANGS.map(([v, n]) => h('option', { value: v, selected: v === getLang() }, n)))),
        __MEDCHAIN_DEV__
          ? h(
              'form',
              { id: 'endpoint-form', class: 'inline' },
              h('label', null, t('app.endpoint'), ' ', h('input', { id: 'endpoint', value: endpoint, size: 24 })),
              ' ',
              h('button', { type: 'submit' }, t('app.connect')),
            )
          : h('span', { class: 'pinned', id: 'endpoint-pinned' }, `${t('app.endpoint')}: `, h('code', null, endpoint)),
        h('label', null, t('app.account'), ' ', h('select', { id: 'account' }, h('option', { value: '' }, t('app.chooseAccount')), accOptions)),
      ),
      conn,
      connected && state.accounts.length === 0 ? h('p', { class: 'warn' }, t(__MEDCHAIN_DEV__ ? 'app.noAccounts' : 'app.noExtension')) : null,
      h(
        'nav',
        { 'aria-label': t('app.views') },
        h(
          'ul',
          { class: 'tabs' },
          VIEWS.map((v) => h('li', null, h('a', { href: `#${v}`, id: `tab-${v}`, 'aria-current': v === state.view ? 'page' : null }, t(`view.${v}`)))),
        ),
      ),
    ),
    h(
      'main',
      { id: 'main', tabindex: -1 },
      h('div', { id: 'view', 'data-view': state.view }),
      h('section', { id: 'tx', role: 'status', 'aria-live': 'polite', 'aria-label': t('tx.panel'), 'data-state': 'idle' }),
    ),
    h('footer', { class: 'foot' }, t('app.footer')),
  );

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
    void start();
  });
  (document.getElementById('account') as HTMLSelectElement).addEventListener('change', (e) => {
    const v = (e.target as HTMLSelectElement).value;
    state.account = state.accounts.find((a) => a.address === v) ?? null;
    if (state.account) localStorage.setItem('medchain.account', state.account.address);
    void renderView();
    (document.getElementById('account') as HTMLSelectElement).focus();
  });
}

let renderSeq = 0;
async function renderView(): Promise<void> {
  const el = $(document, '#view');
  el.dataset.view = state.view;
  el.dataset.ready = 'false';
  const seq = ++renderSeq;
  if (!connected) {
    show(el, wrongChain ? h('p', { class: 'error' }, t('app.wrongChainView')) : h('p', null, t('app.notConnected')));
    return;
  }
  try {
    if (state.view === 'patient') await renderPatient(el);
    else if (state.view === 'clinician') await renderClinician(el);
    else if (state.view === 'pharmacist') await renderPharmacist(el);
    else await renderRegulator(el);
  } catch (e: unknown) {
    show(el, h('p', { class: 'error', role: 'alert' }, t('err.unexpected', { message: errorMessage(e) })));
  }
  if (seq === renderSeq) el.dataset.ready = 'true';
}

function render(): void {
  shell();
  void renderView();
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
  } catch (e: unknown) {
    if (e instanceof WrongChainError) wrongChain = e;
    else connError = errorMessage(e);
  }
  render();
  // The tests' handle on the page's api: development builds only.
  if (__MEDCHAIN_DEV__ && connected) window.medchainApi = chainApi();
}

void start();
