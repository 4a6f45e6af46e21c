//! The gateway's key as an `Anchor` proxy of a staff key.
//!
//! A staff key can break the glass, log reads, onboard and attest patients; a gateway host
//! that holds one hands all of that to whoever takes the host. With `--acts-for <staff>`,
//! the gateway's own key holds no role at all: the staff key appointed it its
//! `ProxyType::Anchor` proxy (`Proxy.add_proxy { delegate, proxy_type: Anchor, delay: 0 }`),
//! and the gateway sends every anchor as
//! `Proxy.proxy { real: staff, force_proxy_type: Some(Anchor), call: anchor_record {..} }`.
//! The runtime lets such a proxy call `HealthRecords.anchor_record` and nothing else; the
//! record's author is the staff key's organization, as before.

use crate::chain::Chain;
use medchain_runtime::{ProxyType, Runtime, RuntimeCall};
use sp_core::{crypto::AccountId32, crypto::Ss58Codec, H256};

/// A proxy definition as `Proxy.Proxies` stores it.
type Definition =
	pallet_proxy::ProxyDefinition<AccountId32, ProxyType, pallet_proxy::BlockNumberFor<Runtime>>;

/// `call` as the gateway sends it: as is when its key is staff itself, else wrapped in
/// `Proxy.proxy` for the staff key it acts for, forcing the `Anchor` proxy type (so no other
/// proxy right the key might hold is ever used).
pub fn as_sent(call: RuntimeCall, acts_for: Option<[u8; 32]>) -> RuntimeCall {
	match acts_for {
		None => call,
		Some(staff) => RuntimeCall::Proxy(pallet_proxy::Call::proxy {
			real: AccountId32::from(staff).into(),
			force_proxy_type: Some(ProxyType::Anchor),
			call: Box::new(call),
		}),
	}
}

fn ss58(account: &[u8; 32]) -> String {
	AccountId32::from(*account).to_ss58check()
}

/// The proxies `principal` appointed (`Proxy.Proxies`) at block `at`.
pub async fn proxies_of(
	chain: &Chain,
	principal: [u8; 32],
	at: H256,
) -> Result<Vec<Definition>, String> {
	let key = pallet_proxy::Proxies::<Runtime>::hashed_key_for(AccountId32::from(principal));
	let value: Option<(Vec<Definition>, medchain_runtime::Balance)> =
		chain.storage(&key, at).await.map_err(|e| e.to_string())?;
	Ok(value.map(|(definitions, _deposit)| definitions).unwrap_or_default())
}

/// At start, with `--acts-for staff`: the organization the gateway anchors for. Refused,
/// saying what to do, unless at block `at` `staff` acts for an organization, the gateway's
/// key is an `Anchor` proxy of `staff` without delay and holds no other proxy type of it, and
/// the gateway's key is itself no organization's staff or admin (it would hold those powers
/// on the host again).
pub async fn check_acts_for(
	chain: &Chain,
	gateway_key: [u8; 32],
	staff: [u8; 32],
	at: H256,
) -> Result<[u8; 32], String> {
	let add_proxy = format!(
		"the staff key signs Proxy.add_proxy {{ delegate: {}, proxy_type: Anchor, delay: 0 }} (`medchain-gateway add-anchor-proxy --staff-suri <staff> --gateway {}`)",
		ss58(&gateway_key),
		ss58(&gateway_key)
	);
	if gateway_key == staff {
		return Err(format!(
			"--acts-for {} is the gateway's own key: name the staff key it anchors for",
			ss58(&staff)
		));
	}
	let organization = chain
		.organization_of(staff, at)
		.await
		.map_err(|e| e.to_string())?
		.ok_or_else(|| {
			format!(
				"--acts-for {}: that account is no organization's staff (nor admin): the hospital's admin makes it staff first (`medchain-gateway add-staff`)",
				ss58(&staff)
			)
		})?;
	if let Some(org) = chain.organization_of(gateway_key, at).await.map_err(|e| e.to_string())? {
		return Err(format!(
			"with --acts-for the gateway key {} must hold no role, but it acts for organization {}: it could break the glass and log reads from this host; give the gateway a fresh key (or remove it from the staff, Consortium.remove_staff)",
			ss58(&gateway_key),
			ss58(&org)
		));
	}
	let mine: Vec<Definition> = proxies_of(chain, staff, at)
		.await?
		.into_iter()
		.filter(|d| <[u8; 32]>::from(d.delegate.clone()) == gateway_key)
		.collect();
	if mine.is_empty() {
		return Err(format!(
			"the gateway key {} is not an Anchor proxy of --acts-for {}: {add_proxy}",
			ss58(&gateway_key),
			ss58(&staff)
		));
	}
	if let Some(other) = mine.iter().find(|d| d.proxy_type != ProxyType::Anchor) {
		return Err(format!(
			"the gateway key {} is a {:?} proxy of {}, not only an Anchor proxy: it could do more than anchor records from this host; the staff key removes that proxy (Proxy.remove_proxy)",
			ss58(&gateway_key),
			other.proxy_type,
			ss58(&staff)
		));
	}
	if !mine.iter().any(|d| d.delay == 0) {
		return Err(format!(
			"the gateway key {} is an Anchor proxy of {} only with an announcement delay: the gateway cannot wait for announcements; {add_proxy}",
			ss58(&gateway_key),
			ss58(&staff)
		));
	}
	Ok(organization)
}

#[cfg(test)]
mod tests {
	use super::*;
	use crate::mock_node::{hash_of, MockNode, ORG};
	use codec::Encode;

	const STAFF: [u8; 32] = [0x51; 32];
	const GATEWAY: [u8; 32] = [0x61; 32];

	fn put_proxies(node: &MockNode, principal: [u8; 32], definitions: &[(ProxyType, u32)]) {
		let key = pallet_proxy::Proxies::<Runtime>::hashed_key_for(AccountId32::from(principal));
		let value: (Vec<Definition>, medchain_runtime::Balance) = (
			definitions
				.iter()
				.map(|(proxy_type, delay)| Definition {
					delegate: AccountId32::from(GATEWAY),
					proxy_type: *proxy_type,
					delay: *delay,
				})
				.collect(),
			1,
		);
		node.with(|s| s.storage.insert(key, value.encode()));
	}

	fn make_staff(node: &MockNode, who: [u8; 32]) {
		let key = pallet_consortium::StaffOf::<Runtime>::hashed_key_for(AccountId32::from(who));
		node.with(|s| s.storage.insert(key, AccountId32::from(ORG).encode()));
	}

	#[tokio::test]
	async fn acts_for_is_refused_unless_the_gateway_key_is_only_an_anchor_proxy_of_staff() {
		let node = MockNode::start().await;
		let chain = Chain::connect(&node.url).await.expect("connects");
		let at = hash_of(10);
		let check = || check_acts_for(&chain, GATEWAY, STAFF, at);
		// The principal is no staff.
		let e = check().await.expect_err("not staff");
		assert!(e.contains("no organization's staff"), "{e}");
		make_staff(&node, STAFF);
		// No proxy at all.
		let e = check().await.expect_err("no proxy");
		assert!(e.contains("is not an Anchor proxy") && e.contains("add_proxy"), "{e}");
		// A NonTransfer (or Any) proxy: more than anchoring; refused even beside Anchor.
		put_proxies(&node, STAFF, &[(ProxyType::Anchor, 0), (ProxyType::NonTransfer, 0)]);
		let e = check().await.expect_err("too powerful");
		assert!(e.contains("NonTransfer proxy"), "{e}");
		put_proxies(&node, STAFF, &[(ProxyType::Any, 0)]);
		assert!(check().await.expect_err("too powerful").contains("Any proxy"));
		// An Anchor proxy with an announcement delay cannot call `proxy` directly.
		put_proxies(&node, STAFF, &[(ProxyType::Anchor, 5)]);
		assert!(check().await.expect_err("delayed").contains("announcement delay"));
		// The recommended set-up: the staff key's organization.
		put_proxies(&node, STAFF, &[(ProxyType::Anchor, 0)]);
		assert_eq!(check().await.expect("accepted"), ORG);
		// The gateway key itself staff: it would hold the powers the proxy is meant to keep
		// off the host.
		make_staff(&node, GATEWAY);
		let e = check().await.expect_err("gateway key is staff");
		assert!(e.contains("must hold no role"), "{e}");
		// Its own key named as the principal.
		assert!(check_acts_for(&chain, GATEWAY, GATEWAY, at)
			.await
			.expect_err("self")
			.contains("own key"));
	}

	#[test]
	fn anchors_are_wrapped_in_proxy_calls_forcing_the_anchor_type() {
		let call = RuntimeCall::System(frame_system::Call::remark { remark: vec![1] });
		assert_eq!(as_sent(call.clone(), None), call);
		match as_sent(call.clone(), Some(STAFF)) {
			RuntimeCall::Proxy(pallet_proxy::Call::proxy {
				real,
				force_proxy_type,
				call: inner,
			}) => {
				assert_eq!(real, AccountId32::from(STAFF).into());
				assert_eq!(force_proxy_type, Some(ProxyType::Anchor));
				assert_eq!(*inner, call);
			}
			other => panic!("not a proxy call: {other:?}"),
		}
	}
}
