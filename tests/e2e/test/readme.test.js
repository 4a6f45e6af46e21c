// The README's "From code" snippet runs as written against a real dev node: a
// newcomer's first copy-paste must work. The block is taken from README.md at test
// time (the first ```js block that creates an ApiPromise), pointed at this test's
// node instead of ws://127.0.0.1:9944, and run as its own Node.js process from
// tests/e2e, so `@polkadot/api` resolves as it would in an app.

import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

import { startNode } from '../lib/node.js';
import { field, toNumber } from '../lib/values.js';

const E2E_DIR = fileURLToPath(new URL('..', import.meta.url));
const README = path.join(E2E_DIR, '..', '..', 'README.md');

/** The README's first ```js block that connects with ApiPromise.create. */
function readmeSnippet() {
  const text = fs.readFileSync(README, 'utf8');
  const blocks = [...text.matchAll(/```js\n([\s\S]*?)```/g)].map((m) => m[1]);
  const snippet = blocks.find((b) => b.includes('ApiPromise.create('));
  assert.ok(snippet, 'README.md has a ```js block that calls ApiPromise.create');
  return snippet;
}

describe('README: the polkadot.js snippet', () => {
  let node;
  const scriptPath = path.join(E2E_DIR, `.readme-snippet-${process.pid}.mjs`);

  before(async () => {
    node = await startNode();
  });

  after(async () => {
    fs.rmSync(scriptPath, { force: true });
    if (node) await node.stop();
  });

  it('runs unchanged but for the port, and admits the clinic it says it admits', async () => {
    const snippet = readmeSnippet();
    assert.ok(snippet.includes("'ws://127.0.0.1:9944'"), 'the snippet connects to the documented endpoint');
    fs.writeFileSync(scriptPath, snippet.replace("'ws://127.0.0.1:9944'", `'${node.wsUrl}'`));

    const { stdout } = await promisify(execFile)(process.execPath, [scriptPath], {
      cwd: E2E_DIR,
      timeout: 90_000,
    });
    // What the snippet prints: St. Mary's organization, then the new clinic's name.
    assert.match(stdout, /St\. Mary's Hospital/);
    assert.match(stdout, /Active/);
    assert.match(stdout.trim().split('\n').at(-1), /^Northside Clinic$/);

    // And the chain agrees, seen from this test's own connection.
    const { Keyring } = await import('@polkadot/keyring');
    const admin = new Keyring({ type: 'sr25519' }).addFromUri('//NorthsideClinic');
    const org = await node.api.query.consortium.organizations(admin.address);
    assert.ok(org.isSome, 'Northside Clinic is registered on chain');
    assert.equal(toNumber(field(org.unwrap(), 'roles')), 1, 'with the Provider role');
  });
});
