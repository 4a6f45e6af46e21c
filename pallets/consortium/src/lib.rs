#![doc = include_str!("../README.md")]
#![cfg_attr(not(feature = "std"), no_std)]

extern crate alloc;

pub use pallet::*;

#[cfg(feature = "runtime-benchmarks")]
#[allow(
	clippy::unwrap_used,
	clippy::panic,
	clippy::indexing_slicing,
	clippy::arithmetic_side_effects
)]
mod benchmarking;
pub mod directory;
mod impls;
mod invariants;
#[cfg(test)]
#[allow(clippy::arithmetic_side_effects)] // a test's overflow is a failed test
mod mock;
mod nodes;
pub mod runtime_api;
#[cfg(test)]
#[allow(clippy::arithmetic_side_effects)] // a test's overflow is a failed test
mod tests;
mod types;
pub mod weights;

pub use directory::{check_endpoint, EndpointError, GatewayInfo, MIN_ENDPOINT_LEN};
pub use types::*;
pub use weights::WeightInfo;

use core::marker::PhantomData;
use frame_support::{
	dispatch::DispatchResult,
	traits::{EnsureOrigin, Get},
};
use sp_runtime::DispatchError;

/// What the rest of the runtime does at once when governance suspends an organization: in
/// MedChain's runtime, `pallet-governance` takes its council seat and drops its validator
/// from the next session boundary, which it brings forward.
/// `()` does nothing (pallets' unit tests).
pub trait OnSuspension<AccountId> {
	/// `organization` was just suspended.
	fn on_suspension(organization: &AccountId);
	/// The most [`OnSuspension::on_suspension`] can weigh: charged by `suspend_organization`.
	fn weight() -> frame_support::weights::Weight;
}

impl<AccountId> OnSuspension<AccountId> for () {
	fn on_suspension(_organization: &AccountId) {}
	fn weight() -> frame_support::weights::Weight {
		frame_support::weights::Weight::zero()
	}
}

/// The permission checks other pallets ask of the consortium.
///
/// Implemented by this pallet's [`Pallet`]; pallets take it as an associated type in
/// their `Config` (e.g. `type Roles: RoleProvider<Self::AccountId>`).
///
/// Every access decision about organizations is made here, and every failure is one of this
/// pallet's errors, so a client sees the same error for the same fact in every pallet:
///
/// | fact | error |
/// |---|---|
/// | the signer acts for no organization | [`NotAMember`](Error::NotAMember) |
/// | the account is not an organization's own (admin) account | [`UnknownOrganization`](Error::UnknownOrganization) |
/// | the organization is suspended | [`SuspendedOrganization`](Error::SuspendedOrganization) |
/// | the organization lacks the role the call needs | [`MissingRole`](Error::MissingRole) |
///
/// The `ensure_*` methods taking `who` are about the signer (an admin or staff account; the
/// organization it acts for is returned); [`ensure_active_organization`] is about another
/// account named in the call (a consent's grantee, say). A pallet keeps an error of its own
/// only for a relationship the consortium cannot know (not *this* trial's sponsor, not the
/// shipment's recipient), or where a call checks two organizations and must say which one
/// failed (`ship`'s `Recipient*` errors).
///
/// [`ensure_active_organization`]: RoleProvider::ensure_active_organization
pub trait RoleProvider<AccountId> {
	/// The organization `who` acts for: the organization itself if `who` is an admin, its
	/// employer if `who` is staff. Returned whether or not the organization is active.
	fn organization_of(who: &AccountId) -> Option<AccountId>;

	/// Whether `account` is an organization's own (admin) account, active or not; `false`
	/// for staff keys and for accounts outside the consortium.
	fn is_organization(account: &AccountId) -> bool;

	/// Whether `org` is a registered, active (not suspended) organization.
	fn is_active(org: &AccountId) -> bool;

	/// Whether `org` is active and holds `role`. Only organization accounts hold roles:
	/// `false` for a staff key.
	fn has_role(org: &AccountId, role: Role) -> bool;

	/// Succeeds with the organization `who` acts for if that organization is active; fails
	/// with `NotAMember` or `SuspendedOrganization` otherwise.
	fn ensure_organization(who: &AccountId) -> Result<AccountId, DispatchError>;

	/// Succeeds with the organization `who` acts for if that organization is active and
	/// holds `role`; fails with `NotAMember`, `SuspendedOrganization` or `MissingRole`.
	fn ensure_role(who: &AccountId, role: Role) -> Result<AccountId, DispatchError>;

	/// Succeeds with the organization `who` acts for and the roles of `any_of` it holds
	/// (never empty) if that organization is active and holds at least one of `any_of`;
	/// fails with `NotAMember`, `SuspendedOrganization` or `MissingRole`.
	fn ensure_any_role(who: &AccountId, any_of: Roles)
		-> Result<(AccountId, Roles), DispatchError>;

	/// Succeeds with `account`'s roles if it is an active organization's own (admin) account;
	/// fails with `UnknownOrganization` (a staff key or an outsider) or
	/// `SuspendedOrganization`.
	fn ensure_active_organization(account: &AccountId) -> Result<Roles, DispatchError>;

	/// Make `org` an active organization holding `roles`, with `staff` acting for it.
	/// Only for benchmarks and tests of other pallets.
	#[cfg(feature = "runtime-benchmarks")]
	fn register_for_benchmarks(org: &AccountId, roles: Roles, staff: &[AccountId]);
}

#[frame_support::pallet]
pub mod pallet {
	use super::*;
	use alloc::vec::Vec;
	use frame_support::pallet_prelude::*;
	use frame_system::pallet_prelude::*;

	/// The storage layout version.
	const STORAGE_VERSION: StorageVersion = StorageVersion::new(1);

	#[pallet::pallet]
	#[pallet::storage_version(STORAGE_VERSION)]
	pub struct Pallet<T>(_);

	/// The organization record as stored.
	pub type OrganizationOf<T> =
		Organization<BoundedVec<u8, <T as Config>::MaxNameLen>, BlockNumberFor<T>>;

	/// A gateway endpoint as stored.
	pub type EndpointOf<T> = BoundedVec<u8, <T as Config>::MaxEndpointLen>;

	/// A gateway directory entry as stored.
	pub type GatewayEntryOf<T> = GatewayEntry<EndpointOf<T>, BlockNumberFor<T>>;

	/// Default `Config` items for mocks: `#[derive_impl(TestDefaultConfig)]` on
	/// `impl pallet_consortium::Config for Test {}` gives Root governance, 32-byte names,
	/// 3 staff per organization, 40-byte gateway endpoints and unit weights.
	pub mod config_preludes {
		use super::*;
		use frame_support::{derive_impl, traits::ConstU32};

		/// The consortium of a pallet's unit tests.
		pub struct TestDefaultConfig;

		#[derive_impl(frame_system::config_preludes::TestDefaultConfig, no_aggregated_types)]
		impl frame_system::DefaultConfig for TestDefaultConfig {}

		#[frame_support::register_default_impl(TestDefaultConfig)]
		impl DefaultConfig for TestDefaultConfig {
			type GovernanceOrigin = frame_system::EnsureRoot<Self::AccountId>;
			type MaxNameLen = ConstU32<32>;
			type MaxStaff = ConstU32<3>;
			type MaxEndpointLen = ConstU32<40>;
			type MaxNodesPerOrganization = ConstU32<3>;
			type OnSuspension = ();
			type WeightInfo = ();
		}
	}

	#[pallet::config(with_default)]
	pub trait Config: frame_system::Config<RuntimeEvent: From<Event<Self>>> {
		/// Who admits organizations and changes their roles or status: Root on dev chains,
		/// a council supermajority on a consortium chain.
		#[pallet::no_default_bounds]
		type GovernanceOrigin: EnsureOrigin<Self::RuntimeOrigin>;

		/// The longest organization name, in bytes.
		#[pallet::constant]
		type MaxNameLen: Get<u32>;

		/// The most staff accounts one organization may have.
		#[pallet::constant]
		type MaxStaff: Get<u32>;

		/// The longest gateway endpoint (an `https://` URL) an organization may publish, in
		/// bytes; at least [`MIN_ENDPOINT_LEN`].
		#[pallet::constant]
		type MaxEndpointLen: Get<u32>;

		/// The most member nodes (libp2p identities) one organization may have authorized.
		#[pallet::constant]
		type MaxNodesPerOrganization: Get<u32>;

		/// What happens elsewhere when an organization is suspended (its council seat and
		/// validator, in the runtime): called by `suspend_organization`, which charges
		/// [`OnSuspension::weight`].
		#[pallet::no_default_bounds]
		type OnSuspension: OnSuspension<Self::AccountId>;

		/// Weights of this pallet's calls, from its benchmarks.
		type WeightInfo: WeightInfo;
	}

	/// Member organizations, keyed by their admin account.
	#[pallet::storage]
	pub type Organizations<T: Config> =
		StorageMap<_, Blake2_128Concat, T::AccountId, OrganizationOf<T>, OptionQuery>;

	/// For each staff account, the organization (admin account) it acts for.
	#[pallet::storage]
	pub type StaffOf<T: Config> =
		StorageMap<_, Blake2_128Concat, T::AccountId, T::AccountId, OptionQuery>;

	/// The number of registered organizations.
	#[pallet::storage]
	pub type OrganizationCount<T: Config> = StorageValue<_, u32, ValueQuery>;

	/// The gateway directory: each organization's record gateway (endpoint and signing key),
	/// keyed by the organization (its admin account), as its admin published it. A suspended
	/// organization's entry stays here, but the runtime API does not hand it out.
	#[pallet::storage]
	pub type Gateways<T: Config> =
		StorageMap<_, Blake2_128Concat, T::AccountId, GatewayEntryOf<T>, OptionQuery>;

	/// Node authorization: the member nodes each organization may run, as libp2p
	/// identities ([`NodeKey`]). The node authorization runtime API hands out the nodes of
	/// **active** organizations; member nodes accept peers from that set only, read at their
	/// finalized head.
	#[pallet::storage]
	pub type MemberNodes<T: Config> = StorageMap<
		_,
		Blake2_128Concat,
		T::AccountId,
		BoundedVec<NodeKey, T::MaxNodesPerOrganization>,
		ValueQuery,
	>;

	/// The organization each authorized node belongs to: a node belongs to at most one.
	#[pallet::storage]
	pub type NodeOwner<T: Config> =
		StorageMap<_, Blake2_128Concat, NodeKey, T::AccountId, OptionQuery>;

	/// Whether this chain restricts peering to member nodes: set by a genesis with nodes or
	/// by the first `add_node`, never unset, so removing the last node closes the network
	/// rather than opening it.
	#[pallet::storage]
	pub type PermissionedPeering<T: Config> = StorageValue<_, bool, ValueQuery>;

	/// One organization of the genesis config: `(admin, name, roles, staff)`, `roles` being
	/// the `u16` bit set of [`Roles`].
	pub type GenesisOrganization<AccountId> = (AccountId, Vec<u8>, u16, Vec<AccountId>);

	#[pallet::genesis_config]
	#[derive(frame_support::DefaultNoBound)]
	pub struct GenesisConfig<T: Config> {
		/// Organizations present from genesis.
		pub organizations: Vec<GenesisOrganization<T::AccountId>>,
		/// Member nodes authorized from genesis: `(organization admin, node key)`. Any entry
		/// turns on [`PermissionedPeering`].
		pub nodes: Vec<(T::AccountId, NodeKey)>,
	}

	#[pallet::genesis_build]
	impl<T: Config> BuildGenesisConfig for GenesisConfig<T> {
		fn build(&self) {
			for (admin, name, roles, staff) in &self.organizations {
				// Genesis is built by the node operator: a bad preset must stop the chain
				// from starting rather than start it with a silently altered membership.
				let name: BoundedVec<u8, T::MaxNameLen> =
					name.clone().try_into().expect("genesis organization name too long");
				Pallet::<T>::do_register(admin, name, Roles(*roles))
					.expect("invalid genesis organization");
				for member in staff {
					Pallet::<T>::do_add_staff(admin, member).expect("invalid genesis staff");
				}
			}
			for (organization, node) in &self.nodes {
				Pallet::<T>::do_add_node(organization, *node).expect("invalid genesis node");
			}
		}
	}

	#[pallet::event]
	#[pallet::generate_deposit(pub(super) fn deposit_event)]
	pub enum Event<T: Config> {
		/// Governance admitted an organization.
		OrganizationRegistered {
			/// The organization's admin account, which identifies it.
			admin: T::AccountId,
			/// Its name.
			name: BoundedVec<u8, T::MaxNameLen>,
			/// Its roles.
			roles: Roles,
		},
		/// Governance changed an organization's roles.
		RolesSet {
			/// The organization.
			organization: T::AccountId,
			/// Its new roles.
			roles: Roles,
		},
		/// Governance suspended an organization: it and its staff can do nothing anywhere.
		OrganizationSuspended {
			/// The organization.
			organization: T::AccountId,
		},
		/// Governance lifted an organization's suspension.
		OrganizationReinstated {
			/// The organization.
			organization: T::AccountId,
		},
		/// An admin added a staff account to its organization.
		StaffAdded {
			/// The organization.
			organization: T::AccountId,
			/// The account that now acts for it.
			staff: T::AccountId,
		},
		/// An admin removed a staff account from its organization.
		StaffRemoved {
			/// The organization.
			organization: T::AccountId,
			/// The account that no longer acts for it.
			staff: T::AccountId,
		},
		/// An admin published (or replaced) its organization's gateway in the directory.
		GatewaySet {
			/// The organization.
			organization: T::AccountId,
			/// The gateway's `https://` endpoint.
			endpoint: EndpointOf<T>,
			/// The gateway's sr25519 signing key.
			public_key: GatewayKey,
		},
		/// An admin removed its organization's gateway from the directory.
		GatewayRemoved {
			/// The organization.
			organization: T::AccountId,
		},
		/// A node was authorized to peer, as one of an organization's member nodes.
		NodeAdded {
			/// The organization that runs it.
			organization: T::AccountId,
			/// Its libp2p identity.
			node: NodeKey,
		},
		/// A node is no longer authorized to peer: member nodes drop it at their next
		/// finalized block.
		NodeRemoved {
			/// The organization that ran it.
			organization: T::AccountId,
			/// Its libp2p identity.
			node: NodeKey,
		},
	}

	#[pallet::error]
	pub enum Error<T> {
		/// No organization is registered under this account.
		UnknownOrganization,
		/// An organization is already registered under this admin account.
		AlreadyRegistered,
		/// The organization name is empty.
		EmptyName,
		/// The organization name is longer than `MaxNameLen`.
		NameTooLong,
		/// The role set is empty: an organization must hold at least one role.
		EmptyRoles,
		/// The role set has bits that name no known role.
		InvalidRoles,
		/// The organization is suspended.
		SuspendedOrganization,
		/// The organization is already suspended.
		AlreadySuspended,
		/// The organization is not suspended, so it cannot be reinstated.
		NotSuspended,
		/// The signer is not the admin of an organization.
		NotOrganizationAdmin,
		/// The account already acts for an organization as staff.
		AlreadyStaff,
		/// The account is an organization's admin, so it cannot also be staff.
		AccountIsOrganization,
		/// The account is staff of an organization, so it cannot be an organization's admin.
		AccountIsStaff,
		/// The account is not staff of the signer's organization.
		NotStaff,
		/// The organization already has `MaxStaff` staff accounts.
		TooManyStaff,
		/// The account is neither an organization's admin nor its staff.
		NotAMember,
		/// The organization does not hold the role this call needs.
		MissingRole,
		/// The gateway endpoint is longer than `MaxEndpointLen`.
		EndpointTooLong,
		/// The gateway endpoint holds a byte that is not printable ASCII, or a space.
		InvalidEndpointCharacter,
		/// The gateway endpoint does not start with `https://`.
		EndpointNotHttps,
		/// The gateway endpoint holds credentials (`user@` before the host).
		EndpointHasCredentials,
		/// The gateway endpoint has no host.
		EmptyEndpointHost,
		/// The gateway endpoint's host is neither a name (ASCII letters, digits, `-`, `.`) nor
		/// a bracketed IPv6 literal.
		InvalidEndpointHost,
		/// The gateway endpoint's port is not a number in `1..=65535`.
		InvalidEndpointPort,
		/// The gateway's public key is all zeros.
		ZeroPublicKey,
		/// The organization has no gateway in the directory.
		UnknownGateway,
		/// An organization's admin may add or remove only its own organization's nodes.
		NotOwnOrganization,
		/// The node key is all zeros.
		ZeroNodeKey,
		/// The node is already authorized (for this or another organization).
		NodeAlreadyAuthorized,
		/// The organization already has `MaxNodesPerOrganization` nodes.
		TooManyNodes,
		/// The node is not authorized.
		UnknownNode,
	}

	#[pallet::call]
	impl<T: Config> Pallet<T> {
		/// Admit an organization to the consortium.
		///
		/// - `origin`: `GovernanceOrigin`.
		/// - `admin`: the account that identifies and manages the organization.
		/// - `name`: UTF-8 name, 1..=`MaxNameLen` bytes.
		/// - `roles`: the roles it holds (non-empty, known bits only).
		///
		/// Emits [`Event::OrganizationRegistered`].
		///
		/// ## Complexity
		/// O(1).
		///
		/// ## Errors
		///
		/// In the order checked:
		/// - `BadOrigin`: the origin is not `GovernanceOrigin`.
		/// - [`Error::NameTooLong`]: `name` is longer than `MaxNameLen`.
		/// - [`Error::AlreadyRegistered`]: `admin` already identifies an organization.
		/// - [`Error::AccountIsStaff`]: `admin` is staff of an organization.
		/// - [`Error::EmptyName`]: `name` is empty.
		/// - [`Error::EmptyRoles`], [`Error::InvalidRoles`]: `roles` is empty or has unknown
		///   bits.
		#[pallet::call_index(0)]
		#[pallet::weight(T::WeightInfo::register_organization(name.len() as u32))]
		pub fn register_organization(
			origin: OriginFor<T>,
			admin: T::AccountId,
			name: Vec<u8>,
			roles: Roles,
		) -> DispatchResult {
			T::GovernanceOrigin::ensure_origin(origin)?;
			let name: BoundedVec<u8, T::MaxNameLen> =
				name.try_into().map_err(|_| Error::<T>::NameTooLong)?;
			Self::do_register(&admin, name.clone(), roles)?;
			Self::deposit_event(Event::OrganizationRegistered { admin, name, roles });
			Ok(())
		}

		/// Replace an organization's roles.
		///
		/// - `origin`: `GovernanceOrigin`.
		/// - `organization`: the organization's admin account.
		/// - `roles`: its new roles (non-empty, known bits only).
		///
		/// Emits [`Event::RolesSet`].
		///
		/// ## Complexity
		/// O(1).
		///
		/// ## Errors
		///
		/// In the order checked:
		/// - `BadOrigin`: the origin is not `GovernanceOrigin`.
		/// - [`Error::EmptyRoles`], [`Error::InvalidRoles`]: `roles` is empty or has unknown
		///   bits.
		/// - [`Error::UnknownOrganization`]: no organization is registered under
		///   `organization`.
		#[pallet::call_index(1)]
		#[pallet::weight(T::WeightInfo::set_roles())]
		pub fn set_roles(
			origin: OriginFor<T>,
			organization: T::AccountId,
			roles: Roles,
		) -> DispatchResult {
			T::GovernanceOrigin::ensure_origin(origin)?;
			Self::ensure_valid_roles(roles)?;
			Organizations::<T>::try_mutate(&organization, |maybe_org| -> DispatchResult {
				let org = maybe_org.as_mut().ok_or(Error::<T>::UnknownOrganization)?;
				org.roles = roles;
				Ok(())
			})?;
			Self::deposit_event(Event::RolesSet { organization, roles });
			Ok(())
		}

		/// Suspend an organization: it and all its staff fail every role check until
		/// reinstated. Then [`Config::OnSuspension`] runs: in the runtime, the organization
		/// loses its council seat (unless it is the last one) and its node stops validating
		/// from the next session boundary, brought forward.
		/// Reinstating restores the organization's roles, staff, directory entry and
		/// validator; a council seat must be given again by the council.
		///
		/// - `origin`: `GovernanceOrigin`.
		/// - `organization`: the organization's admin account.
		///
		/// Emits [`Event::OrganizationSuspended`].
		///
		/// ## Complexity
		/// O(1).
		///
		/// ## Errors
		///
		/// In the order checked:
		/// - `BadOrigin`: the origin is not `GovernanceOrigin`.
		/// - [`Error::UnknownOrganization`]: no organization is registered under
		///   `organization`.
		/// - [`Error::AlreadySuspended`].
		#[pallet::call_index(2)]
		#[pallet::weight(T::WeightInfo::suspend_organization().saturating_add(T::OnSuspension::weight()))]
		pub fn suspend_organization(
			origin: OriginFor<T>,
			organization: T::AccountId,
		) -> DispatchResult {
			T::GovernanceOrigin::ensure_origin(origin)?;
			Organizations::<T>::try_mutate(&organization, |maybe_org| -> DispatchResult {
				let org = maybe_org.as_mut().ok_or(Error::<T>::UnknownOrganization)?;
				ensure!(org.status == OrganizationStatus::Active, Error::<T>::AlreadySuspended);
				org.status = OrganizationStatus::Suspended;
				Ok(())
			})?;
			Self::deposit_event(Event::OrganizationSuspended {
				organization: organization.clone(),
			});
			T::OnSuspension::on_suspension(&organization);
			Ok(())
		}

		/// Lift an organization's suspension.
		///
		/// - `origin`: `GovernanceOrigin`.
		/// - `organization`: the organization's admin account.
		///
		/// Emits [`Event::OrganizationReinstated`].
		///
		/// ## Complexity
		/// O(1).
		///
		/// ## Errors
		///
		/// In the order checked:
		/// - `BadOrigin`: the origin is not `GovernanceOrigin`.
		/// - [`Error::UnknownOrganization`]: no organization is registered under
		///   `organization`.
		/// - [`Error::NotSuspended`]: the organization is active.
		#[pallet::call_index(3)]
		#[pallet::weight(T::WeightInfo::reinstate_organization())]
		pub fn reinstate_organization(
			origin: OriginFor<T>,
			organization: T::AccountId,
		) -> DispatchResult {
			T::GovernanceOrigin::ensure_origin(origin)?;
			Organizations::<T>::try_mutate(&organization, |maybe_org| -> DispatchResult {
				let org = maybe_org.as_mut().ok_or(Error::<T>::UnknownOrganization)?;
				ensure!(org.status == OrganizationStatus::Suspended, Error::<T>::NotSuspended);
				org.status = OrganizationStatus::Active;
				Ok(())
			})?;
			Self::deposit_event(Event::OrganizationReinstated { organization });
			Ok(())
		}

		/// Let `account` act for the signer's organization.
		///
		/// - `origin`: signed by an active organization's admin.
		/// - `account`: the staff member's own key; it must not already act for any
		///   organization, as staff or as admin.
		///
		/// Emits [`Event::StaffAdded`].
		///
		/// ## Complexity
		/// O(1).
		///
		/// ## Errors
		///
		/// In the order checked:
		/// - `BadOrigin`: the origin is not signed.
		/// - [`Error::NotOrganizationAdmin`]: the signer is not an organization's admin (a
		///   staff key cannot add staff).
		/// - [`Error::SuspendedOrganization`]: the signer's organization is suspended.
		/// - [`Error::AlreadyStaff`]: `account` already acts for an organization as staff.
		/// - [`Error::AccountIsOrganization`]: `account` is an organization's admin.
		/// - [`Error::TooManyStaff`]: the organization already has `MaxStaff` staff.
		#[pallet::call_index(4)]
		#[pallet::weight(T::WeightInfo::add_staff())]
		pub fn add_staff(origin: OriginFor<T>, account: T::AccountId) -> DispatchResult {
			let admin = ensure_signed(origin)?;
			Self::do_add_staff(&admin, &account)?;
			Self::deposit_event(Event::StaffAdded { organization: admin, staff: account });
			Ok(())
		}

		/// Stop `account` acting for the signer's organization. Allowed while the
		/// organization is suspended, so an admin can always revoke a lost key.
		///
		/// - `origin`: signed by an organization's admin.
		/// - `account`: a staff account of that organization.
		///
		/// Emits [`Event::StaffRemoved`].
		///
		/// ## Complexity
		/// O(1).
		///
		/// ## Errors
		///
		/// In the order checked:
		/// - `BadOrigin`: the origin is not signed.
		/// - [`Error::NotOrganizationAdmin`]: the signer is not an organization's admin.
		/// - [`Error::NotStaff`]: `account` is not staff of the signer's organization.
		#[pallet::call_index(5)]
		#[pallet::weight(T::WeightInfo::remove_staff())]
		pub fn remove_staff(origin: OriginFor<T>, account: T::AccountId) -> DispatchResult {
			let admin = ensure_signed(origin)?;
			let org = Organizations::<T>::get(&admin).ok_or(Error::<T>::NotOrganizationAdmin)?;
			ensure!(StaffOf::<T>::get(&account) == Some(admin.clone()), Error::<T>::NotStaff);
			StaffOf::<T>::remove(&account);
			Organizations::<T>::insert(
				&admin,
				Organization { staff_count: org.staff_count.saturating_sub(1), ..org },
			);
			Self::deposit_event(Event::StaffRemoved { organization: admin, staff: account });
			Ok(())
		}

		/// Publish the signer's organization's record gateway in the directory, or replace
		/// the entry it published before.
		///
		/// - `origin`: signed by an active organization's admin (not its staff: the gateway
		///   speaks for the whole organization).
		/// - `endpoint`: the gateway's base URL, `https://` and a host, printable ASCII
		///   without spaces, at most `MaxEndpointLen` bytes (rules: [`check_endpoint`]).
		/// - `public_key`: the sr25519 public key the gateway signs with (its staff account,
		///   `signer` at `/v1/info`); not all zeros.
		///
		/// Stores `(endpoint, public_key, current block)` under the organization and emits
		/// [`Event::GatewaySet`].
		///
		/// ## Complexity
		/// O(`endpoint.len()`).
		///
		/// ## Errors
		///
		/// In the order checked:
		/// - `BadOrigin`: the origin is not signed.
		/// - [`Error::NotOrganizationAdmin`]: the signer is not an organization's admin (a
		///   staff key cannot publish).
		/// - [`Error::SuspendedOrganization`]: the signer's organization is suspended.
		/// - [`Error::EndpointTooLong`]: `endpoint` is longer than `MaxEndpointLen`.
		/// - [`Error::InvalidEndpointCharacter`], [`Error::EndpointNotHttps`],
		///   [`Error::EndpointHasCredentials`], [`Error::EmptyEndpointHost`],
		///   [`Error::InvalidEndpointHost`], [`Error::InvalidEndpointPort`]: `endpoint` breaks
		///   the rule of that name, checked in this order.
		/// - [`Error::ZeroPublicKey`]: `public_key` is all zeros.
		#[pallet::call_index(6)]
		#[pallet::weight(T::WeightInfo::set_gateway(endpoint.len() as u32))]
		pub fn set_gateway(
			origin: OriginFor<T>,
			endpoint: Vec<u8>,
			public_key: GatewayKey,
		) -> DispatchResult {
			let admin = ensure_signed(origin)?;
			let org = Organizations::<T>::get(&admin).ok_or(Error::<T>::NotOrganizationAdmin)?;
			ensure!(org.status == OrganizationStatus::Active, Error::<T>::SuspendedOrganization);
			let endpoint: EndpointOf<T> =
				endpoint.try_into().map_err(|_| Error::<T>::EndpointTooLong)?;
			check_endpoint(&endpoint).map_err(Error::<T>::from)?;
			ensure!(public_key != [0; GATEWAY_KEY_LEN], Error::<T>::ZeroPublicKey);
			Gateways::<T>::insert(
				&admin,
				GatewayEntry {
					endpoint: endpoint.clone(),
					public_key,
					updated_at: frame_system::Pallet::<T>::block_number(),
				},
			);
			Self::deposit_event(Event::GatewaySet { organization: admin, endpoint, public_key });
			Ok(())
		}

		/// Remove the signer's organization's gateway from the directory. Allowed while the
		/// organization is suspended, so an admin can always withdraw an endpoint or a key
		/// that must no longer be used.
		///
		/// - `origin`: signed by an organization's admin.
		///
		/// Emits [`Event::GatewayRemoved`].
		///
		/// ## Complexity
		/// O(1).
		///
		/// ## Errors
		///
		/// In the order checked:
		/// - `BadOrigin`: the origin is not signed.
		/// - [`Error::NotOrganizationAdmin`]: the signer is not an organization's admin.
		/// - [`Error::UnknownGateway`]: the organization has no gateway in the directory.
		#[pallet::call_index(7)]
		#[pallet::weight(T::WeightInfo::remove_gateway())]
		pub fn remove_gateway(origin: OriginFor<T>) -> DispatchResult {
			let admin = ensure_signed(origin)?;
			ensure!(Organizations::<T>::contains_key(&admin), Error::<T>::NotOrganizationAdmin);
			ensure!(Gateways::<T>::contains_key(&admin), Error::<T>::UnknownGateway);
			Gateways::<T>::remove(&admin);
			Self::deposit_event(Event::GatewayRemoved { organization: admin });
			Ok(())
		}

		/// Authorize a node to peer with the member nodes, as one of `organization`'s nodes.
		/// An organization's admin adds its own nodes (a read replica for its gateway, a
		/// standby validator) without a vote; governance adds any organization's, e.g. the
		/// first node of a newly admitted member. The first node ever added turns on
		/// [`PermissionedPeering`].
		///
		/// - `origin`: `GovernanceOrigin`, or signed by `organization`'s admin.
		/// - `organization`: the organization (its admin account) that runs the node.
		/// - `node`: the node's libp2p identity (see [`NodeKey`]).
		///
		/// Emits [`Event::NodeAdded`]. Member nodes accept the node from the first block that
		/// finalizes this call.
		///
		/// ## Complexity
		/// O(`MaxNodesPerOrganization`): the organization's node list is read and written.
		///
		/// ## Errors
		///
		/// In the order checked:
		/// - `BadOrigin`: the origin is neither `GovernanceOrigin` nor signed.
		/// - [`Error::NotOrganizationAdmin`]: signed, but not by an organization's admin (a
		///   staff key cannot add nodes).
		/// - [`Error::NotOwnOrganization`]: signed by another organization's admin.
		/// - [`Error::SuspendedOrganization`]: signed by the admin of a suspended organization.
		/// - [`Error::UnknownOrganization`]: governance named an unregistered organization.
		/// - [`Error::ZeroNodeKey`]: `node` is all zeros.
		/// - [`Error::NodeAlreadyAuthorized`]: `node` is already authorized.
		/// - [`Error::TooManyNodes`]: the organization already has `MaxNodesPerOrganization`.
		#[pallet::call_index(8)]
		#[pallet::weight(T::WeightInfo::add_node())]
		pub fn add_node(
			origin: OriginFor<T>,
			organization: T::AccountId,
			node: NodeKey,
		) -> DispatchResult {
			if let Some(admin) = Self::node_admin(origin)? {
				let org =
					Organizations::<T>::get(&admin).ok_or(Error::<T>::NotOrganizationAdmin)?;
				ensure!(admin == organization, Error::<T>::NotOwnOrganization);
				ensure!(
					org.status == OrganizationStatus::Active,
					Error::<T>::SuspendedOrganization
				);
			}
			Self::do_add_node(&organization, node)
		}

		/// Withdraw a node's authorization: member nodes disconnect it and refuse it from the
		/// first block that finalizes this call. Allowed while the organization is suspended,
		/// so an admin can always withdraw a node whose key leaked.
		///
		/// - `origin`: `GovernanceOrigin`, or signed by the admin of the organization that
		///   runs the node.
		/// - `node`: the node's libp2p identity.
		///
		/// Emits [`Event::NodeRemoved`].
		///
		/// ## Complexity
		/// O(`MaxNodesPerOrganization`).
		///
		/// ## Errors
		///
		/// In the order checked:
		/// - `BadOrigin`: the origin is neither `GovernanceOrigin` nor signed.
		/// - [`Error::NotOrganizationAdmin`]: signed, but not by an organization's admin.
		/// - [`Error::UnknownNode`]: `node` is not authorized.
		/// - [`Error::NotOwnOrganization`]: signed by the admin of another organization than
		///   the node's.
		#[pallet::call_index(9)]
		#[pallet::weight(T::WeightInfo::remove_node())]
		pub fn remove_node(origin: OriginFor<T>, node: NodeKey) -> DispatchResult {
			let admin = Self::node_admin(origin)?;
			if let Some(admin) = &admin {
				ensure!(Organizations::<T>::contains_key(admin), Error::<T>::NotOrganizationAdmin);
			}
			let owner = NodeOwner::<T>::get(node).ok_or(Error::<T>::UnknownNode)?;
			if let Some(admin) = admin {
				ensure!(admin == owner, Error::<T>::NotOwnOrganization);
			}
			Self::do_remove_node(&owner, node)
		}
	}

	impl<T> From<EndpointError> for Error<T> {
		fn from(error: EndpointError) -> Self {
			match error {
				EndpointError::InvalidCharacter => Error::<T>::InvalidEndpointCharacter,
				EndpointError::NotHttps => Error::<T>::EndpointNotHttps,
				EndpointError::HasCredentials => Error::<T>::EndpointHasCredentials,
				EndpointError::EmptyHost => Error::<T>::EmptyEndpointHost,
				EndpointError::InvalidHost => Error::<T>::InvalidEndpointHost,
				EndpointError::InvalidPort => Error::<T>::InvalidEndpointPort,
			}
		}
	}

	#[pallet::hooks]
	impl<T: Config> Hooks<BlockNumberFor<T>> for Pallet<T> {
		fn integrity_test() {
			assert!(
				T::MaxEndpointLen::get() >= MIN_ENDPOINT_LEN,
				"MaxEndpointLen must fit the shortest https endpoint"
			);
		}

		#[cfg(feature = "try-runtime")]
		fn try_state(_n: BlockNumberFor<T>) -> Result<(), sp_runtime::TryRuntimeError> {
			Self::do_try_state()
		}
	}
}

/// Origin check for "signed by an active organization holding role `R`, or by its staff".
/// Succeeds with the organization's admin account.
///
/// `R` is a `Get<Role>`, e.g. `EnsureRole<Runtime, ProviderRole>` with
/// `parameter_types! { pub const ProviderRole: Role = Role::Provider; }`.
pub struct EnsureRole<T, R>(PhantomData<(T, R)>);

impl<T: Config, R: Get<Role>> EnsureOrigin<T::RuntimeOrigin> for EnsureRole<T, R> {
	type Success = T::AccountId;

	fn try_origin(o: T::RuntimeOrigin) -> Result<Self::Success, T::RuntimeOrigin> {
		let who = frame_system::ensure_signed(o.clone()).map_err(|_| o.clone())?;
		<Pallet<T> as RoleProvider<T::AccountId>>::ensure_role(&who, R::get()).map_err(|_| o)
	}

	#[cfg(feature = "runtime-benchmarks")]
	fn try_successful_origin() -> Result<T::RuntimeOrigin, ()> {
		let org: T::AccountId = frame_benchmarking::account("ensure_role_org", 0, 0);
		<Pallet<T> as RoleProvider<T::AccountId>>::register_for_benchmarks(
			&org,
			Roles::only(R::get()),
			&[],
		);
		Ok(frame_system::RawOrigin::Signed(org).into())
	}
}
