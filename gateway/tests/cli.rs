//! The `medchain-gateway` binary's commands that need no node: `sign` (what clinicians and
//! load tools use) and the start-up refusals of `run`; and that openapi.yaml and the README
//! document every route and every reason code ([`ErrorCode`]). Building this test also
//! builds the binary the end-to-end suite starts (tests/e2e/test/gateway.test.js).

use medchain_gateway::error::ErrorCode;
use sp_core::{crypto::Ss58Codec, sr25519, Pair};
use std::{collections::BTreeSet, process::Command};

const BIN: &str = env!("CARGO_BIN_EXE_medchain-gateway");
const AUDIENCE: &str = "0xd43593c715fdd31c61141abd04a99fd6822c8558854ccde39a5684e7a56da27d";
const ORIGIN: &str = "https://records.example:8443";

fn run(args: &[&str]) -> (i32, String, String) {
	let out =
		Command::new(BIN).args(args).env_remove("MEDCHAIN_GATEWAY_SURI").output().expect("runs");
	(
		out.status.code().unwrap_or(-1),
		String::from_utf8_lossy(&out.stdout).into_owned(),
		String::from_utf8_lossy(&out.stderr).into_owned(),
	)
}

fn message(method: &str, path: &str, timestamp: &str, nonce: &str, body: &[u8]) -> Vec<u8> {
	signed_for(ORIGIN, method, path, timestamp, nonce, body)
}

fn signed_for(
	origin: &str,
	method: &str,
	path: &str,
	timestamp: &str,
	nonce: &str,
	body: &[u8],
) -> Vec<u8> {
	format!(
		"medchain-gateway/2\n{origin}\n{AUDIENCE}\n{method}\n{path}\n{timestamp}\n{nonce}\n0x{}",
		hex::encode(sp_crypto_hashing::blake2_256(body))
	)
	.into_bytes()
}

#[test]
fn sign_prints_curl_headers_that_verify() {
	let path = "/v1/records/0x0101010101010101010101010101010101010101010101010101010101010101";
	// The origin as given (any URL of it) is signed as browsers serialize it.
	let (code, out, err) = run(&[
		"sign",
		"--suri",
		"//Bob",
		"--audience",
		AUDIENCE,
		"--origin",
		"HTTPS://Records.Example:8443/",
		"--path",
		path,
	]);
	assert_eq!(code, 0, "{err}");
	let headers: Vec<(String, String)> = out
		.lines()
		.map(|line| {
			let (name, value) =
				line.strip_prefix("-H ").expect("-H name:value").split_once(':').expect(":");
			(name.to_string(), value.to_string())
		})
		.collect();
	let get =
		|name: &str| headers.iter().find(|(n, _)| n == name).map(|(_, v)| v.clone()).expect(name);
	let bob = sr25519::Pair::from_string("//Bob", None).expect("dev key");
	let (account, _) =
		sp_core::crypto::AccountId32::from_ss58check_with_version(&get("x-medchain-account"))
			.expect("an SS58 address");
	assert_eq!(<[u8; 32]>::from(account), <[u8; 32]>::from(bob.public()));
	let signature: [u8; 64] = hex::decode(get("x-medchain-signature").trim_start_matches("0x"))
		.expect("hex")
		.try_into()
		.expect("64 bytes");
	let msg = message("GET", path, &get("x-medchain-timestamp"), &get("x-medchain-nonce"), b"");
	assert!(sr25519::Pair::verify(&sr25519::Signature::from_raw(signature), &msg, &bob.public()));
	assert_eq!(get("x-medchain-origin"), ORIGIN);
	// The same signature does not verify for another origin, nor for another path.
	let relay = signed_for(
		"https://relay.example:8443",
		"GET",
		path,
		&get("x-medchain-timestamp"),
		&get("x-medchain-nonce"),
		b"",
	);
	assert!(!sr25519::Pair::verify(
		&sr25519::Signature::from_raw(signature),
		&relay,
		&bob.public()
	));
	let other = message(
		"GET",
		"/v1/records/0x02",
		&get("x-medchain-timestamp"),
		&get("x-medchain-nonce"),
		b"",
	);
	assert!(!sr25519::Pair::verify(
		&sr25519::Signature::from_raw(signature),
		&other,
		&bob.public()
	));
}

#[test]
fn sign_with_count_gives_distinct_nonces_for_load_tools() {
	let (code, out, err) = run(&[
		"sign",
		"--suri",
		"//Bob",
		"--audience",
		AUDIENCE,
		"--origin",
		"https://records.example",
		"--path",
		"/v1/info",
		"--count",
		"50",
	]);
	assert_eq!(code, 0, "{err}");
	let nonces: std::collections::BTreeSet<String> =
		out.lines().map(|l| l.split('\t').nth(2).expect("5 fields").to_string()).collect();
	assert_eq!(nonces.len(), 50);
	// The fifth field is the origin signed for.
	assert!(out.lines().all(|l| l.split('\t').nth(4) == Some("https://records.example")));
}

#[test]
fn sign_and_run_refuse_what_they_cannot_use() {
	let (code, _, err) =
		run(&["sign", "--suri", "not a key", "--audience", AUDIENCE, "--path", "/"]);
	assert_eq!(code, 1);
	assert!(err.contains("not a valid secret URI"), "{err}");
	let (code, _, err) = run(&["sign", "--suri", "//Bob", "--path", "/"]);
	assert_eq!(code, 1);
	assert!(err.contains("--gateway URL or --audience"), "{err}");
	// With an audience but no origin: nothing to sign for.
	let (code, _, err) = run(&["sign", "--suri", "//Bob", "--audience", AUDIENCE, "--path", "/"]);
	assert_eq!(code, 1);
	assert!(err.contains("--origin"), "{err}");
	let (code, _, err) = run(&[
		"sign",
		"--suri",
		"//Bob",
		"--audience",
		AUDIENCE,
		"--origin",
		"records.example",
		"--path",
		"/",
	]);
	assert_eq!(code, 1);
	assert!(err.contains("--origin \"records.example\""), "{err}");
	// No secret URI: clap's usage error.
	let dir = tempfile::tempdir().expect("tempdir");
	let data = dir.path().join("data");
	let data = data.to_str().expect("utf-8 path");
	let (code, _, err) = run(&["run", "--data-dir", data]);
	assert_eq!(code, 2, "{err}");
	assert!(err.contains("--suri"), "{err}");
	// Nothing listens on port 9 of loopback: a clear connection error, not a hang.
	let (code, _, err) = run(&[
		"run",
		"--data-dir",
		data,
		"--suri",
		"//Alice",
		"--node",
		"ws://127.0.0.1:9",
		"--insecure-http",
	]);
	assert_eq!(code, 1);
	assert!(err.contains("connect"), "{err}");
	// A corrupt master key is refused before the chain is asked anything.
	let key = dir.path().join("corrupt.key");
	std::fs::write(&key, "0x1234").expect("written");
	let key = key.to_str().expect("utf-8 path");
	let (code, _, err) = run(&[
		"run",
		"--data-dir",
		data,
		"--master-key",
		key,
		"--suri",
		"//Alice",
		"--insecure-http",
	]);
	assert_eq!(code, 1);
	assert!(err.contains("master key must be 32 bytes"), "{err}");
}

#[test]
fn the_master_key_is_never_kept_in_the_data_directory_by_default() {
	let dir = tempfile::tempdir().expect("tempdir");
	let data = dir.path().join("store");
	let data_arg = data.to_str().expect("utf-8 path");
	let base = [
		"run",
		"--data-dir",
		data_arg,
		"--suri",
		"//Alice",
		"--node",
		"ws://127.0.0.1:9",
		"--insecure-http",
	];
	// No --master-key: the key is made beside the data directory, not in it.
	let (code, _, err) = run(&base);
	assert_eq!(code, 1, "{err}");
	assert!(err.contains("connect"), "{err}");
	assert!(
		dir.path().join("store.master.key").is_file(),
		"the default key is <data-dir>.master.key"
	);
	assert!(!data.join("master.key").exists(), "no key inside the data directory");
	// A key an older gateway left inside the data directory is refused, saying how to move it.
	std::fs::rename(dir.path().join("store.master.key"), data.join("master.key")).expect("moved");
	let (code, _, err) = run(&base);
	assert_eq!(code, 1, "{err}");
	assert!(
		err.contains("inside --data-dir") && err.contains("--master-key") && err.contains("mv "),
		"{err}"
	);
	// Named with --master-key, it is used (with a warning): the next thing is the chain.
	let legacy = data.join("master.key");
	let mut args = base.to_vec();
	args.extend_from_slice(&["--master-key", legacy.to_str().expect("utf-8 path")]);
	let (code, _, err) = run(&args);
	assert_eq!(code, 1, "{err}");
	assert!(err.contains("connect") && err.contains("inside --data-dir"), "{err}");
}

/// A development CA and certificates for `names` (scripts/dev-certs.sh) in `dir`.
fn dev_certs(dir: &std::path::Path, names: &[&str]) {
	let script = concat!(env!("CARGO_MANIFEST_DIR"), "/../scripts/dev-certs.sh");
	let out = Command::new("bash")
		.arg(script)
		.args(names)
		.env("MEDCHAIN_DEV_CERTS", dir)
		.output()
		.expect("scripts/dev-certs.sh runs");
	assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
}

#[test]
fn run_needs_tls_or_an_explicit_insecure_http_and_says_what_is_wrong_with_its_files() {
	let dir = tempfile::tempdir().expect("tempdir");
	let data = dir.path().join("data");
	let data = data.to_str().expect("utf-8 path");
	let certs = dir.path().join("certs");
	dev_certs(&certs, &["a", "b"]);
	let file = |name: &str| certs.join(name).to_str().expect("utf-8 path").to_string();
	let base = ["run", "--data-dir", data, "--suri", "//Alice", "--node", "ws://127.0.0.1:9"];
	let with = |extra: &[&str]| {
		let mut args: Vec<&str> = base.to_vec();
		args.extend_from_slice(extra);
		run(&args)
	};
	// Neither TLS nor --insecure-http: refused, saying how to fix it.
	let (code, _, err) = with(&[]);
	assert_eq!(code, 1, "{err}");
	assert!(err.contains("--tls-cert and --tls-key") && err.contains("--insecure-http"), "{err}");
	// Half of a pair, or both TLS and --insecure-http: clap's usage errors.
	let (code, _, err) = with(&["--tls-cert", &file("a.pem")]);
	assert_eq!(code, 2, "{err}");
	assert!(err.contains("--tls-key"), "{err}");
	let (code, _, err) =
		with(&["--tls-cert", &file("a.pem"), "--tls-key", &file("a.key"), "--insecure-http"]);
	assert_eq!(code, 2, "{err}");
	assert!(err.contains("cannot be used with"), "{err}");
	// Unreadable, swapped and mismatched files: refused before the chain is asked anything.
	for (cert, key, expected) in [
		("nothing.pem", "a.key", "cannot read the TLS certificate"),
		("a.pem", "nothing.key", "cannot read the TLS key"),
		("a.key", "a.pem", "holds no certificate"),
		("a.pem", "b.key", "is not the key of the certificate"),
	] {
		let (code, _, err) = with(&["--tls-cert", &file(cert), "--tls-key", &file(key)]);
		assert_eq!(code, 1, "{cert} {key}: {err}");
		assert!(err.contains(expected), "{cert} {key}: {err}");
	}
	// Good files (given by the environment variables): the next thing is the chain.
	let out = Command::new(BIN)
		.args(base)
		.env_remove("MEDCHAIN_GATEWAY_SURI")
		.env("MEDCHAIN_GATEWAY_TLS_CERT", file("a.pem"))
		.env("MEDCHAIN_GATEWAY_TLS_KEY", file("a.key"))
		.output()
		.expect("runs");
	let err = String::from_utf8_lossy(&out.stderr);
	assert_eq!(out.status.code(), Some(1), "{err}");
	assert!(err.contains("connect"), "{err}");
	// A CORS origin that is not one, or a wildcard: refused at start.
	for origin in ["*", "portal.example", "https://portal.example/app"] {
		let (code, _, err) = with(&["--insecure-http", "--cors-origin", origin]);
		assert_eq!(code, 1, "{origin}: {err}");
		assert!(err.contains("--cors-origin"), "{origin}: {err}");
	}
}

#[test]
fn run_needs_its_public_urls_off_loopback_and_refuses_bad_ones() {
	let dir = tempfile::tempdir().expect("tempdir");
	let data = dir.path().join("data");
	let data = data.to_str().expect("utf-8 path");
	let base = ["run", "--data-dir", data, "--suri", "//Alice", "--node", "ws://127.0.0.1:9"];
	let with = |extra: &[&str]| {
		let mut args: Vec<&str> = base.to_vec();
		args.extend_from_slice(extra);
		let out = Command::new(BIN)
			.args(&args)
			.env_remove("MEDCHAIN_GATEWAY_SURI")
			.env_remove("MEDCHAIN_GATEWAY_PUBLIC_URLS")
			.output()
			.expect("runs");
		(out.status.code().unwrap_or(-1), String::from_utf8_lossy(&out.stderr).into_owned())
	};
	// Not on loopback, and no --public-url: refused at start, saying what to pass.
	for listen in ["0.0.0.0:8801", "[::]:8801", "192.0.2.10:8801"] {
		let (code, err) = with(&["--insecure-http", "--listen", listen]);
		assert_eq!(code, 1, "{listen}: {err}");
		assert!(
			err.contains("not a loopback address")
				&& err.contains("--public-url https://<the name clients use>"),
			"{listen}: {err}"
		);
	}
	// Values that are no origin of an https gateway: refused at start, each named.
	for (url, why) in [
		("https://records.example/v1", "no path"),
		("https://records.example/?x=1", "no path, query"),
		("https://records.example?x=1", "no path, query"),
		("https://nurse@records.example", "user"),
		("ftp://records.example", "scheme must be https"),
		("records.example", "not an origin"),
		("http://records.example", "http only with --insecure-http"),
	] {
		// Checked first, before the TLS files (none here) are read.
		let extra = if url.starts_with("http://") {
			vec!["--tls-cert", "none.pem", "--tls-key", "none.key", "--public-url", url]
		} else {
			vec!["--listen", "127.0.0.1:0", "--insecure-http", "--public-url", url]
		};
		let (code, err) = with(&extra);
		assert_eq!(code, 1, "{url}: {err}");
		assert!(err.contains("--public-url") && err.contains(why), "{url}: {err}");
	}
	// Good ones, on any listen address (one in a comma list, as the environment gives it):
	// the next thing is the chain.
	for extra in [
		&["--insecure-http", "--listen", "0.0.0.0:8801", "--public-url", "https://records.example"]
			[..],
		&["--insecure-http", "--public-url", "https://a.example:8443/,http://127.0.0.1:8801"],
	] {
		let (code, err) = with(extra);
		assert_eq!(code, 1, "{extra:?}: {err}");
		assert!(err.contains("connect"), "{extra:?}: {err}");
	}
}

/// The reason codes openapi.yaml lists: the `enum` of the `Error` schema's `error` field, one
/// `- Code` a line.
fn openapi_codes(openapi: &str) -> BTreeSet<String> {
	let error = openapi.split("\n    Error:\n").nth(1).expect("openapi.yaml has an Error schema");
	let (indent, rest) = error
		.split_once("enum:\n")
		.map(|(before, rest)| (before.lines().last().unwrap_or("").len(), rest))
		.expect("the Error schema's error field has an enum");
	rest.lines()
		.map(|line| (line.len() - line.trim_start().len(), line.trim()))
		.filter(|(_, item)| !item.is_empty() && !item.starts_with('#'))
		.take_while(|(at, _)| *at > indent)
		.map(|(_, item)| item.strip_prefix("- ").expect("one `- Code` a line").to_string())
		.collect()
}

#[test]
fn openapi_and_readme_document_every_route_and_error_code() {
	let dir = env!("CARGO_MANIFEST_DIR");
	let read = |p: &str| std::fs::read_to_string(format!("{dir}/{p}")).expect(p);
	let (service, openapi, readme) = (
		read("src/service.rs") + &read("src/fhir/mod.rs"),
		read("openapi.yaml"),
		read("README.md"),
	);
	let routes: Vec<&str> = service
		.lines()
		.filter_map(|l| l.trim().strip_prefix(".route(\"")?.split('"').next())
		.collect();
	assert!(routes.len() >= 15, "{routes:?}");
	for route in routes {
		assert!(openapi.contains(&format!("  {route}:")), "openapi.yaml lacks {route}");
		let method_path = route.split('{').next().unwrap_or(route);
		assert!(readme.contains(method_path), "README lacks {route}");
	}
	// openapi.yaml lists exactly the reasons the gateway answers.
	let names: BTreeSet<String> = ErrorCode::ALL.iter().map(|c| c.name().to_string()).collect();
	assert!(names.len() >= 40, "{names:?}");
	let listed = openapi_codes(&openapi);
	assert_eq!(
		listed.difference(&names).collect::<Vec<_>>(),
		Vec::<&String>::new(),
		"openapi.yaml lists codes the gateway never answers"
	);
	assert_eq!(
		names.difference(&listed).collect::<Vec<_>>(),
		Vec::<&String>::new(),
		"openapi.yaml's Error schema lacks codes the gateway answers"
	);
	// README's error table gives each reason under its status.
	for code in ErrorCode::ALL {
		let row = format!("| {} |", code.status().as_u16());
		let name = format!("`{}`", code.name());
		assert!(
			readme.lines().any(|l| l.starts_with(&row) && l.contains(&name)),
			"README's error table lacks {name} under {}",
			code.status()
		);
	}
}
