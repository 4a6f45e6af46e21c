// Seed a running dev node with the demo data the tests use: node test/seed-cli.js ws://...
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ApiPromise, WsProvider } from '@polkadot/api';
import { seed } from './lib.js';

const url = process.argv[2] || 'ws://127.0.0.1:9944';
const api = await ApiPromise.create({ provider: new WsProvider(url), noInitWarn: true });
const dir = path.join(os.tmpdir(), 'medchain-portal-demo');
fs.mkdirSync(dir, { recursive: true });
const f = await seed(api, dir);
console.log(`demo files in ${dir}: serials-LOT-A.txt (batch ${f.batchA}), serials-LOT-R.txt (recalled batch ${f.batchR}), record.json (salt ${f.salt})`);
console.log(`a pack to scan: ]d201${f.GTIN}1728123110LOT-A<GS>21${f.serialsA[0]}`);
await api.disconnect();
process.exit(0);
