// A minimal JSON-RPC 2.0 client over WebSocket (the `ws` package), used where the
// benchmark must not be slowed by polkadot.js' request bookkeeping: submitting
// thousands of pre-signed extrinsics (author_submitExtrinsic) and firing thousands of
// runtime-API queries (state_call). Several connections share the load round-robin.

import { performance } from 'node:perf_hooks';

import WebSocket from 'ws';

class Connection {
  constructor(url) {
    this.url = url;
    this.nextId = 1;
    this.pending = new Map(); // id -> { resolve, reject }
    this.ws = null;
  }

  open(timeoutMs = 10_000) {
    return new Promise((resolve, reject) => {
      const ws = new WebSocket(this.url, { perMessageDeflate: false, maxPayload: 256 << 20 });
      const timer = setTimeout(() => {
        ws.terminate();
        reject(new Error(`no WebSocket answer from ${this.url} in ${timeoutMs} ms`));
      }, timeoutMs);
      ws.once('open', () => {
        clearTimeout(timer);
        this.ws = ws;
        resolve();
      });
      ws.once('error', (e) => {
        clearTimeout(timer);
        reject(e);
      });
      ws.on('message', (data) => this.onMessage(data));
      ws.on('close', () => {
        const err = new Error(`WebSocket ${this.url} closed`);
        for (const { reject: rej } of this.pending.values()) rej(err);
        this.pending.clear();
      });
    });
  }

  onMessage(data) {
    let msg;
    try {
      msg = JSON.parse(data.toString());
    } catch {
      return;
    }
    const handle = (m) => {
      const p = this.pending.get(m.id);
      if (!p) return;
      this.pending.delete(m.id);
      if (m.error) {
        const err = new Error(`${m.error.code}: ${m.error.message}${m.error.data ? `: ${typeof m.error.data === 'string' ? m.error.data : JSON.stringify(m.error.data)}` : ''}`);
        err.code = m.error.code;
        err.rpcError = m.error;
        p.reject(err);
      } else {
        p.resolve(m.result);
      }
    };
    Array.isArray(msg) ? msg.forEach(handle) : handle(msg);
  }

  send(method, params = []) {
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      this.ws.send(JSON.stringify({ jsonrpc: '2.0', id, method, params }), (err) => {
        if (err && this.pending.has(id)) {
          this.pending.delete(id);
          reject(err);
        }
      });
    });
  }

  close() {
    if (this.ws) this.ws.close();
  }
}

/** `connections` WebSocket connections to `url`, used round-robin. */
export class RpcPool {
  constructor(url, connections = 4) {
    this.url = url;
    this.conns = Array.from({ length: connections }, () => new Connection(url));
    this.rr = 0;
  }

  async open() {
    await Promise.all(this.conns.map((c) => c.open()));
    return this;
  }

  send(method, params) {
    const c = this.conns[this.rr++ % this.conns.length];
    return c.send(method, params);
  }

  close() {
    this.conns.forEach((c) => c.close());
  }
}

/**
 * Run `count` calls of `fn(i)` (each returns a promise) with at most `inFlight` pending at
 * once, in index order. Resolves with an array of { ok, value|error, startedAt, endedAt }
 * (performance.now() ms).
 */
export async function runConcurrent(count, inFlight, fn) {
  const results = new Array(count);
  let next = 0;
  const worker = async () => {
    while (next < count) {
      const i = next++;
      const startedAt = performance.now();
      try {
        const value = await fn(i);
        results[i] = { ok: true, value, startedAt, endedAt: performance.now() };
      } catch (error) {
        results[i] = { ok: false, error, startedAt, endedAt: performance.now() };
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(inFlight, count) }, worker));
  return results;
}
