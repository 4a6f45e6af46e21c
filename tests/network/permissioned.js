// The permissioned network, on the project's own launcher (scripts/start-local.sh), loopback
// only:
//
//   1. mesh      four members each peer with the three others, and killing any one of them
//                (member 0, the first boot node, included) leaves finality running; the
//                killed member is restarted and rejoins before the next is killed.
//   2. outsider  a node whose peer id the chain does not list imports no block from the
//                members in 30 s (best block 0, no peer), and the members' logs show its
//                sync substream refused.
//   3. admitted  a council motion (Consortium.add_node, 3 of 4 ayes) authorizes it: it syncs
//                to the members' finalized head.
//   4. replica   member 1's admin adds its own second node (a read replica) with one signed
//                Consortium.add_node, no vote: the replica syncs.
//   5. removed   a council motion removes the outsider: the members disconnect it, and it
//                stays out: no peer and no new block for 30 s while the members go on.
//
// At each step the nodes' node authorization gauges (`medchain_node_*` on their Prometheus
// endpoints, which the dashboard and the alerts read) must say the same as the chain.
//
//   node tests/network/permissioned.js     (tests/network/permissioned.sh sets it up)
//
// MEDCHAIN_NODE            the node binary
// MEDCHAIN_LOCAL_DIR       where start-local.sh keeps keys, spec, base paths and logs
// MEDCHAIN_LOCAL_PORT_BASE p2p B+i, RPC B+100+i, Prometheus B+200+i for member i; the
//                          outsider and the replica use B+50.., B+150.. and B+250..
'use strict';

const fs = require('fs');
const path = require('path');
const { spawn, execFileSync } = require('child_process');
const polkadot = require('@polkadot/api');
const { connectApi } = require('../testkit/src/node.js');
const { dispatchErrorName, signAndWait } = require('../testkit/src/chain.js');
const { MEDCHAIN_SS58 } = require('../testkit/src/ss58.js');

const ROOT = path.resolve(__dirname, '..', '..');
const NODE = process.env.MEDCHAIN_NODE;
const DIR = process.env.MEDCHAIN_LOCAL_DIR;
const BASE = Number(process.env.MEDCHAIN_LOCAL_PORT_BASE || 24000);
const MEMBERS = 4;
const TX_WAIT_MS = 60_000;

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const log = (msg) => console.log(`[permissioned] ${msg}`);
let passed = 0;
function pass(what) {
  passed += 1;
  console.log(`ok ${passed} - ${what}`);
}

const children = new Set();
function killAll() {
  for (const c of children) {
    try {
      process.kill(-c.pid, 'SIGKILL');
    } catch {}
  }
}
process.on('exit', killAll);
for (const sig of ['SIGINT', 'SIGTERM']) process.on(sig, () => process.exit(130));

function start(cmd, args, logFile, env = {}) {
  const out = fs.openSync(logFile, 'a');
  const child = spawn(cmd, args, { stdio: ['ignore', out, out], detached: true, env: { ...process.env, ...env } });
  children.add(child);
  child.on('exit', () => children.delete(child));
  return child;
}

const rpcPort = (i) => BASE + 100 + i;
const memberLog = (i) => path.join(DIR, `node${i}.log`);

async function connect(port) {
  return connectApi(polkadot, `ws://127.0.0.1:${port}`, { deadline: Date.now() + 60_000 });
}

// A node's node authorization gauges, from its Prometheus endpoint.
async function authMetrics(promPort) {
  const text = await (await fetch(`http://127.0.0.1:${promPort}/metrics`)).text();
  const value = (name) => {
    const line = text.split('\n').find((l) => l.startsWith(`${name} `) || l.startsWith(`${name}{`));
    if (!line) throw new Error(`no ${name} on 127.0.0.1:${promPort}`);
    return Number(line.trim().split(/\s+/).pop());
  };
  return {
    enabled: value('medchain_node_authorization_enabled'),
    peers: value('medchain_node_authorized_peers'),
    authorized: value('medchain_node_is_authorized'),
    banned: value('medchain_node_removed_peers_banned'),
  };
}

// Waits until `promPort`'s gauges equal `want` (a finalized block may be needed first).
async function expectMetrics(who, promPort, want) {
  let seen;
  await until(`${who}'s node authorization metrics ${JSON.stringify(want)}`, 30, async () => {
    seen = await authMetrics(promPort);
    return Object.entries(want).every(([k, v]) => seen[k] === v) || seen;
  });
  return `${who}: ${JSON.stringify(seen)}`;
}

async function health(api) {
  const h = await api.rpc.system.health();
  return { peers: h.peers.toNumber(), syncing: h.isSyncing.isTrue };
}

async function finalizedHeight(api) {
  const hash = await api.rpc.chain.getFinalizedHead();
  return (await api.rpc.chain.getHeader(hash)).number.toNumber();
}

async function bestHeight(api) {
  return (await api.rpc.chain.getHeader()).number.toNumber();
}

async function until(what, secs, check) {
  const deadline = Date.now() + secs * 1000;
  let last;
  for (;;) {
    try {
      last = await check();
      if (last === true) return;
    } catch (e) {
      last = e.message;
    }
    if (Date.now() > deadline) throw new Error(`${what}: not within ${secs} s (last: ${JSON.stringify(last)})`);
    await sleep(1000);
  }
}

// Sign and submit (the testkit's signAndWait): resolves with the events once in a block,
// rejects with the dispatch error's name.
const submit = (api, tx, signer) => signAndWait(api, tx, signer, { timeoutMs: TX_WAIT_MS });

const findEvent = (events, section, method) => events.map((r) => r.event).find((e) => e.section === section && e.method === method);

// A 2/3 council motion: proposed, voted, closed; throws unless it executed with Ok.
async function motion(api, call, voters) {
  const seats = (await api.query.council.members()).length;
  const threshold = Math.ceil((2 * seats) / 3);
  const length = call.method.encodedLength;
  const proposed = await submit(api, api.tx.council.propose(threshold, call, length), voters[0]);
  const [, index, hash] = findEvent(proposed.events, 'council', 'Proposed').data;
  for (const v of voters.slice(0, threshold)) await submit(api, api.tx.council.vote(hash, index, true), v);
  const info = await api.call.transactionPaymentCallApi.queryCallInfo(call, length);
  const closed = await submit(api, api.tx.council.close(hash, index, info.weight, length), voters[0]);
  const executed = findEvent(closed.events, 'council', 'Executed');
  if (!executed) throw new Error(`motion ${call.method.section}.${call.method.method} not executed`);
  if (executed.data[1].isErr) throw new Error(`motion executed with ${dispatchErrorName(api, executed.data[1].asErr)}`);
  log(`council motion #${index} ${call.method.section}.${call.method.method}: ${threshold} of ${seats} ayes, executed Ok`);
  return closed;
}

// A fresh node key: its file and its peer id (from the node's own `key` commands).
function newNodeKey(name) {
  const file = path.join(DIR, `${name}.node-key`);
  execFileSync(NODE, ['key', 'generate-node-key', '--file', file], { stdio: 'ignore' });
  const peer = execFileSync(NODE, ['key', 'inspect-node-key', '--file', file], { encoding: 'utf8' }).trim();
  return { file, peer };
}

// The node key (ed25519 public key) in a peer id: the last 32 bytes of its identity multihash.
function nodeKeyOf(peerId) {
  const ALPHABET = '123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz';
  let n = 0n;
  for (const ch of peerId) n = n * 58n + BigInt(ALPHABET.indexOf(ch));
  const hex = n.toString(16).padStart(76, '0');
  if (hex.length !== 76 || !hex.startsWith('002408011220')) throw new Error(`${peerId} is not an ed25519 peer id`);
  return `0x${hex.slice(12)}`;
}

// A non-validator node of the consortium spec: its base path, ports B+50+k / B+150+k.
function startExtraNode(name, key, k) {
  const args = [
    '--chain', path.join(DIR, 'spec.json'), '--base-path', path.join(DIR, name), '--name', name,
    '--node-key-file', key.file, '--listen-addr', `/ip4/127.0.0.1/tcp/${BASE + 50 + k}`,
    '--rpc-port', String(BASE + 150 + k), '--prometheus-port', String(BASE + 250 + k), '--no-mdns',
    '--no-telemetry', '-l', 'medchain::peering=debug',
  ];
  const child = start(NODE, args, path.join(DIR, `${name}.log`));
  return { child, port: BASE + 150 + k, prom: BASE + 250 + k, log: path.join(DIR, `${name}.log`) };
}

function memberPid(i) {
  return Number(fs.readFileSync(path.join(DIR, `node${i}.pid`), 'utf8'));
}

async function main() {
  if (!NODE || !DIR) throw new Error('set MEDCHAIN_NODE and MEDCHAIN_LOCAL_DIR (tests/network/permissioned.sh does)');
  log(`starting ${MEMBERS} members with scripts/start-local.sh (ports ${BASE}..)`);
  start('bash', [path.join(ROOT, 'scripts', 'start-local.sh'), String(MEMBERS)], path.join(path.dirname(DIR), 'start-local.log'), {
    MEDCHAIN_LOCAL_LOG: 'medchain::peering=debug,sub-libp2p::peerset=trace',
  });
  await until('the spec and every member started', 120, () => [...Array(MEMBERS).keys()].every((i) => fs.existsSync(path.join(DIR, `node${i}.pid`))));
  const members = [];
  for (let i = 0; i < MEMBERS; i++) members.push(await connect(rpcPort(i)));
  const keyring = new polkadot.Keyring({ type: 'sr25519', ss58Format: MEDCHAIN_SS58 });
  const admins = [...Array(MEMBERS).keys()].map((i) => {
    const seed = JSON.parse(fs.readFileSync(path.join(DIR, 'keys', `member${i}`, 'admin.json'), 'utf8')).secretSeed;
    return keyring.addFromUri(seed);
  });

  // 1. Full mesh, and any one member may go.
  await until('every member peers with the 3 others', 90, async () => {
    const peers = await Promise.all(members.map(async (api) => (await health(api)).peers));
    return peers.every((p) => p === MEMBERS - 1) || peers;
  });
  pass('every member peers with every other (3, 3, 3, 3)');
  const memberProm = (i) => BASE + 200 + i;
  pass(await expectMetrics('member 0', memberProm(0), { enabled: 1, peers: 3, authorized: 1, banned: 0 }));
  await until('finality starts', 90, async () => (await finalizedHeight(members[0])) >= 2);
  // MEDCHAIN_PERMISSIONED_KILLS=k kills only the first k members (a shorter run while working
  // on the later steps; the suite kills all four).
  const kills = Number(process.env.MEDCHAIN_PERMISSIONED_KILLS ?? MEMBERS);
  for (let i = 0; i < kills; i++) {
    const args = fs.readFileSync(path.join(DIR, `node${i}.args`), 'utf8').trimEnd().split('\n');
    await members[i].disconnect();
    process.kill(memberPid(i), 'SIGKILL');
    const other = members[(i + 1) % MEMBERS];
    const from = await finalizedHeight(other);
    await until(`finality goes on without member ${i}`, 60, async () => (await finalizedHeight(other)) >= from + 3);
    pass(`member ${i} killed: finality went on (#${from} -> #${await finalizedHeight(other)} on member ${(i + 1) % MEMBERS})`);
    const child = start(NODE, args, memberLog(i));
    fs.writeFileSync(path.join(DIR, `node${i}.pid`), String(child.pid));
    members[i] = await connect(rpcPort(i));
    await until(`member ${i} rejoins all 3 others`, 90, async () => ((await health(members[i])).peers === MEMBERS - 1) || (await health(members[i])));
  }

  // 2. An outsider gets nothing.
  const outsiderKey = newNodeKey('outsider');
  const outsider = startExtraNode('outsider', outsiderKey, 0);
  const outApi = await connect(outsider.port);
  log(`outsider ${outsiderKey.peer} started; waiting 30 s`);
  await sleep(30_000);
  const outBest = await bestHeight(outApi);
  const outHealth = await health(outApi);
  const membersAt = await finalizedHeight(members[0]);
  if (outBest !== 0 || outHealth.peers !== 0) throw new Error(`the outsider imported ${outBest} blocks with ${outHealth.peers} peers`);
  const refused = [...Array(MEMBERS).keys()].filter((i) => fs.readFileSync(memberLog(i), 'utf8').includes(`rejecting non-reserved peer PeerId("${outsiderKey.peer}")`));
  if (refused.length === 0) throw new Error('no member logged refusing the outsider');
  pass(`an unauthorized node imported 0 blocks in 30 s (members at #${membersAt}), refused by member(s) ${refused.join(', ')}`);
  // It reads the member set of its genesis: restricted, four members, itself not among them.
  pass(await expectMetrics('the outsider', outsider.prom, { enabled: 1, peers: 4, authorized: 0 }));

  // 3. A council motion authorizes it.
  const api = members[0];
  await motion(api, api.tx.consortium.addNode(admins[2].address, nodeKeyOf(outsiderKey.peer)), admins);
  await until('the outsider syncs once authorized', 120, async () => {
    const [b, f] = [await bestHeight(outApi), await finalizedHeight(members[0])];
    return (b > 0 && b >= f - 1) || { best: b, membersFinalized: f };
  });
  pass(`after the council's add_node the node synced (best #${await bestHeight(outApi)})`);
  pass(await expectMetrics('the admitted node', outsider.prom, { enabled: 1, peers: 4, authorized: 1 }));
  pass(await expectMetrics('member 0', memberProm(0), { peers: 4, authorized: 1 }));

  // 4. A member's own second node, no vote.
  const replicaKey = newNodeKey('replica');
  const added = await submit(api, api.tx.consortium.addNode(admins[1].address, nodeKeyOf(replicaKey.peer)), admins[1]);
  if (!findEvent(added.events, 'consortium', 'NodeAdded')) throw new Error('no Consortium.NodeAdded');
  if (findEvent(added.events, 'council', 'Proposed')) throw new Error('a council motion was involved');
  const replica = startExtraNode('replica', replicaKey, 1);
  const repApi = await connect(replica.port);
  await until('the replica syncs', 120, async () => {
    const [b, f] = [await bestHeight(repApi), await finalizedHeight(members[0])];
    return (b > 0 && b >= f - 1) || { best: b, membersFinalized: f };
  });
  pass(`member 1's admin added its read replica with one signed add_node (no vote); it synced to #${await bestHeight(repApi)}`);

  // 5. A council motion removes the outsider: disconnected, and it stays out.
  const removed = await motion(api, api.tx.consortium.removeNode(nodeKeyOf(outsiderKey.peer)), admins);
  const removedAt = (await api.rpc.chain.getHeader(removed.blockHash)).number.toNumber();
  await until('the removal is final on the members', 60, async () => (await finalizedHeight(members[0])) >= removedAt);
  await until('the removed node has no peer', 60, async () => (await health(outApi)).peers === 0 || (await health(outApi)));
  const stoppedAt = await bestHeight(outApi);
  const membersThen = await bestHeight(members[0]);
  await sleep(30_000);
  const [later, laterHealth, membersLater] = [await bestHeight(outApi), await health(outApi), await bestHeight(members[0])];
  if (membersLater < membersThen + 5) throw new Error(`the members did not go on (#${membersThen} -> #${membersLater})`);
  if (later > stoppedAt || laterHealth.peers !== 0) throw new Error(`the removed node went on: #${stoppedAt} -> #${later}, ${laterHealth.peers} peers`);
  pass(`after the council's remove_node the node was disconnected and stayed out for 30 s (#${stoppedAt}, members #${membersThen} -> #${membersLater})`);
  // Members: three others and the replica; the removed node banned.
  pass(await expectMetrics('member 0', memberProm(0), { enabled: 1, peers: 4, authorized: 1, banned: 1 }));
  // The replica, still authorized, kept up.
  if ((await bestHeight(repApi)) < membersLater - 3) throw new Error('the replica fell behind');
  pass('the read replica kept syncing');

  for (const a of [...members, outApi, repApi]) await a.disconnect().catch(() => {});
}

main()
  .then(() => {
    console.log(`${passed} passed, 0 failed\n# pass ${passed}\n# fail 0`);
    killAll();
    process.exit(0);
  })
  .catch((e) => {
    console.error(`not ok - ${e.stack || e.message}`);
    console.log(`${passed} passed, 1 failed\n# pass ${passed}\n# fail 1`);
    killAll();
    process.exit(1);
  });
