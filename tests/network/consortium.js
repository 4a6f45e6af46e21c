// Checks run by consortium.zndsl (a consortium chain without sudo, see consortium.toml)
// through zombienet's `js-script` assertion; see finality.js for how zombienet calls
// `run(nodeName, networkInfo, args)`.
//
// Every decision goes through the council as a member's IT team would do it from
// polkadot.js: Council.propose by one member, Council.vote by 2/3 of the seats (the proposer
// too), Council.close, then the outcome read from the Council.Executed event.
//
//   admit,<node>            the hospital //EveAdmin is admitted and its node <node> becomes
//                           a validator: funded by a member; a motion
//                           Consortium.register_organization(Provider); <node> makes session
//                           keys (author_rotateKeysWithOwner) and the admin registers them
//                           (Session.set_keys); a motion Governance.add_validator; a motion
//                           Governance.add_council_member. Then, within 120 s, the admin is in
//                           Session.validators, its aura key in Aura.authorities and its
//                           grandpa key in Grandpa.authorities, and <node> authors a block
//                           (the slot's author, from the block's Aura pre-digest, is its key).
//                           Returns that block's number.
//   write,<node...>         the hospital onboards a patient, the patient (no balance: the
//                           call is fee-less) grants it Read+Write on lab results for
//                           treatment, the hospital anchors a lab result; waits until every
//                           node's finalized head holds all of it and saves the SCALE bytes
//                           of the organization, patient, consent and record to
//                           $ZOMBIENET_DIR/consortium-state.json. Returns the anchor's block.
//   same,<node...>          at the lowest finalized height among the nodes, all report the
//                           same hash, and the organization, patient, consent and record read
//                           there are, byte for byte, what `write` saved. Returns the height.
//   nosudo,<node...>        on every node the chain's runtime has no Sudo pallet (not in
//                           the metadata, no sudo call, no sudo storage), and Root calls wait
//                           a time lock (Governance.RootCallDelay, from the spec). Returns it.
//   upgrade,<node...>       a motion Governance.dispatch_as_root(System.authorize_upgrade(
//                           blake2_256(code))) with code = $MEDCHAIN_UPGRADE_WASM; the runtime
//                           must be one spec_version ahead of the running one. The motion
//                           only schedules it (Governance.RootCallScheduled): nothing is
//                           authorized until the time lock's block, when the scheduler
//                           dispatches it; then a member submits
//                           System.apply_authorized_upgrade(code). Waits until every
//                           node's finalized head runs the new spec_version. Returns it.
//   gateway,<node...>       a real medchain-gateway across the real upgrade. A
//                           gateway for the hospital (key //EveAdmin, its admin; https with a
//                           development certificate from scripts/dev-certs.sh) beside the first
//                           node; the hospital uploads a lab result for //NetworkTestPatient
//                           through it (201: anchored and finalized); then `upgrade` as above;
//                           then a second upload, also anchored. For each anchor: the block
//                           holding its RecordAnchored and that block's parent run the expected
//                           spec_version (104 before, 105 after, today), and the anchoring extrinsic's
//                           signature verifies over its payload with that spec_version and not
//                           with the other one (so the gateway signed the second one for 104).
//                           The patient is then served the first document (salted hash = the
//                           anchored one). The gateway is killed and its data dir removed in all
//                           cases. Returns the new spec_version.
//
// Each check logs `[medchain] ...` lines with what it did and saw.

const fs = require('fs');
const os = require('os');
const path = require('path');
const https = require('https');
const { spawn, execFileSync } = require('child_process');
const { SETTLE_MS, sleep, log, withNodes, finalized } = require('./lib.js');
// The testkit (tests/testkit, ES modules: require() loads them on Node >= 20.19).
const { gatewayBinary } = require('../testkit/src/binaries.js');
const { dispatchErrorName } = require('../testkit/src/chain.js');
const { gatewaySignedHeaders } = require('../testkit/src/gateway-sign.js');
const { track } = require('../testkit/src/processes.js');
const { MEDCHAIN_SS58, ss58Encode } = require('../testkit/src/ss58.js');

const FOUNDERS = ['Alice', 'Bob', 'Charlie', 'Dave']; // admins //<Name>Admin (consortium-spec.sh)
const HOSPITAL = 'Eve General Hospital';
const PROVIDER = 1; // Roles bit
const LAB_RESULTS = 16; // Categories bit of RecordCategory::LabResults
const MED = 10n ** 12n;
const TX_WAIT_MS = 60000;

function keyring() {
  return new zombie.Keyring({ type: 'sr25519', ss58Format: MEDCHAIN_SS58 });
}

function pair(suri) {
  return keyring().addFromUri(suri);
}

const admins = () => FOUNDERS.map((n) => pair(`//${n}Admin`));
const hospital = () => pair('//EveAdmin');
const patient = () => pair('//NetworkTestPatient');

function statePath(networkInfo) {
  return path.join(networkInfo.tmpDir, 'consortium-state.json');
}

// Sign and submit; resolve with { blockHash, events } once in a block, reject on an invalid
// transaction or a failed dispatch (with the error's name).
function submit(api, tx, signer) {
  return new Promise((resolve, reject) => {
    let unsub = () => {};
    const timer = setTimeout(() => {
      unsub();
      reject(new Error(`${tx.method.section}.${tx.method.method} not in a block after ${TX_WAIT_MS} ms`));
    }, TX_WAIT_MS);
    const done = (f) => {
      clearTimeout(timer);
      unsub();
      f();
    };
    tx.signAndSend(signer, ({ status, events, dispatchError }) => {
      if (status.isInvalid || status.isDropped || status.isUsurped) {
        done(() => reject(new Error(`${tx.method.section}.${tx.method.method}: ${status.type}`)));
      } else if (status.isInBlock) {
        if (dispatchError) {
          done(() => reject(new Error(`${tx.method.section}.${tx.method.method} failed: ${dispatchErrorName(api, dispatchError)}`)));
        } else {
          done(() => resolve({ blockHash: status.asInBlock.toHex(), events }));
        }
      }
    })
      .then((u) => {
        unsub = u;
      })
      .catch((e) => {
        clearTimeout(timer);
        reject(e);
      });
  });
}

function event(events, section, method) {
  const found = events.find(({ event: e }) => e.section === section && e.method === method);
  return found ? found.event : null;
}

function names(events) {
  return events.map(({ event: e }) => `${e.section}.${e.method}`).join(', ');
}

// A 2/3 council motion: the first voter proposes, enough members vote aye, the proposer
// closes. Returns the close's block hash; throws unless the proposal executed with Ok.
async function motion(api, call, voters) {
  const seats = (await api.query.council.members()).length;
  const threshold = Math.ceil((2 * seats) / 3);
  if (voters.length < threshold) throw new Error(`${voters.length} voters for a ${threshold}-of-${seats} motion`);
  const what = `${call.method.section}.${call.method.method}`;
  const length = call.method.encodedLength;
  const proposed = await submit(api, api.tx.council.propose(threshold, call, length), voters[0]);
  const ev = event(proposed.events, 'council', 'Proposed');
  if (!ev) throw new Error(`no council.Proposed for ${what}: ${names(proposed.events)}`);
  const [, index, hash] = ev.data;
  await Promise.all(voters.slice(0, threshold).map((v) => submit(api, api.tx.council.vote(hash, index, true), v)));
  const info = await api.call.transactionPaymentCallApi.queryCallInfo(call, length);
  const closed = await submit(api, api.tx.council.close(hash, index, info.weight, length), voters[0]);
  const executed = event(closed.events, 'council', 'Executed');
  if (!executed) throw new Error(`motion ${what} not executed: ${names(closed.events)}`);
  const result = executed.data[1];
  if (result.isErr) throw new Error(`motion ${what} executed with ${dispatchErrorName(api, result.asErr)}`);
  log(`council motion #${index} ${what}: ${threshold} of ${seats} ayes, executed Ok in ${closed.blockHash}`);
  return closed;
}

// Resolve once every node's finalized head satisfies `ok(api, finalizedHash)`.
async function untilFinalizedEverywhere(nodes, what, secs, ok) {
  const deadline = Date.now() + secs * 1000;
  for (;;) {
    const seen = await Promise.all(
      nodes.map(async ({ api }) => {
        const f = await finalized(api);
        return (await ok(api, f.hash)) ? f.height : null;
      }),
    );
    if (seen.every((h) => h !== null)) return seen;
    if (Date.now() > deadline) {
      throw new Error(`${what} not finalized on ${nodes.filter((_, i) => seen[i] === null).map((n) => n.name)} in ${secs} s`);
    }
    await sleep(SETTLE_MS);
  }
}

// The Aura slot of a block, from its pre-runtime digest.
function auraSlot(api, header) {
  for (const item of header.digest.logs) {
    if (item.isPreRuntime) {
      const [engine, data] = item.asPreRuntime;
      if (engine.toString() === 'aura') return api.createType('u64', data).toBigInt();
    }
  }
  throw new Error(`block #${header.number} has no Aura pre-digest`);
}

async function admit(networkInfo, nodeName, api) {
  const [founder, ...others] = admins();
  const admin = hospital();
  const council = [founder, ...others];
  if ((await api.query.consortium.organizations(admin.address)).isSome) {
    throw new Error(`${admin.address} is an organization before the test admitted it`);
  }

  // The hospital's admin needs fees and the session-key deposit: a member sends 100 MED.
  await submit(api, api.tx.balances.transferKeepAlive(admin.address, 100n * MED), founder);

  await motion(api, api.tx.consortium.registerOrganization(admin.address, HOSPITAL, PROVIDER), council);

  // The hospital's IT team makes the node's session keys on the node itself, with a proof
  // that the admin account owns them (author_rotateKeysWithOwner, which polkadot.js has no
  // wrapper for), and registers them from the admin account.
  const adminHex = `0x${Buffer.from(admin.publicKey).toString('hex')}`;
  const provider = new zombie.WsProvider(networkInfo.nodesByName[nodeName].wsUri);
  let generated;
  try {
    await provider.isReady;
    generated = await provider.send('author_rotateKeysWithOwner', [adminHex]);
  } finally {
    await provider.disconnect().catch(() => {});
  }
  const { keys, proof } = generated;
  if (!proof) throw new Error(`author_rotateKeysWithOwner gave no ownership proof: ${JSON.stringify(generated)}`);
  await submit(api, api.tx.session.setKeys(keys, proof), admin);
  // The runtime's SessionKeys: aura (sr25519) then grandpa (ed25519), 32 bytes each.
  if (keys.length !== 2 + 128) throw new Error(`author_rotateKeys returned ${keys}`);
  const aura = `0x${keys.slice(2, 66)}`;
  const grandpa = `0x${keys.slice(66)}`;
  log(`${nodeName} made session keys aura ${aura}, grandpa ${grandpa}; ${admin.address} registered them`);

  const added = await motion(api, api.tx.governance.addValidator(admin.address), council);
  const addedAt = (await api.rpc.chain.getHeader(added.blockHash)).number.toNumber();
  await motion(api, api.tx.governance.addCouncilMember(admin.address), council);
  const seats = (await api.query.council.members()).map((m) => m.toHex());
  if (!seats.includes(adminHex)) throw new Error(`${admin.address} has no council seat: ${seats}`);

  // The change takes effect at a session boundary (Governance asks for the next two at
  // once), then eve's slots come round: one in five.
  const deadline = Date.now() + 120000;
  for (;;) {
    const header = await api.rpc.chain.getHeader();
    const hash = header.hash.toHex();
    const at = await api.at(hash);
    const validators = (await at.query.session.validators()).map((v) => v.toHex());
    const auras = (await at.query.aura.authorities()).map((k) => k.toHex());
    const grandpas = (await at.query.grandpa.authorities()).map(([k]) => k.toHex());
    const inSet = validators.includes(adminHex) && auras.includes(aura) && grandpas.includes(grandpa);
    if (inSet) {
      // The author of a block is the authority of its slot, from the parent's authority list.
      const parentAuras = (await (await api.at(header.parentHash)).query.aura.authorities()).map((k) => k.toHex());
      const author = parentAuras[Number(auraSlot(api, header) % BigInt(parentAuras.length))];
      if (author === aura) {
        const n = header.number.toNumber();
        log(
          `${nodeName} (${HOSPITAL}) authored #${n} (${hash}); validator set ${validators.length}: ` +
            `${validators.join(', ')}; added by the motion in #${addedAt}`,
        );
        return n;
      }
    }
    if (Date.now() > deadline) {
      throw new Error(
        `${nodeName} authored nothing within 120 s of its admission (#${addedAt}); at #${header.number}: ` +
          `in session validators ${validators.includes(adminHex)}, aura ${auras.includes(aura)}, grandpa ${grandpas.includes(grandpa)}`,
      );
    }
    await sleep(SETTLE_MS);
  }
}

async function read(api, hash, ids) {
  const at = await api.at(hash);
  const values = {
    organization: await at.query.consortium.organizations(ids.organization),
    patient: await at.query.patientIdentity.patients(ids.patient),
    consent: await at.query.consent.consents(ids.consentId),
    record: await at.query.healthRecords.records(ids.recordId),
  };
  const out = {};
  for (const [k, v] of Object.entries(values)) {
    if (v.isNone) throw new Error(`${k} ${JSON.stringify(ids)} is None at ${hash}`);
    out[k] = v.toHex();
  }
  return out;
}

async function write(networkInfo, nodes) {
  const { api } = nodes[0];
  const admin = hospital();
  const p = patient();
  await submit(api, api.tx.patientIdentity.onboardPatient(p.address, `0x${'ab'.repeat(32)}`), admin);
  const scope = { categories: LAB_RESULTS, access: { read: true, write: true } };
  const granted = await submit(api, api.tx.consent.grantConsent(admin.address, scope, 'Treatment', null), p);
  const consentEv = event(granted.events, 'consent', 'ConsentGranted');
  if (!consentEv) throw new Error(`no consent.ConsentGranted: ${names(granted.events)}`);
  const consentId = consentEv.data.consentId.toString();
  const hash = `0x${'5e'.repeat(32)}`;
  const locator = `mc1:${'0f'.repeat(32)}`;
  const anchored = await submit(api, api.tx.healthRecords.anchorRecord(p.address, 'LabResults', hash, locator, null), admin);
  const recordEv = event(anchored.events, 'healthRecords', 'RecordAnchored');
  if (!recordEv) throw new Error(`no healthRecords.RecordAnchored: ${names(anchored.events)}`);
  const recordId = recordEv.data.recordId.toHex();
  const height = (await api.rpc.chain.getHeader(anchored.blockHash)).number.toNumber();
  const ids = { organization: admin.address, patient: p.address, consentId, recordId };

  await untilFinalizedEverywhere(nodes, 'the record', 90, async (a, h) =>
    (await (await a.at(h)).query.healthRecords.records(recordId)).isSome,
  );
  const values = await read(api, anchored.blockHash, ids);
  fs.writeFileSync(statePath(networkInfo), JSON.stringify({ ids, values, height }, null, 2));
  log(`wrote in #${height}: organization ${ids.organization}, patient ${ids.patient}, consent ${consentId}, record ${recordId}; finalized on ${nodes.map((n) => n.name)}`);
  return height;
}

async function same(networkInfo, nodes) {
  const saved = JSON.parse(fs.readFileSync(statePath(networkInfo), 'utf8'));
  const fin = await Promise.all(nodes.map(({ api }) => finalized(api)));
  const low = Math.min(...fin.map((f) => f.height));
  if (low < saved.height) throw new Error(`finalized #${low} is below the write at #${saved.height}`);
  const hashes = await Promise.all(nodes.map(async ({ api }) => (await api.rpc.chain.getBlockHash(low)).toHex()));
  if (new Set(hashes).size !== 1) {
    throw new Error(`nodes disagree at #${low}: ${nodes.map(({ name }, i) => `${name}=${hashes[i]}`).join(' ')}`);
  }
  for (const { name, api } of nodes) {
    const values = await read(api, hashes[0], saved.ids);
    for (const k of Object.keys(saved.values)) {
      if (values[k] !== saved.values[k]) {
        throw new Error(`${name} reads ${k} at #${low} as ${values[k]}, written as ${saved.values[k]}`);
      }
    }
  }
  const spec = (await nodes[0].api.rpc.state.getRuntimeVersion(hashes[0])).specVersion.toNumber();
  log(`at finalized #${low} (${hashes[0]}, spec_version ${spec}) ${nodes.map((n) => n.name).join(', ')} read the organization, patient, consent and record written in #${saved.height}, byte for byte`);
  return low;
}

async function upgrade(nodes) {
  const { api } = nodes[0];
  const file = process.env.MEDCHAIN_UPGRADE_WASM;
  if (!file || !fs.existsSync(file)) throw new Error(`MEDCHAIN_UPGRADE_WASM (${file}) is not a file`);
  const code = fs.readFileSync(file);
  const codeHash = zombie.util.blake2AsHex(code, 256);
  const before = (await api.rpc.state.getRuntimeVersion()).specVersion.toNumber();

  const decided = await motion(
    api,
    api.tx.governance.dispatchAsRoot(api.tx.system.authorizeUpgrade(codeHash)),
    admins(),
  );
  const scheduled = event(decided.events, 'governance', 'RootCallScheduled');
  if (!scheduled) throw new Error(`no governance.RootCallScheduled: ${names(decided.events)}`);
  if (event(decided.events, 'system', 'UpgradeAuthorized')) {
    throw new Error('the upgrade was authorized at once, without the time lock');
  }
  const decidedAt = (await api.rpc.chain.getHeader(decided.blockHash)).number.toNumber();
  const enactAt = scheduled.data.enactAt.toNumber();
  const delay = (await api.query.governance.rootCallDelay()).toNumber();
  if (enactAt !== decidedAt + delay) {
    throw new Error(`scheduled for #${enactAt}, decided in #${decidedAt} with a ${delay}-block time lock`);
  }
  const task = scheduled.data.task.toHex();
  log(`the motion scheduled the authorization (task ${task}) for #${enactAt}: ${delay} blocks after #${decidedAt}`);
  // Nothing is authorized during the time lock; at its block the scheduler dispatches it.
  let enactedIn = null;
  const deadline = Date.now() + (delay * 3 + 60) * 1000;
  while (enactedIn === null) {
    if (Date.now() > deadline) throw new Error(`not enacted by #${enactAt}`);
    const head = await api.rpc.chain.getHeader();
    const n = head.number.toNumber();
    const authorized = (await api.query.system.authorizedUpgrade.at(head.hash)).isSome;
    if (n < enactAt && authorized) throw new Error(`authorized in #${n}, before the time lock's #${enactAt}`);
    if (authorized) {
      const at = await api.rpc.chain.getBlockHash(enactAt);
      const events = await api.query.system.events.at(at);
      const dispatched = event(events, 'scheduler', 'Dispatched');
      if (!dispatched || dispatched.data.id.unwrap().toHex() !== task || !dispatched.data.result.isOk) {
        throw new Error(`#${enactAt} has no successful scheduler.Dispatched of ${task}: ${names(events)}`);
      }
      enactedIn = enactAt;
    } else {
      await sleep(1000);
    }
  }
  log(`the scheduler authorized the upgrade in #${enactedIn}`);
  // Anyone may now submit the code itself; a member does.
  const applied = await submit(api, api.tx.system.applyAuthorizedUpgrade(`0x${code.toString('hex')}`), admins()[1]);
  if (!event(applied.events, 'system', 'CodeUpdated')) {
    throw new Error(`no system.CodeUpdated: ${names(applied.events)}`);
  }
  const at = (await api.rpc.chain.getHeader(applied.blockHash)).number.toNumber();
  log(`${(code.length / 1024).toFixed(0)} KiB of code (${codeHash}) applied in #${at}, spec_version ${before} before`);

  const heights = await untilFinalizedEverywhere(nodes, `spec_version ${before + 1}`, 120, async (a, h) =>
    (await a.rpc.state.getRuntimeVersion(h)).specVersion.toNumber() === before + 1,
  );
  log(`spec_version ${before + 1} finalized on ${nodes.map((n, i) => `${n.name} #${heights[i]}`).join(', ')}`);
  return before + 1;
}

// --- gateway: a real medchain-gateway across the runtime upgrade ---

const REPO = path.resolve(__dirname, '..', '..');
const GATEWAY_STEP_MS = 330000; // below the zndsl's 360 s: the gateway is killed by then anyway
const running = new Set(); // gateways to kill when a step ends (track() also kills them on exit)

// The development CA and a certificate for 127.0.0.1, as tests/e2e/lib/gateway.js makes them.
function devCerts(dir) {
  const ca = execFileSync('bash', [path.join(REPO, 'scripts', 'dev-certs.sh'), 'gateway'], {
    env: { ...process.env, MEDCHAIN_DEV_CERTS: dir },
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'pipe'],
  })
    .trim()
    .split('\n')
    .pop();
  return { ca: fs.readFileSync(ca), cert: path.join(dir, 'gateway.pem'), key: path.join(dir, 'gateway.key') };
}

// One https request to 127.0.0.1:port trusting only `ca`: { status, headers, bytes, json }.
function httpsRequest(port, ca, method, pathAndQuery, headers, body) {
  return new Promise((resolve, reject) => {
    const req = https.request({ host: '127.0.0.1', port, path: pathAndQuery, method, headers, ca, timeout: 150000 }, (res) => {
      const chunks = [];
      res.on('data', (c) => chunks.push(c));
      res.on('end', () => {
        const bytes = Buffer.concat(chunks);
        let json = null;
        try {
          json = JSON.parse(bytes.toString('utf8'));
        } catch {
          /* not JSON */
        }
        resolve({ status: res.statusCode, headers: res.headers, bytes, json, text: bytes.toString('utf8') });
      });
      res.on('error', reject);
    });
    req.on('timeout', () => req.destroy(new Error(`${method} ${pathAndQuery}: timed out`)));
    req.on('error', reject);
    if (body && body.length) req.write(body);
    req.end();
  });
}

// The five signature headers of a request sent to `url` (gateway/README.md "Signed requests",
// gateway/src/auth.rs; the message is the testkit's, with zombienet's blake2).
function signRequest(pair, audience, method, url, body) {
  return gatewaySignedHeaders({ blake2: zombie.util.blake2AsU8a, pair }, audience, method, url, body);
}

async function startGateway(networkInfo, wsUri, suri, port, workDir) {
  const certs = devCerts(path.join(workDir, 'certs'));
  const dataDir = path.join(workDir, 'data');
  fs.mkdirSync(dataDir, { recursive: true });
  const logPath = path.join(networkInfo.tmpDir, 'gateway.log'); // kept with the nodes' logs
  const out = fs.openSync(logPath, 'a');
  const child = spawn(
    gatewayBinary(),
    ['run', '--node', wsUri, '--listen', `127.0.0.1:${port}`, '--data-dir', dataDir, '--master-key', path.join(workDir, 'master.key'),
      '--tls-cert', certs.cert, '--tls-key', certs.key],
    { env: { ...process.env, MEDCHAIN_GATEWAY_SURI: suri, RUST_LOG: 'info' }, stdio: ['ignore', out, out] },
  );
  fs.closeSync(out);
  running.add(child);
  track(child);
  child.on('exit', () => running.delete(child));
  const tail = () => fs.readFileSync(logPath, 'utf8').split('\n').slice(-30).join('\n');
  const gw = {
    child,
    port,
    logPath,
    ca: certs.ca,
    info: null,
    log: () => fs.readFileSync(logPath, 'utf8'),
    tail,
    async request(method, pathAndQuery, pair, body) {
      const bytes = body === undefined ? Buffer.alloc(0) : Buffer.from(body, 'utf8');
      const headers = {
        ...(pair ? signRequest(pair, gw.info.audience, method, `https://127.0.0.1:${port}${pathAndQuery}`, bytes) : {}),
        ...(bytes.length ? { 'content-type': 'application/fhir+json', 'content-length': String(bytes.length) } : {}),
      };
      return httpsRequest(port, certs.ca, method, pathAndQuery, headers, bytes);
    },
    async kill() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      const exited = new Promise((r) => child.once('exit', r));
      child.kill('SIGKILL');
      await exited;
    },
  };
  const deadline = Date.now() + 60000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`gateway exited (${child.exitCode}); log ${logPath}:\n${tail()}`);
    try {
      const res = await httpsRequest(port, certs.ca, 'GET', '/v1/info', {});
      if (res.status === 200) {
        gw.info = res.json;
        return gw;
      }
    } catch {
      /* not listening yet */
    }
    if (Date.now() > deadline) {
      await gw.kill();
      throw new Error(`gateway did not answer within 60 s; log ${logPath}:\n${tail()}`);
    }
    await sleep(250);
  }
}

function labReport(n) {
  return JSON.stringify({
    resourceType: 'Observation',
    status: 'final',
    code: { coding: [{ system: 'http://loinc.org', code: '2345-7', display: 'Glucose [Mass/volume] in Serum or Plasma' }] },
    subject: { display: 'network test patient' },
    effectiveDateTime: '2026-12-07T10:00:00Z',
    valueQuantity: { value: n, unit: 'mg/dL', system: 'http://unitsofmeasure.org', code: 'mg/dL' },
  });
}

function u32le(n) {
  const b = Buffer.alloc(4);
  b.writeUInt32LE(n);
  return b;
}

// Where the RecordAnchored of `recordId` is (from block `from` up to the finalized head), the
// spec_version of that block and of its parent (which runs it), and for which spec_version the
// anchoring extrinsic's signature verifies: the payload is call ++ the extensions' explicit
// bytes ++ (spec_version, transaction_version, genesis, era birth hash, no metadata hash), as
// gateway/src/chain.rs signs it; over 256 bytes it is signed hashed (blake2_256).
async function anchorSeen(api, recordId, from, specs) {
  const head = (await finalized(api)).height;
  for (let n = from; n <= head; n++) {
    const hash = await api.rpc.chain.getBlockHash(n);
    const events = await api.query.system.events.at(hash);
    const found = events.find(
      ({ event: e }) => e.section === 'healthRecords' && e.method === 'RecordAnchored' && e.data.recordId.toHex() === recordId,
    );
    if (!found) continue;
    const index = found.phase.asApplyExtrinsic.toNumber();
    const block = await api.rpc.chain.getBlock(hash);
    const xt = block.block.extrinsics[index];
    const raw = Buffer.from(xt.toU8a(true));
    // v4 signed: 0x84, MultiAddress::Id (0x00 + 32), MultiSignature::Sr25519 (0x01 + 64), explicit, call.
    if (raw[0] !== 0x84 || raw[1] !== 0x00 || raw[34] !== 0x01) throw new Error(`#${n}: extrinsic ${index} is not a v4 sr25519 signed one`);
    const signer = raw.subarray(2, 34);
    const signature = raw.subarray(35, 99);
    const call = Buffer.from(xt.method.toU8a());
    const explicit = raw.subarray(99, raw.length - call.length);
    if (!raw.subarray(raw.length - call.length).equals(call)) throw new Error(`#${n}: cannot find the call in extrinsic ${index}`);
    const birth = xt.era.asMortalEra.birth(n);
    const birthHash = Buffer.from((await api.rpc.chain.getBlockHash(birth)).toU8a());
    const genesis = Buffer.from(api.genesisHash.toU8a());
    const version = await api.rpc.state.getRuntimeVersion(hash);
    const parentVersion = await api.rpc.state.getRuntimeVersion(block.block.header.parentHash);
    const txVersion = version.transactionVersion.toNumber();
    const verifies = {};
    for (const spec of specs) {
      let payload = Buffer.concat([call, explicit, u32le(spec), u32le(txVersion), genesis, birthHash, Buffer.from([0])]);
      if (payload.length > 256) payload = Buffer.from(zombie.util.blake2AsU8a(payload, 256));
      verifies[spec] = zombie.util.sr25519Verify(payload, signature, signer);
    }
    return {
      height: n,
      hash: hash.toHex(),
      spec: version.specVersion.toNumber(),
      parentSpec: parentVersion.specVersion.toNumber(),
      call: `${xt.method.section}.${xt.method.method}`,
      signer: ss58Encode(signer, MEDCHAIN_SS58),
      birth,
      verifies,
    };
  }
  return null;
}

// Upload one lab result through the gateway as `staff`; require 201 anchored, then find the
// anchor on chain and check the spec_version it was signed for and executed under.
async function uploadAnchored(api, gw, staff, p, value, spec) {
  const from = (await finalized(api)).height;
  const q = `/v1/records?patient=${p.address}&category=LabResults`;
  const body = labReport(value);
  const res = await gw.request('POST', q, staff, body);
  if (res.status !== 201 || !res.json || res.json.state !== 'anchored') {
    throw new Error(`upload under spec_version ${spec}: ${res.status} ${res.text}; gateway log:\n${gw.tail()}`);
  }
  const recordId = res.json.record_id;
  const seen = await anchorSeen(api, recordId, from, [spec - 1, spec, spec + 1]);
  if (!seen) throw new Error(`no healthRecords.RecordAnchored of ${recordId} from #${from} to the finalized head`);
  const signedFor = Object.keys(seen.verifies).filter((k) => seen.verifies[k]).map(Number);
  if (seen.spec !== spec || seen.parentSpec !== spec || signedFor.length !== 1 || signedFor[0] !== spec) {
    throw new Error(
      `record ${recordId} anchored in #${seen.height} (spec_version ${seen.spec}, parent ${seen.parentSpec}), its ` +
        `extrinsic signed for spec_version ${signedFor.join('/') || 'none of ' + Object.keys(seen.verifies)}: expected ${spec}`,
    );
  }
  log(
    `gateway upload ${res.json.locator} -> 201 anchored: record ${recordId}, RecordAnchored in #${seen.height} ` +
      `(${seen.hash}) by ${seen.call} from ${seen.signer}, era from #${seen.birth}; block and parent run spec_version ${seen.spec}; ` +
      `the signature verifies for spec_version ${signedFor[0]} only (tried ${Object.keys(seen.verifies).join(', ')})`,
  );
  return { recordId, contentHash: res.json.content_hash, body, height: seen.height };
}

async function gatewayAcrossUpgrade(networkInfo, nodes) {
  const { name, api } = nodes[0];
  const before = (await api.rpc.state.getRuntimeVersion()).specVersion.toNumber();
  const admin = hospital();
  const p = patient();
  const org = await api.query.consortium.organizations(admin.address);
  if (org.isNone) throw new Error(`${admin.address} is no organization: run admit first`);
  const port = Number(process.env.MEDCHAIN_ZN_PORT_BASE || 23200) + 90; // nodes use base + 0..42
  const workDir = fs.mkdtempSync(path.join(os.tmpdir(), 'medchain-network-gateway-'));
  let gw = null;
  const guard = setTimeout(() => {
    for (const child of running) child.kill('SIGKILL');
  }, GATEWAY_STEP_MS);
  try {
    gw = await startGateway(networkInfo, networkInfo.nodesByName[name].wsUri, '//EveAdmin', port, workDir);
    log(
      `gateway of ${HOSPITAL} (pid ${gw.child.pid}) at https://127.0.0.1:${port} beside ${name}: organization ${gw.info.organization}, ` +
        `signer ${gw.info.signer}, built for ${JSON.stringify(gw.info.built_for)}; the chain runs spec_version ${before}`,
    );
    const first = await uploadAnchored(api, gw, admin, p, 101, before);

    const after = await upgrade(nodes);

    const second = await uploadAnchored(api, gw, admin, p, 102, after);
    // The patient is still served the first document, under the new runtime.
    const got = await gw.request('GET', `/v1/records/${first.recordId}`, p);
    if (got.status !== 200 || got.headers['x-medchain-served-as'] !== 'patient') {
      throw new Error(`the patient's fetch of ${first.recordId}: ${got.status} ${got.text}`);
    }
    const salt = Buffer.from(String(got.headers['x-medchain-salt']).replace(/^0x/, ''), 'hex');
    const rehash = zombie.util.blake2AsHex(Buffer.concat([salt, got.bytes]), 256);
    const onChain = (await api.query.healthRecords.records(first.recordId)).unwrap().contentHash.toHex();
    if (rehash !== first.contentHash || onChain !== first.contentHash || JSON.parse(got.text).valueQuantity.value !== 101) {
      throw new Error(`served ${first.recordId}: blake2(salt ++ body) ${rehash}, uploaded ${first.contentHash}, on chain ${onChain}`);
    }
    const noted = gw.log().split('\n').filter((l) => /spec_version|anchor of .* sent|anchored as/.test(l));
    log(`gateway log:\n  ${noted.map((l) => l.replace(/^\S+\s+/, '')).join('\n  ')}`);
    log(
      `the patient fetched ${first.recordId} (anchored in #${first.height} under ${before}) under spec_version ${after}: 200, served as patient, ` +
        `blake2_256(salt ++ body) = the anchored hash; the second record (#${second.height}) was anchored under ${after}`,
    );
    return after;
  } catch (e) {
    if (gw) console.log(`\n--- gateway log (${gw.logPath}) ---\n${gw.tail()}`);
    throw e;
  } finally {
    clearTimeout(guard);
    if (gw) await gw.kill();
    for (const child of running) child.kill('SIGKILL');
    fs.rmSync(workDir, { recursive: true, force: true });
  }
}

async function nosudo(nodes) {
  let delay = null;
  for (const { name, api } of nodes) {
    const pallets = api.runtimeMetadata.asLatest.pallets.map((p) => p.name.toString());
    if (pallets.includes('Sudo') || api.tx.sudo || api.query.sudo) {
      throw new Error(`${name}: the chain's runtime has Sudo (${pallets.join(', ')})`);
    }
    if (!pallets.includes('Scheduler')) throw new Error(`${name}: no Scheduler for the time lock`);
    const d = (await api.query.governance.rootCallDelay()).toNumber();
    if (delay !== null && d !== delay) throw new Error(`${name}: time lock ${d}, another node ${delay}`);
    delay = d;
  }
  log(`no Sudo pallet on ${nodes.map((n) => n.name).join(', ')}; Root calls wait ${delay} blocks`);
  return delay;
}

async function run(_nodeName, networkInfo, args) {
  const [check, ...rest] = args.map((a) => a.trim());
  switch (check) {
    case 'admit':
      return withNodes(networkInfo, ['alice'], ([{ api }]) => admit(networkInfo, rest[0], api));
    case 'write':
      return withNodes(networkInfo, rest, (nodes) => write(networkInfo, nodes));
    case 'same':
      return withNodes(networkInfo, rest, (nodes) => same(networkInfo, nodes));
    case 'nosudo':
      return withNodes(networkInfo, rest, (nodes) => nosudo(nodes));
    case 'upgrade':
      return withNodes(networkInfo, rest, (nodes) => upgrade(nodes));
    case 'gateway':
      return withNodes(networkInfo, rest, (nodes) => gatewayAcrossUpgrade(networkInfo, nodes));
    default:
      throw new Error(`unknown check ${check}`);
  }
}

module.exports = { run };
