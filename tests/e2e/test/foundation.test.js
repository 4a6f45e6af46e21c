// Foundation: the node starts and finalizes, the Consortium pallet is in the
// metadata, the dev genesis holds the demo consortium, and registration, staff
// and suspension work end to end over JSON-RPC.

import assert from 'node:assert/strict';
import { after, afterEach, before, describe, it } from 'node:test';

import { Keyring } from '@polkadot/keyring';
import { cryptoWaitReady } from '@polkadot/util-crypto';

import { signAndWait, startNode, sudoAndWait, sudoResult, waitForFinalized } from '../lib/node.js';
import {
  bytesToUtf8,
  enumName,
  eventNames,
  field,
  findEvent,
  sameAccount,
  toNumber,
  unwrapOption,
} from '../lib/values.js';
import { ROLES as Role } from '../../testkit/src/seed.js'; // Roles bit set (pallet primitives)


const GENESIS_ORGANIZATIONS = [
  ['//Alice', 'Provider'],
  ['//Bob', 'Pharmacy'],
  ['//Charlie', 'Manufacturer'],
  ['//Dave', 'Distributor'],
  ['//Eve', 'Regulator'],
  ['//Ferdie', 'TrialSponsor'],
  ['//Alice//stash', 'Researcher'],
  ['//Bob//stash', 'Insurer'],
];

const TX_TIMEOUT = { timeout: 180_000 };

/** Read an Organization struct into plain JS, with clear errors for missing fields. */
function readOrganization(org) {
  return {
    name: bytesToUtf8(field(org, 'name')),
    roles: toNumber(field(org, 'roles')),
    status: enumName(field(org, 'status')),
    staffCount: toNumber(field(org, 'staffCount')),
    registeredAt: toNumber(field(org, 'registeredAt')),
  };
}

describe('foundation: node, metadata, genesis consortium, registration', () => {
  let node;
  let api;
  let keyring;
  let alice;
  let unit; // 1 token in planck
  let northside = null; // { admin, nurse } once test (d) registered it
  let freshCounter = 0;

  const fresh = (label) => keyring.addFromUri(`//E2eFresh//${label}//${process.pid}//${freshCounter++}`);

  before(async () => {
    node = await startNode();
    api = node.api;
    await cryptoWaitReady();
    keyring = new Keyring({ type: 'sr25519', ss58Format: api.registry.chainSS58 ?? 42 });
    alice = keyring.addFromUri('//Alice');
    const decimals = api.registry.chainDecimals?.[0] ?? 12;
    unit = 10n ** BigInt(decimals);
  }, { timeout: 120_000 });

  after(async () => {
    if (node) await node.stop();
  }, { timeout: 30_000 });

  afterEach((t) => {
    if (node && (t.passed === false || t.error)) node.printLogTail(50, `after failed test "${t.name}"`);
  });

  it('finalizes block #3 within 60 s of starting', { timeout: 120_000 }, async () => {
    const header = await waitForFinalized(api, 3, 90_000);
    const elapsed = Date.now() - node.startedAt;
    console.log(`finalized #${header.number.toNumber()} after ${(elapsed / 1000).toFixed(1)} s`);
    assert.ok(elapsed < 60_000, `finalized #3 only after ${(elapsed / 1000).toFixed(1)} s (limit 60 s)`);
  });

  it('metadata lists the Consortium pallet with all six calls', () => {
    assert.ok(api.tx.consortium, `no Consortium pallet calls in metadata; pallets with calls: ${Object.keys(api.tx).join(', ')}`);
    const expected = [
      'registerOrganization',
      'setRoles',
      'suspendOrganization',
      'reinstateOrganization',
      'addStaff',
      'removeStaff',
    ];
    const have = Object.keys(api.tx.consortium);
    for (const call of expected) {
      assert.equal(typeof api.tx.consortium[call], 'function', `api.tx.consortium.${call} missing; have: ${have.join(', ')}`);
    }
    assert.ok(api.query.consortium, 'no Consortium storage in metadata');
    const storage = Object.keys(api.query.consortium);
    assert.equal(typeof api.query.consortium.organizations, 'function', `api.query.consortium.organizations missing; have: ${storage.join(', ')}`);
    assert.equal(typeof api.query.consortium.staffOf, 'function', `api.query.consortium.staffOf missing; have: ${storage.join(', ')}`);

    const runtimeApis = Object.keys(api.call);
    assert.ok(api.call.accountNonceApi, `api.call.accountNonceApi missing; have: ${runtimeApis.join(', ')}`);
    assert.equal(typeof api.call.accountNonceApi.accountNonce, 'function');
    assert.ok(api.call.core, `api.call.core missing; have: ${runtimeApis.join(', ')}`);
    assert.equal(typeof api.call.core.version, 'function');
  });

  it('genesis has the demo consortium', async () => {
    for (const [uri, role] of GENESIS_ORGANIZATIONS) {
      const admin = keyring.addFromUri(uri);
      const org = unwrapOption(await api.query.consortium.organizations(admin.address));
      assert.ok(org, `no organization for ${uri} (${admin.address}) in genesis`);
      const o = readOrganization(org);
      assert.ok(o.name.length > 0, `${uri}: organization name is empty`);
      assert.equal(o.roles, Role[role], `${uri}: roles ${o.roles}, expected ${role} (${Role[role]})`);
      assert.equal(o.status, 'Active', `${uri}: status ${o.status}`);
      assert.ok(Number.isInteger(o.staffCount) && o.staffCount >= 0, `${uri}: staffCount ${o.staffCount}`);
      assert.ok(Number.isInteger(o.registeredAt) && o.registeredAt >= 0, `${uri}: registeredAt ${o.registeredAt}`);
    }
  });

  it('sudo registers a new organization and its admin adds staff', TX_TIMEOUT, async () => {
    const admin = keyring.addFromUri('//NorthsideAdmin');
    const nurse = keyring.addFromUri('//NorthsideNurse');

    await signAndWait(api, api.tx.balances.transferKeepAlive(admin.address, 1_000n * unit), alice);

    const reg = await sudoAndWait(
      api,
      api.tx.consortium.registerOrganization(admin.address, 'Northside Clinic', Role.Provider),
      alice,
    );
    assert.equal(sudoResult(api, reg.events)?.ok, true, `Sudid event with Ok expected; events: ${eventNames(reg.events)}`);
    const registered = findEvent(reg.events, 'consortium', 'OrganizationRegistered');
    assert.ok(registered, `no Consortium.OrganizationRegistered event; events: ${eventNames(reg.events)}`);
    assert.ok(sameAccount(registered.admin, admin), `OrganizationRegistered.admin is ${registered.admin}, expected ${admin.address}`);

    const added = await signAndWait(api, api.tx.consortium.addStaff(nurse.address), admin);
    const staffAdded = findEvent(added.events, 'consortium', 'StaffAdded');
    assert.ok(staffAdded, `no Consortium.StaffAdded event; events: ${eventNames(added.events)}`);
    assert.ok(sameAccount(staffAdded.organization, admin), `StaffAdded.organization is ${staffAdded.organization}`);
    assert.ok(sameAccount(staffAdded.staff, nurse), `StaffAdded.staff is ${staffAdded.staff}`);

    const at = await api.at(added.blockHash);
    const org = unwrapOption(await at.query.consortium.organizations(admin.address));
    assert.ok(org, 'Northside Clinic not in storage');
    const o = readOrganization(org);
    assert.equal(o.name, 'Northside Clinic');
    assert.equal(o.roles, Role.Provider);
    assert.equal(o.status, 'Active');
    assert.equal(o.staffCount, 1);

    const staffOf = unwrapOption(await at.query.consortium.staffOf(nurse.address));
    assert.ok(staffOf, 'staffOf(nurse) is None');
    assert.ok(sameAccount(staffOf, admin), `staffOf(nurse) is ${staffOf}, expected ${admin.address}`);

    northside = { admin, nurse };
  });

  it('a non-admin cannot add staff: named error', TX_TIMEOUT, async () => {
    const charlieStash = keyring.addFromUri('//Charlie//stash');
    await assert.rejects(
      signAndWait(api, api.tx.consortium.addStaff(fresh('staff').address), charlieStash),
      (err) => {
        assert.equal(err.message, 'consortium.NotOrganizationAdmin');
        return true;
      },
    );

    const bob = keyring.addFromUri('//Bob');
    await assert.rejects(
      sudoAndWait(api, api.tx.consortium.registerOrganization(fresh('org').address, 'Not Via Sudo', Role.Provider), bob),
      (err) => {
        assert.equal(err.message, 'sudo.RequireSudo');
        return true;
      },
    );
  });

  it('suspension is enforced', TX_TIMEOUT, async (t) => {
    if (!northside) {
      t.skip('needs Northside Clinic, which the registration test did not create');
      return;
    }
    const { admin } = northside;

    const suspended = await sudoAndWait(api, api.tx.consortium.suspendOrganization(admin.address), alice);
    const ev = findEvent(suspended.events, 'consortium', 'OrganizationSuspended');
    assert.ok(ev, `no Consortium.OrganizationSuspended event; events: ${eventNames(suspended.events)}`);
    assert.ok(sameAccount(ev.organization, admin), `OrganizationSuspended.organization is ${ev.organization}`);
    {
      const org = unwrapOption(await (await api.at(suspended.blockHash)).query.consortium.organizations(admin.address));
      assert.equal(readOrganization(org).status, 'Suspended');
    }

    await assert.rejects(
      signAndWait(api, api.tx.consortium.addStaff(fresh('while-suspended').address), admin),
      (err) => {
        assert.equal(err.message, 'consortium.SuspendedOrganization');
        return true;
      },
    );

    const reinstated = await sudoAndWait(api, api.tx.consortium.reinstateOrganization(admin.address), alice);
    const ev2 = findEvent(reinstated.events, 'consortium', 'OrganizationReinstated');
    assert.ok(ev2, `no Consortium.OrganizationReinstated event; events: ${eventNames(reinstated.events)}`);
    assert.ok(sameAccount(ev2.organization, admin), `OrganizationReinstated.organization is ${ev2.organization}`);
    {
      const org = unwrapOption(await (await api.at(reinstated.blockHash)).query.consortium.organizations(admin.address));
      assert.equal(readOrganization(org).status, 'Active');
    }
  });
});
