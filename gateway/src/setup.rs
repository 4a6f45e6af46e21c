//! Set-up on chain: `add-staff`, `add-anchor-proxy`, `publish` and, on development chains,
//! `dev-register-hospital`. Each signs its call, sends it and waits for it to be finalized.

use crate::{
	auth, chain,
	cli::{pair, AddAnchorProxyArgs, AddStaffArgs, DevRegisterArgs, PublishArgs},
	proxy,
};
use sp_core::{crypto::Ss58Codec, Pair};
use std::time::Duration;

pub(crate) async fn add_staff(args: AddStaffArgs) -> Result<(), String> {
	let admin = pair(&args.admin_suri)?;
	let staff = match auth::parse_account(&args.staff) {
		Some(account) => account,
		None => pair(&args.staff)?.public().into(),
	};
	let staff_account = sp_core::crypto::AccountId32::from(staff);
	let chain = chain::Chain::connect(&args.node).await.map_err(|e| e.to_string())?;
	let best = chain.best_hash().await.map_err(|e| e.to_string())?;
	let admin_account: [u8; 32] = admin.public().into();
	match chain.organization_of(staff, best).await.map_err(|e| e.to_string())? {
		Some(org) if org == admin_account => {
			println!("{} is already staff", staff_account.to_ss58check())
		}
		Some(_) => {
			return Err(format!(
				"{} already acts for another organization",
				staff_account.to_ss58check()
			))
		}
		None => {
			let call =
				medchain_runtime::RuntimeCall::Consortium(pallet_consortium::Call::add_staff {
					account: staff_account.clone(),
				});
			chain
				.submit_and_wait(&admin, call, Duration::from_secs(120))
				.await
				.map_err(|e| e.to_string())?;
			println!(
				"{} is now staff of {}",
				staff_account.to_ss58check(),
				sp_core::crypto::AccountId32::from(admin_account).to_ss58check()
			);
		}
	}
	if let Some(med) = args.fund {
		let call = medchain_runtime::RuntimeCall::Balances(pallet_balances_transfer(
			staff_account.clone(),
			med,
		));
		chain
			.submit_and_wait(&admin, call, Duration::from_secs(120))
			.await
			.map_err(|e| e.to_string())?;
		println!("funded {} with {med} MED", staff_account.to_ss58check());
	}
	Ok(())
}

pub(crate) async fn add_anchor_proxy(args: AddAnchorProxyArgs) -> Result<(), String> {
	let staff = pair(&args.staff_suri)?;
	let staff_account: [u8; 32] = staff.public().into();
	let gateway = match auth::parse_account(&args.gateway) {
		Some(account) => account,
		None => pair(&args.gateway)?.public().into(),
	};
	let gateway_account = sp_core::crypto::AccountId32::from(gateway);
	let chain = chain::Chain::connect(&args.node).await.map_err(|e| e.to_string())?;
	let best = chain.best_hash().await.map_err(|e| e.to_string())?;
	if chain.organization_of(staff_account, best).await.map_err(|e| e.to_string())?.is_none() {
		return Err(format!(
			"{} is no organization's staff: the hospital's admin runs `medchain-gateway add-staff` for it first",
			sp_core::crypto::AccountId32::from(staff_account).to_ss58check()
		));
	}
	let already = proxy::proxies_of(&chain, staff_account, best).await?.iter().any(|d| {
		d.delegate == gateway_account
			&& d.proxy_type == medchain_runtime::ProxyType::Anchor
			&& d.delay == 0
	});
	if already {
		println!(
			"{} is already an Anchor proxy of {} (run the gateway with --acts-for {})",
			gateway_account.to_ss58check(),
			sp_core::crypto::AccountId32::from(staff_account).to_ss58check(),
			sp_core::crypto::AccountId32::from(staff_account).to_ss58check()
		);
	} else {
		let call = medchain_runtime::RuntimeCall::Proxy(pallet_proxy::Call::add_proxy {
			delegate: gateway_account.clone().into(),
			proxy_type: medchain_runtime::ProxyType::Anchor,
			delay: 0,
		});
		chain
			.submit_and_wait(&staff, call, Duration::from_secs(120))
			.await
			.map_err(|e| e.to_string())?;
		println!(
			"{} is now an Anchor proxy of {} (run the gateway with --acts-for {})",
			gateway_account.to_ss58check(),
			sp_core::crypto::AccountId32::from(staff_account).to_ss58check(),
			sp_core::crypto::AccountId32::from(staff_account).to_ss58check()
		);
	}
	if let Some(med) = args.fund {
		let call = medchain_runtime::RuntimeCall::Balances(pallet_balances_transfer(
			gateway_account.clone(),
			med,
		));
		chain
			.submit_and_wait(&staff, call, Duration::from_secs(120))
			.await
			.map_err(|e| e.to_string())?;
		println!("funded {} with {med} MED", gateway_account.to_ss58check());
	}
	Ok(())
}

pub(crate) async fn publish(args: PublishArgs) -> Result<(), String> {
	let admin = pair(&args.admin_suri)?;
	let signer = match auth::parse_account(&args.signer) {
		Some(account) => account,
		None => pair(&args.signer)?.public().into(),
	};
	// Clients sign their requests for the endpoint's origin: a gateway that does not serve it
	// (its --public-url) would refuse them all (WrongOrigin). Checked when the gateway answers.
	let origin = auth::origin_of_url(&args.endpoint)
		.map_err(|why| format!("--endpoint {:?}: {why}", args.endpoint))?;
	match crate::sign::gateway_info(&args.endpoint, args.cacert.as_deref()) {
		Ok(info) => {
			let served: Vec<&str> = info["origins"]
				.as_array()
				.map(|o| o.iter().filter_map(|v| v.as_str()).collect())
				.unwrap_or_default();
			if !served.contains(&origin.as_str()) {
				return Err(format!(
					"the gateway at {} serves the origins [{}], not {origin}: clients' requests, signed for the endpoint, \
					 would all be refused (WrongOrigin); run it with --public-url {origin}, or publish one of its origins",
					args.endpoint,
					served.join(", ")
				));
			}
		}
		Err(e) => log::warn!(
			"could not ask {}/v1/info ({e}): not checked that the gateway serves {origin} (its --public-url)",
			args.endpoint
		),
	}
	let chain = chain::Chain::connect(&args.node).await.map_err(|e| e.to_string())?;
	let call = medchain_runtime::RuntimeCall::Consortium(pallet_consortium::Call::set_gateway {
		endpoint: args.endpoint.clone().into_bytes(),
		public_key: signer,
	});
	chain
		.submit_and_wait(&admin, call, Duration::from_secs(120))
		.await
		.map_err(|e| e.to_string())?;
	println!(
		"{} published its gateway {} (signer {})",
		sp_core::crypto::AccountId32::from(<[u8; 32]>::from(admin.public())).to_ss58check(),
		args.endpoint,
		sp_core::crypto::AccountId32::from(signer).to_ss58check()
	);
	Ok(())
}

pub(crate) async fn dev_register_hospital(args: DevRegisterArgs) -> Result<(), String> {
	let sudo = pair(&args.sudo_suri)?;
	let admin = match auth::parse_account(&args.admin) {
		Some(account) => account,
		None => pair(&args.admin)?.public().into(),
	};
	let admin_account = sp_core::crypto::AccountId32::from(admin);
	let chain = chain::Chain::connect(&args.node).await.map_err(|e| e.to_string())?;
	let best = chain.best_hash().await.map_err(|e| e.to_string())?;
	if chain.organization_of(admin, best).await.map_err(|e| e.to_string())? == Some(admin) {
		println!("{} is already a registered organization", admin_account.to_ss58check());
		return Ok(());
	}
	let transfer = medchain_runtime::RuntimeCall::Balances(pallet_balances_transfer(
		admin_account.clone(),
		args.fund,
	));
	chain
		.submit_and_wait(&sudo, transfer, Duration::from_secs(120))
		.await
		.map_err(|e| e.to_string())?;
	let register =
		medchain_runtime::RuntimeCall::Consortium(pallet_consortium::Call::register_organization {
			admin: admin_account.clone(),
			name: args.name.clone().into_bytes(),
			roles: medchain_runtime::Roles::from(medchain_runtime::Role::Provider),
		});
	let call =
		medchain_runtime::RuntimeCall::Sudo(pallet_sudo::Call::sudo { call: Box::new(register) });
	chain
		.submit_and_wait(&sudo, call, Duration::from_secs(120))
		.await
		.map_err(|e| e.to_string())?;
	let best = chain.best_hash().await.map_err(|e| e.to_string())?;
	if chain.organization_of(admin, best).await.map_err(|e| e.to_string())? != Some(admin) {
		return Err("the sudo call did not register the hospital (is this a development chain with this sudo key?)".into());
	}
	println!("registered {} ({}) as a Provider", args.name, admin_account.to_ss58check());
	Ok(())
}

fn pallet_balances_transfer(
	to: sp_core::crypto::AccountId32,
	med: u64,
) -> medchain_runtime::BalancesCall<medchain_runtime::Runtime> {
	medchain_runtime::BalancesCall::transfer_keep_alive {
		dest: to.into(),
		value: u128::from(med).saturating_mul(medchain_runtime::UNIT),
	}
}
