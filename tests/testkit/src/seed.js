// The common seeding steps on a dev chain: organizations registered through sudo, staff added
// by an organization's admin, patients onboarded by a Provider. Each step skips what is already
// done, so a node seeded before can be seeded again, and puts its calls in one
// utility.batchAll (one block). Signers are keyring pairs of the caller's polkadot.js.
import { signAndWait } from './chain.js';
import { accountHex } from './ss58.js';

/** One MED in planck (12 decimals). */
export const UNIT = 10n ** 12n;

/** The Roles bit set of pallet primitives. */
export const ROLES = Object.freeze({
  Provider: 1,
  Pharmacy: 2,
  Manufacturer: 4,
  Distributor: 8,
  Regulator: 16,
  TrialSponsor: 32,
  Researcher: 64,
  Insurer: 128,
});

/** The organization (public key hex) `who` is the admin or staff of, or null (ConsortiumApi.organization_of). */
export async function organizationOf(api, who) {
  const o = await api.call.consortiumApi.organizationOf(accountHex(who));
  return o.isSome ? accountHex(o.unwrap()) : null;
}

async function sendBatch(api, calls, signer) {
  if (calls.length === 0) return [];
  const tx = calls.length === 1 ? calls[0] : api.tx.utility.batchAll(calls);
  return (await signAndWait(api, tx, signer)).events;
}

/**
 * Register `orgs` ([{ address, name, roles, fund }], `roles` a ROLES bit set) through sudo
 * (`sudo`: the dev chain's sudo key, //Alice), each admin first funded with `fund` planck
 * (default 1000 MED; 0n: none). Organizations already registered are skipped. Resolves the
 * addresses registered now.
 */
export async function registerOrganizations(api, sudo, orgs) {
  const calls = [];
  const done = [];
  for (const o of orgs) {
    if ((await organizationOf(api, o.address)) === accountHex(o.address)) continue;
    const fund = o.fund ?? 1000n * UNIT;
    if (fund > 0n) calls.push(api.tx.balances.transferKeepAlive(o.address, fund));
    calls.push(api.tx.sudo.sudo(api.tx.consortium.registerOrganization(o.address, o.name, o.roles)));
    done.push(o.address);
  }
  try {
    await sendBatch(api, calls, sudo);
  } catch (e) {
    if (e.sudo) throw new Error(`the sudo registration failed (${e.message}): is this a development chain with ${sudo.address} as sudo?`);
    throw e;
  }
  return done;
}

/**
 * Make `members` (addresses) staff of `admin`'s organization, each funded with `fund` planck
 * (default 0n: none). Members already staff of it are skipped. Resolves the addresses added.
 */
export async function addStaff(api, admin, members, { fund = 0n } = {}) {
  const org = await organizationOf(api, admin);
  if (!org) throw new Error(`addStaff: ${admin.address} administers no organization`);
  const calls = [];
  const done = [];
  for (const m of members) {
    if ((await organizationOf(api, m)) === org) continue;
    calls.push(api.tx.consortium.addStaff(m));
    if (fund > 0n) calls.push(api.tx.balances.transferKeepAlive(m, fund));
    done.push(m);
  }
  await sendBatch(api, calls, admin);
  return done;
}

/**
 * Onboard `patients` ([{ address, commitment }], `commitment` 0x-hex of 32 bytes) by
 * `provider` (an admin or staff key of a Provider; onboarding by a Provider attests the
 * patient). A patient registered and attested already is skipped; one who erased their
 * identity, or whom no Provider attested, is an Error. Resolves the addresses onboarded now.
 */
export async function onboardPatients(api, provider, patients) {
  const calls = [];
  const done = [];
  for (const p of patients) {
    const info = await api.call.patientIdentityApi.patient(p.address);
    if (info.isSome) {
      const record = info.unwrap();
      if (!record.isRegistered) throw new Error(`patient ${p.address} erased their identity: they cannot get new records`);
      const r = record.asRegistered;
      if (r.onboardedBy.isNone && r.attestations.length === 0) throw new Error(`patient ${p.address} is a patient no Provider attested`);
      continue;
    }
    calls.push(api.tx.patientIdentity.onboardPatient(p.address, p.commitment));
    done.push(p.address);
  }
  await sendBatch(api, calls, provider);
  return done;
}
