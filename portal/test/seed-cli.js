// Seed a running dev node with the demo data the tests use (serve.sh runs it):
//
//   node test/seed-cli.js ws://...
//       the portal's demo data (test/lib.js seed(): the attested demo patients, Acme's
//       batches and recall, a trial with a switched outcome), then exit.
//
//   node test/seed-cli.js ws://... --gateways [--cors-origin ORIGIN]... [--portal-url URL]
//                         [--history N] [--no-seed] [--data-dir DIR] [--certs-dir DIR] [--ready FILE]
//       also the three hospitals' record gateways over https (test/hospitals.js: St. Mary's,
//       Lakeside, Riverbend, published in the chain's gateway directory, each answering the
//       web pages of every --cors-origin), and N (default 20) documents of demo patient 1's
//       history (test/fixtures/history.js) at St. Mary's and Riverbend (none at Lakeside: the
//       hospital a doctor refers the patient to). --no-seed: gateways only, no demo data.
//       Prints the gateways, the development CA and how to make a browser trust them; writes
//       the same text to FILE when everything is ready; then stays running, since the gateways
//       are its children, until SIGINT or SIGTERM stops it and them.
//       Certificates: --certs-dir, else $MEDCHAIN_DEV_CERTS, else ~/.cache/medchain/dev-certs
//       (kept between runs, as scripts/start-gateways.sh keeps them, so a browser that trusts
//       the CA or a profile started with the printed flags keeps working).
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import * as polkadotApi from '@polkadot/api';

import { connectApi } from '../../tests/testkit/src/node.js';
import { seed, chromiumPath } from './lib.js';
import { startHospitals, seedHistory, chromiumTrustArgs } from './hospitals.js';

const { values: opt, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    gateways: { type: 'boolean', default: false },
    'cors-origin': { type: 'string', multiple: true, default: [] },
    'portal-url': { type: 'string' },
    history: { type: 'string', default: '20' },
    'no-seed': { type: 'boolean', default: false },
    'data-dir': { type: 'string' },
    'certs-dir': { type: 'string' },
    ready: { type: 'string' },
  },
});
const url = positionals[0] || 'ws://127.0.0.1:9944';
const api = await connectApi(polkadotApi, url);
const dir = path.join(os.tmpdir(), 'medchain-portal-demo');
fs.mkdirSync(dir, { recursive: true });
const seeding = !opt['no-seed'];

if (seeding) {
  try {
    const f = await seed(api, dir);
    console.log(`demo files in ${dir}: serials-LOT-A.txt (batch ${f.batchA}), serials-LOT-R.txt (recalled batch ${f.batchR}), record.json (salt ${f.salt})`);
    console.log(`a pack to scan: ]d201${f.GTIN}1728123110LOT-A<GS>21${f.serialsA[0]}`);
  } catch (e) {
    // Without gateways this is all there is to do (serve.sh says the portal still works).
    if (!opt.gateways) throw e;
    console.error(`seeding the demo data failed (${e.message}); starting the gateways anyway`);
  }
}
if (!opt.gateways) {
  await api.disconnect();
  process.exit(0);
}

const t0 = Date.now();
console.log('starting the record gateways of St. Mary\'s, Lakeside and Riverbend (registration, staff keys, https, directory: ~20 s) ...');
const dataDir = opt['data-dir'] || fs.mkdtempSync(path.join(os.tmpdir(), 'medchain-portal-gateways-'));
const certsDir = opt['certs-dir'] || process.env.MEDCHAIN_DEV_CERTS || path.join(os.homedir(), '.cache', 'medchain', 'dev-certs');
const hs = await startHospitals({ api, nodeWs: url, corsOrigins: opt['cors-origin'], dataDir, certsDir });
console.log(`gateways up in ${((Date.now() - t0) / 1000).toFixed(0)} s`);
const stop = async (code) => {
  await hs.stop().catch(() => {});
  await api.disconnect().catch(() => {});
  process.exit(code);
};

let history = '';
if (seeding) {
  const n = Number(opt.history);
  if (n > 0) {
    const { demoHistory } = await import('./fixtures/history.js');
    const treating = hs.hospitals.filter((h) => h.key === 'st-marys' || h.key === 'riverbend');
    const t1 = Date.now();
    try {
      const records = await seedHistory({ api, hospitals: treating, patientSuri: '//PatientDemo1', documents: demoHistory(n) });
      const per = treating.map((h) => `${records.filter((r) => r.hospital === h).length} at ${h.name}`).join(', ');
      history = `Demo history: ${records.length} documents of //PatientDemo1 (${per}; none at Lakeside, where a doctor will be referred), anchored in ${((Date.now() - t1) / 1000).toFixed(0)} s.`;
    } catch (e) {
      console.error(`seeding the demo history failed (${e.message}); the gateways run without it`);
    }
  }
}

const portal = opt['portal-url'] || 'http://127.0.0.1:5173/';
const profile = path.join(os.homedir(), '.cache', 'medchain', 'portal-chromium-profile');
let browser = 'chromium';
try {
  browser = chromiumPath();
} catch {
  /* print the usual name */
}
const q = (s) => `'${s.replace(/'/g, `'\\''`)}'`;
const width = Math.max(...hs.hospitals.map((h) => h.name.length));
const text = [
  'Record gateways (https, certificates of the development CA), published in the chain\'s gateway directory:',
  ...hs.hospitals.map((h) => `  ${h.name.padEnd(width)}  ${h.url}   (log ${h.logPath})`),
  `  web pages allowed (CORS): ${opt['cors-origin'].join(', ') || 'none'}`,
  ...(history ? [history] : []),
  `Development CA: ${hs.ca}`,
  'The browser must trust the gateways. Either start Chromium (or Chrome) with a profile of its own that trusts exactly',
  'these three certificates (the flag needs --user-data-dir, and a browser already running would ignore it):',
  `  ${[browser, ...chromiumTrustArgs(hs.spkiHashes, { userDataDir: profile })].map(q).join(' ')} ${q(portal)}`,
  'or import the CA into the browser\'s authorities once (Chrome: Settings > Privacy and security > Security > Manage',
  'certificates > Custom > Installed by you > Trusted certificates > Import; Firefox: Settings > Privacy & Security >',
  'Certificates > View Certificates > Authorities > Import, "trust this CA to identify websites"). It stays valid',
  'across runs; remove it when done: the CA\'s key is an unencrypted file beside it.',
].join('\n');
console.log(text);
if (opt.ready) fs.writeFileSync(opt.ready, text + '\n');

// The gateways are this process's children: stay until told to stop, then stop them
// gracefully (SIGINT, SIGKILL after 5 s) instead of the immediate exit of the handlers that
// lib.js and hospitals.js install (their exit handler still kills whatever is left).
for (const sig of ['SIGINT', 'SIGTERM']) {
  process.removeAllListeners(sig);
  process.once(sig, () => stop(130));
}
setInterval(() => {}, 1 << 30);
