// Where the binaries under test are. The shell scripts resolve the same paths through
// scripts/env.sh (and scripts/test-suites.sh); this is the one place for the JS suites.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

/** The cargo target directory: $CARGO_TARGET_DIR, else ~/.cache/medchain/target (scripts/env.sh). */
export function targetDir() {
  return process.env.CARGO_TARGET_DIR || path.join(os.homedir(), '.cache', 'medchain', 'target');
}

/** Path of the node binary: $MEDCHAIN_NODE, else <target dir>/release/medchain-node. */
export function nodeBinary() {
  if (process.env.MEDCHAIN_NODE) return path.resolve(process.env.MEDCHAIN_NODE);
  return path.resolve(targetDir(), 'release', 'medchain-node');
}

/** Path of the gateway binary: $MEDCHAIN_GATEWAY, else `medchain-gateway` beside the node binary. */
export function gatewayBinaryPath() {
  if (process.env.MEDCHAIN_GATEWAY) return path.resolve(process.env.MEDCHAIN_GATEWAY);
  return path.join(path.dirname(nodeBinary()), 'medchain-gateway');
}

/** gatewayBinaryPath(), or an Error saying how to build it when there is no file there. */
export function gatewayBinary() {
  const bin = gatewayBinaryPath();
  if (!fs.existsSync(bin)) {
    throw new Error(`medchain-gateway not found at ${bin}: cargo build --release -p medchain-gateway (or set MEDCHAIN_GATEWAY; by default it is beside the node binary)`);
  }
  return bin;
}

/** Throw a helpful Error unless `bin` is an executable file (the node binary by default). */
export function assertNodeBinary(bin = nodeBinary()) {
  let st;
  try {
    st = fs.statSync(bin);
  } catch {
    throw new Error(
      `medchain-node binary not found at ${bin}\n` +
        '  build it first (cargo build --release -p medchain-node), or point MEDCHAIN_NODE at the ' +
        'binary, or set CARGO_TARGET_DIR to the target directory that holds release/medchain-node',
    );
  }
  if (!st.isFile()) throw new Error(`MEDCHAIN_NODE ${bin} is not a file`);
  try {
    fs.accessSync(bin, fs.constants.X_OK);
  } catch {
    throw new Error(`medchain-node binary at ${bin} is not executable`);
  }
  return bin;
}
