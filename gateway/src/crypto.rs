//! Encryption at rest: every document has its own random key (ChaCha20-Poly1305); that key is
//! stored only wrapped by the gateway's master key, in the same row as the ciphertext.
//!
//! What destroying a document (deleting its ciphertext and wrapped key) does and does not do:
//! the live store no longer holds either (SQLite's `secure_delete` zeroes the freed bytes and
//! the write-ahead log is checkpointed and truncated right after, see `store`), so the
//! document cannot be read from the store any more. It does **not** reach copies made before:
//! a backup or snapshot of the store holds the ciphertext *and* its wrapped key, and stays
//! readable by whoever also holds the master key, for as long as that master key exists.
//! Keep backups of the store apart from the master key, and expire them; destroying the
//! master key is what destroys every copy. `medchain-gateway rotate-master-key` re-wraps every
//! document key under a new master key (`SqliteStore::rotate_master_key`), after which the
//! old key opens nothing in the live store and can be destroyed (backups made before the
//! rotation need the old key: destroying it destroys them).
//!
//! The master key also keys the upload dedup MAC ([`MasterKey::dedup_key`]), so the store
//! alone cannot confirm a guess of a document's content.

use chacha20poly1305::{
	aead::{Aead, KeyInit, Payload},
	ChaCha20Poly1305, Key, Nonce,
};
use rand::RngCore;
use std::{io::Write, path::Path};

/// Bytes of a key.
pub const KEY_LEN: usize = 32;
/// Bytes of a ChaCha20-Poly1305 nonce.
const NONCE_LEN: usize = 12;

/// A document as stored: its ciphertext and its wrapped key, each `nonce ++ ciphertext+tag`.
pub struct Sealed {
	pub ciphertext: Vec<u8>,
	pub wrapped_key: Vec<u8>,
}

/// The decryption failed: the ciphertext, the wrapped key or their binding was altered.
#[derive(Debug, PartialEq, Eq)]
pub struct Tampered;

/// The gateway's master key (wraps every document key).
pub struct MasterKey(Key);

impl MasterKey {
	/// Load the key from `path`, or create it (random, mode 0600) if the file does not exist.
	pub fn load_or_create(path: &Path) -> std::io::Result<MasterKey> {
		match std::fs::read(path) {
			Ok(bytes) => {
				let text = String::from_utf8_lossy(&bytes);
				let raw = hex::decode(text.trim().trim_start_matches("0x")).map_err(|e| {
					std::io::Error::other(format!("{}: not a hex key: {e}", path.display()))
				})?;
				if raw.len() != KEY_LEN {
					return Err(std::io::Error::other(format!(
						"{}: the master key must be {KEY_LEN} bytes, found {}",
						path.display(),
						raw.len()
					)));
				}
				Ok(MasterKey(*Key::from_slice(&raw)))
			}
			Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
				let mut raw = [0u8; KEY_LEN];
				rand::rngs::OsRng.fill_bytes(&mut raw);
				let mut options = std::fs::OpenOptions::new();
				options.write(true).create_new(true);
				#[cfg(unix)]
				{
					use std::os::unix::fs::OpenOptionsExt;
					options.mode(0o600);
				}
				let mut file = options.open(path)?;
				file.write_all(format!("0x{}\n", hex::encode(raw)).as_bytes())?;
				file.sync_all()?;
				Ok(MasterKey(*Key::from_slice(&raw)))
			}
			Err(e) => Err(e),
		}
	}

	/// Load the key at `path`, which must exist.
	pub fn load(path: &Path) -> std::io::Result<MasterKey> {
		if !path.exists() {
			return Err(std::io::Error::new(
				std::io::ErrorKind::NotFound,
				format!("{}: no such master key file", path.display()),
			));
		}
		MasterKey::load_or_create(path)
	}

	/// Create a new random key at `path` atomically: written (mode 0600) and synced under a
	/// temporary name, then renamed into place and the directory synced, so a crash leaves
	/// either no file at `path` or the whole key. Fails if `path` exists.
	pub fn create_atomically(path: &Path) -> std::io::Result<MasterKey> {
		if path.exists() {
			return Err(std::io::Error::new(
				std::io::ErrorKind::AlreadyExists,
				format!("{} exists", path.display()),
			));
		}
		let name = path.file_name().ok_or_else(|| std::io::Error::other("no file name"))?;
		let temporary = path.with_file_name(format!(".{}.tmp", name.to_string_lossy()));
		let _ = std::fs::remove_file(&temporary);
		let key = MasterKey::load_or_create(&temporary)?;
		std::fs::rename(&temporary, path)?;
		if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
			std::fs::File::open(dir)?.sync_all()?;
		}
		Ok(key)
	}

	/// A value that identifies the key without revealing it (keyed BLAKE2b of a constant):
	/// the store keeps the one of the key its documents are wrapped under, so a gateway given
	/// another key (e.g. the old one after a rotation) refuses to start instead of answering
	/// `Tampered` for every document.
	pub fn check_value(&self) -> [u8; 32] {
		let mac = blake2b_simd::Params::new()
			.hash_length(32)
			.key(self.0.as_slice())
			.personal(b"mcg-master-check")
			.hash(b"medchain-gateway master key check value");
		let mut out = [0u8; 32];
		out.copy_from_slice(mac.as_bytes());
		out
	}

	/// The document key wrapped in `wrapped_key` (bound to `binding`), wrapped anew under
	/// `new`: what a rotation does to every row (the ciphertext is unchanged).
	pub fn rewrap(
		&self,
		new: &MasterKey,
		wrapped_key: &[u8],
		binding: &[u8],
	) -> Result<Vec<u8>, Tampered> {
		let mut document_key = decrypt(&self.0, wrapped_key, binding)?;
		if document_key.len() != KEY_LEN {
			return Err(Tampered);
		}
		let rewrapped = encrypt(&new.0, &document_key, binding);
		document_key.fill(0);
		Ok(rewrapped)
	}

	#[cfg(test)]
	pub fn from_bytes(raw: [u8; KEY_LEN]) -> MasterKey {
		MasterKey(*Key::from_slice(&raw))
	}

	/// The dedup key of an upload: keyed BLAKE2b-256 (a MAC) of `message` (see
	/// `service::dedup_message`) under a key derived from the master key, so "is this the
	/// same document as that row?" needs the master key, not just the store.
	pub fn dedup_key(&self, message: &[u8]) -> [u8; 32] {
		let derived = blake2b_simd::Params::new()
			.hash_length(32)
			.key(self.0.as_slice())
			.personal(b"mcg-dedup-key-v1")
			.hash(b"medchain-gateway upload dedup key");
		let mac = blake2b_simd::Params::new().hash_length(32).key(derived.as_bytes()).hash(message);
		let mut out = [0u8; 32];
		out.copy_from_slice(mac.as_bytes());
		out
	}

	/// Encrypt `plaintext` under a fresh document key, bound to `binding` (the locator) so a
	/// row cannot be swapped for another; return it with the key wrapped by the master key.
	pub fn seal(&self, plaintext: &[u8], binding: &[u8]) -> Sealed {
		let mut document_key = [0u8; KEY_LEN];
		rand::rngs::OsRng.fill_bytes(&mut document_key);
		let ciphertext = encrypt(Key::from_slice(&document_key), plaintext, binding);
		let wrapped_key = encrypt(&self.0, &document_key, binding);
		document_key.fill(0);
		Sealed { ciphertext, wrapped_key }
	}

	/// Unwrap the document key and decrypt.
	pub fn open(&self, sealed: &Sealed, binding: &[u8]) -> Result<Vec<u8>, Tampered> {
		let mut document_key = decrypt(&self.0, &sealed.wrapped_key, binding)?;
		if document_key.len() != KEY_LEN {
			return Err(Tampered);
		}
		let plaintext = decrypt(Key::from_slice(&document_key), &sealed.ciphertext, binding);
		document_key.fill(0);
		plaintext
	}
}

fn encrypt(key: &Key, plaintext: &[u8], aad: &[u8]) -> Vec<u8> {
	let mut nonce = [0u8; NONCE_LEN];
	rand::rngs::OsRng.fill_bytes(&mut nonce);
	let cipher = ChaCha20Poly1305::new(key);
	// Encryption only fails for plaintexts beyond ~256 GiB; the gateway's bodies are bounded.
	let sealed = cipher
		.encrypt(Nonce::from_slice(&nonce), Payload { msg: plaintext, aad })
		.unwrap_or_default();
	let mut out = Vec::with_capacity(NONCE_LEN + sealed.len());
	out.extend_from_slice(&nonce);
	out.extend_from_slice(&sealed);
	out
}

fn decrypt(key: &Key, sealed: &[u8], aad: &[u8]) -> Result<Vec<u8>, Tampered> {
	if sealed.len() < NONCE_LEN {
		return Err(Tampered);
	}
	let (nonce, ciphertext) = sealed.split_at(NONCE_LEN);
	ChaCha20Poly1305::new(key)
		.decrypt(Nonce::from_slice(nonce), Payload { msg: ciphertext, aad })
		.map_err(|_| Tampered)
}

#[cfg(test)]
mod tests {
	use super::*;

	#[test]
	fn round_trips_and_detects_every_alteration() {
		let master = MasterKey::from_bytes([7; KEY_LEN]);
		let sealed = master.seal(b"salt++canonical", b"locator-1");
		assert_eq!(master.open(&sealed, b"locator-1").as_deref(), Ok(&b"salt++canonical"[..]));
		// Another binding (a row moved under another locator) fails.
		assert_eq!(master.open(&sealed, b"locator-2"), Err(Tampered));
		// Any flipped byte of the ciphertext or of the wrapped key fails.
		for i in 0..sealed.ciphertext.len() {
			let mut c = sealed.ciphertext.clone();
			c[i] ^= 1;
			let altered = Sealed { ciphertext: c, wrapped_key: sealed.wrapped_key.clone() };
			assert_eq!(master.open(&altered, b"locator-1"), Err(Tampered), "byte {i}");
		}
		for i in 0..sealed.wrapped_key.len() {
			let mut k = sealed.wrapped_key.clone();
			k[i] ^= 0x80;
			let altered = Sealed { ciphertext: sealed.ciphertext.clone(), wrapped_key: k };
			assert_eq!(master.open(&altered, b"locator-1"), Err(Tampered), "key byte {i}");
		}
		// Another gateway's master key cannot open it.
		assert_eq!(MasterKey::from_bytes([8; KEY_LEN]).open(&sealed, b"locator-1"), Err(Tampered));
	}

	#[test]
	fn two_seals_of_one_document_share_nothing() {
		let master = MasterKey::from_bytes([1; KEY_LEN]);
		let (a, b) = (master.seal(b"same", b"l"), master.seal(b"same", b"l"));
		assert_ne!(a.ciphertext, b.ciphertext);
		assert_ne!(a.wrapped_key, b.wrapped_key);
	}

	#[test]
	fn the_dedup_key_is_a_mac_under_the_master_key_not_a_plain_hash() {
		let message = b"patient++LabResults\0{\"resourceType\":\"Observation\"}";
		let a = MasterKey::from_bytes([1; KEY_LEN]);
		// Stable for one master key (the same document is found again)...
		assert_eq!(a.dedup_key(message), a.dedup_key(message));
		assert_ne!(a.dedup_key(message), a.dedup_key(b"another document"));
		// ...but not computable without it: another key gives another value, and it is not
		// the unkeyed hash anyone holding the store could compute to confirm a guess.
		assert_ne!(a.dedup_key(message), MasterKey::from_bytes([2; KEY_LEN]).dedup_key(message));
		assert_ne!(a.dedup_key(message), sp_crypto_hashing::blake2_256(message));
	}

	#[test]
	fn a_rewrapped_key_opens_under_the_new_master_key_only() {
		let (old, new) = (MasterKey::from_bytes([1; KEY_LEN]), MasterKey::from_bytes([2; KEY_LEN]));
		let sealed = old.seal(b"document", b"l");
		let wrapped_key = old.rewrap(&new, &sealed.wrapped_key, b"l").expect("rewraps");
		let rewrapped = Sealed { ciphertext: sealed.ciphertext.clone(), wrapped_key };
		assert_eq!(new.open(&rewrapped, b"l").as_deref(), Ok(&b"document"[..]));
		assert_eq!(old.open(&rewrapped, b"l"), Err(Tampered));
		// A key that is not the old one, or another binding, cannot re-wrap it.
		assert!(new.rewrap(&old, &sealed.wrapped_key, b"l").is_err());
		assert!(old.rewrap(&new, &sealed.wrapped_key, b"m").is_err());
		assert_ne!(old.check_value(), new.check_value());
		assert_eq!(old.check_value(), MasterKey::from_bytes([1; KEY_LEN]).check_value());
	}

	#[test]
	fn a_new_key_is_created_whole_or_not_at_all_and_never_over_another() {
		let dir = tempfile::tempdir().expect("tempdir");
		let path = dir.path().join("new.key");
		let created = MasterKey::create_atomically(&path).expect("created");
		assert_eq!(MasterKey::load(&path).expect("loads").check_value(), created.check_value());
		assert!(MasterKey::create_atomically(&path).is_err(), "never over an existing key");
		assert!(!dir.path().join(".new.key.tmp").exists());
		assert!(MasterKey::load(&dir.path().join("missing.key")).is_err(), "load never creates");
	}

	#[test]
	fn the_master_key_file_is_created_once_and_reused() {
		let dir = tempfile::tempdir().expect("tempdir");
		let path = dir.path().join("master.key");
		let first = MasterKey::load_or_create(&path).expect("created");
		let sealed = first.seal(b"doc", b"l");
		let again = MasterKey::load_or_create(&path).expect("loaded");
		assert_eq!(again.open(&sealed, b"l").as_deref(), Ok(&b"doc"[..]));
		#[cfg(unix)]
		{
			use std::os::unix::fs::PermissionsExt;
			let mode = std::fs::metadata(&path).expect("metadata").permissions().mode();
			assert_eq!(mode & 0o777, 0o600);
		}
		std::fs::write(&path, "0x1234").expect("written");
		assert!(MasterKey::load_or_create(&path).is_err());
	}
}
