// @medchain/testkit: what the off-chain test suites (tests/e2e, tests/bench, tests/network,
// portal/test) share. README.md says what is where and how the suites load it.
export * from './src/binaries.js';
export * from './src/processes.js';
export * from './src/node.js';
export * from './src/chain.js';
export * from './src/seed.js';
export * from './src/gateway-sign.js';
export * from './src/ss58.js';
export * from './src/prescriptions.js';
