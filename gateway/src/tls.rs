//! TLS served by the gateway itself (rustls with the ring provider), so that a browser can
//! reach it: `--tls-cert` / `--tls-key` name PEM files; with them the gateway speaks https
//! only. A plain-http request to a TLS port is answered `400 HttpsRequired` and the
//! connection closed: nothing is served over plain http there.
//!
//! Handshakes run in each connection's own task (server.rs), under the connection caps (a
//! slow or silent client never holds up the others, and holds its place at most
//! `HANDSHAKE_TIMEOUT`).

use crate::error::{ApiError, ErrorCode};
use rustls::pki_types::{pem::PemObject, CertificateDer, PrivateKeyDer};
use std::{net::SocketAddr, path::Path, sync::Arc, time::Duration};
use tokio::{
	io::{AsyncReadExt, AsyncWriteExt},
	net::TcpStream,
};
use tokio_rustls::{server::TlsStream, TlsAcceptor};

/// How long a client may take to finish its TLS handshake.
const HANDSHAKE_TIMEOUT: Duration = Duration::from_secs(10);

/// The first byte of a TLS record carrying a handshake (a ClientHello).
const TLS_HANDSHAKE: u8 = 0x16;

/// The crypto provider: ring, the one already compiled for the node's and jsonrpsee's rustls.
pub fn provider() -> Arc<rustls::crypto::CryptoProvider> {
	Arc::new(rustls::crypto::ring::default_provider())
}

/// The server's TLS configuration from a PEM certificate chain (leaf first) and a PEM
/// private key (PKCS#8, PKCS#1 or SEC1). Every refusal names the file and what is wrong.
pub fn server_config(cert: &Path, key: &Path) -> Result<Arc<rustls::ServerConfig>, String> {
	let (cert_name, key_name) = (cert.display(), key.display());
	let cert_pem = std::fs::read(cert)
		.map_err(|e| format!("cannot read the TLS certificate {cert_name}: {e}"))?;
	let chain = CertificateDer::pem_slice_iter(&cert_pem)
		.collect::<Result<Vec<_>, _>>()
		.map_err(|e| format!("the TLS certificate {cert_name} is not valid PEM: {e}"))?;
	if chain.is_empty() {
		return Err(format!(
			"the TLS certificate {cert_name} holds no certificate (no -----BEGIN CERTIFICATE----- block)"
		));
	}
	let key_pem =
		std::fs::read(key).map_err(|e| format!("cannot read the TLS key {key_name}: {e}"))?;
	let private_key = PrivateKeyDer::from_pem_slice(&key_pem).map_err(|e| match e {
		rustls::pki_types::pem::Error::NoItemsFound => format!(
			"the TLS key {key_name} holds no private key (no -----BEGIN PRIVATE KEY----- block)"
		),
		e => format!("the TLS key {key_name} is not valid PEM: {e}"),
	})?;
	let mut config = rustls::ServerConfig::builder_with_provider(provider())
		.with_safe_default_protocol_versions()
		.map_err(|e| format!("TLS: {e}"))?
		.with_no_client_auth()
		.with_single_cert(chain, private_key)
		.map_err(|e| match e {
			rustls::Error::InconsistentKeys(_) => format!(
				"the TLS key {key_name} is not the key of the certificate {cert_name} (a certificate and key of different pairs)"
			),
			e => format!("the TLS certificate {cert_name} and key {key_name} are not usable: {e}"),
		})?;
	// HTTP/2 when the client offers it (browsers do): one connection carries every request of a
	// history assembly, instead of six HTTP/1.1 connections taking turns.
	config.alpn_protocols = vec![b"h2".to_vec(), b"http/1.1".to_vec()];
	Ok(Arc::new(config))
}

/// The TLS handshake with `peer`; a plain-http request is answered `400 HttpsRequired`.
pub(crate) async fn handshake(
	acceptor: &TlsAcceptor,
	stream: TcpStream,
	peer: SocketAddr,
) -> Option<TlsStream<TcpStream>> {
	let mut first = [0u8; 1];
	match tokio::time::timeout(HANDSHAKE_TIMEOUT, stream.peek(&mut first)).await {
		Ok(Ok(1)) => {}
		_ => return None,
	}
	if first[0] != TLS_HANDSHAKE {
		log::debug!("plain-text request from {peer} on the https port: refused");
		refuse_plain_http(stream).await;
		return None;
	}
	match tokio::time::timeout(HANDSHAKE_TIMEOUT, acceptor.accept(stream)).await {
		Ok(Ok(tls)) => Some(tls),
		Ok(Err(e)) => {
			log::debug!("TLS handshake with {peer} failed: {e}");
			None
		}
		Err(_) => {
			log::debug!("TLS handshake with {peer} timed out");
			None
		}
	}
}

/// Answer a plain-http request on the https port with `400 HttpsRequired`, then close.
async fn refuse_plain_http(mut stream: TcpStream) {
	// Read what the client sent first, so that closing does not reset the connection
	// before it reads the answer.
	let mut request = [0u8; 8192];
	let _ = tokio::time::timeout(Duration::from_millis(500), stream.read(&mut request)).await;
	let refusal = ApiError::new(
		ErrorCode::HttpsRequired,
		"this gateway serves https only: use an https:// URL",
	);
	let status = refusal.code().status();
	let body = refusal.body().to_string();
	let response = format!(
		"HTTP/1.1 {} {}\r\ncontent-type: application/json\r\ncontent-length: {}\r\nconnection: close\r\n\r\n{body}",
		status.as_u16(),
		status.canonical_reason().unwrap_or(""),
		body.len()
	);
	let _ = tokio::time::timeout(Duration::from_secs(2), async {
		stream.write_all(response.as_bytes()).await?;
		stream.shutdown().await
	})
	.await;
}

/// A client configuration trusting the system's roots and `extra` (PEM CA certificates).
pub fn client_config(extra_ca: Option<&Path>) -> Result<Arc<rustls::ClientConfig>, String> {
	let extra = match extra_ca {
		None => Vec::new(),
		Some(path) => {
			let pem = std::fs::read(path).map_err(|e| format!("{}: {e}", path.display()))?;
			let certs = CertificateDer::pem_slice_iter(&pem)
				.collect::<Result<Vec<_>, _>>()
				.map_err(|e| format!("{} is not valid PEM: {e}", path.display()))?;
			if certs.is_empty() {
				return Err(format!("{} holds no certificate", path.display()));
			}
			certs
		}
	};
	let verifier = rustls_platform_verifier::Verifier::new_with_extra_roots(extra)
		.map_err(|e| format!("TLS: {e}"))?
		.with_provider(provider());
	let config = rustls::ClientConfig::builder_with_provider(provider())
		.with_safe_default_protocol_versions()
		.map_err(|e| format!("TLS: {e}"))?
		.dangerous()
		.with_custom_certificate_verifier(Arc::new(verifier))
		.with_no_client_auth();
	Ok(Arc::new(config))
}

#[cfg(test)]
mod tests {
	use super::*;
	use axum::{routing::get, Router};
	use std::{io, path::PathBuf};
	use tokio::net::TcpListener;

	/// A development CA and certificates for `names`, made by scripts/dev-certs.sh.
	fn dev_certs(names: &[&str]) -> (tempfile::TempDir, PathBuf) {
		let dir = tempfile::tempdir().expect("tempdir");
		let script = concat!(env!("CARGO_MANIFEST_DIR"), "/../scripts/dev-certs.sh");
		let out = std::process::Command::new("bash")
			.arg(script)
			.args(names)
			.env("MEDCHAIN_DEV_CERTS", dir.path())
			.output()
			.expect("scripts/dev-certs.sh runs");
		assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
		let ca = PathBuf::from(String::from_utf8_lossy(&out.stdout).trim());
		assert_eq!(ca, dir.path().join("ca.pem"));
		(dir, ca)
	}

	/// Serve a small router on 127.0.0.1:0 over TLS; its address.
	async fn serve(config: Arc<rustls::ServerConfig>) -> SocketAddr {
		let tcp = TcpListener::bind("127.0.0.1:0").await.expect("binds");
		let addr = tcp.local_addr().expect("address");
		let app = Router::new().route("/v1/info", get(|| async { "served" }));
		let gate = crate::server::ConnectionGate::new(Default::default());
		tokio::spawn(crate::server::serve(tcp, Some(config), app, gate, std::future::pending()));
		addr
	}

	const REQUEST: &str = "GET /v1/info HTTP/1.1\r\nhost: 127.0.0.1\r\nconnection: close\r\n\r\n";

	async fn https_get(addr: SocketAddr, client: Arc<rustls::ClientConfig>) -> io::Result<String> {
		let tcp = TcpStream::connect(addr).await?;
		let name = rustls::pki_types::ServerName::try_from("127.0.0.1").expect("an IP name");
		let mut tls = tokio_rustls::TlsConnector::from(client).connect(name, tcp).await?;
		tls.write_all(REQUEST.as_bytes()).await?;
		let mut response = Vec::new();
		tls.read_to_end(&mut response).await?;
		Ok(String::from_utf8_lossy(&response).into_owned())
	}

	async fn http_get(addr: SocketAddr) -> String {
		let mut tcp = TcpStream::connect(addr).await.expect("connects");
		tcp.write_all(REQUEST.as_bytes()).await.expect("sends");
		let mut response = Vec::new();
		let _ = tcp.read_to_end(&mut response).await;
		String::from_utf8_lossy(&response).into_owned()
	}

	#[tokio::test]
	async fn serves_https_to_a_client_trusting_the_ca_and_refuses_plain_http() {
		let (dir, ca) = dev_certs(&["gw"]);
		let config =
			server_config(&dir.path().join("gw.pem"), &dir.path().join("gw.key")).expect("loads");
		let addr = serve(config).await;

		let client = client_config(Some(&ca)).expect("client");
		let response = https_get(addr, client).await.expect("https works");
		assert!(response.starts_with("HTTP/1.1 200"), "{response}");
		assert!(response.ends_with("served"), "{response}");

		// Plain http to the https port: refused, nothing served.
		let response = http_get(addr).await;
		assert!(response.starts_with("HTTP/1.1 400"), "{response}");
		assert!(response.contains("HttpsRequired"), "{response}");
		assert!(!response.contains("served"), "{response}");

		// A client that does not trust this CA (another one) fails the handshake.
		let (_other, other_ca) = dev_certs(&["other"]);
		let stranger = client_config(Some(&other_ca)).expect("client");
		assert!(https_get(addr, stranger).await.is_err());
		// The server is still serving.
		let client = client_config(Some(&ca)).expect("client");
		assert!(https_get(addr, client).await.expect("https").starts_with("HTTP/1.1 200"));
	}

	#[test]
	fn unusable_certificates_and_keys_are_refused_with_the_reason() {
		let (dir, ca) = dev_certs(&["a", "b"]);
		let path = |name: &str| dir.path().join(name);
		assert!(server_config(&path("a.pem"), &path("a.key")).is_ok());
		let refusal =
			|cert: &str, key: &str| server_config(&path(cert), &path(key)).expect_err("refused");
		let e = refusal("missing.pem", "a.key");
		assert!(e.contains("cannot read the TLS certificate") && e.contains("missing.pem"), "{e}");
		let e = refusal("a.pem", "missing.key");
		assert!(e.contains("cannot read the TLS key") && e.contains("missing.key"), "{e}");
		// Certificate and key swapped.
		let e = refusal("a.key", "a.pem");
		assert!(e.contains("holds no certificate"), "{e}");
		// A key of another pair.
		let e = refusal("a.pem", "b.key");
		assert!(e.contains("is not the key of the certificate"), "{e}");
		// Garbage.
		std::fs::write(path("junk.pem"), "-----BEGIN CERTIFICATE-----\nnot base64!\n")
			.expect("written");
		let e = refusal("junk.pem", "a.key");
		assert!(e.contains("not valid PEM"), "{e}");
		assert_eq!(ca, path("ca.pem"));
	}
}
