// Helpers shared by the network tests' js-scripts (finality.js, state.js, consortium.js).
// zombienet puts @polkadot/api's ApiPromise, WsProvider and Keyring in `global.zombie`.

// The testkit (tests/testkit, ES modules: require() loads them on Node >= 20.19).
const { connectApi } = require('../testkit/src/node.js');

const SETTLE_MS = 1000;

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

function log(msg) {
  console.log(`\n[medchain] ${msg}`);
}

// A node just restarted may not serve RPC yet: retry the connection for up to 30 s (the
// testkit's connectApi, with zombienet's ApiPromise and WsProvider).
async function connect(networkInfo, name) {
  const node = networkInfo.nodesByName[name];
  if (!node) throw new Error(`no node named ${name}`);
  try {
    return { name, api: await connectApi(zombie, node.wsUri, { deadline: Date.now() + 30000 }) };
  } catch (e) {
    throw new Error(`cannot connect to ${name} at ${node.wsUri}: ${e.message}`);
  }
}

async function withNodes(networkInfo, names, fn) {
  const nodes = await Promise.all(names.map((n) => connect(networkInfo, n)));
  try {
    return await fn(nodes);
  } finally {
    await Promise.all(nodes.map(({ api }) => api.disconnect().catch(() => {})));
  }
}

async function finalized(api) {
  const hash = await api.rpc.chain.getFinalizedHead();
  const header = await api.rpc.chain.getHeader(hash);
  return { height: header.number.toNumber(), hash: hash.toHex() };
}

async function best(api) {
  return (await api.rpc.chain.getHeader()).number.toNumber();
}

module.exports = { SETTLE_MS, sleep, log, connect, withNodes, finalized, best };
