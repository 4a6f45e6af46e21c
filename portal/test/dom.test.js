// src/dom.ts: the page is built from DOM nodes, so text from the chain, a gateway or a FHIR
// document is text, never markup. Checked against linkedom's DOM (its parser and serializer
// follow the HTML spec): markup-like text and attribute values render as text, and the tree
// fromTree() builds for the timeline is the one src/fhir.ts describes.
//
// Node does not import .ts: src/dom.ts (it imports nothing) is transpiled with the installed
// `typescript` (types stripped; `npm run typecheck` checks them) into a temporary directory.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import ts from 'typescript';
import { parseHTML } from 'linkedom';

const PORTAL = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const EVIL = `<img src=x onerror="window.pwned=1"><script>window.pwned=2</script>&amp;"'`;
let tmp;
let dom;
let document;

before(async () => {
  ({ document } = parseHTML('<!doctype html><html><head></head><body></body></html>'));
  globalThis.document = document;
  const src = fs.readFileSync(path.join(PORTAL, 'src', 'dom.ts'), 'utf8');
  assert.ok(!/^import /m.test(src), 'src/dom.ts imports nothing');
  const js = ts.transpileModule(src, { compilerOptions: { target: ts.ScriptTarget.ES2022, module: ts.ModuleKind.ESNext }, fileName: 'dom.ts' }).outputText;
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'medchain-dom-test-'));
  fs.writeFileSync(path.join(tmp, 'dom.mjs'), js);
  dom = await import(pathToFileURL(path.join(tmp, 'dom.mjs')).href);
});

after(() => {
  delete globalThis.document;
  if (tmp) fs.rmSync(tmp, { recursive: true, force: true });
});

test('markup in text and in attribute values stays text', () => {
  const { h, show } = dom;
  const root = h('div', { id: 'root' });
  document.body.append(root);
  show(root, h('p', { title: EVIL, 'data-org': EVIL }, 'Hospital ', EVIL), h('li', null, EVIL, 42));
  assert.equal(root.querySelectorAll('img, script').length, 0, root.outerHTML);
  const p = root.querySelector('p');
  assert.equal(p.textContent, `Hospital ${EVIL}`);
  assert.equal(p.getAttribute('title'), EVIL);
  assert.equal(p.getAttribute('data-org'), EVIL);
  assert.equal(p.childNodes.length, 2, 'two text nodes');
  assert.ok(root.outerHTML.includes('&lt;img src=x onerror="window.pwned=1"&gt;&lt;script&gt;'), root.outerHTML);
  assert.equal(root.querySelector('li').textContent, `${EVIL}42`);
  // What the page would show, parsed again: still no element but ours.
  const again = parseHTML(`<!doctype html><html><body>${root.outerHTML}</body></html>`).document;
  assert.equal(again.querySelectorAll('img, script').length, 0);
  assert.equal(again.querySelector('p').textContent, `Hospital ${EVIL}`);
});

test('attributes: true is an empty attribute, false/null/undefined leave it out, numbers as text', () => {
  const { h } = dom;
  const b = h('button', { type: 'button', disabled: true, hidden: false, title: null, 'aria-label': undefined, tabindex: -1 });
  assert.equal(b.getAttribute('disabled'), '');
  assert.equal(b.hasAttribute('hidden'), false);
  assert.equal(b.hasAttribute('title'), false);
  assert.equal(b.hasAttribute('aria-label'), false);
  assert.equal(b.getAttribute('tabindex'), '-1');
});

test('children: lists are flattened, null/undefined/false left out, nodes kept', () => {
  const { h, nodes } = dom;
  const em = h('em', null, 'x');
  const ul = h('ul', null, [h('li', null, 'a'), [null, false, h('li', null, 'b')]], undefined, em);
  assert.deepEqual(
    [...ul.childNodes].map((n) => n.textContent),
    ['a', 'b', 'x'],
  );
  assert.equal(ul.lastChild, em);
  assert.deepEqual(nodes('a', 1, null, [false, 'b']), ['a', '1', 'b']);
});

test('svg() makes SVG elements, text as text', () => {
  const { svg } = dom;
  const t = svg('text', { x: 10, y: 26, class: 'node-name' }, EVIL);
  assert.equal(t.namespaceURI, 'http://www.w3.org/2000/svg');
  assert.equal(t.textContent, EVIL);
  assert.equal(t.getAttribute('x'), '10');
  assert.equal(t.children.length, 0);
});

test('fromTree() builds the tree src/fhir.ts describes, its text as text', () => {
  const { fromTree } = dom;
  const tree = {
    tag: 'dl',
    attrs: { class: 'fhir', 'data-kind': 'Observation' },
    children: [
      { tag: 'dt', attrs: {}, children: ['Test'] },
      { tag: 'dd', attrs: { 'data-field': 'code' }, children: [EVIL] },
      { tag: 'dd', attrs: { 'data-field': 'note' }, children: [{ tag: 'ul', attrs: {}, children: [{ tag: 'li', attrs: {}, children: ['a'] }, { tag: 'li', attrs: {}, children: [EVIL] }] }] },
    ],
  };
  const el = fromTree(tree);
  assert.equal(el.tagName.toLowerCase(), 'dl');
  assert.equal(el.getAttribute('data-kind'), 'Observation');
  assert.equal(el.querySelectorAll('img, script').length, 0);
  assert.equal(el.querySelector('[data-field=code]').textContent, EVIL);
  assert.deepEqual(
    [...el.querySelectorAll('li')].map((li) => li.textContent),
    ['a', EVIL],
  );
});
