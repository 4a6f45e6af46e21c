//! `medchain-gateway sign`: signs a request for a gateway (auth.rs), for curl or for load
//! tools; the gateway's audience comes from `--audience` or from its `/v1/info`.

use crate::{
	auth,
	cli::{pair, SignArgs},
	tls,
};
use std::{
	io::{Read, Write},
	time::Duration,
};

/// GET `url` + `/v1/info` with a plain HTTP/1.1 request (over TLS for an https URL, trusting
/// the system's roots and `cacert`); the JSON body.
pub(crate) fn gateway_info(
	url: &str,
	cacert: Option<&std::path::Path>,
) -> Result<serde_json::Value, String> {
	let (https, rest) = match (url.strip_prefix("https://"), url.strip_prefix("http://")) {
		(Some(rest), _) => (true, rest),
		(None, Some(rest)) => (false, rest),
		_ => {
			return Err(
				"--gateway must be an https:// (or http://) URL (use --audience otherwise)".into()
			)
		}
	};
	let authority = rest.split('/').next().unwrap_or(rest);
	let address = if authority.rsplit_once(':').is_some_and(|(_, p)| p.parse::<u16>().is_ok()) {
		authority.to_string()
	} else {
		format!("{authority}:{}", if https { 443 } else { 80 })
	};
	let socket = std::net::ToSocketAddrs::to_socket_addrs(&address)
		.map_err(|e| format!("{address}: {e}"))?
		.next()
		.ok_or_else(|| format!("{address}: no address"))?;
	let mut tcp = std::net::TcpStream::connect_timeout(&socket, Duration::from_secs(10))
		.map_err(|e| format!("{address}: {e}"))?;
	tcp.set_read_timeout(Some(Duration::from_secs(10))).map_err(|e| e.to_string())?;
	let request =
		format!("GET /v1/info HTTP/1.1\r\nHost: {authority}\r\nConnection: close\r\n\r\n");
	let mut response = Vec::new();
	if https {
		let host = authority
			.rsplit_once(':')
			.filter(|(_, p)| p.parse::<u16>().is_ok())
			.map_or(authority, |(h, _)| h)
			.trim_start_matches('[')
			.trim_end_matches(']');
		let name = rustls::pki_types::ServerName::try_from(host.to_string())
			.map_err(|e| format!("{url}: {e}"))?;
		let mut connection = rustls::ClientConnection::new(tls::client_config(cacert)?, name)
			.map_err(|e| format!("{url}: {e}"))?;
		let mut stream = rustls::Stream::new(&mut connection, &mut tcp);
		stream.write_all(request.as_bytes()).map_err(|e| format!("{url}: {e}"))?;
		// A server that closes without close_notify still sent the whole answer (Connection: close).
		match stream.read_to_end(&mut response) {
			Ok(_) => {}
			Err(e) if e.kind() == std::io::ErrorKind::UnexpectedEof && !response.is_empty() => {}
			Err(e) => return Err(format!("{url}: {e}")),
		}
	} else {
		tcp.write_all(request.as_bytes()).map_err(|e| e.to_string())?;
		tcp.read_to_end(&mut response).map_err(|e| e.to_string())?;
	}
	let response = String::from_utf8_lossy(&response);
	let body = response.split_once("\r\n\r\n").map(|(_, b)| b).ok_or("no HTTP response")?;
	serde_json::from_str(body).map_err(|e| format!("{url}/v1/info: {e}"))
}

pub(crate) fn sign(args: SignArgs) -> Result<(), String> {
	let signer = pair(&args.suri)?;
	let audience = match (&args.audience, &args.gateway) {
		(Some(a), _) => {
			auth::parse_audience(a).ok_or("--audience is not 0x + hex (/v1/info's audience)")?
		}
		(None, Some(url)) => {
			let info = gateway_info(url, args.cacert.as_deref())?;
			info["audience"]
				.as_str()
				.and_then(auth::parse_audience)
				.ok_or("the gateway's /v1/info has no audience")?
		}
		(None, None) => return Err("give --gateway URL or --audience AUDIENCE".into()),
	};
	let origin =
		match (&args.origin, &args.gateway) {
			(Some(url), _) => {
				auth::origin_of_url(url).map_err(|why| format!("--origin {url:?}: {why}"))?
			}
			(None, Some(url)) => {
				auth::origin_of_url(url).map_err(|why| format!("--gateway {url:?}: {why}"))?
			}
			(None, None) => return Err(
				"give --origin: the URL (origin) the request is sent to, which it is signed for"
					.into(),
			),
		};
	let body = match &args.body_file {
		Some(path) => std::fs::read(path).map_err(|e| format!("{}: {e}", path.display()))?,
		None => Vec::new(),
	};
	let mut out = std::io::stdout().lock();
	match args.count {
		None => {
			let headers = auth::sign(
				&signer,
				&origin,
				&audience,
				&args.method,
				&args.path,
				auth::now_ms(),
				&auth::fresh_nonce(),
				&body,
			);
			for (name, value) in headers {
				writeln!(out, "-H {name}:{value}").map_err(|e| e.to_string())?;
			}
		}
		Some(n) => {
			let now = auth::now_ms();
			for _ in 0..n {
				let headers = auth::sign(
					&signer,
					&origin,
					&audience,
					&args.method,
					&args.path,
					now,
					&auth::fresh_nonce(),
					&body,
				);
				let values: Vec<String> = headers.into_iter().map(|(_, v)| v).collect();
				writeln!(out, "{}", values.join("\t")).map_err(|e| e.to_string())?;
			}
		}
	}
	Ok(())
}
