// GS1 helpers for drug provenance (pallet DrugProvenance): what a pharmacist's
// scanner app reads from a GS1 DataMatrix on a drug pack, and the batch serials'
// Merkle tree exactly as the runtime checks it.
//
//   parseElementString(']d2010950600013435217281231' + '10LOT42\x1d21SN0001')
//     -> { gtin: '09506000134352', expiry: '281231', lot: 'LOT42', serial: 'SN0001', ais: {...} }
//   parseElementString('(01)09506000134352(17)281231(10)LOT42(21)SN0001')   // human-readable form
//
// Element strings (GS1 General Specifications, section 7.8): application identifiers
// (AIs) followed by their data; fixed-length fields run on, a variable-length field is
// ended by the FNC1 separator (ASCII 29, GS) unless it is last. A scanner transmits the
// symbology identifier ']d2' in front of a GS1 DataMatrix.
//
// Serials: a batch's `serials_root` is binary-merkle-tree (BlakeTwo256) over the
// serials' ASCII bytes, in the order the manufacturer lists them: leaf node =
// blake2_256(serial bytes). `serialsTree(serials)` builds it; `tree.proof(i)` gives the
// proof `dispense` and `verifyUnit` take.

import { stringToU8a } from '@polkadot/util';
import { buildTree } from './merkle.js';

/** ASCII 29 (GS): FNC1 as transmitted inside an element string. */
export const GS = '\x1d';

// The AIs a drug pack carries (DSCSA / EU FMD product identifier) and a few neighbours:
// fixed length in digits, or a maximum length for variable fields.
const AIS = {
  '00': { name: 'sscc', fixed: 18, numeric: true },
  '01': { name: 'gtin', fixed: 14, numeric: true },
  '02': { name: 'content', fixed: 14, numeric: true },
  '10': { name: 'lot', max: 20 },
  '11': { name: 'productionDate', fixed: 6, numeric: true },
  '15': { name: 'bestBefore', fixed: 6, numeric: true },
  '17': { name: 'expiry', fixed: 6, numeric: true },
  '21': { name: 'serial', max: 20 },
  '240': { name: 'additionalId', max: 30 },
  '710': { name: 'nhrnDE', max: 20 },
  '711': { name: 'nhrnFR', max: 20 },
  '712': { name: 'nhrnES', max: 20 },
  '714': { name: 'nhrnPT', max: 20 },
};

/** GS1 AI(10)/(21) characters: the 82 characters of GS1 character set 82. */
const CSET82 = /^[!"%&'()*+,\-./0-9:;<=>?A-Z_a-z]*$/;

export class Gs1Error extends Error {}

/** The GS1 mod-10 check digit of the digits before it (GTIN-8/12/13/14, SSCC, GLN). */
export function gs1CheckDigit(digits) {
  if (!/^\d+$/.test(digits)) throw new Gs1Error(`not digits: ${JSON.stringify(digits)}`);
  let sum = 0;
  // Weights 3, 1, 3, 1, ... from the rightmost digit.
  for (let i = 0; i < digits.length; i++) {
    const digit = digits.charCodeAt(digits.length - 1 - i) - 48;
    sum += digit * (i % 2 === 0 ? 3 : 1);
  }
  return String((10 - (sum % 10)) % 10);
}

/** Whether `gtin` is a GTIN-14 (14 digits) with a correct check digit. */
export function isValidGtin14(gtin) {
  return typeof gtin === 'string' && /^\d{14}$/.test(gtin) && gs1CheckDigit(gtin.slice(0, 13)) === gtin[13];
}

/**
 * A GTIN-8, -12, -13 or -14 as the GTIN-14 of AI (01) and of the chain: zeros padded on the
 * left (which leaves the check digit unchanged). Throws Gs1Error unless `gtin` is 8, 12, 13
 * or 14 digits with a correct check digit.
 */
export function toGtin14(gtin) {
  if (typeof gtin !== 'string' || !/^(\d{8}|\d{12,14})$/.test(gtin)) {
    throw new Gs1Error(`a GTIN is 8, 12, 13 or 14 digits, got ${JSON.stringify(gtin)}`);
  }
  const padded = gtin.padStart(14, '0');
  if (!isValidGtin14(padded)) throw new Gs1Error(`GTIN ${gtin} has a wrong check digit`);
  return padded;
}

/** The fewest and the most digits of a GS1 Company Prefix. */
export const MIN_COMPANY_PREFIX_LEN = 6;
export const MAX_COMPANY_PREFIX_LEN = 12;

/** Whether `prefix` is a well-formed GS1 Company Prefix: 6 to 12 digits. */
export function isValidCompanyPrefix(prefix) {
  return (
    typeof prefix === 'string' &&
    /^\d+$/.test(prefix) &&
    prefix.length >= MIN_COMPANY_PREFIX_LEN &&
    prefix.length <= MAX_COMPANY_PREFIX_LEN
  );
}

/**
 * The candidate GS1 Company Prefixes of a GTIN-14, shortest first: its digits 2..7,
 * 2..8, ..., 2..13 (the company prefix follows the indicator digit; the pallet's
 * `Gtin::company_prefixes`). Throws Gs1Error on an invalid GTIN-14.
 */
export function companyPrefixCandidates(gtin) {
  if (!isValidGtin14(gtin)) throw new Gs1Error(`not a valid GTIN-14: ${JSON.stringify(gtin)}`);
  const out = [];
  for (let len = MIN_COMPANY_PREFIX_LEN; len <= MAX_COMPANY_PREFIX_LEN; len++) out.push(gtin.slice(1, 1 + len));
  return out;
}

/**
 * Whether the GTIN-14 `gtin` lies under the GS1 Company Prefix `prefix`: `prefix` is a
 * well-formed company prefix and the GTIN's digits after the indicator digit start with it.
 * On chain, only the Manufacturer that governance assigned the prefix may register it.
 */
export function gtinHasCompanyPrefix(gtin, prefix) {
  return isValidGtin14(gtin) && isValidCompanyPrefix(prefix) && gtin.startsWith(prefix, 1);
}

/** The most characters of a lot (AI 10) or serial (AI 21) value. */
export const MAX_LOT_LEN = 20;
export const MAX_SERIAL_LEN = 20;

/** Whether `value` is 1 to `max` characters of GS1 character set 82 (an AI 10/21 value). */
function isCset82Value(value, max) {
  return typeof value === 'string' && value.length >= 1 && value.length <= max && CSET82.test(value);
}

/** Whether `lot` is a valid GS1 AI (10) lot: 1 to 20 characters of GS1 character set 82. */
export function isValidLot(lot) {
  return isCset82Value(lot, MAX_LOT_LEN);
}

/** Whether `serial` is a valid GS1 AI (21) serial: 1 to 20 characters of GS1 character set 82. */
export function isValidSerial(serial) {
  return isCset82Value(serial, MAX_SERIAL_LEN);
}

/**
 * The full year of a GS1 two-digit year YY by the GS1 General Specifications' sliding
 * window (section 7.12), relative to `currentYear`: YY more than 50 years ahead is in the
 * previous century, YY 50 or more years back is in the next one. In 2026: 00-76 -> 2000-2076,
 * 77-99 -> 1977-1999. The runtime applies the same rule to the chain's time.
 */
export function gs1Year(yy, currentYear = new Date().getUTCFullYear()) {
  const century = Math.floor(currentYear / 100) * 100;
  const diff = yy - (currentYear % 100);
  if (diff >= 51) return century - 100 + yy;
  if (diff <= -50) return century + 100 + yy;
  return century + yy;
}

/**
 * A GS1 date YYMMDD (AI 17) as { year, month, day } (day 0 = last day of the month, as
 * GS1 allows), the century by the sliding window of `gs1Year` relative to `now`. Throws on
 * a malformed date.
 */
export function parseGs1Date(yymmdd, now = new Date()) {
  if (typeof yymmdd !== 'string' || !/^\d{6}$/.test(yymmdd)) throw new Gs1Error(`date must be YYMMDD, got ${JSON.stringify(yymmdd)}`);
  const year = gs1Year(Number(yymmdd.slice(0, 2)), now.getUTCFullYear());
  const month = Number(yymmdd.slice(2, 4));
  let day = Number(yymmdd.slice(4, 6));
  if (month < 1 || month > 12) throw new Gs1Error(`month ${month} out of range in ${yymmdd}`);
  const last = new Date(Date.UTC(year, month, 0)).getUTCDate();
  if (day > last) throw new Gs1Error(`day ${day} out of range in ${yymmdd}`);
  if (day === 0) day = last;
  return { year, month, day };
}

function aiAt(data, pos) {
  for (const length of [2, 3, 4]) {
    const ai = data.slice(pos, pos + length);
    if (AIS[ai]) return ai;
  }
  throw new Gs1Error(`unknown or unsupported application identifier at position ${pos}: ${JSON.stringify(data.slice(pos, pos + 4))}`);
}

function checkValue(ai, value) {
  const spec = AIS[ai];
  if (spec.fixed !== undefined && value.length !== spec.fixed) {
    throw new Gs1Error(`AI (${ai}) needs ${spec.fixed} characters, got ${value.length}`);
  }
  if (spec.max !== undefined && (value.length < 1 || value.length > spec.max)) {
    throw new Gs1Error(`AI (${ai}) takes 1 to ${spec.max} characters, got ${value.length}`);
  }
  if (spec.numeric && !/^\d+$/.test(value)) throw new Gs1Error(`AI (${ai}) must be digits, got ${JSON.stringify(value)}`);
  if (!spec.numeric && !CSET82.test(value)) throw new Gs1Error(`AI (${ai}) has characters outside GS1 set 82: ${JSON.stringify(value)}`);
}

function parseBracketed(text) {
  const out = [];
  const re = /\((\d{2,4})\)([^(]*)/gy;
  let match;
  let end = 0;
  while ((match = re.exec(text)) !== null) {
    out.push([match[1], match[2]]);
    end = re.lastIndex;
  }
  if (end !== text.length || out.length === 0) throw new Gs1Error(`not a bracketed element string: ${JSON.stringify(text)}`);
  for (const [ai] of out) if (!AIS[ai]) throw new Gs1Error(`unknown or unsupported application identifier (${ai})`);
  return out;
}

function parseRaw(data) {
  const out = [];
  let pos = 0;
  while (pos < data.length) {
    if (data[pos] === GS) {
      pos += 1;
      continue;
    }
    const ai = aiAt(data, pos);
    pos += ai.length;
    const spec = AIS[ai];
    let value;
    if (spec.fixed !== undefined) {
      value = data.slice(pos, pos + spec.fixed);
      pos += spec.fixed;
    } else {
      const gs = data.indexOf(GS, pos);
      const stop = gs === -1 ? data.length : gs;
      value = data.slice(pos, stop);
      pos = stop;
    }
    out.push([ai, value]);
  }
  return out;
}

/**
 * Parse a GS1 element string as scanned from a DataMatrix (']d2' prefix optional, FNC1
 * as GS) or in human-readable form ('(01)...(17)...'). Returns the pack's product
 * identifier { gtin, expiry, lot, serial } (each a string, or undefined when absent) and
 * every AI read in `ais`. Throws Gs1Error on an empty element string, an unknown AI, a
 * wrong length, a repeated AI or a GTIN whose check digit is wrong.
 */
export function parseElementString(input) {
  if (typeof input !== 'string') throw new TypeError('element string must be a string');
  let data = input.startsWith(']d2') || input.startsWith(']C1') || input.startsWith(']Q3') ? input.slice(3) : input;
  data = data.replace(/^\x1d+/, '');
  if (data === '') throw new Gs1Error('empty element string');
  const pairs = data.startsWith('(') ? parseBracketed(data) : parseRaw(data);
  const ais = {};
  for (const [ai, value] of pairs) {
    checkValue(ai, value);
    if (ais[ai] !== undefined) throw new Gs1Error(`AI (${ai}) appears twice`);
    ais[ai] = value;
  }
  if (ais['01'] !== undefined && !isValidGtin14(ais['01'])) throw new Gs1Error(`GTIN ${ais['01']} has a wrong check digit`);
  if (ais['17'] !== undefined) parseGs1Date(ais['17']);
  return { gtin: ais['01'], expiry: ais['17'], lot: ais['10'], serial: ais['21'], ais };
}

/**
 * The element string a DataMatrix on a pack encodes (without the ']d2' prefix): fixed
 * fields first, variable ones separated by GS. For tests and label printing.
 */
export function formatElementString({ gtin, expiry, lot, serial }) {
  let out = `01${gtin}`;
  if (expiry !== undefined) out += `17${expiry}`;
  const variable = [];
  if (lot !== undefined) variable.push(`10${lot}`);
  if (serial !== undefined) variable.push(`21${serial}`);
  if (variable.length) out += variable.join(GS);
  parseElementString(out); // validate what we produce
  return out;
}

/** The bytes a serial contributes as a Merkle leaf: its ASCII (UTF-8) bytes. */
export function serialLeaf(serial) {
  if (typeof serial !== 'string' || serial.length === 0) throw new TypeError('serial must be a non-empty string');
  return stringToU8a(serial);
}

/** The batch's serials tree (root = the `serials_root` to commission with). */
export function serialsTree(serials) {
  return buildTree(serials.map(serialLeaf));
}
