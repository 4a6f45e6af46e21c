import { defineConfig } from 'vite';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));

// @medchain/client is imported from the repository (clients/js/src), never copied: the
// portal hashes, proves and parses exactly as the CLI and the tests do. Its @polkadot
// imports are resolved from the portal's own node_modules (dedupe), so clients/js needs
// no `npm ci` of its own.
export default defineConfig({
  base: './',
  resolve: {
    alias: { '@medchain/client': path.resolve(here, '../clients/js/src/index.js') },
    dedupe: ['@polkadot/util', '@polkadot/util-crypto'],
  },
  server: { fs: { allow: [here, path.resolve(here, '../clients/js')] } },
  build: { outDir: 'dist', target: 'es2022', chunkSizeWarningLimit: 4000 },
});
