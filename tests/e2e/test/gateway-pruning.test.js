// The record gateway beside a pruning node: a gateway down longer than
// its node keeps state (here `--state-pruning 16`; the default keeps 256 blocks) cannot read
// the blocks it missed. It reconciles at restart with the finalized head's state instead, so
// a record sealed and a patient erased meanwhile still destroy their documents, and then
// follows on block by block. Its own file (it starts its own node), so the e2e shards stay
// balanced.

import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';

import { Keyring } from '@polkadot/keyring';
import { cryptoWaitReady, randomAsHex } from '@polkadot/util-crypto';

import { signAndWait, startNode, waitForFinalized } from '../lib/node.js';
import { startGateway } from '../lib/gateway.js';
import { LAB_RESULTS, UNIT, labReport, sleep, storedRow } from '../lib/gateway-fixtures.js';
import { toNumber } from '../lib/values.js';

describe('record gateway beside a pruning node (N2): down longer than the node keeps state', () => {
  let node;
  let api;
  let dir;
  let gw;

  after(async () => {
    if (gw) await gw.stop();
    if (node) await node.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  }, { timeout: 60_000 });

  it('restarted after 20+ finalized blocks, it reconciles: the document of a record sealed meanwhile and an erased patient\'s are destroyed (410)', { timeout: 600_000 }, async () => {
    dir = mkdtempSync(join(tmpdir(), 'medchain-e2e-gateway-pruning-'));
    node = await startNode({ extraArgs: ['--state-pruning', '16'] });
    api = node.api;
    await cryptoWaitReady();
    const keyring = new Keyring({ type: 'sr25519', ss58Format: api.registry.chainSS58 ?? 42 });
    const tag = randomAsHex(6).slice(2);
    const alice = keyring.addFromUri('//Alice');
    const gatewayUri = `//Alice//gateway-pruning-${tag}`;
    const gatewayKey = keyring.addFromUri(gatewayUri);
    const clerk = keyring.addFromUri(`//Alice//clerk-pruning-${tag}`);
    const sealer = keyring.addFromUri(`//PrunedPatient-${tag}`); // seals her record while the gateway is down
    const eraser = keyring.addFromUri(`//ErasedPatient-${tag}`); // deregisters while the gateway is down
    for (const staff of [gatewayKey, clerk]) await signAndWait(api, api.tx.consortium.addStaff(staff.address), alice);
    await signAndWait(api, api.tx.balances.transferKeepAlive(gatewayKey.address, 100n * UNIT), alice);
    for (const p of [sealer, eraser]) {
      await signAndWait(api, api.tx.patientIdentity.onboardPatient(p.address, randomAsHex(32)), alice);
      const scope = { categories: LAB_RESULTS, access: { read: true, write: true } };
      await signAndWait(api, api.tx.consent.grantConsent(alice.address, scope, 'Treatment', null), p);
    }
    gw = await startGateway({ nodeWs: node.wsUrl, suri: gatewayUri, dataDir: join(dir, 'gw'), extraArgs: ['--upload-wait-secs', '90'] });
    const up = async (patient, value) => {
      const res = await gw.request('POST', `/v1/records?patient=${patient.address}&category=LabResults`, {
        pair: clerk,
        body: JSON.stringify(labReport(value)),
      });
      assert.equal(res.status, 201, res.text);
      return res.json.record_id;
    };
    const sealedId = await up(sealer, 61);
    const keptId = await up(sealer, 62);
    const erasedId = await up(eraser, 63);
    await gw.stop();

    // While it is down: P seals one record, Q erases herself; then the node moves on far
    // past its 16 blocks of state.
    const sealed = await signAndWait(api, api.tx.healthRecords.sealRecord(sealedId), sealer, { finalized: true });
    await signAndWait(api, api.tx.patientIdentity.deregister(), eraser, { finalized: true });
    const sealedAt = toNumber((await api.rpc.chain.getHeader(sealed.blockHash)).number);
    await waitForFinalized(api, sealedAt + 24, 240_000);

    await gw.restart();
    const db = join(gw.dataDir, 'gateway.sqlite');
    assert.deepEqual(storedRow(db, sealedId), { state: 'destroyed', has_ciphertext: false, has_key: false });
    assert.equal(storedRow(db, erasedId).state, 'destroyed');
    assert.equal(storedRow(db, keptId).state, 'anchored');
    const log = readFileSync(gw.logPath, 'utf8');
    assert.match(log, /the node no longer has the state of finalized block #\d+/, 'the gap is logged, not skipped silently');
    assert.match(log, /following from #\d+/);
    const gone = await gw.request('GET', `/v1/records/${sealedId}`, { pair: sealer });
    assert.equal(gone.status, 410, gone.text);
    const kept = await gw.request('GET', `/v1/records/${keptId}`, { pair: sealer });
    assert.equal(kept.status, 200, kept.text);
    // The follower goes on block by block from the head: a seal now is destroyed as before.
    await signAndWait(api, api.tx.healthRecords.sealRecord(keptId), sealer, { finalized: true });
    const deadline = Date.now() + 30_000;
    while (storedRow(db, keptId).state !== 'destroyed' && Date.now() < deadline) await sleep(250);
    assert.equal(storedRow(db, keptId).state, 'destroyed');
  });
});
