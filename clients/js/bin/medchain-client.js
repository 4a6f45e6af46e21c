#!/usr/bin/env node
// medchain-client: form what MedChain anchors, from the command line.
//
//   medchain-client hash <fhir.json> [--salt 0x..]
//   medchain-client commitment [--salt 0x..] <identity-document>
//   medchain-client locator <reference> [--key 0x..]
//   medchain-client batch <dir | hashes-file> [--out hashes.txt]
//   medchain-client prove <hashes-file> <index>
//   medchain-client verify <proof.json>
//   medchain-client scan '<GS1 element string>'
//   medchain-client serials <serials-file> [--prove <serial>]
//   medchain-client epcis export --ws <url> --batch <id> [--serials <file>] [--unit <serial>]
//   medchain-client epcis import <epcis.json> --dry-run [--ws <url>] [--serials <file>]...
//   medchain-client epcis import <epcis.json> --ws <url> --suri <key>... [--serials <file>]...
//
// Every command prints one JSON object on stdout (epcis import --dry-run: one call per line);
// errors go to stderr with exit code 1 (2 for usage errors).
import { existsSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import {
  buildTree,
  canonicalBytes,
  contentHash,
  identityCommitment,
  opaqueLocator,
  parseElementString,
  randomSalt,
  serialsTree,
  verifyProof,
} from '../src/index.js';
import { epcisToCalls, formatCall, historyToEpcis } from '../src/epcis.js';

const USAGE = `usage:
  medchain-client hash <fhir.json> [--salt 0x<32 bytes>]
      canonicalize a FHIR JSON resource and print {canonical_length, salt, content_hash}
      (a random salt is drawn when none is given: store it with the document)
  medchain-client commitment [--salt 0x<32 bytes>] <identity-document>
      print {salt, commitment} with commitment = blake2_256(salt ++ file bytes)
  medchain-client locator <reference> [--key 0x<32 bytes>]
      the opaque locator to anchor for a document whose internal reference (FHIR URL,
      object-store key) is <reference>: {locator} = mc1: + keyed blake2-256; the key is
      --key or the environment's MEDCHAIN_LOCATOR_KEY (the holder's secret, 32 bytes)
  medchain-client batch <dir | hashes-file> [--out <hashes-file>]
      build the Merkle tree of a batch and print {root, leaf_count}
      dir: one leaf per *.json (sorted by file name), content hashes with salts kept in
           <dir>/salts.json (existing salts are reused, new ones drawn)
      hashes-file: one 0x content hash per line (blank lines and # comments ignored)
      --out writes the leaves, one per line, for 'prove'
  medchain-client prove <hashes-file> <index>
      print {root, proof, number_of_leaves, leaf_index, leaf}
  medchain-client verify <proof.json>
      check a proof printed by 'prove'; prints {valid} and exits 1 when invalid
  medchain-client scan '<GS1 element string>'
      parse what a scanner read from a drug pack's GS1 DataMatrix (]d2 prefix optional,
      GS = ASCII 29 after variable fields, or '(01)..(17)..(10)..(21)..') and print
      {gtin, expiry, lot, serial, ais}; exits 1 on a bad check digit, date or AI
  medchain-client serials <serials-file> [--prove <serial>]
      the batch's serials_root (one serial per line) for DrugProvenance.commission_batch,
      and with --prove the proof of one serial for dispense / verify_unit
  medchain-client epcis export --ws <ws://node> --batch <id> [--serials <file>]
                               [--unit <serial> | --unit-hash 0x<32 bytes>] [--out <file>]
      a batch's custody history (DrugProvenance) as an EPCIS 2.0 JSON-LD EPCISDocument;
      --serials: the batch's serials file (units as SGTINs; without it a dispensed unit is
      its on-chain serial hash); --unit: one unit's view (the batch's events and its dispense)
  medchain-client epcis import <epcis.json> --dry-run [--ws <ws://node>] [--serials <file>]...
      the DrugProvenance calls the document stands for, one per line:
      drugProvenance.<call>(<args>)  # origin <organization>; with --ws, batches and
      shipments are looked up on chain and ids the calls create are predicted
  medchain-client epcis import <epcis.json> --ws <ws://node> --suri <secret>... [--serials <file>]...
      send them, each signed by the --suri key (repeatable: //Alice style for dev chains)
      that acts for the call's organization; stops at the first failed call, naming it`;

// Options that take no value, and options that may be given more than once (an array).
const FLAGS = new Set(['dry-run']);
const REPEATABLE = new Set(['suri', 'serials']);

class UsageError extends Error {}

function parseArgs(argv) {
  const positional = [];
  const options = {};
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === '-h' || arg === '--help') {
      options.help = true;
    } else if (arg.startsWith('--')) {
      const eq = arg.indexOf('=');
      let key;
      let value;
      if (FLAGS.has(arg.slice(2))) {
        key = arg.slice(2);
        value = true;
      } else if (eq > 0) {
        key = arg.slice(2, eq);
        value = arg.slice(eq + 1);
      } else {
        key = arg.slice(2);
        value = argv[i + 1];
        if (value === undefined) throw new UsageError(`${arg} needs a value`);
        i++;
      }
      if (REPEATABLE.has(key)) (options[key] ??= []).push(value);
      else options[key] = value;
    } else {
      positional.push(arg);
    }
  }
  return { positional, options };
}

function checkOptions(options, allowed) {
  for (const key of Object.keys(options)) {
    if (key !== 'help' && !allowed.includes(key)) throw new UsageError(`unknown option --${key}`);
  }
}

function readJsonFile(path) {
  let text;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    throw new Error(`cannot read ${path}: ${e.message}`);
  }
  try {
    return JSON.parse(text);
  } catch (e) {
    throw new Error(`${path} is not valid JSON: ${e.message}`);
  }
}

const HASH_RE = /^0x[0-9a-fA-F]{64}$/;

function readHashesFile(path) {
  const lines = readFileSync(path, 'utf8').split(/\r?\n/);
  const hashes = [];
  lines.forEach((raw, i) => {
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) return;
    if (!HASH_RE.test(line)) throw new Error(`${path}:${i + 1}: expected a 0x-prefixed 32-byte hex hash, got ${JSON.stringify(line.slice(0, 80))}`);
    hashes.push(line.toLowerCase());
  });
  return hashes;
}

function print(obj) {
  process.stdout.write(JSON.stringify(obj, null, 2) + '\n');
}

function cmdHash(positional, options) {
  checkOptions(options, ['salt']);
  if (positional.length !== 1) throw new UsageError('hash takes exactly one file');
  const resource = readJsonFile(positional[0]);
  const salt = options.salt ?? randomSalt();
  const content_hash = contentHash(resource, salt);
  print({ canonical_length: canonicalBytes(resource).length, salt, content_hash });
}

function cmdCommitment(positional, options) {
  checkOptions(options, ['salt']);
  if (positional.length !== 1) throw new UsageError('commitment takes exactly one file');
  const salt = options.salt ?? randomSalt();
  const commitment = identityCommitment(salt, readFileSync(positional[0]));
  print({ salt, commitment });
}

function cmdLocator(positional, options) {
  checkOptions(options, ['key']);
  if (positional.length !== 1) throw new UsageError('locator takes exactly one reference');
  const key = options.key ?? process.env.MEDCHAIN_LOCATOR_KEY;
  if (!key) throw new UsageError('locator needs --key 0x<32 bytes> or MEDCHAIN_LOCATOR_KEY');
  print({ locator: opaqueLocator(positional[0], key) });
}

function batchFromDir(dir) {
  const files = readdirSync(dir)
    .filter((f) => f.endsWith('.json') && f !== 'salts.json' && statSync(join(dir, f)).isFile())
    .sort();
  const saltsPath = join(dir, 'salts.json');
  const previous = existsSync(saltsPath) ? readJsonFile(saltsPath) : {};
  const salts = {};
  const leaves = files.map((file, leaf_index) => {
    const salt = previous[file]?.salt ?? randomSalt();
    const content_hash = contentHash(readJsonFile(join(dir, file)), salt);
    salts[file] = { salt, content_hash, leaf_index };
    return content_hash;
  });
  writeFileSync(saltsPath, JSON.stringify(salts, null, 2) + '\n');
  return { leaves, saltsPath };
}

function cmdBatch(positional, options) {
  checkOptions(options, ['out']);
  if (positional.length !== 1) throw new UsageError('batch takes one directory or hashes file');
  const src = positional[0];
  let leaves;
  let saltsPath;
  if (statSync(src).isDirectory()) {
    ({ leaves, saltsPath } = batchFromDir(src));
  } else {
    leaves = readHashesFile(src);
  }
  if (leaves.length === 0) throw new Error(`no leaves in ${src}`);
  const tree = buildTree(leaves);
  if (options.out) writeFileSync(options.out, leaves.join('\n') + '\n');
  const result = { root: tree.root(), leaf_count: leaves.length };
  if (saltsPath) result.salts_file = saltsPath;
  if (options.out) result.hashes_file = options.out;
  print(result);
}

function cmdProve(positional, options) {
  checkOptions(options, []);
  if (positional.length !== 2) throw new UsageError('prove takes a hashes file and an index');
  const [file, indexText] = positional;
  if (!/^\d+$/.test(indexText)) throw new UsageError(`index must be a non-negative integer, got ${indexText}`);
  const leaves = readHashesFile(file);
  const index = Number(indexText);
  if (index >= leaves.length) throw new Error(`index ${index} out of range: ${basename(file)} has ${leaves.length} leaves`);
  const p = buildTree(leaves).proof(index);
  print({ root: p.root, proof: p.proof, number_of_leaves: p.numberOfLeaves, leaf_index: p.leafIndex, leaf: p.leaf });
}

function cmdVerify(positional, options) {
  checkOptions(options, []);
  if (positional.length !== 1) throw new UsageError('verify takes one proof file');
  const p = readJsonFile(positional[0]);
  const valid = verifyProof(p.root, p.proof, p.number_of_leaves, p.leaf_index, p.leaf);
  print({ valid });
  if (!valid) process.exitCode = 1;
}

function cmdScan(positional, options) {
  checkOptions(options, []);
  if (positional.length !== 1) throw new UsageError('scan takes one element string');
  print(parseElementString(positional[0]));
}

function cmdSerials(positional, options) {
  checkOptions(options, ['prove']);
  if (positional.length !== 1) throw new UsageError('serials takes one file (one serial per line)');
  const serials = readFileSync(positional[0], 'utf8').split('\n').map((l) => l.trim()).filter((l) => l !== '');
  if (serials.length === 0) throw new Error(`${positional[0]} lists no serials`);
  const tree = serialsTree(serials);
  const out = { serials_root: tree.root(), quantity: serials.length };
  if (options.prove !== undefined) {
    const index = serials.indexOf(options.prove);
    if (index < 0) throw new Error(`serial ${options.prove} is not in ${positional[0]}`);
    const { proof } = tree.proof(index);
    Object.assign(out, { serial: options.prove, leaf_index: index, proof });
  }
  print(out);
}

function readSerialsFile(path) {
  const serials = readFileSync(path, 'utf8').split('\n').map((l) => l.trim()).filter((l) => l !== '');
  if (serials.length === 0) throw new Error(`${path} lists no serials`);
  return serials;
}

/** Connect polkadot.js to --ws (loaded only for the commands that talk to a node). */
async function connect(url) {
  const { ApiPromise, WsProvider } = await import('@polkadot/api');
  const provider = new WsProvider(url, false);
  await provider.connect();
  const api = await ApiPromise.create({ provider, throwOnConnect: true, noInitWarn: true });
  return api;
}

async function withApi(url, fn) {
  const api = await connect(url);
  try {
    return await fn(api);
  } finally {
    await api.disconnect();
  }
}

async function cmdEpcisExport(positional, options) {
  checkOptions(options, ['ws', 'batch', 'serials', 'unit', 'unit-hash', 'out']);
  if (positional.length !== 0) throw new UsageError('epcis export takes no positional argument');
  if (!options.ws) throw new UsageError('epcis export needs --ws <node url>');
  if (!/^\d+$/.test(options.batch ?? '')) throw new UsageError('epcis export needs --batch <batch id>');
  if (options.unit !== undefined && options['unit-hash'] !== undefined) throw new UsageError('--unit and --unit-hash exclude each other');
  if (options['unit-hash'] !== undefined && !HASH_RE.test(options['unit-hash'])) throw new UsageError('--unit-hash takes 0x and 32 bytes of hex');
  const { readBatchHistory } = await import('../src/epcis-chain.js');
  const serials = options.serials ? readSerialsFile(options.serials.at(-1)) : null;
  const unit = options.unit !== undefined ? { serial: options.unit } : options['unit-hash'] !== undefined ? { serialHash: options['unit-hash'] } : null;
  const doc = await withApi(options.ws, async (api) => {
    const history = await readBatchHistory(api, Number(options.batch), { serials });
    return historyToEpcis(history, { ss58Format: api.registry.chainSS58 ?? 42, unit });
  });
  if (options.out) writeFileSync(options.out, JSON.stringify(doc, null, 2) + '\n');
  print(doc);
}

async function cmdEpcisImport(positional, options) {
  checkOptions(options, ['ws', 'dry-run', 'suri', 'serials']);
  if (positional.length !== 1) throw new UsageError('epcis import takes one EPCIS JSON file');
  const doc = readJsonFile(positional[0]);
  const serials = (options.serials ?? []).map(readSerialsFile);
  if (options['dry-run']) {
    if (options.suri) throw new UsageError('--dry-run signs nothing: drop --suri');
    if (!options.ws) {
      const calls = await epcisToCalls(doc, { serials });
      process.stdout.write(calls.map((c) => formatCall(c) + '\n').join(''));
      return;
    }
  } else {
    if (!options.ws) throw new UsageError('epcis import needs --ws <node url> (or --dry-run)');
    if (!options.suri) throw new UsageError('epcis import needs --suri <secret> for the organizations that sign');
  }
  const chain = await import('../src/epcis-chain.js');
  await withApi(options.ws, async (api) => {
    const ss58Format = api.registry.chainSS58 ?? 42;
    const calls = await epcisToCalls(doc, { serials, resolver: chain.chainResolver(api), ss58Format });
    if (options['dry-run']) {
      const predicted = await chain.predictIds(api, calls);
      process.stdout.write(predicted.map((c) => formatCall(c) + '\n').join(''));
      return;
    }
    const { Keyring } = await import('@polkadot/keyring');
    const { cryptoWaitReady } = await import('@polkadot/util-crypto');
    await cryptoWaitReady();
    const keyring = new Keyring({ type: 'sr25519', ss58Format });
    const pairs = options.suri.map((suri) => keyring.addFromUri(suri));
    const sent = await chain.sendCalls(api, calls, pairs, {
      formatCall,
      onSent: (r) => process.stderr.write(`sent ${r.line} in block ${r.blockHash}\n`),
    });
    print({ sent: sent.map((r) => ({ call: r.line, block_hash: r.blockHash, ...(r.created.batchId !== undefined ? { batch_id: r.created.batchId } : {}), ...(r.created.shipmentId !== undefined ? { shipment_id: r.created.shipmentId } : {}) })) });
  });
}

const EPCIS_COMMANDS = { export: cmdEpcisExport, import: cmdEpcisImport };

function cmdEpcis(positional, options) {
  const [sub, ...rest] = positional;
  const run = EPCIS_COMMANDS[sub];
  if (!run) throw new UsageError(`epcis takes export or import, got ${sub ?? 'nothing'}`);
  return run(rest, options);
}

const COMMANDS = {
  hash: cmdHash,
  commitment: cmdCommitment,
  locator: cmdLocator,
  batch: cmdBatch,
  prove: cmdProve,
  verify: cmdVerify,
  scan: cmdScan,
  serials: cmdSerials,
  epcis: cmdEpcis,
};

function main(argv) {
  const [command, ...rest] = argv;
  if (!command || command === '-h' || command === '--help' || command === 'help') {
    process.stdout.write(USAGE + '\n');
    return;
  }
  const run = COMMANDS[command];
  if (!run) throw new UsageError(`unknown command ${command}`);
  const { positional, options } = parseArgs(rest);
  if (options.help) {
    process.stdout.write(USAGE + '\n');
    return;
  }
  return run(positional, options);
}

Promise.resolve()
  .then(() => main(process.argv.slice(2)))
  .catch((e) => {
    if (e instanceof UsageError) {
      process.stderr.write(`medchain-client: ${e.message}\n\n${USAGE}\n`);
      process.exitCode = 2;
    } else {
      process.stderr.write(`medchain-client: ${e.message}\n`);
      process.exitCode = 1;
    }
  });
