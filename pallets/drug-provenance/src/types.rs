//! Types of the drug-provenance pallet: GS1 identifiers (GTIN-14, company prefix, lot, expiry
//! date, serial), products, batches, custody, shipments, dispenses, destructions, suspect
//! reports, the custody history and the answer of `verify_unit`.

use alloc::vec::Vec;
use codec::{Decode, DecodeWithMemTracking, Encode, MaxEncodedLen};
use frame_support::{traits::ConstU32, BoundedVec};
use medchain_primitives::Moment;
use scale_info::TypeInfo;
use sp_core::H256;

/// Identifies a commissioned batch: a counter, never reused.
pub type BatchId = u64;

/// Identifies a shipment: a counter, never reused.
pub type ShipmentId = u64;

/// The number of digits of a GTIN-14.
pub const GTIN_LEN: u32 = 14;

/// The number of ASCII digits of a GS1 date (`YYMMDD`, AI(17)).
pub const EXPIRY_LEN: u32 = 6;

/// Milliseconds in one day.
pub const MS_PER_DAY: u64 = 86_400_000;

/// The fewest digits of a GS1 Company Prefix.
pub const MIN_COMPANY_PREFIX_LEN: u32 = 6;

/// The most digits of a GS1 Company Prefix (a GTIN-13 body holds the prefix and the item
/// reference: 12 digits before the check digit).
pub const MAX_COMPANY_PREFIX_LEN: u32 = 12;

/// Whether `byte` belongs to GS1 AI encodable character set 82 (General Specifications
/// 7.11, figure 7.11-1), the characters allowed in a lot (AI 10) or serial (AI 21):
/// `! " % & ' ( ) * + , - . / 0-9 : ; < = > ? A-Z _ a-z`.
pub const fn is_gs1_cset82(byte: u8) -> bool {
	matches!(byte, b'!' | b'"' | b'%'..=b'?' | b'A'..=b'Z' | b'_' | b'a'..=b'z')
}

/// Whether `value` is a non-empty string of GS1 character set 82 (a lot or serial value; the
/// length bound is the caller's `BoundedVec`).
pub fn is_gs1_value(value: &[u8]) -> bool {
	!value.is_empty() && value.iter().all(|b| is_gs1_cset82(*b))
}

/// The hash that identifies a serial number on chain and is its Merkle leaf node:
/// `blake2_256(serial bytes)` (the raw ASCII of the AI(21) value, no length prefix).
pub fn serial_hash(serial: &[u8]) -> H256 {
	H256(sp_io::hashing::blake2_256(serial))
}

/// Why a GTIN was refused by [`Gtin::parse`].
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum GtinError {
	/// Not exactly 14 ASCII digits.
	Format,
	/// The 14th digit is not the GS1 mod-10 check digit of the first 13.
	CheckDigit,
}

/// A GTIN-14 (GS1 Global Trade Item Number) as its 14 ASCII digits, check digit verified.
///
/// Shorter GTINs (GTIN-8, -12, -13) are written as GTIN-14 by padding zeros on the left, as
/// in GS1 AI(01).
#[derive(
	Clone,
	Copy,
	PartialEq,
	Eq,
	PartialOrd,
	Ord,
	Debug,
	Encode,
	Decode,
	DecodeWithMemTracking,
	MaxEncodedLen,
	TypeInfo,
)]
pub struct Gtin(pub [u8; 14]);

impl Gtin {
	/// The GS1 mod-10 check digit (as a number 0..=9) of the 13 leading digits `body`
	/// (ASCII): from the right, digits are weighted 3, 1, 3, 1, ...; the check digit brings
	/// the weighted sum up to a multiple of 10. `None` if `body` holds a non-digit.
	pub fn check_digit(body: &[u8]) -> Option<u8> {
		let mut sum: u32 = 0;
		for (position_from_right, byte) in body.iter().rev().enumerate() {
			if !byte.is_ascii_digit() {
				return None;
			}
			let digit = u32::from(byte.saturating_sub(b'0'));
			let weight = if position_from_right % 2 == 0 { 3 } else { 1 };
			sum = sum.saturating_add(digit.saturating_mul(weight));
		}
		Some((10u32.saturating_sub(sum % 10) % 10) as u8)
	}

	/// Parse 14 ASCII digits whose last digit is the GS1 check digit of the first 13.
	pub fn parse(input: &[u8]) -> Result<Self, GtinError> {
		let digits: [u8; 14] = input.try_into().map_err(|_| GtinError::Format)?;
		if !digits.iter().all(u8::is_ascii_digit) {
			return Err(GtinError::Format);
		}
		let (body, check) = digits.split_at(13);
		let expected = Self::check_digit(body).ok_or(GtinError::Format)?;
		if check.first().map(|c| c.saturating_sub(b'0')) != Some(expected) {
			return Err(GtinError::CheckDigit);
		}
		Ok(Self(digits))
	}

	/// The 14 ASCII digits.
	pub const fn as_bytes(&self) -> &[u8; 14] {
		&self.0
	}

	/// The GTIN's candidate GS1 Company Prefix of `len` digits: the `len` digits after the
	/// indicator digit (GTIN-14 digit 1). `None` unless `len` is
	/// `MIN_COMPANY_PREFIX_LEN..=MAX_COMPANY_PREFIX_LEN`.
	pub fn company_prefix(&self, len: u32) -> Option<CompanyPrefix> {
		if !(MIN_COMPANY_PREFIX_LEN..=MAX_COMPANY_PREFIX_LEN).contains(&len) {
			return None;
		}
		let end = (len as usize).checked_add(1)?;
		CompanyPrefix::parse(self.0.get(1..end)?).ok()
	}

	/// Every candidate GS1 Company Prefix of the GTIN, shortest (6 digits) first.
	pub fn company_prefixes(&self) -> impl Iterator<Item = CompanyPrefix> + '_ {
		(MIN_COMPANY_PREFIX_LEN..=MAX_COMPANY_PREFIX_LEN).filter_map(|len| self.company_prefix(len))
	}
}

/// Why a company prefix was refused by [`CompanyPrefix::parse`].
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum CompanyPrefixError {
	/// A character is not an ASCII digit.
	NotDigits,
	/// Not `MIN_COMPANY_PREFIX_LEN..=MAX_COMPANY_PREFIX_LEN` (6..=12) digits.
	Length,
}

/// A GS1 Company Prefix: 6..=12 ASCII digits that GS1 licenses to one company. In a GTIN-14
/// it follows the indicator digit; a U.P.C. Company Prefix is written with a leading `0`
/// (e.g. UPC-A `036000 29145 2` is GTIN-14 `0 0036000 29145 2`, prefix `0036000`).
///
/// On chain, governance assigns prefixes to Manufacturer organizations; no assigned prefix
/// is a leading part of another, so at most one assigned prefix matches a GTIN.
#[derive(
	Clone,
	PartialEq,
	Eq,
	PartialOrd,
	Ord,
	Debug,
	Encode,
	Decode,
	DecodeWithMemTracking,
	MaxEncodedLen,
	TypeInfo,
)]
pub struct CompanyPrefix(pub BoundedVec<u8, ConstU32<MAX_COMPANY_PREFIX_LEN>>);

impl CompanyPrefix {
	/// Parse 6..=12 ASCII digits.
	pub fn parse(input: &[u8]) -> Result<Self, CompanyPrefixError> {
		if !input.iter().all(u8::is_ascii_digit) {
			return Err(CompanyPrefixError::NotDigits);
		}
		if input.len() < MIN_COMPANY_PREFIX_LEN as usize {
			return Err(CompanyPrefixError::Length);
		}
		BoundedVec::try_from(input.to_vec()).map(Self).map_err(|_| CompanyPrefixError::Length)
	}

	/// The ASCII digits.
	pub fn as_bytes(&self) -> &[u8] {
		&self.0
	}

	/// Whether the prefix is well formed: 6..=12 ASCII digits (always true of a parsed one).
	pub fn is_valid(&self) -> bool {
		Self::parse(&self.0).is_ok()
	}

	/// The shorter prefixes this one extends: its leading 6, 7, ... `len - 1` digits (none for
	/// a 6-digit prefix).
	pub fn shorter_prefixes(&self) -> impl Iterator<Item = CompanyPrefix> + '_ {
		(MIN_COMPANY_PREFIX_LEN as usize..self.0.len())
			.filter_map(|len| self.0.get(..len).and_then(|digits| Self::parse(digits).ok()))
	}
}

/// Days since 1970-01-01 of the proleptic Gregorian date `year-month-day` (Howard Hinnant's
/// `days_from_civil`). Defined for `year >= 1970`, `month` 1..=12, `day` 1..=31; every
/// intermediate value stays far below `u64::MAX` for any `u16` year.
pub const fn days_from_civil(year: u16, month: u8, day: u8) -> u64 {
	let (year, month, day) = (year as u64, month as u64, day as u64);
	// March-based year: January and February count to the previous year.
	let y = if month <= 2 { year.saturating_sub(1) } else { year };
	let era = y / 400;
	let yoe = y % 400;
	let mp = month.saturating_add(9) % 12;
	let doy = (mp.saturating_mul(153).saturating_add(2) / 5).saturating_add(day.saturating_sub(1));
	let doe = yoe
		.saturating_mul(365)
		.saturating_add(yoe / 4)
		.saturating_sub(yoe / 100)
		.saturating_add(doy);
	era.saturating_mul(146_097).saturating_add(doe).saturating_sub(719_468)
}

/// The Gregorian year of day `days` since 1970-01-01 (Howard Hinnant's `civil_from_days`).
pub const fn year_from_days(days: u64) -> u64 {
	let z = days.saturating_add(719_468);
	let era = z / 146_097;
	let doe = z % 146_097;
	let yoe =
		doe.saturating_sub(doe / 1460).saturating_add(doe / 36_524).saturating_sub(doe / 146_096)
			/ 365;
	let doy = doe
		.saturating_sub(yoe.saturating_mul(365).saturating_add(yoe / 4).saturating_sub(yoe / 100));
	let mp = doy.saturating_mul(5).saturating_add(2) / 153;
	let year = yoe.saturating_add(era.saturating_mul(400));
	// Months 11 and 12 of the March-based year are January and February of the next year.
	if mp >= 10 {
		year.saturating_add(1)
	} else {
		year
	}
}

/// Whether `year` is a Gregorian leap year.
pub const fn is_leap_year(year: u16) -> bool {
	(year.is_multiple_of(4) && !year.is_multiple_of(100)) || year.is_multiple_of(400)
}

/// The number of days of `month` (1..=12) in `year`; 0 for an invalid month.
pub const fn days_in_month(year: u16, month: u8) -> u8 {
	match month {
		1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
		4 | 6 | 9 | 11 => 30,
		2 if is_leap_year(year) => 29,
		2 => 28,
		_ => 0,
	}
}

/// A batch's expiry date, a calendar day (UTC) as read from a GS1 AI(17) `YYMMDD` value.
#[derive(
	Clone,
	Copy,
	PartialEq,
	Eq,
	Debug,
	Encode,
	Decode,
	DecodeWithMemTracking,
	MaxEncodedLen,
	TypeInfo,
)]
pub struct ExpiryDate {
	/// The full year, e.g. 2027.
	pub year: u16,
	/// The month, 1..=12.
	pub month: u8,
	/// The day of the month, 1..=31 (a `DD = 00` input is stored as the month's last day).
	pub day: u8,
}

impl ExpiryDate {
	/// Parse a GS1 date `YYMMDD` (6 ASCII digits) read at time `now` (ms since the Unix
	/// epoch):
	/// - `MM` is `01..=12`;
	/// - `DD` is `01..=` the month's length (leap years counted), or `00`, which GS1 defines
	///   as the last day of the month;
	/// - the century of `YY` follows the GS1 General Specifications 7.12 sliding window
	///   against the current year (from `now`): if `YY` minus the current year's last two
	///   digits is 51..=99 the year is in the previous century, if -99..=-50 in the next
	///   century, otherwise in the current one (in 2026: `00`..`76` are 2000..2076, `77`..`99`
	///   are 1977..1999).
	///
	/// `None` for anything else (including a year before 1970).
	pub fn parse(yymmdd: &[u8], now: Moment) -> Option<Self> {
		let digits: [u8; 6] = yymmdd.try_into().ok()?;
		if !digits.iter().all(u8::is_ascii_digit) {
			return None;
		}
		let two = |i: usize| -> Option<u8> {
			let tens = digits.get(i)?.saturating_sub(b'0');
			let units = digits.get(i.saturating_add(1))?.saturating_sub(b'0');
			Some(tens.saturating_mul(10).saturating_add(units))
		};
		let (yy, month, dd) = (two(0)?, two(2)?, two(4)?);
		let current_year = year_from_days(now / MS_PER_DAY);
		let century = current_year.saturating_sub(current_year % 100);
		let diff = i64::from(yy).saturating_sub((current_year % 100) as i64);
		let century = if diff >= 51 {
			century.checked_sub(100)?
		} else if diff <= -50 {
			century.saturating_add(100)
		} else {
			century
		};
		let year = u16::try_from(century.saturating_add(u64::from(yy))).ok()?;
		if year < 1970 {
			return None;
		}
		let last_day = days_in_month(year, month);
		if last_day == 0 || dd > last_day {
			return None;
		}
		let day = if dd == 0 { last_day } else { dd };
		Some(Self { year, month, day })
	}

	/// The last millisecond of the expiry day (UTC), in ms since the Unix epoch.
	pub const fn end_of_day(&self) -> Moment {
		days_from_civil(self.year, self.month, self.day)
			.saturating_add(1)
			.saturating_mul(MS_PER_DAY)
			.saturating_sub(1)
	}

	/// Whether the date has passed at `now`: `now` is after the end of the expiry day (UTC).
	/// A unit may be used up to and including its expiry day.
	pub const fn is_expired_at(&self, now: Moment) -> bool {
		now > self.end_of_day()
	}

	/// The date as GS1 `YYMMDD` (6 ASCII digits, the real day, never `00`).
	pub fn to_yymmdd(&self) -> [u8; 6] {
		let digit = |n: u16| b'0'.saturating_add((n % 10) as u8);
		let yy = self.year % 100;
		let (mm, dd) = (u16::from(self.month), u16::from(self.day));
		[digit(yy / 10), digit(yy), digit(mm / 10), digit(mm), digit(dd / 10), digit(dd)]
	}
}

/// A registered product: the GTIN's owner and a hash of its master data.
#[derive(
	Clone, PartialEq, Eq, Debug, Encode, Decode, DecodeWithMemTracking, MaxEncodedLen, TypeInfo,
)]
pub struct Product<AccountId> {
	/// The Manufacturer organization that owns the GTIN (registered it under its company
	/// prefix, or received it from governance by `reassign_product`) and alone commissions
	/// its batches.
	pub manufacturer: AccountId,
	/// A hash of the product's master data kept off chain (name, strength, dosage form, NDC,
	/// package size...), e.g. `blake2_256` of a canonical JSON document.
	pub metadata_hash: H256,
	/// When the product was registered (ms since the Unix epoch).
	pub registered_at: Moment,
}

/// A batch's recall.
#[derive(
	Clone, PartialEq, Eq, Debug, Encode, Decode, DecodeWithMemTracking, MaxEncodedLen, TypeInfo,
)]
pub struct Recall<AccountId> {
	/// The organization that recalled the batch: its manufacturer or a Regulator.
	pub by: AccountId,
	/// The recall's reason, a code agreed off chain (e.g. a regulator's classification).
	pub reason_code: u16,
	/// When the batch was recalled (ms since the Unix epoch).
	pub at: Moment,
}

/// A commissioned batch (a lot of one product) and its running totals.
///
/// `Lot` is `BoundedVec<u8, MaxLotLen>` in storage and `Vec<u8>` in the runtime API.
///
/// Conservation: `sum of holders' held + in_transit + dispensed + destroyed == quantity`,
/// always.
#[derive(
	Clone, PartialEq, Eq, Debug, Encode, Decode, DecodeWithMemTracking, MaxEncodedLen, TypeInfo,
)]
pub struct Batch<AccountId, Lot> {
	/// The product.
	pub gtin: Gtin,
	/// The lot (GS1 AI 10), unique per GTIN.
	pub lot: Lot,
	/// The expiry date (GS1 AI 17).
	pub expiry: ExpiryDate,
	/// How many units were commissioned: the number of serials in the Merkle tree.
	pub quantity: u32,
	/// The Merkle root of the batch's serial numbers (see the crate docs).
	pub serials_root: H256,
	/// The Manufacturer organization that commissioned the batch (the GTIN's owner at the
	/// time; governance may later reassign the product, never the batch).
	pub manufacturer: AccountId,
	/// When the batch was commissioned (ms since the Unix epoch).
	pub commissioned_at: Moment,
	/// Units in shipments sent and not yet received or cancelled.
	pub in_transit: u32,
	/// Units dispensed to patients.
	pub dispensed: u32,
	/// Units destroyed by their holders (`destroy_units`), e.g. recalled, expired or damaged
	/// stock.
	pub destroyed: u32,
	/// Suspect reports filed on the batch, ever (including those dropped from the bounded
	/// list of reports).
	pub suspect_reports: u32,
	/// Custody-history entries dropped because the history reached `MaxHistoryPerBatch`.
	pub history_pruned: u32,
	/// The recall, once the batch is recalled.
	pub recalled: Option<Recall<AccountId>>,
}

impl<AccountId, Lot> Batch<AccountId, Lot> {
	/// Whether the batch is recalled.
	pub const fn is_recalled(&self) -> bool {
		self.recalled.is_some()
	}

	/// Whether the batch is expired at `now` (ms since the Unix epoch).
	pub const fn is_expired_at(&self, now: Moment) -> bool {
		self.expiry.is_expired_at(now)
	}

	/// The same batch with its lot mapped (e.g. from a `BoundedVec` to a `Vec`).
	pub fn map_lot<L>(self, f: impl FnOnce(Lot) -> L) -> Batch<AccountId, L> {
		Batch {
			gtin: self.gtin,
			lot: f(self.lot),
			expiry: self.expiry,
			quantity: self.quantity,
			serials_root: self.serials_root,
			manufacturer: self.manufacturer,
			commissioned_at: self.commissioned_at,
			in_transit: self.in_transit,
			dispensed: self.dispensed,
			destroyed: self.destroyed,
			suspect_reports: self.suspect_reports,
			history_pruned: self.history_pruned,
			recalled: self.recalled,
		}
	}
}

/// One organization's custody of one batch.
#[derive(
	Clone,
	Copy,
	PartialEq,
	Eq,
	Debug,
	Default,
	Encode,
	Decode,
	DecodeWithMemTracking,
	MaxEncodedLen,
	TypeInfo,
)]
pub struct Custody {
	/// Units the organization holds (received, or commissioned by it) and can ship or
	/// dispense.
	pub held: u32,
	/// Units shipped to the organization and not yet received.
	pub incoming: u32,
	/// Units the organization shipped that are not yet received (it can still cancel them).
	pub outgoing: u32,
}

impl Custody {
	/// Whether the organization has nothing of the batch: held, incoming and outgoing are 0.
	pub const fn is_empty(&self) -> bool {
		self.held == 0 && self.incoming == 0 && self.outgoing == 0
	}
}

/// A shipment sent and not yet received or cancelled.
#[derive(
	Clone, PartialEq, Eq, Debug, Encode, Decode, DecodeWithMemTracking, MaxEncodedLen, TypeInfo,
)]
pub struct Shipment<AccountId> {
	/// The batch shipped.
	pub batch_id: BatchId,
	/// The sending organization.
	pub from: AccountId,
	/// The receiving organization.
	pub to: AccountId,
	/// Units shipped (at least 1).
	pub quantity: u32,
	/// When the shipment was sent (ms since the Unix epoch).
	pub sent_at: Moment,
}

/// A dispensed serial.
#[derive(
	Clone, PartialEq, Eq, Debug, Encode, Decode, DecodeWithMemTracking, MaxEncodedLen, TypeInfo,
)]
pub struct DispenseInfo<AccountId> {
	/// The Pharmacy organization that dispensed the unit.
	pub pharmacy: AccountId,
	/// When (ms since the Unix epoch).
	pub at: Moment,
}

/// Why a unit is reported as suspect.
#[derive(
	Clone,
	Copy,
	PartialEq,
	Eq,
	Debug,
	Encode,
	Decode,
	DecodeWithMemTracking,
	MaxEncodedLen,
	TypeInfo,
)]
pub enum SuspectReason {
	/// A unit presented with a serial that is already dispensed (a copied serial). The
	/// runtime checks the serial *is* dispensed.
	DoubleDispense,
	/// A unit whose serial could not be proven a member of the batch.
	UnknownSerial,
	/// A unit of a recalled batch found in the supply chain. The runtime checks the batch
	/// is recalled.
	Recalled,
	/// A unit of an expired batch found in the supply chain. The runtime checks the batch
	/// is expired.
	Expired,
	/// A damaged, opened or tampered package.
	DamagedOrTampered,
	/// Any other reason (explained off chain).
	Other,
}

/// A durable trace of a suspect unit, for regulators.
#[derive(
	Clone, PartialEq, Eq, Debug, Encode, Decode, DecodeWithMemTracking, MaxEncodedLen, TypeInfo,
)]
pub struct SuspectReport<AccountId> {
	/// The organization that reported.
	pub reporter: AccountId,
	/// `blake2_256` of the reported serial's bytes.
	pub serial_hash: H256,
	/// Why the unit is suspect.
	pub reason: SuspectReason,
	/// When it was reported (ms since the Unix epoch).
	pub at: Moment,
	/// The reporter held the Regulator role when it reported. A Regulator's report is never
	/// dropped to make room for another organization's report.
	pub by_regulator: bool,
}

/// Why a holder destroys units (`destroy_units`). `Recalled` and `Expired` are checked
/// against the batch; the others cannot be checked by the chain.
#[derive(
	Clone,
	Copy,
	PartialEq,
	Eq,
	Debug,
	Encode,
	Decode,
	DecodeWithMemTracking,
	MaxEncodedLen,
	TypeInfo,
)]
pub enum DestructionReason {
	/// The batch is recalled. The runtime checks it is.
	Recalled,
	/// The batch is expired. The runtime checks it is.
	Expired,
	/// Damaged, opened or tampered packages (e.g. after a suspect report).
	DamagedOrTampered,
	/// Any other reason (explained off chain).
	Other,
}

/// One entry of a batch's custody history, in the order things happened.
#[derive(
	Clone, PartialEq, Eq, Debug, Encode, Decode, DecodeWithMemTracking, MaxEncodedLen, TypeInfo,
)]
pub enum CustodyEvent<AccountId> {
	/// The manufacturer commissioned the batch and holds all of it.
	Commissioned {
		/// The manufacturer organization.
		by: AccountId,
		/// Units commissioned.
		quantity: u32,
		/// When.
		at: Moment,
	},
	/// Units left `from` for `to`.
	Shipped {
		/// The shipment.
		shipment_id: ShipmentId,
		/// The sender.
		from: AccountId,
		/// The recipient.
		to: AccountId,
		/// Units shipped.
		quantity: u32,
		/// When.
		at: Moment,
	},
	/// `to` took custody of a shipment.
	Received {
		/// The shipment.
		shipment_id: ShipmentId,
		/// The sender.
		from: AccountId,
		/// The recipient.
		to: AccountId,
		/// Units received.
		quantity: u32,
		/// When.
		at: Moment,
	},
	/// The sender cancelled a shipment; the units are back in its custody.
	Cancelled {
		/// The shipment.
		shipment_id: ShipmentId,
		/// The sender.
		from: AccountId,
		/// The recipient that never received it.
		to: AccountId,
		/// Units returned to the sender.
		quantity: u32,
		/// When.
		at: Moment,
	},
	/// A pharmacy dispensed units. Consecutive dispenses by the same pharmacy update one entry
	/// (`count` grows, `at` is the latest), so a batch's history does not grow per unit.
	Dispensed {
		/// The Pharmacy organization.
		pharmacy: AccountId,
		/// Units dispensed in this run of consecutive dispenses.
		count: u32,
		/// When the latest of them was dispensed.
		at: Moment,
	},
	/// The batch was recalled.
	Recalled {
		/// The manufacturer or Regulator organization.
		by: AccountId,
		/// The recall's reason code.
		reason_code: u16,
		/// When.
		at: Moment,
	},
	/// The recipient refused a shipment; the units are back in the sender's custody.
	Rejected {
		/// The shipment.
		shipment_id: ShipmentId,
		/// The sender, who holds the units again.
		from: AccountId,
		/// The recipient that refused it.
		to: AccountId,
		/// Units returned to the sender.
		quantity: u32,
		/// When.
		at: Moment,
	},
	/// A holder destroyed units it held; they leave the supply chain for good.
	Destroyed {
		/// The holder organization.
		by: AccountId,
		/// Units destroyed.
		quantity: u32,
		/// Why.
		reason: DestructionReason,
		/// When.
		at: Moment,
	},
}

/// A Merkle inclusion proof of one serial in a batch's tree (see the crate docs).
///
/// `Siblings` is `BoundedVec<H256, MaxProofLen>` in the `dispense` call and `Vec<H256>` in
/// the runtime API.
#[derive(
	Clone, PartialEq, Eq, Debug, Encode, Decode, DecodeWithMemTracking, MaxEncodedLen, TypeInfo,
)]
pub struct SerialProof<Siblings> {
	/// The serial's position in the batch's list of serials, `0 .. leaf_count`.
	pub leaf_index: u32,
	/// The number of serials in the tree: must equal the batch's commissioned quantity.
	pub leaf_count: u32,
	/// The sibling hashes from the bottom row upwards (exactly as many as the tree's shape
	/// requires for `leaf_index`).
	pub siblings: Siblings,
}

/// What `verify_unit(gtin, lot, serial, proof)` found about one pack.
///
/// Read it as: `batch_id` — a batch with this GTIN and lot is commissioned (`None`: the
/// GTIN/lot is unknown, every other field is `false` / `None` / empty); `manufacturer` — the
/// Manufacturer organization that owns the product (GTIN) now; `batch_manufacturer` — the one
/// that commissioned the batch and vouches for its serials (the same, unless governance
/// reassigned the product after the batch was made: a pack whose two differ deserves a look,
/// e.g. a batch made by a GTIN squatter); `authentic` — the serial is
/// proven a member of that batch by the proof; `dispensed` — the serial was already dispensed
/// (by whom, when): a pack presented again is suspect; `recalled`, `expired` — the batch's
/// state now; `holders` — every organization with custody of the batch and its
/// held / incoming / outgoing units; `suspect_reports` — how many suspect reports were ever
/// filed on the batch. A pack is fit to dispense iff `authentic && dispensed.is_none() &&
/// !recalled && !expired`.
#[derive(Clone, PartialEq, Eq, Debug, Encode, Decode, TypeInfo)]
pub struct UnitStatus<AccountId> {
	/// The batch the GTIN and lot name, if commissioned.
	pub batch_id: Option<BatchId>,
	/// The Manufacturer organization that owns the product (GTIN) now.
	pub manufacturer: Option<AccountId>,
	/// The Manufacturer organization that commissioned the batch.
	pub batch_manufacturer: Option<AccountId>,
	/// The serial is proven a member of the batch's serials.
	pub authentic: bool,
	/// The serial's dispense, if it was dispensed.
	pub dispensed: Option<DispenseInfo<AccountId>>,
	/// The batch is recalled.
	pub recalled: bool,
	/// The batch is expired now.
	pub expired: bool,
	/// The batch's expiry date.
	pub expiry: Option<ExpiryDate>,
	/// Every organization with custody of the batch and its custody.
	pub holders: Vec<(AccountId, Custody)>,
	/// Suspect reports ever filed on the batch.
	pub suspect_reports: u32,
}

impl<AccountId> UnitStatus<AccountId> {
	/// The answer for a GTIN/lot no batch has.
	pub const fn unknown() -> Self {
		Self {
			batch_id: None,
			manufacturer: None,
			batch_manufacturer: None,
			authentic: false,
			dispensed: None,
			recalled: false,
			expired: false,
			expiry: None,
			holders: Vec::new(),
			suspect_reports: 0,
		}
	}

	/// Whether the pack may be dispensed: authentic, not yet dispensed, not recalled, not
	/// expired.
	pub const fn is_dispensable(&self) -> bool {
		self.authentic && self.dispensed.is_none() && !self.recalled && !self.expired
	}
}
