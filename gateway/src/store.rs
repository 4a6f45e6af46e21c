//! Where documents live: a small storage trait and its embedded implementation (SQLite, one
//! file under the data directory). A hospital can put another database behind the trait.
//!
//! A document row goes `stored` (durable, not yet on chain) → `submitted` (an anchoring
//! transaction, mortal from block `submitted_from`, is out) → `in_block` → `anchored`
//! (finalized); `failed` (the chain refused the anchor; retried on restart and when the same
//! document is uploaded again); `destroyed` (sealed or erased on chain, or uploaded for a
//! patient who deregistered: ciphertext and wrapped key deleted, the freed bytes zeroed by
//! SQLite's `secure_delete`, and the write-ahead log checkpointed and truncated at once, so
//! no earlier page image of the row (ciphertext + wrapped key) stays in `gateway.sqlite-wal`).

use rusqlite::{params, Connection, OptionalExtension};
use std::{
	path::Path,
	sync::{mpsc, Arc, Mutex},
	thread::JoinHandle,
};

/// A storage failure (the database's message).
#[derive(Debug)]
pub struct StoreError(pub String);

impl From<rusqlite::Error> for StoreError {
	fn from(e: rusqlite::Error) -> Self {
		StoreError(e.to_string())
	}
}

impl core::fmt::Display for StoreError {
	fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
		write!(f, "store: {}", self.0)
	}
}

/// Where a document is on its way to the chain.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum State {
	Stored,
	Submitted,
	InBlock,
	Anchored,
	Failed,
	Destroyed,
}

impl State {
	pub fn as_str(self) -> &'static str {
		match self {
			State::Stored => "stored",
			State::Submitted => "submitted",
			State::InBlock => "in_block",
			State::Anchored => "anchored",
			State::Failed => "failed",
			State::Destroyed => "destroyed",
		}
	}

	fn parse(s: &str) -> State {
		match s {
			"submitted" => State::Submitted,
			"in_block" => State::InBlock,
			"anchored" => State::Anchored,
			"failed" => State::Failed,
			"destroyed" => State::Destroyed,
			_ => State::Stored,
		}
	}
}

/// A document as the store keeps it.
#[derive(Clone, Debug)]
pub struct Document {
	pub locator: String,
	pub patient: [u8; 32],
	pub category: String,
	pub content_hash: [u8; 32],
	/// `None` once destroyed.
	pub ciphertext: Option<Vec<u8>>,
	/// `None` once destroyed.
	pub wrapped_key: Option<Vec<u8>>,
	pub state: State,
	pub record_id: Option<[u8; 32]>,
	/// The birth block of the last anchoring transaction's mortal era.
	pub submitted_from: Option<u32>,
	/// The chain's reason, for `failed`; the reason it was destroyed, for `destroyed`.
	pub note: Option<String>,
	/// The hash of the last anchoring transaction sent.
	pub tx_hash: Option<[u8; 32]>,
	/// That transaction's bytes: sending the very same bytes again can never anchor twice
	/// (they carry the same nonce), so a restart re-sends them.
	pub extrinsic: Option<Vec<u8>>,
	/// The record this document corrects (`anchor_record`'s `supersedes`), if any.
	pub supersedes: Option<[u8; 32]>,
}

/// A new document (already encrypted).
pub struct NewDocument {
	pub locator: String,
	/// Identifies "the same document": a MAC under the master key (`MasterKey::dedup_key`)
	/// of `patient ++ category ++ 0 ++ canonical`, with `"supersedes" ++ record id` appended
	/// for a correction.
	pub dedup_key: [u8; 32],
	pub patient: [u8; 32],
	pub category: String,
	pub content_hash: [u8; 32],
	pub ciphertext: Vec<u8>,
	pub wrapped_key: Vec<u8>,
	pub uploaded_by: [u8; 32],
	pub created_at: u64,
	/// The record this document corrects, if any.
	pub supersedes: Option<[u8; 32]>,
}

/// What `insert` did.
pub enum Inserted {
	/// Stored now.
	New,
	/// The same document was uploaded before (and not destroyed): this is it.
	Existing(Box<Document>),
}

/// The gateway's storage.
pub trait DocumentStore: Send + Sync {
	/// Store `doc` durably, unless the same document (same dedup key) is already held.
	fn insert(&self, doc: NewDocument) -> Result<Inserted, StoreError>;
	fn by_locator(&self, locator: &str) -> Result<Option<Document>, StoreError>;
	fn by_record(&self, record_id: &[u8; 32]) -> Result<Option<Document>, StoreError>;
	/// The document held under `dedup_key` (not destroyed), if any: what `insert` would
	/// answer `Existing` with.
	fn by_dedup_key(&self, dedup_key: &[u8; 32]) -> Result<Option<Document>, StoreError>;
	/// Documents not yet anchored and finalized (stored, submitted, in block, failed).
	fn unfinished(&self) -> Result<Vec<Document>, StoreError>;
	/// Every document not destroyed (what a reconciliation with the chain's state checks).
	fn live(&self) -> Result<Vec<Document>, StoreError>;
	fn set_state(
		&self,
		locator: &str,
		state: State,
		record_id: Option<[u8; 32]>,
		submitted_from: Option<u32>,
		note: Option<&str>,
	) -> Result<(), StoreError>;
	/// Record that an anchoring transaction (mortal from `birth`, hash `tx_hash`) is about
	/// to be sent: written before it is sent, so a crash cannot lose track of it.
	fn set_submitted(
		&self,
		locator: &str,
		birth: u32,
		tx_hash: [u8; 32],
		extrinsic: &[u8],
	) -> Result<(), StoreError>;
	/// Destroy the document of `record_id` (if held): delete its ciphertext and wrapped key.
	/// Returns whether something was destroyed.
	fn destroy_record(&self, record_id: &[u8; 32], reason: &str) -> Result<bool, StoreError>;
	/// Destroy every document of `patient`; returns how many.
	fn destroy_patient(&self, patient: &[u8; 32], reason: &str) -> Result<usize, StoreError>;
	/// Destroy the document at `locator` (bound to a record or not); whether it was held.
	fn destroy_document(&self, locator: &str, reason: &str) -> Result<bool, StoreError>;
	fn meta(&self, key: &str) -> Result<Option<Vec<u8>>, StoreError>;
	fn set_meta(&self, key: &str, value: &[u8]) -> Result<(), StoreError>;
	/// Count of documents per state, for `/v1/info`.
	fn counts(&self) -> Result<Vec<(String, u64)>, StoreError>;
	/// Keep one audit event (a FHIR AuditEvent's JSON, fhir/audit.rs) about `patient`, if
	/// known; the oldest beyond [`AUDIT_CAPACITY`] are dropped. Queued: committed within
	/// moments, in a batch with the others (an error only if the store can keep none).
	fn add_audit(
		&self,
		recorded_ms: u64,
		patient: Option<[u8; 32]>,
		event: &str,
	) -> Result<(), StoreError>;
	/// The newest `limit` audit events about `patient`, newest first.
	fn audits_of(&self, patient: &[u8; 32], limit: usize) -> Result<Vec<AuditRow>, StoreError>;
	/// One audit event by id.
	fn audit(&self, id: u64) -> Result<Option<AuditRow>, StoreError>;
}

/// A kept audit event: its id, its patient (if known) and its JSON.
#[derive(Clone, Debug)]
pub struct AuditRow {
	pub id: u64,
	pub patient: Option<[u8; 32]>,
	pub event: String,
}

/// How many audit events the store keeps (the oldest go first).
pub const AUDIT_CAPACITY: i64 = 100_000;

/// The most audit events committed in one transaction.
const AUDIT_BATCH: usize = 1024;
/// The most audit events waiting for their commit; a request that would queue one more
/// waits (back-pressure instead of losing audit rows or memory).
const AUDIT_QUEUE: usize = 65_536;

/// A queued audit event, or a flush: answered once every event queued before it is committed.
enum AuditOp {
	Row { recorded_ms: u64, patient: Option<[u8; 32]>, event: String },
	Flush(mpsc::SyncSender<()>),
}

/// The embedded store: one SQLite file.
pub struct SqliteStore {
	conn: Mutex<Connection>,
	/// The audit events' own connection to the same file: `synchronous = NORMAL` (in WAL mode
	/// a commit is not fsynced; it survives the process, not a power loss), so the audit rows
	/// cost no fsync and do not wait behind the documents' connection. Written by
	/// [`audit_writer`] (a thread), in batches; read after a flush.
	audit: Arc<Mutex<Connection>>,
	/// The writer's queue; `None` once the store is dropped (the writer then commits what is
	/// queued and stops).
	audit_queue: Option<mpsc::SyncSender<AuditOp>>,
	audit_thread: Option<JoinHandle<()>>,
}

impl Drop for SqliteStore {
	fn drop(&mut self) {
		// Closing the queue stops the writer after its last batch: nothing queued is lost
		// when the gateway shuts down.
		self.audit_queue = None;
		if let Some(thread) = self.audit_thread.take() {
			let _ = thread.join();
		}
	}
}

/// The audit writer: takes what is queued (up to [`AUDIT_BATCH`] events) and commits it in one
/// transaction, dropping the events beyond [`AUDIT_CAPACITY`] in the same transaction, until
/// the queue is closed. One transaction per batch instead of one per request: the fetch path
/// waits for neither a commit nor the connection's lock. A batch that cannot be committed is
/// logged with its size (the chain's own access log, which every served read needs, is the
/// binding record; these are the gateway's account of its disclosures).
fn audit_writer(conn: Arc<Mutex<Connection>>, queue: mpsc::Receiver<AuditOp>) {
	while let Ok(first) = queue.recv() {
		let mut batch = vec![first];
		while batch.len() < AUDIT_BATCH {
			match queue.try_recv() {
				Ok(op) => batch.push(op),
				Err(_) => break,
			}
		}
		let mut rows = Vec::with_capacity(batch.len());
		let mut flushes = Vec::new();
		for op in batch {
			match op {
				AuditOp::Row { recorded_ms, patient, event } => {
					rows.push((recorded_ms, patient, event))
				}
				AuditOp::Flush(done) => flushes.push(done),
			}
		}
		if !rows.is_empty() {
			let committed = match conn.lock() {
				Ok(mut conn) => commit_audits(&mut conn, &rows).map_err(|e| e.to_string()),
				Err(_) => Err("the audit connection's lock is poisoned".to_owned()),
			};
			if let Err(e) = committed {
				log::error!("could not keep {} audit event(s): {e}", rows.len());
			}
		}
		for done in flushes {
			let _ = done.send(());
		}
	}
}

/// Insert `rows` and drop the events beyond [`AUDIT_CAPACITY`], in one transaction.
fn commit_audits(
	conn: &mut Connection,
	rows: &[(u64, Option<[u8; 32]>, String)],
) -> Result<(), rusqlite::Error> {
	let tx = conn.transaction()?;
	{
		let mut insert = tx.prepare_cached(
			"INSERT INTO audit_events (recorded_ms, patient, event) VALUES (?1, ?2, ?3)",
		)?;
		for (recorded_ms, patient, event) in rows {
			insert.execute(params![*recorded_ms as i64, patient.map(|p| p.to_vec()), event])?;
		}
	}
	let last = tx.last_insert_rowid();
	tx.execute("DELETE FROM audit_events WHERE id <= ?1", [last - AUDIT_CAPACITY])?;
	tx.commit()
}

const SCHEMA: &str = "
CREATE TABLE IF NOT EXISTS documents (
	locator TEXT PRIMARY KEY,
	dedup_key BLOB UNIQUE,
	patient BLOB NOT NULL,
	category TEXT NOT NULL,
	content_hash BLOB NOT NULL,
	ciphertext BLOB,
	wrapped_key BLOB,
	state TEXT NOT NULL,
	record_id BLOB UNIQUE,
	submitted_from INTEGER,
	tx_hash BLOB,
	extrinsic BLOB,
	note TEXT,
	uploaded_by BLOB NOT NULL,
	created_at INTEGER NOT NULL,
	supersedes BLOB
);
CREATE INDEX IF NOT EXISTS documents_patient ON documents(patient);
CREATE INDEX IF NOT EXISTS documents_state ON documents(state);
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value BLOB NOT NULL);
CREATE TABLE IF NOT EXISTS audit_events (
	id INTEGER PRIMARY KEY AUTOINCREMENT,
	recorded_ms INTEGER NOT NULL,
	patient BLOB,
	event TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS audit_events_patient ON audit_events(patient, id);
";

/// The store's meta key naming how its dedup keys are made, and the current scheme.
pub const DEDUP_SCHEME: &str = "dedup_scheme";
pub const DEDUP_KEYED_V1: &[u8] = b"keyed-blake2b-v1";

/// The store's meta key holding the check value (`MasterKey::check_value`) of the master key
/// its document keys are wrapped under.
pub const MASTER_KEY_CHECK: &str = "master_key_check";

/// What one row becomes under a new master key: its document key wrapped anew, and its dedup
/// key under the new key (`None`: the row keeps none, e.g. its ciphertext does not decrypt).
pub struct Rewrapped {
	pub wrapped_key: Vec<u8>,
	pub dedup_key: Option<[u8; 32]>,
}

/// The store's meta key holding this gateway's instance id (16 random bytes made when the
/// store is first opened by `run`): part of the audience requests are signed for, so two
/// gateways of one organization (even with one signing key) refuse each other's requests.
pub const GATEWAY_ID: &str = "gateway_id";

/// The data directory's lock file: held by a running gateway and by `rotate-master-key`, so
/// neither runs beside the other (nor two gateways on one store).
pub const LOCK_FILE: &str = "gateway.lock";

/// Take the data directory's lock ([`LOCK_FILE`]) for as long as the returned file is open;
/// refused at once if another process holds it.
pub fn lock_data_dir(dir: &Path) -> Result<std::fs::File, String> {
	let path = dir.join(LOCK_FILE);
	let file = std::fs::OpenOptions::new()
		.create(true)
		.truncate(false)
		.write(true)
		.open(&path)
		.map_err(|e| format!("{}: {e}", path.display()))?;
	match file.try_lock() {
		Ok(()) => Ok(file),
		Err(std::fs::TryLockError::WouldBlock) => Err(format!(
			"{} is in use by another medchain-gateway process (a running gateway, or a rotation): stop it first",
			dir.display()
		)),
		Err(std::fs::TryLockError::Error(e)) => Err(format!("{}: {e}", path.display())),
	}
}

/// After destroying: move the write-ahead log's pages into the database file (where
/// `secure_delete` already zeroed the freed bytes) and truncate the log to nothing, so no
/// earlier page image of a destroyed row stays in `gateway.sqlite-wal`.
fn shred_wal(c: &Connection) -> Result<(), rusqlite::Error> {
	let (busy, log, done): (i64, i64, i64) =
		c.query_row("PRAGMA wal_checkpoint(TRUNCATE)", [], |r| {
			Ok((r.get(0)?, r.get(1)?, r.get(2)?))
		})?;
	if busy != 0 {
		log::warn!(
			"store: the write-ahead log could not be truncated after a destruction ({done} of {log} pages checkpointed): another process reads the store"
		);
	}
	Ok(())
}

const COLUMNS: &str = "locator, patient, category, content_hash, ciphertext, wrapped_key, state, \
	record_id, submitted_from, note, tx_hash, extrinsic, supersedes";

fn array32(bytes: Vec<u8>) -> Result<[u8; 32], rusqlite::Error> {
	bytes.try_into().map_err(|_| rusqlite::Error::InvalidQuery)
}

fn row_to_document(row: &rusqlite::Row<'_>) -> Result<Document, rusqlite::Error> {
	let record_id: Option<Vec<u8>> = row.get(7)?;
	Ok(Document {
		locator: row.get(0)?,
		patient: array32(row.get(1)?)?,
		category: row.get(2)?,
		content_hash: array32(row.get(3)?)?,
		ciphertext: row.get(4)?,
		wrapped_key: row.get(5)?,
		state: State::parse(&row.get::<_, String>(6)?),
		record_id: record_id.map(array32).transpose()?,
		submitted_from: row.get(8)?,
		note: row.get(9)?,
		tx_hash: row.get::<_, Option<Vec<u8>>>(10)?.map(array32).transpose()?,
		extrinsic: row.get(11)?,
		supersedes: row.get::<_, Option<Vec<u8>>>(12)?.map(array32).transpose()?,
	})
}

impl SqliteStore {
	/// Open (or create) the store at `path`.
	pub fn open(path: &Path) -> Result<SqliteStore, StoreError> {
		let conn = Connection::open(path)?;
		// WAL: readers never wait for the writer; FULL: a committed insert survives power loss
		// (the gateway answers an upload only after its commit); secure_delete: destroyed
		// documents' pages are overwritten with zeros, not just unlinked.
		conn.pragma_update(None, "journal_mode", "WAL")?;
		conn.pragma_update(None, "synchronous", "FULL")?;
		conn.pragma_update(None, "secure_delete", "ON")?;
		conn.busy_timeout(std::time::Duration::from_secs(5))?;
		conn.execute_batch(SCHEMA)?;
		// Stores made before corrections existed have no `supersedes` column: add it (NULL
		// for every existing row: none of them corrects another).
		let has_supersedes = conn
			.prepare("SELECT 1 FROM pragma_table_info('documents') WHERE name = 'supersedes'")?
			.exists([])?;
		if !has_supersedes {
			conn.execute_batch("ALTER TABLE documents ADD COLUMN supersedes BLOB")?;
		}
		let audit = Connection::open(path)?;
		audit.pragma_update(None, "synchronous", "NORMAL")?;
		audit.busy_timeout(std::time::Duration::from_secs(5))?;
		let audit = Arc::new(Mutex::new(audit));
		let (queue, rx) = mpsc::sync_channel(AUDIT_QUEUE);
		let writer = audit.clone();
		let thread = std::thread::Builder::new()
			.name("audit-writer".into())
			.spawn(move || audit_writer(writer, rx))
			.map_err(|e| StoreError(format!("cannot start the audit writer: {e}")))?;
		Ok(SqliteStore {
			conn: Mutex::new(conn),
			audit,
			audit_queue: Some(queue),
			audit_thread: Some(thread),
		})
	}

	/// Migrate the dedup keys to the keyed scheme ([`DEDUP_KEYED_V1`]): once per store, every
	/// row that has one gets `rekey(row)` (`None`: the row cannot be read, e.g. tampered
	/// with; its dedup key is removed, the row itself kept), in one transaction; the old
	/// (unkeyed) values are then shredded from the write-ahead log. Returns how many rows
	/// were re-keyed (0 when the store already uses the scheme). No row is lost or changed
	/// otherwise.
	pub fn rekey_dedup(
		&self,
		rekey: impl Fn(&Document) -> Option<[u8; 32]>,
	) -> Result<usize, StoreError> {
		if self.meta(DEDUP_SCHEME)?.as_deref() == Some(DEDUP_KEYED_V1) {
			return Ok(0);
		}
		self.with(|c| {
			let tx = c.unchecked_transaction()?;
			let rows: Vec<Document> = {
				let mut stmt = tx.prepare(&format!(
					"SELECT {COLUMNS} FROM documents WHERE dedup_key IS NOT NULL"
				))?;
				let rows = stmt.query_map([], row_to_document)?;
				rows.collect::<Result<_, _>>()?
			};
			// Clear first: a new key can never collide with an old one still in place.
			tx.execute("UPDATE documents SET dedup_key = NULL WHERE dedup_key IS NOT NULL", [])?;
			for doc in &rows {
				match rekey(doc) {
					Some(key) => tx.execute(
						"UPDATE documents SET dedup_key = ?2 WHERE locator = ?1",
						params![doc.locator, &key[..]],
					)?,
					None => {
						log::warn!(
							"store: {} cannot be decrypted; it keeps no dedup key (an upload of the same document is stored anew)",
							doc.locator
						);
						0
					}
				};
			}
			tx.execute(
				"INSERT INTO meta (key, value) VALUES (?1, ?2) \
				 ON CONFLICT(key) DO UPDATE SET value = excluded.value",
				params![DEDUP_SCHEME, DEDUP_KEYED_V1],
			)?;
			tx.commit()?;
			shred_wal(c)?;
			Ok(rows.len())
		})
	}

	/// Re-wrap every document key under a new master key (`rewrap` of each row that has one:
	/// the document key unwrapped with the old key and wrapped with the new one, and the
	/// dedup key recomputed under it), all in **one transaction**, which also records the new
	/// key's check value: a crash before it commits leaves every row under the old key, after
	/// it every row under the new one, never a mix. Then the write-ahead log is checkpointed
	/// and truncated, so no page image of a row under the old key stays in it (nor, with
	/// `secure_delete`, in the freed pages of the file). If any row cannot be re-wrapped (its
	/// key does not unwrap with the old key), nothing is changed and the rows are named: the
	/// old key must not be destroyed while a row needs it.
	///
	/// `old_check`/`new_check` are the keys' check values. A store already under the new key
	/// (a rotation that committed before a crash) is only shredded; a store under neither key
	/// is refused. Returns how many rows were re-wrapped.
	pub fn rotate_master_key(
		&self,
		old_check: &[u8; 32],
		new_check: &[u8; 32],
		mut rewrap: impl FnMut(&Document) -> Result<Rewrapped, String>,
	) -> Result<usize, StoreError> {
		let conn = self.conn.lock().map_err(|_| StoreError("store lock poisoned".into()))?;
		let c: &Connection = &conn;
		let current: Option<Vec<u8>> = c
			.query_row("SELECT value FROM meta WHERE key = ?1", [MASTER_KEY_CHECK], |r| r.get(0))
			.optional()?;
		match current.as_deref() {
			Some(check) if check == &new_check[..] => {
				// Committed before: only the shredding may be left to do.
				shred_wal(c)?;
				return Ok(0);
			}
			Some(check) if check != &old_check[..] => return Err(StoreError(
				"the store's documents are wrapped under neither the old nor the new master key \
					 (check values differ): is --master-key the key the gateway runs with?"
					.into(),
			)),
			_ => {}
		}
		let tx = rusqlite::Transaction::new_unchecked(c, rusqlite::TransactionBehavior::Immediate)?;
		let rows: Vec<Document> = {
			let mut stmt = tx.prepare(&format!(
				"SELECT {COLUMNS} FROM documents WHERE wrapped_key IS NOT NULL ORDER BY locator"
			))?;
			let rows = stmt.query_map([], row_to_document)?;
			rows.collect::<Result<_, _>>()?
		};
		// Clear first: a new dedup key can never collide with an old one still in place.
		tx.execute("UPDATE documents SET dedup_key = NULL WHERE wrapped_key IS NOT NULL", [])?;
		let mut refused = Vec::new();
		for doc in &rows {
			match rewrap(doc) {
				Ok(new) => {
					if new.dedup_key.is_none() && doc.state != State::Destroyed {
						log::warn!(
							"store: {} does not decrypt; it keeps no dedup key (its key is re-wrapped)",
							doc.locator
						);
					}
					tx.execute(
						"UPDATE documents SET wrapped_key = ?2, dedup_key = ?3 WHERE locator = ?1",
						params![doc.locator, new.wrapped_key, new.dedup_key.map(|k| k.to_vec())],
					)?;
				}
				Err(why) => refused.push(format!("{} ({why})", doc.locator)),
			}
		}
		if !refused.is_empty() {
			// Dropping the transaction rolls it back: nothing changed.
			return Err(StoreError(format!(
				"{} document key(s) do not unwrap with the old master key, nothing was changed: {}",
				refused.len(),
				refused.join(", ")
			)));
		}
		tx.execute(
			"INSERT INTO meta (key, value) VALUES (?1, ?2) \
			 ON CONFLICT(key) DO UPDATE SET value = excluded.value",
			params![MASTER_KEY_CHECK, &new_check[..]],
		)?;
		tx.commit()?;
		shred_wal(c)?;
		Ok(rows.len())
	}

	/// This gateway's instance id ([`GATEWAY_ID`]), made (random) on first use.
	pub fn gateway_id(&self) -> Result<[u8; 16], StoreError> {
		if let Some(id) = self.meta(GATEWAY_ID)?.and_then(|v| <[u8; 16]>::try_from(v).ok()) {
			return Ok(id);
		}
		let mut id = [0u8; 16];
		rand::RngCore::fill_bytes(&mut rand::rngs::OsRng, &mut id);
		self.set_meta(GATEWAY_ID, &id)?;
		Ok(id)
	}

	/// Check that `check` (`MasterKey::check_value`) is the key the store's documents are
	/// wrapped under. A store that records none yet (made before rotations existed) records
	/// it, unless it holds document keys and `opens` opens none of them (the wrong key).
	pub fn ensure_master_key(
		&self,
		check: &[u8; 32],
		opens: impl Fn(&Document) -> bool,
	) -> Result<(), String> {
		match self.meta(MASTER_KEY_CHECK).map_err(|e| e.to_string())? {
			Some(stored) if stored == check => Ok(()),
			Some(_) => Err(
				"the store's document keys are wrapped under another master key than --master-key's \
				 (after `medchain-gateway rotate-master-key`, run with --master-key <the new key>)"
					.into(),
			),
			None => {
				let rows = self.live().map_err(|e| e.to_string())?;
				let keyed: Vec<&Document> = rows.iter().filter(|d| d.wrapped_key.is_some()).collect();
				if !keyed.is_empty() && !keyed.iter().any(|d| opens(d)) {
					return Err(format!(
						"the master key opens none of the store's {} document(s): is --master-key the gateway's key?",
						keyed.len()
					));
				}
				self.set_meta(MASTER_KEY_CHECK, check).map_err(|e| e.to_string())
			}
		}
	}

	fn with<R>(
		&self,
		f: impl FnOnce(&Connection) -> Result<R, rusqlite::Error>,
	) -> Result<R, StoreError> {
		let conn = self.conn.lock().map_err(|_| StoreError("store lock poisoned".into()))?;
		Ok(f(&conn)?)
	}

	/// Read the audit events, after every one queued so far is committed.
	fn with_audit<R>(
		&self,
		f: impl FnOnce(&Connection) -> Result<R, rusqlite::Error>,
	) -> Result<R, StoreError> {
		let (done, committed) = mpsc::sync_channel(1);
		self.queue_audit(AuditOp::Flush(done))?;
		committed.recv().map_err(|_| StoreError("the audit writer stopped".into()))?;
		let conn = self.audit.lock().map_err(|_| StoreError("audit lock poisoned".into()))?;
		Ok(f(&conn)?)
	}

	fn queue_audit(&self, op: AuditOp) -> Result<(), StoreError> {
		self.audit_queue
			.as_ref()
			.and_then(|queue| queue.send(op).ok())
			.ok_or_else(|| StoreError("the audit writer stopped".into()))
	}

	/// Destroy the rows matching `clause` (with `?1` = `key`); how many. The WAL is shredded
	/// when something was destroyed.
	fn destroy_where(
		&self,
		clause: &str,
		key: &dyn rusqlite::ToSql,
		reason: &str,
	) -> Result<usize, StoreError> {
		let sql = format!(
			"UPDATE documents SET state = 'destroyed', ciphertext = NULL, wrapped_key = NULL, \
			 dedup_key = NULL, note = ?2 WHERE {clause} AND state != 'destroyed'"
		);
		self.with(|c| {
			let n = c.execute(&sql, params![key, reason])?;
			if n > 0 {
				shred_wal(c)?;
			}
			Ok(n)
		})
	}

	fn one(&self, clause: &str, key: &dyn rusqlite::ToSql) -> Result<Option<Document>, StoreError> {
		let sql = format!("SELECT {COLUMNS} FROM documents WHERE {clause}");
		self.with(|c| c.query_row(&sql, [key], row_to_document).optional())
	}
}

impl DocumentStore for SqliteStore {
	fn insert(&self, doc: NewDocument) -> Result<Inserted, StoreError> {
		self.with(|c| {
			let existing = c
				.query_row(
					&format!("SELECT {COLUMNS} FROM documents WHERE dedup_key = ?1"),
					[&doc.dedup_key[..]],
					row_to_document,
				)
				.optional()?;
			if let Some(existing) = existing {
				return Ok(Inserted::Existing(Box::new(existing)));
			}
			c.execute(
				"INSERT INTO documents (locator, dedup_key, patient, category, content_hash, \
				 ciphertext, wrapped_key, state, uploaded_by, created_at, supersedes) \
				 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, 'stored', ?8, ?9, ?10)",
				params![
					doc.locator,
					&doc.dedup_key[..],
					&doc.patient[..],
					doc.category,
					&doc.content_hash[..],
					doc.ciphertext,
					doc.wrapped_key,
					&doc.uploaded_by[..],
					doc.created_at as i64,
					doc.supersedes.map(|r| r.to_vec()),
				],
			)?;
			Ok(Inserted::New)
		})
	}

	fn by_locator(&self, locator: &str) -> Result<Option<Document>, StoreError> {
		self.one("locator = ?1", &locator)
	}

	fn by_record(&self, record_id: &[u8; 32]) -> Result<Option<Document>, StoreError> {
		self.one("record_id = ?1", &&record_id[..])
	}

	fn by_dedup_key(&self, dedup_key: &[u8; 32]) -> Result<Option<Document>, StoreError> {
		self.one("dedup_key = ?1", &&dedup_key[..])
	}

	fn unfinished(&self) -> Result<Vec<Document>, StoreError> {
		self.with(|c| {
			let mut stmt = c.prepare(&format!(
				"SELECT {COLUMNS} FROM documents \
				 WHERE state IN ('stored', 'submitted', 'in_block', 'failed') ORDER BY created_at"
			))?;
			let rows = stmt.query_map([], row_to_document)?;
			rows.collect()
		})
	}

	fn live(&self) -> Result<Vec<Document>, StoreError> {
		self.with(|c| {
			let mut stmt = c.prepare(&format!(
				"SELECT {COLUMNS} FROM documents WHERE state != 'destroyed' ORDER BY created_at"
			))?;
			let rows = stmt.query_map([], row_to_document)?;
			rows.collect()
		})
	}

	fn set_state(
		&self,
		locator: &str,
		state: State,
		record_id: Option<[u8; 32]>,
		submitted_from: Option<u32>,
		note: Option<&str>,
	) -> Result<(), StoreError> {
		self.with(|c| {
			c.execute(
				"UPDATE documents SET state = ?2, record_id = COALESCE(?3, record_id), \
				 submitted_from = COALESCE(?4, submitted_from), note = ?5 \
				 WHERE locator = ?1 AND state != 'destroyed'",
				params![
					locator,
					state.as_str(),
					record_id.map(|r| r.to_vec()),
					submitted_from,
					note
				],
			)
			.map(|_| ())
		})
	}

	fn set_submitted(
		&self,
		locator: &str,
		birth: u32,
		tx_hash: [u8; 32],
		extrinsic: &[u8],
	) -> Result<(), StoreError> {
		self.with(|c| {
			c.execute(
				"UPDATE documents SET state = 'submitted', submitted_from = ?2, tx_hash = ?3, \
				 extrinsic = ?4, note = NULL WHERE locator = ?1 AND state != 'destroyed'",
				params![locator, birth, &tx_hash[..], extrinsic],
			)
			.map(|_| ())
		})
	}

	fn destroy_record(&self, record_id: &[u8; 32], reason: &str) -> Result<bool, StoreError> {
		self.destroy_where("record_id = ?1", &&record_id[..], reason).map(|n| n > 0)
	}

	fn destroy_patient(&self, patient: &[u8; 32], reason: &str) -> Result<usize, StoreError> {
		self.destroy_where("patient = ?1", &&patient[..], reason)
	}

	fn destroy_document(&self, locator: &str, reason: &str) -> Result<bool, StoreError> {
		self.destroy_where("locator = ?1", &locator, reason).map(|n| n > 0)
	}

	fn meta(&self, key: &str) -> Result<Option<Vec<u8>>, StoreError> {
		self.with(|c| {
			c.query_row("SELECT value FROM meta WHERE key = ?1", [key], |r| r.get(0)).optional()
		})
	}

	fn set_meta(&self, key: &str, value: &[u8]) -> Result<(), StoreError> {
		self.with(|c| {
			c.execute(
				"INSERT INTO meta (key, value) VALUES (?1, ?2) \
				 ON CONFLICT(key) DO UPDATE SET value = excluded.value",
				params![key, value],
			)
			.map(|_| ())
		})
	}

	fn counts(&self) -> Result<Vec<(String, u64)>, StoreError> {
		self.with(|c| {
			let mut stmt =
				c.prepare("SELECT state, COUNT(*) FROM documents GROUP BY state ORDER BY state")?;
			let rows = stmt.query_map([], |r| Ok((r.get(0)?, r.get::<_, i64>(1)? as u64)))?;
			rows.collect()
		})
	}

	fn add_audit(
		&self,
		recorded_ms: u64,
		patient: Option<[u8; 32]>,
		event: &str,
	) -> Result<(), StoreError> {
		self.queue_audit(AuditOp::Row { recorded_ms, patient, event: event.to_owned() })
	}

	fn audits_of(&self, patient: &[u8; 32], limit: usize) -> Result<Vec<AuditRow>, StoreError> {
		self.with_audit(|c| {
			let mut stmt = c.prepare(
				"SELECT id, patient, event FROM audit_events WHERE patient = ?1 \
				 ORDER BY id DESC LIMIT ?2",
			)?;
			let rows = stmt.query_map(params![&patient[..], limit as i64], row_to_audit)?;
			rows.collect()
		})
	}

	fn audit(&self, id: u64) -> Result<Option<AuditRow>, StoreError> {
		self.with_audit(|c| {
			c.query_row(
				"SELECT id, patient, event FROM audit_events WHERE id = ?1",
				[id as i64],
				row_to_audit,
			)
			.optional()
		})
	}
}

fn row_to_audit(row: &rusqlite::Row<'_>) -> Result<AuditRow, rusqlite::Error> {
	Ok(AuditRow {
		id: row.get::<_, i64>(0)? as u64,
		patient: row.get::<_, Option<Vec<u8>>>(1)?.map(array32).transpose()?,
		event: row.get(2)?,
	})
}

#[cfg(test)]
mod tests {
	use super::*;

	fn doc(locator: &str, dedup: u8, patient: u8) -> NewDocument {
		NewDocument {
			locator: locator.into(),
			dedup_key: [dedup; 32],
			patient: [patient; 32],
			category: "LabResults".into(),
			content_hash: [dedup ^ 0xff; 32],
			ciphertext: vec![1, 2, 3],
			wrapped_key: vec![4, 5, 6],
			uploaded_by: [9; 32],
			created_at: 1,
			supersedes: None,
		}
	}

	#[test]
	fn audit_events_are_read_back_at_once_and_survive_a_shutdown() {
		let dir = tempfile::tempdir().expect("tempdir");
		let path = dir.path().join("gateway.sqlite");
		let store = SqliteStore::open(&path).expect("opens");
		let (p, q) = ([1u8; 32], [2u8; 32]);
		for i in 0..3000u64 {
			let patient = if i % 3 == 0 { Some(q) } else { Some(p) };
			store.add_audit(i, patient, &format!("{{\"n\":{i}}}")).expect("queued");
		}
		// A read right after the writes sees every one of them (the read flushes the queue),
		// newest first, only the patient's.
		let of_q = store.audits_of(&q, 5000).expect("read");
		assert_eq!(of_q.len(), 1000);
		assert_eq!(of_q[0].event, "{\"n\":2997}");
		assert!(of_q.iter().all(|row| row.patient == Some(q)));
		let last = store.audit(of_q[0].id).expect("read").expect("kept");
		assert_eq!(last.event, of_q[0].event);
		// Queued and not read: dropping the store (the gateway stopping) commits them.
		store.add_audit(1, None, "{\"n\":\"last\"}").expect("queued");
		store.add_audit(2, Some(q), "{\"n\":\"last of q\"}").expect("queued");
		drop(store);
		let store = SqliteStore::open(&path).expect("reopens");
		let of_q = store.audits_of(&q, 1).expect("read");
		assert_eq!(of_q[0].event, "{\"n\":\"last of q\"}");
		let count: i64 = store
			.with_audit(|c| c.query_row("SELECT count(*) FROM audit_events", [], |r| r.get(0)))
			.expect("count");
		assert_eq!(count, 3002);
	}

	#[test]
	fn keeps_what_a_correction_supersedes() {
		let dir = tempfile::tempdir().expect("tempdir");
		let path = dir.path().join("gateway.sqlite");
		let store = SqliteStore::open(&path).expect("opens");
		store.insert(doc("a", 1, 1)).expect("insert");
		store.insert(NewDocument { supersedes: Some([7; 32]), ..doc("b", 2, 1) }).expect("insert");
		drop(store);
		let store = SqliteStore::open(&path).expect("reopens");
		assert_eq!(store.by_locator("a").expect("read").expect("kept").supersedes, None);
		assert_eq!(store.by_locator("b").expect("read").expect("kept").supersedes, Some([7; 32]));
	}

	#[test]
	fn a_store_made_before_corrections_gets_the_column_and_keeps_its_rows() {
		let dir = tempfile::tempdir().expect("tempdir");
		let path = dir.path().join("old.sqlite");
		{
			// The schema of stores made before `supersedes` existed, with one row.
			let c = Connection::open(&path).expect("open");
			c.execute_batch(
				"CREATE TABLE documents (locator TEXT PRIMARY KEY, dedup_key BLOB UNIQUE, \
				 patient BLOB NOT NULL, category TEXT NOT NULL, content_hash BLOB NOT NULL, \
				 ciphertext BLOB, wrapped_key BLOB, state TEXT NOT NULL, record_id BLOB UNIQUE, \
				 submitted_from INTEGER, tx_hash BLOB, extrinsic BLOB, note TEXT, \
				 uploaded_by BLOB NOT NULL, created_at INTEGER NOT NULL);
				 INSERT INTO documents (locator, dedup_key, patient, category, content_hash, state, \
				 uploaded_by, created_at) VALUES ('old', x'01', x'0101010101010101010101010101010101010101010101010101010101010101', \
				 'LabResults', x'0202020202020202020202020202020202020202020202020202020202020202', 'anchored', x'09', 1);",
			)
			.expect("old schema");
		}
		let store = SqliteStore::open(&path).expect("opens an old store");
		let old = store.by_locator("old").expect("read").expect("kept");
		assert_eq!((old.state, old.supersedes), (State::Anchored, None));
		store
			.insert(NewDocument { supersedes: Some([7; 32]), ..doc("new", 3, 1) })
			.expect("insert");
		assert_eq!(store.by_locator("new").expect("read").expect("kept").supersedes, Some([7; 32]));
		drop(store);
		SqliteStore::open(&path).expect("opens again: the column is added once");
	}

	#[test]
	fn keeps_documents_across_reopening_and_deduplicates() {
		let dir = tempfile::tempdir().expect("tempdir");
		let path = dir.path().join("gateway.sqlite");
		{
			let store = SqliteStore::open(&path).expect("opens");
			assert!(matches!(store.insert(doc("a", 1, 1)).expect("insert"), Inserted::New));
			match store.insert(doc("b", 1, 1)).expect("insert") {
				Inserted::Existing(d) => assert_eq!(d.locator, "a"),
				Inserted::New => panic!("the same document twice must be one"),
			}
			store.set_submitted("a", 40, [3; 32], &[1, 2]).expect("state");
		}
		let store = SqliteStore::open(&path).expect("reopens");
		let a = store.by_locator("a").expect("read").expect("kept");
		assert_eq!(
			(a.state, a.submitted_from, a.tx_hash),
			(State::Submitted, Some(40), Some([3; 32]))
		);
		assert_eq!(a.extrinsic, Some(vec![1, 2]));
		assert_eq!(store.unfinished().expect("read").len(), 1);
		store.set_state("a", State::Anchored, Some([5; 32]), None, None).expect("state");
		assert!(store.unfinished().expect("read").is_empty());
		assert_eq!(store.by_record(&[5; 32]).expect("read").expect("found").locator, "a");
	}

	#[test]
	fn destroying_deletes_the_key_and_the_ciphertext() {
		let dir = tempfile::tempdir().expect("tempdir");
		let store = SqliteStore::open(&dir.path().join("g.sqlite")).expect("opens");
		store.insert(doc("a", 1, 1)).expect("insert");
		store.insert(doc("b", 2, 1)).expect("insert");
		store.insert(doc("c", 3, 2)).expect("insert");
		store.set_state("a", State::Anchored, Some([1; 32]), None, None).expect("state");
		assert!(store.destroy_record(&[1; 32], "sealed").expect("destroy"));
		assert!(!store.destroy_record(&[1; 32], "sealed").expect("destroy twice"));
		let a = store.by_locator("a").expect("read").expect("row kept for the 410");
		assert_eq!(a.state, State::Destroyed);
		assert!(a.ciphertext.is_none() && a.wrapped_key.is_none());
		assert_eq!(store.destroy_patient(&[1; 32], "erased").expect("destroy"), 1);
		assert_eq!(store.by_locator("c").expect("read").expect("row").state, State::Stored);
		// A destroyed document no longer counts as "the same document": it can be uploaded anew.
		assert!(matches!(store.insert(doc("d", 1, 1)).expect("insert"), Inserted::New));
		// State changes never resurrect a destroyed row.
		store.set_state("a", State::Anchored, None, None, None).expect("no-op");
		assert_eq!(store.by_locator("a").expect("read").expect("row").state, State::Destroyed);
	}

	/// Whether `needle` occurs in the file at `path` (missing file: no).
	fn file_contains(path: &Path, needle: &[u8]) -> bool {
		std::fs::read(path).is_ok_and(|bytes| bytes.windows(needle.len()).any(|w| w == needle))
	}

	#[test]
	fn destroying_leaves_no_copy_of_the_ciphertext_or_the_wrapped_key_in_the_wal_or_the_file() {
		let dir = tempfile::tempdir().expect("tempdir");
		let path = dir.path().join("gateway.sqlite");
		let wal = dir.path().join("gateway.sqlite-wal");
		let store = SqliteStore::open(&path).expect("opens");
		// Distinctive bytes, big enough for overflow pages, and a small wrapped key.
		let ciphertext: Vec<u8> =
			(0..6000u32).map(|i| b"CIPHERTEXT-MARKER-"[(i % 18) as usize]).collect();
		let wrapped_key = b"WRAPPED-KEY-MARKER-0123456789abcdef".to_vec();
		for (locator, dedup, patient) in [("a", 1, 1), ("b", 2, 2)] {
			store
				.insert(NewDocument {
					ciphertext: ciphertext.clone(),
					wrapped_key: wrapped_key.clone(),
					..doc(locator, dedup, patient)
				})
				.expect("insert");
		}
		store.set_state("a", State::Anchored, Some([1; 32]), None, None).expect("state");
		assert!(file_contains(&wal, b"WRAPPED-KEY-MARKER"), "the WAL holds the insert's pages");
		assert!(store.destroy_record(&[1; 32], "sealed").expect("destroy"));
		assert_eq!(store.destroy_patient(&[2; 32], "erased").expect("destroy"), 1);
		for file in [&path, &wal] {
			assert!(
				!file_contains(file, b"WRAPPED-KEY-MARKER"),
				"{} keeps a wrapped key",
				file.display()
			);
			assert!(
				!file_contains(file, b"CIPHERTEXT-MARKER"),
				"{} keeps ciphertext",
				file.display()
			);
		}
		// The store still works (and its WAL is used again).
		store.insert(doc("c", 3, 3)).expect("insert after a checkpoint");
		assert_eq!(store.by_locator("c").expect("read").expect("kept").state, State::Stored);
	}

	#[test]
	fn a_single_unanchored_document_can_be_destroyed() {
		let dir = tempfile::tempdir().expect("tempdir");
		let store = SqliteStore::open(&dir.path().join("g.sqlite")).expect("opens");
		store.insert(doc("a", 1, 1)).expect("insert");
		store.insert(doc("b", 2, 1)).expect("insert");
		store
			.set_state("a", State::Failed, None, None, Some("HealthRecords.DeregisteredPatient"))
			.expect("state");
		assert!(store.destroy_document("a", "the patient deregistered").expect("destroy"));
		assert!(!store.destroy_document("a", "again").expect("destroy twice"));
		let a = store.by_locator("a").expect("read").expect("row kept");
		assert_eq!((a.state, a.ciphertext, a.wrapped_key), (State::Destroyed, None, None));
		assert_eq!(store.by_locator("b").expect("read").expect("row").state, State::Stored);
		// Destroyed rows are not unfinished: never retried.
		assert_eq!(store.unfinished().expect("read").len(), 1);
	}

	#[test]
	fn unkeyed_dedup_keys_of_an_old_store_are_rekeyed_once_without_losing_a_row() {
		use crate::{
			crypto::MasterKey,
			service::{dedup_message, keyed_dedup_of},
		};
		let dir = tempfile::tempdir().expect("tempdir");
		let path = dir.path().join("gateway.sqlite");
		let master = MasterKey::from_bytes([5; 32]);
		let canonical = br#"{"resourceType":"Observation","status":"final"}"#;
		let (patient, supersedes) = ([1u8; 32], Some([7u8; 32]));
		let message = dedup_message(&patient, "LabResults", canonical, supersedes.as_ref());
		let old_key = sp_crypto_hashing::blake2_256(&message);
		let store = SqliteStore::open(&path).expect("opens");
		let mut plaintext = vec![9u8; 32];
		plaintext.extend_from_slice(canonical);
		let sealed = master.seal(&plaintext, b"a");
		// An old store: one readable row, one that cannot be decrypted, one destroyed.
		store
			.insert(NewDocument {
				dedup_key: old_key,
				patient,
				supersedes,
				ciphertext: sealed.ciphertext.clone(),
				wrapped_key: sealed.wrapped_key.clone(),
				..doc("a", 0, 1)
			})
			.expect("insert");
		store.set_state("a", State::Anchored, Some([3; 32]), None, None).expect("state");
		store.insert(doc("broken", 2, 1)).expect("insert");
		store.insert(doc("gone", 3, 1)).expect("insert");
		store.destroy_document("gone", "sealed").expect("destroy");
		drop(store);
		let store = SqliteStore::open(&path).expect("reopens");
		assert_eq!(store.rekey_dedup(|d| keyed_dedup_of(&master, d)).expect("rekeys"), 2);
		let new_key = master.dedup_key(&message);
		assert_ne!(new_key, old_key);
		// The same upload again finds the row under the keyed value; the unkeyed one is gone.
		let a = store.by_dedup_key(&new_key).expect("read").expect("found by the keyed value");
		assert_eq!(
			(a.locator.as_str(), a.state, a.record_id),
			("a", State::Anchored, Some([3; 32]))
		);
		assert!(store.by_dedup_key(&old_key).expect("read").is_none());
		assert_eq!(
			master
				.open(
					&crate::crypto::Sealed {
						ciphertext: a.ciphertext.expect("kept"),
						wrapped_key: a.wrapped_key.expect("kept")
					},
					b"a"
				)
				.expect("opens"),
			plaintext
		);
		// Every row is still there.
		for locator in ["a", "broken", "gone"] {
			assert!(store.by_locator(locator).expect("read").is_some(), "{locator}");
		}
		assert!(store.by_dedup_key(&[2; 32]).expect("read").is_none());
		// Once per store.
		assert_eq!(store.rekey_dedup(|_| panic!("not again")).expect("no-op"), 0);
		// The unkeyed value is in neither file any more.
		drop(store);
		for file in [path.clone(), dir.path().join("gateway.sqlite-wal")] {
			assert!(!file_contains(&file, &old_key), "{} keeps the unkeyed value", file.display());
		}
		// A new store is marked keyed at once.
		let fresh = SqliteStore::open(&dir.path().join("fresh.sqlite")).expect("opens");
		assert_eq!(fresh.rekey_dedup(|_| None).expect("empty"), 0);
		assert_eq!(fresh.meta(DEDUP_SCHEME).expect("read").as_deref(), Some(DEDUP_KEYED_V1));
	}

	/// A store of `n` readable documents under `master` (the first one destroyed), each with
	/// its keyed dedup key; their locators.
	fn documents_under(
		store: &SqliteStore,
		master: &crate::crypto::MasterKey,
		n: u8,
	) -> Vec<String> {
		let mut locators = Vec::new();
		for i in 0..n {
			let locator = format!("mcg1:{i:02}");
			let canonical = format!(r#"{{"resourceType":"Observation","value":{i}}}"#);
			let plaintext = [&[i; 32][..], canonical.as_bytes()].concat();
			let sealed = master.seal(&plaintext, locator.as_bytes());
			let message =
				crate::service::dedup_message(&[1; 32], "LabResults", canonical.as_bytes(), None);
			store
				.insert(NewDocument {
					dedup_key: master.dedup_key(&message),
					ciphertext: sealed.ciphertext,
					wrapped_key: sealed.wrapped_key,
					..doc(&locator, i, 1)
				})
				.expect("insert");
			store.set_state(&locator, State::Anchored, Some([i; 32]), None, None).expect("state");
			locators.push(locator);
		}
		store.destroy_document(&locators[0], "sealed").expect("destroy");
		locators
	}

	/// Whether `master` opens the document at `locator`.
	fn opens(store: &SqliteStore, master: &crate::crypto::MasterKey, locator: &str) -> bool {
		let d = store.by_locator(locator).expect("read").expect("row");
		match (d.ciphertext, d.wrapped_key) {
			(Some(ciphertext), Some(wrapped_key)) => master
				.open(&crate::crypto::Sealed { ciphertext, wrapped_key }, locator.as_bytes())
				.is_ok(),
			_ => false,
		}
	}

	#[test]
	fn rotating_the_master_key_rewraps_every_document_key_and_leaves_none_under_the_old_key() {
		use crate::{crypto::MasterKey, service::rewrap_row};
		let dir = tempfile::tempdir().expect("tempdir");
		let path = dir.path().join("gateway.sqlite");
		let wal = dir.path().join("gateway.sqlite-wal");
		let (old, new) = (MasterKey::from_bytes([5; 32]), MasterKey::from_bytes([6; 32]));
		let store = SqliteStore::open(&path).expect("opens");
		let locators = documents_under(&store, &old, 40);
		store.ensure_master_key(&old.check_value(), |_| true).expect("the store's key");
		let before: Vec<Document> =
			locators.iter().map(|l| store.by_locator(l).expect("read").expect("row")).collect();
		let first = before[1].wrapped_key.as_deref().expect("key");
		assert!(file_contains(&path, first) || file_contains(&wal, first), "the store holds it");

		let rotated = store
			.rotate_master_key(&old.check_value(), &new.check_value(), |d| {
				rewrap_row(&old, &new, d)
			})
			.expect("rotates");
		assert_eq!(rotated, 39, "every live row, not the destroyed one");
		for (locator, was) in locators.iter().zip(&before).skip(1) {
			assert!(opens(&store, &new, locator) && !opens(&store, &old, locator), "{locator}");
			let now = store.by_locator(locator).expect("read").expect("row");
			// The ciphertext and the row's state are unchanged; only the key's wrapping.
			assert_eq!(
				(&now.ciphertext, now.state, now.record_id),
				(&was.ciphertext, was.state, was.record_id)
			);
		}
		// The same upload is still found as the same document, under the new key's MAC.
		let message = crate::service::dedup_message(
			&[1; 32],
			"LabResults",
			br#"{"resourceType":"Observation","value":7}"#,
			None,
		);
		let found = store.by_dedup_key(&new.dedup_key(&message)).expect("read").expect("found");
		assert_eq!(found.locator, "mcg1:07");
		assert!(store.by_dedup_key(&old.dedup_key(&message)).expect("read").is_none());
		// Nothing under the old key is left in the file or the write-ahead log.
		for doc in &before[1..] {
			let old_key = doc.wrapped_key.as_deref().expect("key");
			for file in [&path, &wal] {
				assert!(!file_contains(file, old_key), "{}: {}", file.display(), doc.locator);
			}
		}
		let old_dedup = old.dedup_key(&message);
		assert!(!file_contains(&path, &old_dedup) && !file_contains(&wal, &old_dedup));
		// The store now names the new key: the old one is refused, the new one accepted; a
		// second run (after a crash between the commit and the shredding) changes nothing.
		assert!(store.ensure_master_key(&old.check_value(), |_| true).is_err());
		store.ensure_master_key(&new.check_value(), |_| false).expect("the new key");
		assert_eq!(
			store
				.rotate_master_key(&old.check_value(), &new.check_value(), |_| {
					Err("not again".into())
				})
				.expect("done before"),
			0
		);
		// A key that is neither is refused before anything is read.
		let other = MasterKey::from_bytes([7; 32]);
		assert!(store
			.rotate_master_key(&other.check_value(), &old.check_value(), |d| rewrap_row(
				&other, &old, d
			))
			.is_err());
		assert!(opens(&store, &new, "mcg1:39"));
	}

	#[test]
	fn a_rotation_interrupted_midway_leaves_every_document_under_the_old_key() {
		use crate::{crypto::MasterKey, service::rewrap_row};
		let dir = tempfile::tempdir().expect("tempdir");
		let path = dir.path().join("gateway.sqlite");
		let (old, new) = (MasterKey::from_bytes([5; 32]), MasterKey::from_bytes([6; 32]));
		let store = SqliteStore::open(&path).expect("opens");
		let locators = documents_under(&store, &old, 40);
		store.ensure_master_key(&old.check_value(), |_| true).expect("the store's key");

		// A crash midway: what is on disk after 20 rows are re-wrapped (the database file and
		// its write-ahead log, copied as a power cut would leave them) is opened as the next
		// start would open it.
		let crashed = tempfile::tempdir().expect("tempdir");
		let mut done = 0;
		store
			.rotate_master_key(&old.check_value(), &new.check_value(), |d| {
				done += 1;
				if done == 20 {
					for name in ["gateway.sqlite", "gateway.sqlite-wal"] {
						let from = dir.path().join(name);
						if from.exists() {
							std::fs::copy(&from, crashed.path().join(name)).expect("copy");
						}
					}
				}
				rewrap_row(&old, &new, d)
			})
			.expect("rotates");
		let image = SqliteStore::open(&crashed.path().join("gateway.sqlite")).expect("opens");
		for locator in &locators[1..] {
			assert!(opens(&image, &old, locator) && !opens(&image, &new, locator), "{locator}");
		}
		assert!(image.ensure_master_key(&new.check_value(), |_| true).is_err());
		image.ensure_master_key(&old.check_value(), |_| false).expect("still the old key");
		// Running the rotation again there completes it.
		assert_eq!(
			image
				.rotate_master_key(&old.check_value(), &new.check_value(), |d| rewrap_row(
					&old, &new, d
				))
				.expect("rotates"),
			39
		);
		assert!(locators[1..].iter().all(|l| opens(&image, &new, l)));

		// A row whose key does not unwrap (tampered, or under yet another key) stops the
		// rotation before anything changes, naming it: the old key is still needed.
		let dir = tempfile::tempdir().expect("tempdir");
		let store = SqliteStore::open(&dir.path().join("gateway.sqlite")).expect("opens");
		let locators = documents_under(&store, &old, 10);
		store.ensure_master_key(&old.check_value(), |_| true).expect("the store's key");
		let stranger = MasterKey::from_bytes([8; 32]).seal(b"x", b"mcg1:zz");
		store
			.insert(NewDocument {
				ciphertext: stranger.ciphertext,
				wrapped_key: stranger.wrapped_key,
				..doc("mcg1:zz", 99, 1)
			})
			.expect("insert");
		let error = store
			.rotate_master_key(&old.check_value(), &new.check_value(), |d| {
				rewrap_row(&old, &new, d)
			})
			.expect_err("refused");
		assert!(
			error.0.contains("mcg1:zz") && error.0.contains("nothing was changed"),
			"{}",
			error.0
		);
		assert!(locators[1..].iter().all(|l| opens(&store, &old, l) && !opens(&store, &new, l)));
		store.ensure_master_key(&old.check_value(), |_| false).expect("still the old key");
	}

	#[test]
	fn the_data_directory_is_locked_by_one_process_at_a_time() {
		let dir = tempfile::tempdir().expect("tempdir");
		let held = lock_data_dir(dir.path()).expect("locked");
		let refused = lock_data_dir(dir.path()).expect_err("refused while held");
		assert!(refused.contains("stop it first"), "{refused}");
		drop(held);
		lock_data_dir(dir.path()).expect("free again");
	}

	#[test]
	fn meta_values_are_upserted() {
		let dir = tempfile::tempdir().expect("tempdir");
		let store = SqliteStore::open(&dir.path().join("g.sqlite")).expect("opens");
		assert_eq!(store.meta("cursor").expect("read"), None);
		store.set_meta("cursor", &7u32.to_le_bytes()).expect("write");
		store.set_meta("cursor", &8u32.to_le_bytes()).expect("write");
		assert_eq!(store.meta("cursor").expect("read"), Some(8u32.to_le_bytes().to_vec()));
	}
}
