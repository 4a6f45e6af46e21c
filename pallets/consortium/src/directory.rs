//! The gateway directory: what an endpoint must look like, and the queries behind
//! [`runtime_api::GatewayDirectoryApi`](crate::runtime_api::GatewayDirectoryApi).
//!
//! The calls ([`Call::set_gateway`](crate::Call::set_gateway),
//! [`Call::remove_gateway`](crate::Call::remove_gateway)) and the storage
//! ([`Gateways`](crate::Gateways)) are in `lib.rs`; the rules are in the crate docs,
//! "Gateway directory".

use crate::{Config, GatewayEntry, Gateways, OrganizationStatus, Organizations, Pallet};
use alloc::{collections::btree_set::BTreeSet, vec::Vec};
use frame_system::pallet_prelude::BlockNumberFor;

/// The scheme every endpoint starts with, exactly (lower case).
pub const HTTPS_SCHEME: &[u8] = b"https://";

/// The shortest endpoint that can be valid: the scheme and a one-character host
/// (`https://a`). `MaxEndpointLen` must be at least this (checked by `integrity_test`).
pub const MIN_ENDPOINT_LEN: u32 = 9;

/// Why an endpoint was refused; each maps to one of the pallet's errors (in brackets), and
/// [`check_endpoint`] reports the first that applies, in this order.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum EndpointError {
	/// A byte outside printable ASCII without the space, `0x21..=0x7E`
	/// ([`InvalidEndpointCharacter`](crate::Error::InvalidEndpointCharacter)).
	InvalidCharacter,
	/// It does not start with `https://` (lower case)
	/// ([`EndpointNotHttps`](crate::Error::EndpointNotHttps)).
	NotHttps,
	/// The authority holds `user@` or `user:password@`: credentials would be public on chain
	/// ([`EndpointHasCredentials`](crate::Error::EndpointHasCredentials)).
	HasCredentials,
	/// The host is empty (`https://`, `https:///v1`, `https://:8801`, `https://[]`)
	/// ([`EmptyEndpointHost`](crate::Error::EmptyEndpointHost)).
	EmptyHost,
	/// The host is neither a name (ASCII letters, digits, `-` and `.`) nor a bracketed IPv6
	/// literal (`[` hex digits, `:` and `.` `]`)
	/// ([`InvalidEndpointHost`](crate::Error::InvalidEndpointHost)).
	InvalidHost,
	/// A `:` after the host is not followed by a port `1..=65535` in decimal digits
	/// ([`InvalidEndpointPort`](crate::Error::InvalidEndpointPort)).
	InvalidPort,
}

/// Check that `endpoint` is an https URL a browser and the gateway's clients can use:
///
/// 1. printable ASCII without spaces (`0x21..=0x7E`), so it is shown exactly as stored and
///    cannot hide a second line or a look-alike Unicode host;
/// 2. the scheme is exactly `https://`;
/// 3. the authority (everything up to the first `/`, `?` or `#`) holds no `@`;
/// 4. the host (the authority without its port) is not empty, and is a name of ASCII
///    letters, digits, `-` and `.` (a DNS name or an IPv4 address) or a bracketed IPv6
///    literal (`[::1]`): nothing a client could misread or a page could render as markup;
/// 5. a port, if present (`:` after the host), is `1..=65535` in at most five digits.
///
/// A path after the authority is allowed (`https://example.org/medchain`). The length bound
/// (`MaxEndpointLen`) is the call's to check: it converts to a `BoundedVec` first.
///
/// ## Complexity
/// O(`endpoint.len()`).
pub fn check_endpoint(endpoint: &[u8]) -> Result<(), EndpointError> {
	if !endpoint.iter().all(|b| (0x21..=0x7E).contains(b)) {
		return Err(EndpointError::InvalidCharacter);
	}
	let rest = endpoint.strip_prefix(HTTPS_SCHEME).ok_or(EndpointError::NotHttps)?;
	let authority_len =
		rest.iter().position(|b| matches!(b, b'/' | b'?' | b'#')).unwrap_or(rest.len());
	let (authority, _path) = rest.split_at(authority_len);
	if authority.contains(&b'@') {
		return Err(EndpointError::HasCredentials);
	}
	let (host, port) = split_host_port(authority);
	check_host(host)?;
	if let Some(port) = port {
		check_port(port)?;
	}
	Ok(())
}

/// The authority's host and, after a `:`, its port (`None` without a `:`). A host starting
/// with `[` runs to the first `]` (an IPv6 literal holds `:`s of its own).
fn split_host_port(authority: &[u8]) -> (&[u8], Option<&[u8]>) {
	let host_end = if authority.starts_with(b"[") {
		authority
			.iter()
			.position(|b| *b == b']')
			.map_or(authority.len(), |closing| closing.saturating_add(1))
	} else {
		authority.iter().position(|b| *b == b':').unwrap_or(authority.len())
	};
	let (host, after) = authority.split_at(host_end);
	match after.split_first() {
		None => (host, None),
		Some((b':', port)) => (host, Some(port)),
		// Anything else after a bracketed host (`[::1]x`) is no port: refuse it as one.
		Some(_) => (host, Some(after)),
	}
}

/// A host is a name (letters, digits, `-`, `.`) or `[` an IPv6 literal (hex digits, `:`,
/// `.`) `]`, and not empty.
fn check_host(host: &[u8]) -> Result<(), EndpointError> {
	if host.is_empty() || host == b"[]" {
		return Err(EndpointError::EmptyHost);
	}
	let valid = match host.strip_prefix(b"[") {
		Some(bracketed) => bracketed.strip_suffix(b"]").is_some_and(|literal| {
			literal.iter().all(|b| b.is_ascii_hexdigit() || matches!(b, b':' | b'.'))
		}),
		None => host.iter().all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.')),
	};
	if valid {
		Ok(())
	} else {
		Err(EndpointError::InvalidHost)
	}
}

/// A port is 1 to 5 decimal digits with a value in `1..=65535`.
fn check_port(port: &[u8]) -> Result<(), EndpointError> {
	if port.is_empty() || port.len() > 5 || !port.iter().all(u8::is_ascii_digit) {
		return Err(EndpointError::InvalidPort);
	}
	let value = port.iter().fold(0u32, |acc, digit| {
		acc.saturating_mul(10).saturating_add(u32::from(digit.saturating_sub(b'0')))
	});
	if value == 0 || value > u32::from(u16::MAX) {
		return Err(EndpointError::InvalidPort);
	}
	Ok(())
}

/// A directory entry as the runtime API returns it: the endpoint as plain bytes.
pub type GatewayInfo<BlockNumber> = GatewayEntry<Vec<u8>, BlockNumber>;

impl<T: Config> Pallet<T> {
	/// The gateway `organization` published, if it is a registered, **active** organization
	/// with a directory entry (for the runtime API). A suspended organization's entry stays
	/// stored but is not handed out.
	///
	/// ## Complexity
	/// O(1): two reads.
	pub fn gateway_of(organization: &T::AccountId) -> Option<GatewayInfo<BlockNumberFor<T>>> {
		let active = Organizations::<T>::get(organization)
			.is_some_and(|org| org.status == OrganizationStatus::Active);
		if !active {
			return None;
		}
		Gateways::<T>::get(organization).map(|entry| entry.map_endpoint(|e| e.into_inner()))
	}

	/// The gateways of `organizations` (e.g. the authors of a patient's records): each
	/// organization at most once, in the order first given, only those that are active and
	/// have a directory entry (for the runtime API).
	///
	/// ## Complexity
	/// O(n log n) for n organizations: two reads each.
	pub fn gateways_of(
		organizations: impl IntoIterator<Item = T::AccountId>,
	) -> Vec<(T::AccountId, GatewayInfo<BlockNumberFor<T>>)> {
		let mut seen = BTreeSet::new();
		organizations
			.into_iter()
			.filter(|org| seen.insert(org.clone()))
			.filter_map(|org| Self::gateway_of(&org).map(|entry| (org, entry)))
			.collect()
	}
}
