// Checks run by validators.zndsl through zombienet's `js-script` assertion.
//
// zombienet calls `run(nodeName, networkInfo, args)` with `args` = the comma-separated
// string after `with`, and `global.zombie` holding @polkadot/api (ApiPromise, WsProvider).
// Every check talks to the nodes named in its arguments only: a paused (SIGSTOPped) node
// would never answer. The value a check returns is compared by the .zndsl line
// (`return is at least N`); a failed check throws, with what it saw.
//
//   keys,<node...>                 the genesis authorities are the nodes' own keys: aura
//                                  and grandpa authorities are 4 distinct keys, each held
//                                  by exactly one node's keystore; session validators are
//                                  not governance's validators (zombienet replaced them)
//   together,<min>,<node...>       every node's finalized height >= min, and all report the
//                                  same hash at the lowest of their finalized heights
//   grows,<by>,<secs>,<node...>    finalized height (on every node) grows by >= by within
//                                  secs of the call; returns the growth seen on the first
//   stalls,<secs>,<node...>        over secs, finalized height does not move while the best
//                                  block grows by >= 2; returns the best block's growth
//   resumes,<by>,<secs>,<node...>  finalized grows by >= by on every node within secs, then
//                                  all report the same finalized hash at a common height
//                                  (the lowest finalized height among them)
//
// Each check logs one line `[medchain] ...` with the heights it saw.

const { SETTLE_MS, sleep, log, withNodes, finalized, best } = require('./lib.js');

async function sameHashAt(nodes, height) {
  const hashes = await Promise.all(
    nodes.map(async ({ api }) => (await api.rpc.chain.getBlockHash(height)).toHex()),
  );
  const distinct = new Set(hashes);
  if (distinct.size !== 1) {
    throw new Error(
      `nodes disagree at #${height}: ${nodes.map(({ name }, i) => `${name}=${hashes[i]}`).join(' ')}`,
    );
  }
  return hashes[0];
}

async function keys(nodes) {
  const { api } = nodes[0];
  const aura = (await api.query.aura.authorities()).map((k) => k.toHex());
  const grandpa = (await api.query.grandpa.authorities()).map(([k]) => k.toHex());
  const validators = (await api.query.session.validators()).map((v) => v.toString());
  const governance = (await api.query.governance.validators()).map((v) => v.toString());
  if (new Set(aura).size !== nodes.length || new Set(grandpa).size !== nodes.length) {
    throw new Error(`expected ${nodes.length} distinct authorities: aura ${aura} grandpa ${grandpa}`);
  }
  // Each node must hold exactly one aura and one grandpa authority key, and no two nodes
  // the same one.
  const owner = { aura: {}, gran: {} };
  for (const { name, api: a } of nodes) {
    for (const [type, list] of [['aura', aura], ['gran', grandpa]]) {
      const held = [];
      for (const k of list) if ((await a.rpc.author.hasKey(k, type)).isTrue) held.push(k);
      if (held.length !== 1) throw new Error(`${name} holds ${held.length} ${type} authority keys`);
      if (owner[type][held[0]]) throw new Error(`${name} and ${owner[type][held[0]]} hold the same ${type} key`);
      owner[type][held[0]] = name;
    }
  }
  const overlap = validators.filter((v) => governance.includes(v));
  log(
    `session validators ${validators.join(' ')}; governance validators ${governance.join(' ')} ` +
      `(${overlap.length} in common); aura/grandpa authorities each held by one of ${nodes.map((n) => n.name).join(', ')}`,
  );
  return nodes.length;
}

async function together(nodes, min) {
  const fin = await Promise.all(nodes.map(({ api }) => finalized(api)));
  const low = Math.min(...fin.map((f) => f.height));
  if (low < min) throw new Error(`finalized heights ${fin.map((f) => f.height)}: want all >= ${min}`);
  const hash = await sameHashAt(nodes, low);
  log(`finalized ${nodes.map(({ name }, i) => `${name}=#${fin[i].height}`).join(' ')}; all have ${hash} at #${low}`);
  return low;
}

async function grows(nodes, by, secs) {
  const start = await Promise.all(nodes.map(({ api }) => finalized(api)));
  const deadline = Date.now() + secs * 1000;
  for (;;) {
    const now = await Promise.all(nodes.map(({ api }) => finalized(api)));
    const growth = now.map((f, i) => f.height - start[i].height);
    if (growth.every((g) => g >= by)) {
      log(
        `finalized grew ${nodes.map(({ name }, i) => `${name} #${start[i].height}->#${now[i].height}`).join(' ')} ` +
          `in ${((secs * 1000 - (deadline - Date.now())) / 1000).toFixed(1)} s`,
      );
      return growth[0];
    }
    if (Date.now() > deadline) {
      throw new Error(`finalized grew only ${growth} (want >= ${by}) in ${secs} s`);
    }
    await sleep(SETTLE_MS);
  }
}

async function stalls(nodes, secs) {
  const f0 = await Promise.all(nodes.map(({ api }) => finalized(api)));
  const b0 = await Promise.all(nodes.map(({ api }) => best(api)));
  await sleep(secs * 1000);
  const f1 = await Promise.all(nodes.map(({ api }) => finalized(api)));
  const b1 = await Promise.all(nodes.map(({ api }) => best(api)));
  const report = nodes
    .map(({ name }, i) => `${name} finalized #${f0[i].height}->#${f1[i].height} best #${b0[i]}->#${b1[i]}`)
    .join('; ');
  log(`over ${secs} s: ${report}`);
  if (f1.some((f, i) => f.height !== f0[i].height)) throw new Error(`finality moved: ${report}`);
  const growth = Math.min(...b1.map((b, i) => b - b0[i]));
  if (growth < 2) throw new Error(`best block did not grow: ${report}`);
  return growth;
}

async function resumes(nodes, by, secs) {
  await grows(nodes, by, secs);
  return together(nodes, 0);
}

async function run(_nodeName, networkInfo, args) {
  const [check, ...rest] = args.map((a) => a.trim());
  switch (check) {
    case 'keys':
      return withNodes(networkInfo, rest, (nodes) => keys(nodes));
    case 'together':
      return withNodes(networkInfo, rest.slice(1), (nodes) => together(nodes, Number(rest[0])));
    case 'grows':
      return withNodes(networkInfo, rest.slice(2), (nodes) => grows(nodes, Number(rest[0]), Number(rest[1])));
    case 'stalls':
      return withNodes(networkInfo, rest.slice(1), (nodes) => stalls(nodes, Number(rest[0])));
    case 'resumes':
      return withNodes(networkInfo, rest.slice(2), (nodes) => resumes(nodes, Number(rest[0]), Number(rest[1])));
    default:
      throw new Error(`unknown check ${check}`);
  }
}

module.exports = { run };
