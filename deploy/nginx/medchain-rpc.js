// The JSON-RPC methods a member's staff may call over HTTPS through
// deploy/nginx/medchain-rpc.conf: reads only. A request (or a batch) naming any other method
// is refused whole with HTTP 403 and a JSON-RPC error, before it reaches the node. WebSocket
// frames cannot be inspected here: over WSS the boundary is the node's own
// `--rpc-methods safe` (docs/OPERATIONS.md, "RPC").
//
// njs 0.7 (nginx's JavaScript module as Debian 12 ships it, libnginx-mod-http-js): no Set,
// no for-of.

const READ_METHODS = {
  rpc_methods: true,
  system_health: true,
  system_name: true,
  system_version: true,
  system_chain: true,
  system_chainType: true,
  system_properties: true,
  system_syncState: true,
  chain_getHeader: true,
  chain_getBlock: true,
  chain_getBlockHash: true,
  chain_getFinalizedHead: true,
  state_getRuntimeVersion: true,
  state_getMetadata: true,
  state_getStorage: true,
  state_getStorageHash: true,
  state_getStorageSize: true,
  state_getKeysPaged: true,
  state_queryStorageAt: true,
  state_call: true,
  grandpa_roundState: true,
  payment_queryInfo: true,
  payment_queryFeeDetails: true,
};
const MAX_BATCH = 64;

function refuse(r, id, message) {
  r.headersOut['Content-Type'] = 'application/json';
  r.return(403, JSON.stringify({ jsonrpc: '2.0', id: id === undefined ? null : id, error: { code: -32601, message } }));
}

function methodOf(call) {
  return call !== null && typeof call === 'object' && typeof call.method === 'string' ? call.method : null;
}

async function filter(r) {
  if (r.method !== 'POST') {
    r.headersOut['Allow'] = 'POST';
    r.return(405, 'JSON-RPC over HTTPS is POST; subscriptions need WSS\n');
    return;
  }
  let body;
  try {
    body = JSON.parse(r.requestText || '');
  } catch (e) {
    r.headersOut['Content-Type'] = 'application/json';
    r.return(400, JSON.stringify({ jsonrpc: '2.0', id: null, error: { code: -32700, message: 'Parse error' } }));
    return;
  }
  const calls = Array.isArray(body) ? body : [body];
  if (calls.length === 0 || calls.length > MAX_BATCH) {
    refuse(r, null, `a batch holds 1 to ${MAX_BATCH} calls here`);
    return;
  }
  for (let i = 0; i < calls.length; i++) {
    const call = calls[i];
    const method = methodOf(call);
    if (method === null || READ_METHODS[method] !== true) {
      refuse(r, call && call.id, `method not allowed through this proxy: ${method}`);
      return;
    }
  }
  const reply = await r.subrequest('/.medchain-node-http', { method: 'POST', body: r.requestText });
  r.headersOut['Content-Type'] = 'application/json';
  r.return(reply.status, reply.responseText);
}

export default { filter, READ_METHODS };
