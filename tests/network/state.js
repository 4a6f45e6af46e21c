// Checks run by validators.zndsl through zombienet's `js-script` assertion (see finality.js for
// how zombienet calls `run(nodeName, networkInfo, args)`; `global.zombie` holds
// @polkadot/api's ApiPromise, WsProvider and Keyring).
//
//   register,<label>,<node...>   //Alice (the `local` chain's sudo key) submits, through the
//                                first node, sudo(consortium.registerOrganization(<org>,
//                                'Network Test Clinic', 1)) with <org> = //NetworkTest<label>;
//                                waits until it is finalized, then until every node's
//                                finalized head holds the organization; returns the block
//                                number it was included in
//   record,<node>                writes the node's best and finalized heights to
//                                $ZOMBIENET_DIR/state-<node>.json; returns the finalized one
//   resumed,<node>               run right after `<node>: restart`: the node's sync
//                                `startingBlock` (its best block when it started), best and
//                                finalized heights are all >= the recorded finalized height
//                                (> 0), the block recorded as finalized has the same hash, and
//                                its log ($ZOMBIENET_DIR/<node>.log, appended to by the
//                                restart) shows 2 starts, 1 genesis initialization and
//                                "Highest known block at #N" >= that height at the second:
//                                it reopened its base path, nothing finalized is lost, it did
//                                not start again from genesis; returns startingBlock
//   catchup,<secs>,<node...>     within secs, every node's best reaches the first node's best
//                                at the time of the call and every node's finalized height
//                                passes its own at the call; returns the last node's finalized
//   same,<label>,<node...>       at the lowest finalized height among the nodes, all report
//                                the same block hash, and consortium.organizations(<org>) at
//                                that hash is the registered organization, identical (SCALE
//                                bytes) on every node; returns that height
//
// Each check logs one line `[medchain] ...` with what it saw.

const fs = require('fs');
const path = require('path');

const ORG_NAME = 'Network Test Clinic';
const ROLES = 1;
const { SETTLE_MS, sleep, log, withNodes, finalized, best } = require('./lib.js');

function orgAccount(label) {
  const keyring = new zombie.Keyring({ type: 'sr25519' });
  return keyring.addFromUri(`//NetworkTest${label}`).address;
}

function recordPath(networkInfo, name) {
  return path.join(networkInfo.tmpDir, `state-${name}.json`);
}

// Submit sudo(call) signed by //Alice and resolve with the finalized block's hash once the
// extrinsic is finalized with a successful Sudid(Ok) event.
function sudoFinalized(api, call) {
  const alice = new zombie.Keyring({ type: 'sr25519' }).addFromUri('//Alice');
  return new Promise((resolve, reject) => {
    let unsub = () => {};
    api.tx.sudo
      .sudo(call)
      .signAndSend(alice, ({ status, events, dispatchError }) => {
        if (status.isInvalid || status.isDropped || status.isUsurped) {
          unsub();
          reject(new Error(`extrinsic ${status.type}`));
        }
        if (!status.isFinalized) return;
        unsub();
        if (dispatchError) return reject(new Error(`sudo failed: ${dispatchError.toString()}`));
        const sudid = events.find(({ event }) => event.section === 'sudo' && event.method === 'Sudid');
        if (!sudid) return reject(new Error('no Sudid event'));
        const result = sudid.event.data[0];
        if (result.isErr) {
          const err = result.asErr;
          const msg = err.isModule ? JSON.stringify(api.registry.findMetaError(err.asModule)) : err.toString();
          return reject(new Error(`registerOrganization failed: ${msg}`));
        }
        resolve(status.asFinalized.toHex());
      })
      .then((u) => {
        unsub = u;
      })
      .catch(reject);
  });
}

async function register(nodes, label) {
  const { api } = nodes[0];
  const org = orgAccount(label);
  if ((await api.query.consortium.organizations(org)).isSome) {
    throw new Error(`organization ${org} already exists before the test registered it`);
  }
  const blockHash = await sudoFinalized(api, api.tx.consortium.registerOrganization(org, ORG_NAME, ROLES));
  const height = (await api.rpc.chain.getHeader(blockHash)).number.toNumber();
  // Every node's finalized head must hold the organization before the failure.
  for (;;) {
    const seen = await Promise.all(
      nodes.map(async ({ api: a }) => {
        const f = await finalized(a);
        return f.height >= height && (await a.query.consortium.organizations.at(f.hash, org)).isSome;
      }),
    );
    if (seen.every(Boolean)) break;
    await sleep(SETTLE_MS);
  }
  log(`registered ${org} '${ORG_NAME}' in #${height} (${blockHash}), finalized on ${nodes.map((n) => n.name).join(', ')}`);
  return height;
}

async function record(networkInfo, nodes) {
  const [{ name, api }] = nodes;
  const f = await finalized(api);
  const b = await best(api);
  fs.writeFileSync(recordPath(networkInfo, name), JSON.stringify({ best: b, finalized: f.height, hash: f.hash }));
  log(`${name} before the failure: best #${b}, finalized #${f.height} (${f.hash})`);
  return f.height;
}

async function resumed(networkInfo, nodes) {
  const [{ name, api }] = nodes;
  const before = JSON.parse(fs.readFileSync(recordPath(networkInfo, name), 'utf8'));
  const sync = await api.rpc.system.syncState();
  const start = sync.startingBlock.toNumber();
  const b = await best(api);
  const f = await finalized(api);
  // The block finalized before the kill is still there, with the same hash.
  const kept = (await api.rpc.chain.getBlockHash(before.finalized)).toHex();
  // The node's log (zombienet appends to it on restart): two starts, one genesis
  // initialization, and the second start's "Highest known block at #N".
  const text = fs.readFileSync(path.join(networkInfo.tmpDir, `${name}.log`), 'utf8');
  const starts = (text.match(/Local node identity is/g) || []).length;
  const geneses = (text.match(/Initializing Genesis block/g) || []).length;
  const known = [...text.matchAll(/Highest known block at #(\d+)/g)].map((m) => Number(m[1]));
  const lastKnown = known.length ? known[known.length - 1] : -1;
  const report =
    `${name} after restart: sync startingBlock #${start}, best #${b}, finalized #${f.height}; ` +
    `before the kill: best #${before.best}, finalized #${before.finalized}; ` +
    `#${before.finalized} is ${kept === before.hash ? 'the same block' : kept}; ` +
    `log: ${starts} starts, ${geneses} genesis initialization(s), highest known block at start #${known.join(', #')}`;
  log(report);
  if (before.finalized < 1) throw new Error(`nothing was finalized before the kill: ${report}`);
  if (start < before.finalized || b < before.finalized || f.height < before.finalized) {
    throw new Error(`restarted below its finalized height: ${report}`);
  }
  if (kept !== before.hash) throw new Error(`finalized block changed: ${report}`);
  if (starts !== 2 || geneses !== 1 || lastKnown < before.finalized) {
    throw new Error(`the restart did not reopen the base path: ${report}`);
  }
  return start;
}

async function catchup(nodes, secs) {
  const target = await best(nodes[0].api);
  const f0 = await Promise.all(nodes.map(({ api }) => finalized(api)));
  const t0 = Date.now();
  for (;;) {
    const b = await Promise.all(nodes.map(({ api }) => best(api)));
    const f = await Promise.all(nodes.map(({ api }) => finalized(api)));
    const done = b.every((x) => x >= target) && f.every((x, i) => x.height > f0[i].height);
    const report = nodes
      .map(({ name }, i) => `${name} best #${b[i]} finalized #${f0[i].height}->#${f[i].height}`)
      .join('; ');
    if (done) {
      log(`caught up to #${target} in ${((Date.now() - t0) / 1000).toFixed(1)} s: ${report}`);
      return f[f.length - 1].height;
    }
    if (Date.now() - t0 > secs * 1000) throw new Error(`not caught up to #${target} in ${secs} s: ${report}`);
    await sleep(SETTLE_MS);
  }
}

async function same(nodes, label) {
  const org = orgAccount(label);
  const fin = await Promise.all(nodes.map(({ api }) => finalized(api)));
  const low = Math.min(...fin.map((f) => f.height));
  const hashes = await Promise.all(nodes.map(async ({ api }) => (await api.rpc.chain.getBlockHash(low)).toHex()));
  if (new Set(hashes).size !== 1) {
    throw new Error(`nodes disagree at #${low}: ${nodes.map(({ name }, i) => `${name}=${hashes[i]}`).join(' ')}`);
  }
  const values = await Promise.all(nodes.map(({ api }) => api.query.consortium.organizations.at(hashes[0], org)));
  const encoded = values.map((v) => v.toHex());
  if (new Set(encoded).size !== 1) {
    throw new Error(
      `organizations(${org}) at #${low} differs: ${nodes.map(({ name }, i) => `${name}=${encoded[i]}`).join(' ')}`,
    );
  }
  if (values[0].isNone) throw new Error(`organizations(${org}) at #${low} is None on every node`);
  const o = values[0].unwrap();
  const name = Buffer.from(o.name.toU8a(true)).toString('utf8');
  if (name !== ORG_NAME || o.roles.toNumber() !== ROLES) {
    throw new Error(`organizations(${org}) at #${low} is ${JSON.stringify(o.toHuman())}`);
  }
  log(
    `at finalized #${low} (${hashes[0]}) ${nodes.map((n) => n.name).join(', ')} all read organizations(${org}) = ` +
      `${JSON.stringify(o.toHuman())}`,
  );
  return low;
}

async function run(_nodeName, networkInfo, args) {
  const [check, ...rest] = args.map((a) => a.trim());
  switch (check) {
    case 'register':
      return withNodes(networkInfo, rest.slice(1), (nodes) => register(nodes, rest[0]));
    case 'record':
      return withNodes(networkInfo, rest, (nodes) => record(networkInfo, nodes));
    case 'resumed':
      return withNodes(networkInfo, rest, (nodes) => resumed(networkInfo, nodes));
    case 'catchup':
      return withNodes(networkInfo, rest.slice(1), (nodes) => catchup(nodes, Number(rest[0])));
    case 'same':
      return withNodes(networkInfo, rest.slice(1), (nodes) => same(nodes, rest[0]));
    default:
      throw new Error(`unknown check ${check}`);
  }
}

module.exports = { run };
