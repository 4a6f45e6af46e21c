// Child processes (nodes, gateways, CLI runs) that must never outlive the test process: each
// tracked child is killed when the process exits, is interrupted (SIGINT/SIGTERM) or dies of
// an uncaught error.
import fs from 'node:fs';

const running = new Map(); // child -> grace period in ms (0: SIGKILL at once)
let handlersInstalled = false;

function sleepSync(ms) {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}

/** True while `pid` is a live (not zombie) process. Linux /proc; elsewhere signal 0. */
function isAlive(pid) {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    // "pid (comm) S ..." – comm may contain spaces/parens, so take what follows the last ')'.
    const state = stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3);
    return state !== 'Z' && state !== 'X';
  } catch (e) {
    if (e.code === 'ENOENT') return false;
    try {
      process.kill(pid, 0);
      return true;
    } catch {
      return false;
    }
  }
}

/**
 * Synchronous kill for exit paths (no event loop left): SIGTERM so that a node can remove its
 * --tmp directory, up to `graceMs` to exit, then SIGKILL; SIGKILL at once when `graceMs` is 0.
 */
function killSync(child, graceMs) {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const pid = child.pid;
  if (!pid) return;
  try {
    process.kill(pid, graceMs > 0 ? 'SIGTERM' : 'SIGKILL');
  } catch {
    return;
  }
  if (graceMs <= 0) return;
  const deadline = Date.now() + graceMs;
  while (Date.now() < deadline && isAlive(pid)) sleepSync(50);
  if (isAlive(pid)) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      /* already gone */
    }
  }
}

/** Kill every tracked child now (synchronously). */
export function killTrackedSync() {
  for (const [child, graceMs] of running) killSync(child, graceMs);
  running.clear();
}

function installExitHandlers() {
  if (handlersInstalled) return;
  handlersInstalled = true;

  process.on('exit', killTrackedSync);

  for (const [signal, code] of [['SIGINT', 130], ['SIGTERM', 143]]) {
    process.on(signal, () => {
      if (running.size > 0) console.error(`[testkit] ${signal}: stopping ${running.size} child process(es)`);
      killTrackedSync();
      process.exit(code);
    });
  }

  // 'exit' is not emitted when the process dies of an uncaught error, so watch for those too.
  // The monitor does not change Node's behaviour: when someone else (e.g. node:test) handles
  // the error the process lives on and the children are stopped later by their owners or on
  // 'exit'; when nobody does, the process is about to die, so kill them now.
  process.on('uncaughtExceptionMonitor', (err, origin) => {
    const handled =
      origin === 'unhandledRejection'
        ? process.listenerCount('unhandledRejection') > 0 || process.listenerCount('uncaughtException') > 0
        : process.listenerCount('uncaughtException') > 0;
    if (!handled) killTrackedSync();
  });
}

/**
 * Kill `child` when this process exits, is interrupted or dies of an uncaught error (after
 * `graceMs` of SIGTERM, or SIGKILL at once with the default 0). Returns `child`. A child that
 * exits by itself is forgotten.
 */
export function track(child, { graceMs = 0 } = {}) {
  installExitHandlers();
  running.set(child, graceMs);
  child.once('exit', () => running.delete(child));
  child.once('error', () => running.delete(child));
  return child;
}

/** Stop tracking `child` (its owner has stopped it). */
export function untrack(child) {
  running.delete(child);
}
