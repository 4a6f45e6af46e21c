import { defineConfig, loadEnv, type Plugin } from 'vite';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));

/**
 * Which node the portal talks to. A production build (`vite build`) takes
 * its node and that chain's genesis hash from the build environment and nothing else:
 *   VITE_MEDCHAIN_RPC       wss://host[:port][/path] (ws:// only for a loopback host)
 *   VITE_MEDCHAIN_GENESIS   0x + 64 hex digits: the chain's block 0 hash; another chain is refused
 *   VITE_MEDCHAIN_CONNECT   optional, space-separated https origins of the consortium's record
 *                           gateways: the CSP's connect-src lists them instead of `https:`
 * and refuses to build without the first two. A development build (`vite build --mode
 * development`, or VITE_MEDCHAIN_DEV=1) and the dev server (`vite`) take the node from
 * `?rpc=`, the Connect form or localStorage, and offer the dev keys on a dev/local chain.
 * Every build gets a Content-Security-Policy meta tag (see cspFor and README "Security").
 */
export interface Pinning {
  dev: boolean;
  rpc: string;
  genesis: string;
  connect: string[];
}

const LOOPBACK = new Set(['127.0.0.1', 'localhost', '[::1]']);

export function pinning(env: Record<string, string | undefined>, dev: boolean): Pinning {
  const raw = (env.VITE_MEDCHAIN_RPC ?? '').trim();
  const genesisRaw = (env.VITE_MEDCHAIN_GENESIS ?? '').trim();
  const connectRaw = (env.VITE_MEDCHAIN_CONNECT ?? '').trim();
  const fail = (msg: string): never => {
    throw new Error(
      `[medchain] ${msg}\n  A production build pins its node: VITE_MEDCHAIN_RPC=wss://… VITE_MEDCHAIN_GENESIS=0x… vite build\n` +
        `  (a development build that takes ?rpc= and offers the dev keys: vite build --mode development, or VITE_MEDCHAIN_DEV=1; see portal/README.md "Security")`,
    );
  };
  let rpc = '';
  if (raw) {
    let u: URL;
    try {
      u = new URL(raw);
    } catch {
      return fail(`VITE_MEDCHAIN_RPC is not a URL: ${raw}`);
    }
    if (u.protocol !== 'wss:' && !(u.protocol === 'ws:' && LOOPBACK.has(u.hostname))) fail(`VITE_MEDCHAIN_RPC must be wss:// (ws:// only on a loopback host): ${raw}`);
    if (u.username || u.password || u.search || u.hash) fail(`VITE_MEDCHAIN_RPC must have no credentials, query or fragment: ${raw}`);
    rpc = u.pathname === '/' ? `${u.protocol}//${u.host}` : `${u.protocol}//${u.host}${u.pathname}`;
  } else if (!dev) fail('VITE_MEDCHAIN_RPC is not set.');
  let genesis = '';
  if (genesisRaw) {
    if (!/^0x[0-9a-fA-F]{64}$/.test(genesisRaw)) fail(`VITE_MEDCHAIN_GENESIS must be 0x and 64 hex digits: ${genesisRaw}`);
    genesis = genesisRaw.toLowerCase();
  } else if (!dev) fail('VITE_MEDCHAIN_GENESIS is not set.');
  const connect: string[] = [];
  for (const o of connectRaw ? connectRaw.split(/\s+/) : []) {
    let u: URL | null = null;
    try {
      u = new URL(o);
    } catch {
      /* below */
    }
    if (!u || u.protocol !== 'https:' || u.origin !== o.replace(/\/$/, '')) fail(`VITE_MEDCHAIN_CONNECT: not an https origin: ${o}`);
    connect.push(u!.origin);
  }
  return { dev, rpc, genesis, connect };
}

/**
 * The Content-Security-Policy of a build. No inline script or style anywhere (Vite emits
 * external files; the code sets no style= attributes); 'wasm-unsafe-eval' because
 * @polkadot/util-crypto compiles its sr25519/blake2 WebAssembly from bytes (it allows
 * WebAssembly compilation only, not eval). connect-src: the pinned node, and the record
 * gateways the clinician view discovers on chain at run time (https on other origins, so
 * `https:` unless VITE_MEDCHAIN_CONNECT lists them). A development build talks to any node
 * (`ws: wss:`). frame-ancestors cannot be set in a meta tag: send it as a header.
 */
export function cspFor(p: Pinning): string {
  const connect = ["'self'"];
  if (p.dev) connect.push('ws:', 'wss:');
  else connect.push(p.rpc);
  if (p.connect.length) connect.push(...p.connect);
  else connect.push('https:');
  return [
    "default-src 'self'",
    "script-src 'self' 'wasm-unsafe-eval'",
    "style-src 'self'",
    "img-src 'self' data:",
    `connect-src ${connect.join(' ')}`,
    "object-src 'none'",
    "base-uri 'none'",
    "form-action 'none'",
  ].join('; ');
}

function csp(p: Pinning): Plugin {
  return {
    name: 'medchain-csp',
    apply: 'build', // the dev server injects its own inline styles (HMR): no CSP there
    transformIndexHtml: {
      order: 'post',
      // Right after <meta charset>, before any script or stylesheet it governs.
      handler: (html) => {
        const tag = `<meta http-equiv="Content-Security-Policy" content="${cspFor(p)}" />\n    <meta name="medchain-build" content="${p.dev ? 'development' : 'production'}" />`;
        const at = html.indexOf('<meta charset="utf-8" />');
        if (at < 0 || cspFor(p).includes('"')) throw new Error('[medchain] index.html: no <meta charset="utf-8" /> to put the CSP after');
        const end = at + '<meta charset="utf-8" />'.length;
        return `${html.slice(0, end)}\n    ${tag}${html.slice(end)}`;
      },
    },
  };
}

// @medchain/client is imported from the repository (clients/js/src), never copied: the
// portal hashes, proves and parses exactly as the CLI and the tests do. Its @polkadot
// imports are resolved from the portal's own node_modules (dedupe), so clients/js needs
// no `npm ci` of its own.
export default defineConfig(({ command, mode }) => {
  const env = loadEnv(mode, here, 'VITE_MEDCHAIN_'); // .env files, and the process's VITE_MEDCHAIN_* (which win)
  const dev = command === 'serve' || mode === 'development' || env.VITE_MEDCHAIN_DEV === '1';
  const p = pinning(env, dev);
  return {
    base: './',
    define: {
      __MEDCHAIN_DEV__: JSON.stringify(p.dev),
      __MEDCHAIN_RPC__: JSON.stringify(p.rpc),
      __MEDCHAIN_GENESIS__: JSON.stringify(p.genesis),
    },
    plugins: [csp(p)],
    resolve: {
      alias: { '@medchain/client': path.resolve(here, '../clients/js/src/index.js') },
      dedupe: ['@polkadot/util', '@polkadot/util-crypto'],
    },
    server: { fs: { allow: [here, path.resolve(here, '../clients/js')] } },
    build: { outDir: 'dist', target: 'es2022', chunkSizeWarningLimit: 4000 },
  };
});
