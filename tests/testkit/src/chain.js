// Chain helpers on a connected ApiPromise: waiting for finality, submitting and reading
// dispatch and sudo errors by name, transaction-pool rejections.

/**
 * Resolve with the finalized header once the finalized block number is >= n;
 * reject after `timeoutMs`.
 */
export function waitForFinalized(api, n, timeoutMs = 60_000) {
  return new Promise((resolve, reject) => {
    let unsub = null;
    let settled = false;
    const finish = (err, header) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      if (unsub) unsub();
      err ? reject(err) : resolve(header);
    };
    const timer = setTimeout(
      () => finish(new Error(`finalized head did not reach #${n} within ${timeoutMs} ms`)),
      timeoutMs,
    );
    api.rpc.chain
      .subscribeFinalizedHeads((header) => {
        if (header.number.toNumber() >= n) finish(null, header);
      })
      .then((u) => {
        unsub = u;
        if (settled) u();
      })
      .catch((e) => finish(e));
  });
}

/**
 * A readable name for a DispatchError: `${section}.${name}` for module errors
 * (e.g. 'consortium.NotOrganizationAdmin'), `Token.FundsUnavailable`-style for
 * nested ones, the variant name (e.g. 'BadOrigin') otherwise.
 */
export function dispatchErrorName(api, dispatchError) {
  if (dispatchError.isModule) {
    try {
      const { section, name } = api.registry.findMetaError(dispatchError.asModule);
      return `${section}.${name}`;
    } catch {
      return `Module(${dispatchError.asModule.toString()})`;
    }
  }
  const inner = dispatchError.value;
  // Token(FundsUnavailable), Arithmetic(Overflow), Transactional(..), Trie(..)
  if (inner && typeof inner.type === 'string') return `${dispatchError.type}.${inner.type}`;
  return dispatchError.type;
}

function dispatchErrorDocs(api, dispatchError) {
  if (!dispatchError.isModule) return '';
  try {
    return api.registry.findMetaError(dispatchError.asModule).docs.join(' ');
  } catch {
    return '';
  }
}

const SUDO_RESULT_EVENTS = new Set(['Sudid', 'SudoAsDone']);

/**
 * Sudo's inner result from a list of event records: `null` when there is no
 * Sudid/SudoAsDone event, `{ ok: true }`, or `{ ok: false, error: 'section.Name' }`.
 */
export function sudoResult(api, events) {
  const record = events.find(({ event }) => event.section === 'sudo' && SUDO_RESULT_EVENTS.has(event.method));
  if (!record) return null;
  const result = record.event.data[0];
  if (result.isOk) return { ok: true };
  return { ok: false, error: dispatchErrorName(api, result.asErr), dispatchError: result.asErr };
}

/** Name of sudo's inner error (e.g. 'consortium.AlreadyRegistered'), or null if none/ok. */
export function sudoErrorName(api, events) {
  const r = sudoResult(api, events);
  return r && !r.ok ? r.error : null;
}

function txLabel(tx) {
  try {
    return `${tx.method.section}.${tx.method.method}`;
  } catch {
    return 'extrinsic';
  }
}

/**
 * Sign and submit `tx` with `signer` (a keyring pair); resolve when it is in a
 * block (or finalized, with `{ finalized: true }`) with `{ events, blockHash,
 * status }` — `events` are this extrinsic's EventRecords. `nonce` and `tip`
 * (planck) are passed to polkadot.js's signer options when given.
 *
 * Rejects with an Error whose message is the dispatch error's name
 * (`${section}.${name}`, e.g. 'consortium.NotOrganizationAdmin') when the
 * extrinsic fails, and — unless `{ checkSudo: false }` — also when it
 * succeeded but sudo's Sudid event carries a failed inner result (the message
 * is then the inner error's name). The error has `.dispatchError`, `.docs`,
 * `.events`, `.blockHash` and `.sudo` (true for an inner sudo failure).
 * With `{ checkBatch: true }` it also rejects when a Utility.BatchInterrupted event says
 * that a `utility.batch` stopped at a failed call ('batch interrupted: ...').
 * Pool rejections (invalid transaction, e.g. cannot pay fees) reject with the
 * RPC error as is.
 */
export function signAndWait(api, tx, signer, { finalized = false, checkSudo = true, checkBatch = false, timeoutMs = 120_000, nonce, tip } = {}) {
  const label = txLabel(tx);
  return new Promise((resolve, reject) => {
    let unsub = null;
    let settled = false;
    const finish = (err, value) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      if (unsub) unsub();
      err ? reject(err) : resolve(value);
    };
    const timer = setTimeout(
      () => finish(new Error(`${label}: not ${finalized ? 'finalized' : 'in a block'} within ${timeoutMs} ms`)),
      timeoutMs,
    );
    const options = { ...(nonce === undefined ? {} : { nonce }), ...(tip === undefined ? {} : { tip }) };

    tx.signAndSend(signer, options, (result) => {
      const { status, events = [], dispatchError } = result;
      if (status.isInvalid || status.isDropped || status.isUsurped) {
        finish(new Error(`${label}: transaction ${status.type}`));
        return;
      }
      const done = finalized ? status.isFinalized : status.isInBlock || status.isFinalized;
      if (!done) return;
      const blockHash = status.isInBlock ? status.asInBlock : status.asFinalized;

      if (dispatchError) {
        const err = new Error(dispatchErrorName(api, dispatchError));
        Object.assign(err, { dispatchError, docs: dispatchErrorDocs(api, dispatchError), events, blockHash, sudo: false });
        finish(err);
        return;
      }
      if (checkSudo) {
        const sudo = sudoResult(api, events);
        if (sudo && !sudo.ok) {
          const err = new Error(sudo.error);
          Object.assign(err, {
            dispatchError: sudo.dispatchError,
            docs: dispatchErrorDocs(api, sudo.dispatchError),
            events,
            blockHash,
            sudo: true,
          });
          finish(err);
          return;
        }
      }
      if (checkBatch) {
        const interrupted = events.find(({ event }) => event.section === 'utility' && event.method === 'BatchInterrupted');
        if (interrupted) {
          const err = new Error(`batch interrupted: ${interrupted.event.data.toString()}`);
          Object.assign(err, { events, blockHash });
          finish(err);
          return;
        }
      }
      finish(null, { events, blockHash, status });
    })
      .then((u) => {
        unsub = u;
        if (settled) u();
      })
      .catch((e) => finish(e));
  });
}

/** `signAndWait(api, api.tx.sudo.sudo(call), sudoKey, opts)`. */
export function sudoAndWait(api, call, sudoKey, opts) {
  return signAndWait(api, api.tx.sudo.sudo(call), sudoKey, opts);
}

/**
 * Whether `err` (from `signAndWait`) is a transaction-pool rejection: the RPC
 * refused the extrinsic (e.g. '1010: Invalid Transaction: Inability to pay some
 * fees , e.g. account balance too low') or its status turned Invalid/Dropped, so
 * it was never included in a block. A dispatch error (extrinsic included, call
 * failed) and a timeout are not pool rejections.
 */
export function isPoolRejection(err) {
  if (!err || err.dispatchError) return false;
  const message = String(err.message ?? err);
  return /\b101[0-4]\b|Invalid Transaction|Inability to pay|transaction (Invalid|Dropped|Usurped)/i.test(message);
}

/**
 * Submit `tx` signed by `signer`, expecting the transaction pool to refuse it.
 * Resolves with the rejection Error. Rejects with an explanatory Error when
 * the extrinsic was included instead (whether the call succeeded or failed in
 * dispatch), or when it failed in another way (e.g. a timeout).
 */
export async function expectPoolRejection(api, tx, signer, opts = {}) {
  const label = txLabel(tx);
  let included;
  try {
    included = await signAndWait(api, tx, signer, { timeoutMs: 60_000, ...opts });
  } catch (err) {
    if (isPoolRejection(err)) return err;
    if (err.dispatchError) {
      throw new Error(
        `${label}: expected the transaction pool to reject it, but it was included in block ` +
          `${err.blockHash} and failed in dispatch with ${err.message}`,
      );
    }
    throw new Error(`${label}: expected a transaction-pool rejection, got: ${err.message}`);
  }
  throw new Error(
    `${label}: expected the transaction pool to reject it, but it was included and succeeded ` +
      `in block ${included.blockHash}`,
  );
}
