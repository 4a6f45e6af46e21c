// A production build talks only to the node and chain pinned at build time
// (VITE_MEDCHAIN_RPC, VITE_MEDCHAIN_GENESIS), under a strict Content-Security-Policy, with no
// dev keys and no window.medchainApi. This file builds its own production bundles (vite, ~1 s
// each), pinned to its own fresh dev node's URL and genesis hash, and one pinned to another
// genesis hash. The other browser tests use dist/, a development build (?rpc=, dev keys).
import { test, before, after, afterEach } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { chromium } from 'playwright-core';
import { stringToU8a, u8aToHex } from '@polkadot/util';
import { blake2AsU8a } from '@polkadot/util-crypto';

import { startNode, serveDist, buildPortal, buildKind, chromiumPath, keys, send, PORTAL } from './lib.js';

const en = JSON.parse(fs.readFileSync(path.join(PORTAL, 'src/locales/en.json'), 'utf8'));
const zh = JSON.parse(fs.readFileSync(path.join(PORTAL, 'src/locales/zh-CN.json'), 'utf8'));
const OTHER_GENESIS = '0x' + 'ab'.repeat(32);

let dir, node, genesis, prod, other, browser, k, decoy;

/** Another "node": a loopback port that counts the connections it gets. */
async function decoyNode() {
  const d = { connections: 0 };
  const server = net.createServer((s) => (d.connections++, s.destroy()));
  await new Promise((r) => server.listen(0, '127.0.0.1', r));
  d.url = `ws://127.0.0.1:${server.address().port}`;
  d.close = () => new Promise((r) => server.close(() => r()));
  return d;
}

before(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'medchain-portal-security-'));
  [node, decoy] = await Promise.all([startNode(), decoyNode()]);
  genesis = node.api.genesisHash.toHex();
  k = await keys();
  const [a, b] = await Promise.all([
    buildPortal({ outDir: path.join(dir, 'prod'), env: { VITE_MEDCHAIN_RPC: node.url, VITE_MEDCHAIN_GENESIS: genesis } }),
    buildPortal({ outDir: path.join(dir, 'other'), env: { VITE_MEDCHAIN_RPC: node.url, VITE_MEDCHAIN_GENESIS: OTHER_GENESIS } }),
  ]);
  assert.equal(a.code, 0, a.output);
  assert.equal(b.code, 0, b.output);
  [prod, other] = await Promise.all([serveDist(path.join(dir, 'prod')), serveDist(path.join(dir, 'other'))]);
  browser = await chromium.launch({ executablePath: chromiumPath(), args: ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage'] });
});

after(async () => {
  await browser?.close().catch(() => {});
  await prod?.close().catch(() => {});
  await other?.close().catch(() => {});
  await node?.stop().catch(() => {});
  await decoy?.close().catch(() => {});
  if (dir) fs.rmSync(dir, { recursive: true, force: true });
});

// Every page: its console errors, page errors, CSP violations (the securitypolicyviolation
// events, recorded by an init script, which the page's CSP does not govern) and web sockets.
const contexts = [];
afterEach(async () => {
  for (const c of contexts.splice(0)) await c.close().catch(() => {});
});
async function newPage(opts = {}) {
  const ctx = await browser.newContext({ viewport: { width: 1280, height: 900 }, locale: 'en-GB', ...opts });
  contexts.push(ctx);
  await ctx.addInitScript(() => {
    window.__csp = [];
    document.addEventListener('securitypolicyviolation', (e) => window.__csp.push(`${e.violatedDirective} ${e.blockedURI}`));
  });
  const page = await ctx.newPage();
  const errors = [];
  const sockets = [];
  page.on('pageerror', (e) => errors.push(`page error: ${e.message}`));
  page.on('console', (m) => m.type() === 'error' && errors.push(`console.error: ${m.text()}`));
  page.on('websocket', (ws) => sockets.push(ws.url()));
  return { ctx, page, errors, sockets };
}
const violations = (page) => page.evaluate(() => window.__csp);
const connected = (page) => page.waitForSelector('[data-testid="conn"][data-connected="true"]', { timeout: 30_000 });
const sameUrl = (a, b) => a.replace(/\/$/, '') === b.replace(/\/$/, '');

test('a production build is refused without a pinned node and genesis, with ws:// to a remote host or a malformed genesis', async () => {
  const out = (n) => path.join(dir, `refused-${n}`);
  const results = await Promise.all([
    buildPortal({ outDir: out(1) }),
    buildPortal({ outDir: out(2), env: { VITE_MEDCHAIN_RPC: 'wss://rpc.example.org' } }),
    buildPortal({ outDir: out(3), env: { VITE_MEDCHAIN_RPC: 'ws://rpc.example.org:9944', VITE_MEDCHAIN_GENESIS: genesis } }),
    buildPortal({ outDir: out(4), env: { VITE_MEDCHAIN_RPC: 'wss://rpc.example.org', VITE_MEDCHAIN_GENESIS: '0x1234' } }),
    buildPortal({ outDir: out(5), env: { VITE_MEDCHAIN_RPC: 'wss://rpc.example.org', VITE_MEDCHAIN_GENESIS: genesis, VITE_MEDCHAIN_CONNECT: 'http://gw.example.org' } }),
  ]);
  const want = [/VITE_MEDCHAIN_RPC is not set/, /VITE_MEDCHAIN_GENESIS is not set/, /must be wss:\/\//, /VITE_MEDCHAIN_GENESIS must be 0x and 64 hex/, /not an https origin/];
  results.forEach((r, i) => {
    assert.notEqual(r.code, 0, `build ${i + 1} was not refused:\n${r.output}`);
    assert.match(r.output, want[i]);
    assert.ok(!fs.existsSync(path.join(out(i + 1), 'index.html')), `build ${i + 1} wrote a page`);
  });
  // The variables of the dev/test builds are still accepted: a development build needs none.
  const dev = await buildPortal({ outDir: out('dev'), mode: 'development' });
  assert.equal(dev.code, 0, dev.output);
  assert.equal(buildKind(out('dev')), 'development');
  assert.equal(buildKind(path.join(dir, 'prod')), 'production');
});

test('the production page has a strict CSP (pinned node, no inline script or style) and runs under it without a violation', async () => {
  const html = fs.readFileSync(path.join(dir, 'prod', 'index.html'), 'utf8');
  const metas = [...html.matchAll(/<meta http-equiv="Content-Security-Policy" content="([^"]*)"/g)].map((m) => m[1]);
  assert.deepEqual(metas, [
    `default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; style-src 'self'; img-src 'self' data:; connect-src 'self' ${node.url} https:; object-src 'none'; base-uri 'none'; form-action 'none'`,
  ]);
  assert.ok(html.indexOf('Content-Security-Policy') < html.indexOf('<script'), 'the CSP comes before the first script');
  assert.deepEqual([...html.matchAll(/<script\b([^>]*)>/g)].filter((m) => !/\bsrc=/.test(m[1])), [], 'an inline script');
  assert.ok(!/<style\b|\sstyle=/.test(html), 'inline style in index.html');

  const { page, errors } = await newPage();
  for (const view of ['patient', 'clinician', 'pharmacist', 'regulator']) {
    await page.goto(`${prod.url}#${view}`);
    await connected(page);
    await page.waitForSelector(`#view[data-view="${view}"][data-ready="true"]`, { timeout: 30_000 });
  }
  assert.deepEqual(await violations(page), []);
  assert.deepEqual(errors, []);
  // The policy is enforced, not only present: no eval, no injected inline script or style,
  // no connection to another node.
  const probes = await page.evaluate(async (decoyUrl) => {
    const out = {};
    // From a task of the page's own (an eval inside page.evaluate is the debugger's, allowed).
    out.eval = await new Promise((resolve) =>
      setTimeout(() => {
        try {
          resolve(String(new Function('return 1 + 1')()));
        } catch (e) {
          resolve(e.name);
        }
      }),
    );
    const s = document.createElement('script');
    s.textContent = 'window.__inline = true';
    document.body.append(s);
    out.inline = window.__inline === true;
    const st = document.createElement('style');
    st.textContent = 'body { display: none }';
    document.head.append(st);
    out.style = getComputedStyle(document.body).display;
    // Chromium does not throw: the socket fails and the violation is reported.
    out.ws = await new Promise((resolve) => {
      try {
        const ws = new WebSocket(decoyUrl);
        ws.onopen = () => resolve('opened');
        ws.onerror = () => resolve('failed');
      } catch (e) {
        resolve(e.name);
      }
    });
    return out;
  }, decoy.url);
  assert.deepEqual(probes, { eval: 'EvalError', inline: false, style: 'block', ws: 'failed' });
  assert.equal(decoy.connections, 0, 'the page reached another node');
  const v = await violations(page);
  for (const d of ['script-src-elem', 'style-src-elem', 'connect-src']) assert.ok(v.some((x) => x.startsWith(d)), `no ${d} violation in ${JSON.stringify(v)}`);
});

test('?rpc=ws://127.0.0.1:1 and a stored endpoint are ignored in a production build: the page talks to the pinned node only', async () => {
  const { page, errors, sockets } = await newPage();
  await page.goto(`${prod.url}#pharmacist`);
  await connected(page);
  await page.evaluate((u) => localStorage.setItem('medchain.rpc', u), decoy.url);
  sockets.length = 0;
  await page.goto(`${prod.url}?rpc=${encodeURIComponent('ws://127.0.0.1:1')}#pharmacist`);
  await connected(page);
  await page.waitForSelector('#view[data-view="pharmacist"][data-ready="true"]', { timeout: 30_000 });
  assert.ok(sockets.length >= 1 && sockets.every((u) => sameUrl(u, node.url)), `web sockets: ${JSON.stringify(sockets)}, pinned ${node.url}`);
  assert.equal(decoy.connections, 0, 'the stored endpoint was used');
  assert.equal(await page.$('#endpoint'), null, 'a production page has no endpoint field');
  assert.equal(await page.$('#endpoint-form'), null, 'a production page has no Connect form');
  assert.equal(await page.$eval('#endpoint-pinned code', (c) => c.textContent), node.url);
  assert.match(await page.$eval('[data-testid="conn"]', (p) => p.textContent), /^Connected to /);
  assert.deepEqual(await violations(page), []);
  assert.deepEqual(errors, []);
});

test('a production build offers no dev keys and no window.medchainApi, even on a dev chain', async () => {
  assert.equal((await node.api.rpc.system.chainType()).isDevelopment, true, 'the test node is a dev chain');
  const { page, errors } = await newPage();
  await page.goto(`${prod.url}?account=${encodeURIComponent('//Alice')}#patient`);
  await connected(page);
  await page.waitForSelector('#view[data-view="patient"][data-ready="true"]', { timeout: 30_000 });
  const options = await page.$$eval('#account option', (os) => os.map((o) => o.textContent));
  assert.deepEqual(options, [en['app.chooseAccount']], 'only the placeholder: no dev account');
  assert.equal(await page.$eval('.warn', (p) => p.textContent), en['app.noExtension']);
  assert.ok(!(await page.$eval('[data-testid="conn"]', (p) => p.textContent)).includes(en['app.devChain']));
  assert.equal(await page.evaluate(() => typeof window.medchainApi), 'undefined');
  // Not in the bundle at all: the dev key list is compiled out of a production build.
  const assets = path.join(dir, 'prod', 'assets');
  for (const f of fs.readdirSync(assets).filter((f) => f.endsWith('.js'))) {
    const js = fs.readFileSync(path.join(assets, f), 'utf8');
    assert.ok(!js.includes('//PatientDemo1') && !js.includes('medchainApi'), `${f} holds the dev keys or medchainApi`);
  }
  assert.deepEqual(errors, []);
});

test('a node with another genesis hash than the pinned one is refused, in English and in Chinese', async () => {
  for (const [lang, cat] of [
    ['en', en],
    ['zh-CN', zh],
  ]) {
    const { page, errors } = await newPage();
    await page.goto(`${other.url}?lang=${lang}#patient`);
    const alert = await page.waitForSelector('[data-testid="conn"][data-wrong-chain="true"][role="alert"]', { timeout: 30_000 });
    const text = await alert.textContent();
    const want = cat['app.wrongChain'].replace('{url}', node.url).replace('{got}', genesis).replace('{expected}', OTHER_GENESIS);
    assert.equal(text, want);
    if (lang === 'zh-CN') assert.match(text, /另一条链/);
    assert.equal(await page.$eval('#view', (v) => v.textContent.trim()), cat['app.wrongChainView']);
    assert.deepEqual(await page.$$eval('#account option', (os) => os.length), 1, 'no account offered');
    assert.equal(await page.evaluate(() => typeof window.medchainApi), 'undefined');
    assert.deepEqual(await violations(page), []);
    assert.deepEqual(errors, []);
  }
});

test('the production page signs through a browser extension: a patient grants a consent, fee-less, under the CSP', async () => {
  // The patient is onboarded by St. Mary's (attested, so fee-less).
  await send(node.api, node.api.tx.patientIdentity.onboardPatient(k.patient.address, u8aToHex(blake2AsU8a(stringToU8a('security test identity')))), k.alice);
  const { ctx, page, errors } = await newPage();
  // A stand-in for the polkadot.js extension (window.injectedWeb3, as the extension injects
  // it): the page asks it to sign, the key stays in this test process.
  const signed = [];
  await ctx.exposeBinding('__testSign', (_src, payload) => {
    signed.push(payload.method);
    const ext = node.api.registry.createType('ExtrinsicPayload', payload, { version: payload.version });
    return ext.sign(k.patient).signature;
  });
  await ctx.addInitScript(
    ([address]) => {
      const accounts = [{ address, name: 'Demo patient 1 (//PatientDemo1)', type: 'sr25519' }];
      window.injectedWeb3 = {
        'medchain-test': {
          version: '0.0.1',
          enable: async () => ({
            accounts: { get: async () => accounts, subscribe: (cb) => (cb(accounts), () => {}) },
            signer: { signPayload: async (payload) => ({ id: 1, signature: await window.__testSign(payload) }) },
          }),
        },
      };
    },
    [k.patient.address],
  );
  await page.goto(`${prod.url}?account=${encodeURIComponent('//PatientDemo1')}#patient`);
  await connected(page);
  await page.waitForSelector('#view[data-view="patient"][data-ready="true"]', { timeout: 30_000 });
  assert.match(await page.$eval('#account', (s) => s.selectedOptions[0].textContent), /\(medchain-test\)$/);
  assert.match(await page.$eval('[data-testid="my-qr"] img', (i) => i.src), /^data:image\//);
  assert.ok(await page.$eval('[data-testid="my-qr"] img', (i) => i.complete && i.naturalWidth > 0), 'the QR code (a data: URL) is shown');
  await page.selectOption('#grantee', k.alice.address);
  await page.check('#cat-Imaging');
  await page.click('#grant-submit');
  await page.waitForFunction(() => ['finalized', 'failed'].includes(document.getElementById('tx')?.dataset.state), null, { timeout: 60_000 });
  const tx = await page.$eval('#tx', (el) => ({ state: el.dataset.state, text: el.innerText }));
  assert.equal(tx.state, 'finalized', tx.text);
  assert.match(tx.text, /Fee: 0 \(fee-less/);
  assert.equal(signed.length, 1, 'signed once, by the extension');
  const consents = await node.api.call.consentApi.consentsOf(k.patient.address);
  assert.ok(consents.some(([, c]) => c.grantee.toString() === k.alice.address && c.scope.categories.toNumber() === 1 << 5));
  assert.deepEqual(await violations(page), []);
  assert.deepEqual(errors, []);
});
