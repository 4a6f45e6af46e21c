// Imported first by bench.js. The benchmark loads @polkadot/* from two node_modules trees by
// design: its own and clients/js' (the serial Merkle tree). They are the same versions;
// polkadot.js still prints a multi-line "has multiple versions" warning per package on
// load. Drop exactly those warnings and nothing else.
const warn = console.warn;
console.warn = (...args) => {
  if (typeof args[0] === 'string' && /^@polkadot\/\S+ has multiple versions, ensure that there is only one installed\./.test(args[0])) return;
  warn(...args);
};
