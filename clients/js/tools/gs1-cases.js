// The cases of tests/vectors/gs1.json, with their expected results written out by hand.
//
// Nothing here is computed by src/gs1.js (or by the pallet): every expected value is a
// literal, taken from GS1's own examples or worked out by hand from the GS1 General
// Specifications (check digit: 7.9.1; character set 82: 7.11, figure 7.11-1; dates and the
// century rule: 7.12), and cross-checked against an independent reference implementation
// outside both code bases. The JS tests (test/vectors.test.js) and the Rust tests
// (pallets/drug-provenance/src/gs1_vectors.rs) then check their code against these values.
// tools/gen-vectors.js writes them to tests/vectors/gs1.json.

const GS = '\x1d';

// GS1 mod-10 check digit: from the right, weights 3, 1, 3, 1, ...; the check digit brings
// the weighted sum up to a multiple of ten.
export const CHECK_DIGITS = [
  // 0 9 5 0 6 0 0 0 1 3 4 3 5 from the right: 5*3+3+4*3+3+1*3+0+0+0+6*3+0+5*3+9+0*3 = 78 -> 2
  { body: '0950600013435', check_digit: '2', note: 'GS1 example GTIN 09506000134352' },
  // 9 6 3 8 5 0 7: 7*3+0+5*3+8+3*3+6+9*3 = 86 -> 4
  { body: '9638507', check_digit: '4', note: 'GTIN-8 96385074 (7-digit body)' },
  // 0 3 6 0 0 0 2 9 1 4 5: 5*3+4+1*3+9+2*3+0+0+0+6*3+3+0 = 58 -> 2
  { body: '03600029145', check_digit: '2', note: 'GTIN-12 (UPC-A) 036000291452 (11-digit body)' },
  // 4 0 0 6 3 8 1 3 3 3 9 3: 3*3+9+3*3+3+3*3+1+8*3+3+6*3+0+0+4 = 89 -> 1
  { body: '400638133393', check_digit: '1', note: 'GTIN-13 (EAN-13) 4006381333931 (12-digit body)' },
  // 4 0 1 2 3 4 5 0 0 0 0 3: 3*3+0+0+0+0+5+4*3+3+2*3+1+0+4 = 40 -> 0
  { body: '401234500003', check_digit: '0', note: 'check digit 0: GTIN-13 4012345000030' },
  // 1 0 6 1 4 1 4 1 0 0 0 4 1: 1*3+4+0+0+0+1+4*3+1+4*3+1+6*3+0+1*3 = 55 -> 5
  { body: '1061414100041', check_digit: '5', note: 'GTIN-14 with indicator digit 1: 10614141000415' },
  // 17 digits: 6*3+5+4*3+3+2*3+1+2*3+0+0+5+2*3+4+0+1+6*3+7+3*3 = 101 -> 9
  { body: '37610425002123456', check_digit: '9', note: 'SSCC 376104250021234569 (17-digit body): the same rule' },
  { body: '0000000000000', check_digit: '0', note: 'all zeros' },
  { body: '095060001343A', check_digit: null, note: 'a non-digit: no check digit (Rust None, JS throws)' },
];

// GTIN-14 as the chain takes it (Gtin::parse): exactly 14 ASCII digits, the last one the
// check digit of the first 13. error: 'format' (not 14 ASCII digits) or 'check_digit'.
export const GTIN14 = [
  { gtin: '09506000134352', valid: true, error: null, note: 'GS1 example GTIN' },
  { gtin: '10614141000415', valid: true, error: null, note: 'indicator digit 1' },
  { gtin: '00614141000418', valid: true, error: null, note: 'indicator digit 0, GS1 US example prefix 0614141' },
  { gtin: '00036000291452', valid: true, error: null, note: 'UPC-A 036000291452 padded' },
  { gtin: '04012345000030', valid: true, error: null, note: 'check digit 0' },
  { gtin: '00000000000000', valid: true, error: null, note: 'all zeros: the check digit is right (not an allocatable GTIN, but well formed)' },
  { gtin: '09506000134353', valid: false, error: 'check_digit', note: 'last digit off by one' },
  { gtin: '09506000134350', valid: false, error: 'check_digit', note: 'check digit 0 where 2 is due' },
  { gtin: '09506000143352', valid: false, error: 'check_digit', note: 'adjacent digits 3 and 4 transposed (body 0950600014335 has check digit 4)' },
  { gtin: '10614141000418', valid: false, error: 'check_digit', note: 'indicator digit changed from 0 to 1, check digit kept' },
  { gtin: '0950600013435', valid: false, error: 'format', note: '13 digits' },
  { gtin: '095060001343520', valid: false, error: 'format', note: '15 digits' },
  { gtin: '9506000134352', valid: false, error: 'format', note: 'a GTIN-13 is not taken unpadded' },
  { gtin: '0950600013435A', valid: false, error: 'format', note: 'a letter' },
  { gtin: ' 9506000134352', valid: false, error: 'format', note: 'a space' },
  { gtin: '0950600013435\u0662', valid: false, error: 'format', note: 'a non-ASCII (Arabic-Indic) digit' },
  { gtin: '', valid: false, error: 'format', note: 'empty' },
];

// GTIN-8, -12 and -13 become GTIN-14 by padding zeros on the left; the check digit does not
// change (the weights count from the right). gtin14: null when the short GTIN's own check
// digit is wrong.
export const SHORT_GTINS = [
  { gtin: '96385074', kind: 'GTIN-8', gtin14: '00000096385074' },
  { gtin: '036000291452', kind: 'GTIN-12', gtin14: '00036000291452' },
  { gtin: '4006381333931', kind: 'GTIN-13', gtin14: '04006381333931' },
  { gtin: '9506000134352', kind: 'GTIN-13', gtin14: '09506000134352' },
  { gtin: '4012345000030', kind: 'GTIN-13', gtin14: '04012345000030' },
  { gtin: '96385075', kind: 'GTIN-8', gtin14: null, note: 'wrong check digit' },
  { gtin: '036000291453', kind: 'GTIN-12', gtin14: null, note: 'wrong check digit' },
  { gtin: '4006381333932', kind: 'GTIN-13', gtin14: null, note: 'wrong check digit' },
];

// A GS1 Company Prefix is 6..=12 ASCII digits. error: 'not_digits' (checked first) or 'length'.
export const COMPANY_PREFIXES = [
  { prefix: '950600', valid: true, error: null },
  { prefix: '0614141', valid: true, error: null, note: 'U.P.C. Company Prefix 614141 written with its leading 0' },
  { prefix: '950600013435', valid: true, error: null, note: '12 digits, the most' },
  { prefix: '95060', valid: false, error: 'length', note: '5 digits' },
  { prefix: '9506000134352', valid: false, error: 'length', note: '13 digits' },
  { prefix: '', valid: false, error: 'length', note: 'empty' },
  { prefix: '95060A', valid: false, error: 'not_digits' },
  { prefix: '9A', valid: false, error: 'not_digits', note: 'not digits is reported before the length' },
  { prefix: '950 600', valid: false, error: 'not_digits' },
];

// The candidate company prefixes of a GTIN-14: the 6..12 digits after the indicator digit.
export const PREFIX_CANDIDATES = [
  {
    gtin: '09506000134352',
    prefixes: ['950600', '9506000', '95060001', '950600013', '9506000134', '95060001343', '950600013435'],
  },
  {
    gtin: '10614141000415',
    prefixes: ['061414', '0614141', '06141410', '061414100', '0614141000', '06141410004', '061414100041'],
  },
];

// Whether a GTIN-14 lies under a company prefix: the prefix is valid and the GTIN's digits
// after the indicator digit start with it.
export const PREFIX_CONTAINMENT = [
  { gtin: '09506000134352', prefix: '950600', contains: true, note: '6 digits' },
  { gtin: '09506000134352', prefix: '9506000', contains: true },
  { gtin: '09506000134352', prefix: '950600013435', contains: true, note: '12 digits: all but the indicator and check digits' },
  { gtin: '10614141000415', prefix: '0614141', contains: true, note: 'indicator digit 1 is not part of the prefix' },
  { gtin: '00614141000418', prefix: '0614141', contains: true },
  { gtin: '09506000134352', prefix: '950601', contains: false, note: 'differs in the 6th digit' },
  { gtin: '09506000134352', prefix: '095060', contains: false, note: 'the indicator digit is not part of the prefix' },
  { gtin: '09506000134352', prefix: '506000', contains: false, note: 'not a leading part' },
  { gtin: '09506000134352', prefix: '95060', contains: false, note: 'too short to be a prefix, although a leading part' },
  { gtin: '09506000134352', prefix: '9506000134352', contains: false, note: '13 digits: too long to be a prefix' },
  { gtin: '09506000134352', prefix: '950600013436', contains: false, note: '12 digits, last one differs' },
];

// GS1 AI encodable character set 82, in ASCII order.
const CSET82 = '!"%&\'()*+,-./0123456789:;<=>?ABCDEFGHIJKLMNOPQRSTUVWXYZ_abcdefghijklmnopqrstuvwxyz';
if (CSET82.length !== 82) throw new Error('character set 82 has 82 characters');

// Lot (AI 10) and serial (AI 21) values: 1..=20 characters of GS1 character set 82.
export const LOT_SERIAL = {
  max_len: 20,
  cases: [
    { value: 'LOT42', valid: true },
    { value: 'SN0001', valid: true },
    { value: 'A', valid: true, note: 'one character, the fewest' },
    { value: 'ABCDEFGHIJKLMNOPQRST', valid: true, note: '20 characters, the most' },
    { value: 'ABCDEFGHIJKLMNOPQRSTU', valid: false, note: '21 characters' },
    { value: '', valid: false, note: 'empty' },
    { value: 'lot-2026/a_b.c', valid: true, note: 'lower case and punctuation of set 82' },
    // All 82 characters, in chunks of at most 20.
    ...[0, 20, 40, 60, 80].map((at) => ({
      value: CSET82.slice(at, at + 20),
      valid: true,
      note: `character set 82, characters ${at + 1}..${Math.min(at + 20, 82)}`,
    })),
    // The 13 printable ASCII characters outside set 82.
    ...[' ', '#', '$', '@', '[', '\\', ']', '^', '`', '{', '|', '}', '~'].map((c) => ({
      value: `LOT${c}1`,
      valid: false,
      note: `${JSON.stringify(c)} is not in character set 82`,
    })),
    { value: `LOT${GS}1`, valid: false, note: 'GS (FNC1) inside a value' },
    { value: 'LOT\t1', valid: false, note: 'a control character' },
    { value: 'LOT\u007f', valid: false, note: 'DEL' },
    { value: 'LOT\u00e9', valid: false, note: 'a non-ASCII letter' },
    { value: 'ÄBC', valid: false, note: 'a non-ASCII letter first' },
  ],
};

// GS1 dates YYMMDD (AI 17). DD = 00 is the last day of the month. The century of YY
// follows the sliding window of GS1 General Specifications 7.12, against the year of
// `today`: YY minus the current year's last two digits in 51..99 is the previous century,
// in -99..-50 the next century, otherwise the current one. `now_ms` is `today` in ms since
// the Unix epoch (UTC); `end_of_day_ms` is the last millisecond (UTC) of the date, the
// last moment a unit with this expiry may be used. date: null when the input is refused.
const day = (year, month, d, end_of_day_ms) => ({ date: { year, month, day: d }, end_of_day_ms });
const T2026 = { today: '2026-06-15T12:00:00.000Z', now_ms: 1781524800000 };
const T2080 = { today: '2080-01-01T00:00:00.000Z', now_ms: 3471292800000 };
const T2099 = { today: '2099-12-31T23:59:59.999Z', now_ms: 4102444799999 };
const T2020 = { today: '2020-01-01T00:00:00.000Z', now_ms: 1577836800000 };
const T2050 = { today: '2050-07-01T00:00:00.000Z', now_ms: 2540246400000 };
const refused = { date: null, end_of_day_ms: null };

export const EXPIRY = [
  { yymmdd: '261231', ...T2026, ...day(2026, 12, 31, 1798761599999) },
  { yymmdd: '270615', ...T2026, ...day(2027, 6, 15, 1813103999999) },
  // DD = 00: the last day of the month.
  { yymmdd: '261100', ...T2026, ...day(2026, 11, 30, 1796083199999), note: 'DD 00 in a 30-day month' },
  { yymmdd: '261200', ...T2026, ...day(2026, 12, 31, 1798761599999), note: 'DD 00 in December' },
  { yymmdd: '260400', ...T2026, ...day(2026, 4, 30, 1777593599999), note: 'DD 00 in April' },
  { yymmdd: '240200', ...T2026, ...day(2024, 2, 29, 1709251199999), note: 'DD 00 in February of a leap year' },
  { yymmdd: '250200', ...T2026, ...day(2025, 2, 28, 1740787199999), note: 'DD 00 in February of a common year' },
  { yymmdd: '240229', ...T2026, ...day(2024, 2, 29, 1709251199999), note: '29 February of a leap year' },
  { yymmdd: '000229', ...T2026, ...day(2000, 2, 29, 951868799999), note: '2000 is a leap year (divisible by 400)' },
  // The century window, in 2026: 00..76 are 2000..2076, 77..99 are 1977..1999.
  { yymmdd: '760101', ...T2026, ...day(2076, 1, 1, 3345148799999), note: 'YY - 26 = 50: current century' },
  { yymmdd: '770101', ...T2026, ...day(1977, 1, 1, 221011199999), note: 'YY - 26 = 51: previous century' },
  { yymmdd: '991231', ...T2026, ...day(1999, 12, 31, 946684799999), note: 'previous century' },
  // Refused.
  { yymmdd: '250229', ...T2026, ...refused, note: '29 February of a common year' },
  { yymmdd: '260230', ...T2026, ...refused, note: '30 February' },
  { yymmdd: '260431', ...T2026, ...refused, note: '31 April' },
  { yymmdd: '260132', ...T2026, ...refused, note: 'day 32' },
  { yymmdd: '261301', ...T2026, ...refused, note: 'month 13' },
  { yymmdd: '260001', ...T2026, ...refused, note: 'month 00' },
  { yymmdd: '000000', ...T2026, ...refused, note: 'month 00, day 00' },
  { yymmdd: '26123', ...T2026, ...refused, note: '5 digits' },
  { yymmdd: '2612311', ...T2026, ...refused, note: '7 digits' },
  { yymmdd: '2612a1', ...T2026, ...refused, note: 'a letter' },
  { yymmdd: '26-231', ...T2026, ...refused, note: 'a dash' },
  { yymmdd: '', ...T2026, ...refused, note: 'empty' },
  // Other years.
  { yymmdd: '300101', ...T2080, ...day(2130, 1, 1, 5049215999999), note: 'in 2080: YY - 80 = -50: next century' },
  { yymmdd: '310101', ...T2080, ...day(2031, 1, 1, 1925078399999), note: 'in 2080: YY - 80 = -49: current century' },
  { yymmdd: '790101', ...T2080, ...day(2079, 1, 1, 3439843199999), note: 'in 2080: last year' },
  { yymmdd: '990101', ...T2080, ...day(2099, 1, 1, 4070995199999), note: 'in 2080: YY - 80 = 19' },
  { yymmdd: '000200', ...T2080, ...day(2100, 2, 28, 4107542399999), note: 'in 2080, 00 is 2100, not a leap year: DD 00 is the 28th' },
  { yymmdd: '000229', ...T2080, ...refused, note: 'in 2080, 00 is 2100: no 29 February' },
  { yymmdd: '000101', ...T2099, ...day(2100, 1, 1, 4102531199999), note: 'on the last day of 2099: YY - 99 = -99: next century' },
  { yymmdd: '490101', ...T2099, ...day(2149, 1, 1, 5648831999999), note: 'YY - 99 = -50: next century' },
  { yymmdd: '500101', ...T2099, ...day(2050, 1, 1, 2524694399999), note: 'YY - 99 = -49: current century' },
  { yymmdd: '991231', ...T2099, ...day(2099, 12, 31, 4102444799999), note: 'today itself; now_ms is its end_of_day_ms' },
  { yymmdd: '700101', ...T2020, ...day(2070, 1, 1, 3155846399999), note: 'in 2020: YY - 20 = 50: current century' },
  { yymmdd: '710101', ...T2020, ...day(1971, 1, 1, 31622399999), note: 'in 2020: YY - 20 = 51: previous century' },
  { yymmdd: '200100', ...T2020, ...day(2020, 1, 31, 1580515199999), note: 'DD 00 in January' },
  { yymmdd: '000101', ...T2050, ...day(2100, 1, 1, 4102531199999), note: 'in 2050: YY - 50 = -50: 00 is 2100' },
  { yymmdd: '010101', ...T2050, ...day(2001, 1, 1, 978393599999), note: 'in 2050: YY - 50 = -49: current century' },
  { yymmdd: '990101', ...T2050, ...day(2099, 1, 1, 4070995199999), note: 'in 2050: YY - 50 = 49' },
];

// Element strings as a scanner transmits them from a drug pack's GS1 DataMatrix (symbology
// identifier ]d2 optional, FNC1 as GS = ASCII 29 after a variable-length field that is not
// last), or in human-readable form with AIs in parentheses. JS only: the runtime takes
// GTIN, lot, expiry and serial as separate call arguments and parses no element strings.
// result: the pack's { gtin, expiry, lot, serial } (absent: null) and every AI read; or
// error: a fragment of the error message.
const pack = (gtin, expiry, lot, serial, ais) => ({ result: { gtin, expiry, lot, serial, ais }, error: null });
const fails = (error) => ({ result: null, error });
export const ELEMENT_STRINGS = [
  {
    input: `]d201095060001343521728123110LOT42${GS}21SN0001`,
    ...pack('09506000134352', '281231', 'LOT42', 'SN0001', { '01': '09506000134352', 17: '281231', 10: 'LOT42', 21: 'SN0001' }),
    note: 'as scanned: ]d2, fixed fields first, GS after the lot',
  },
  {
    input: '(01)09506000134352(17)281231(10)LOT42(21)SN0001',
    ...pack('09506000134352', '281231', 'LOT42', 'SN0001', { '01': '09506000134352', 17: '281231', 10: 'LOT42', 21: 'SN0001' }),
    note: 'human-readable form',
  },
  {
    input: `010950600013435221SN0001${GS}10LOT42${GS}17281231`,
    ...pack('09506000134352', '281231', 'LOT42', 'SN0001', { '01': '09506000134352', 21: 'SN0001', 10: 'LOT42', 17: '281231' }),
    note: 'no symbology identifier; serial before lot; a fixed field after a GS',
  },
  {
    input: `${GS}01095060001343521728120017281231`,
    ...fails('appears twice'),
    note: 'AI 17 twice',
  },
  {
    input: `${GS}010950600013435217281200`,
    ...pack('09506000134352', '281200', null, null, { '01': '09506000134352', 17: '281200' }),
    note: 'a leading FNC1 (GS) is skipped; expiry DD 00 kept as read',
  },
  {
    input: ']C1010061414100041810ABC',
    ...pack('00614141000418', null, 'ABC', null, { '01': '00614141000418', 10: 'ABC' }),
    note: 'GS1-128 symbology identifier ]C1',
  },
  {
    input: ']Q3010950600013435221X',
    ...pack('09506000134352', null, null, 'X', { '01': '09506000134352', 21: 'X' }),
    note: 'GS1 QR Code symbology identifier ]Q3',
  },
  {
    input: `0109506000134352112601151728113010L1${GS}240PART-7${GS}21S/1`,
    ...pack('09506000134352', '281130', 'L1', 'S/1', {
      '01': '09506000134352',
      11: '260115',
      17: '281130',
      10: 'L1',
      240: 'PART-7',
      21: 'S/1',
    }),
    note: 'production date (11) and additional product id (240) alongside',
  },
  {
    input: '010950600013435210LOT4221SN0001',
    ...pack('09506000134352', null, 'LOT4221SN0001', null, { '01': '09506000134352', 10: 'LOT4221SN0001' }),
    note: 'no GS after the lot: the serial is read as part of the lot (why GS is required)',
  },
  { input: '0109506000134353', ...fails('check digit'), note: 'wrong GTIN check digit' },
  { input: '(01)0950600013435(17)281231', ...fails('needs 14'), note: 'GTIN of 13 digits' },
  { input: '(01)09506000134352(17)281301', ...fails('month'), note: 'month 13' },
  { input: '(01)09506000134352(17)280230', ...fails('day'), note: '30 February' },
  { input: '0109506000134352990001', ...fails('application identifier'), note: 'unsupported AI 99' },
  { input: '(01)09506000134352(99)1', ...fails('application identifier'), note: 'unsupported AI 99, bracketed' },
  { input: `0109506000134352${GS}01${'0'.repeat(14)}`, ...fails('appears twice'), note: 'AI 01 twice' },
  { input: '0109506000134352' + '10' + 'L'.repeat(21), ...fails('1 to 20'), note: 'lot of 21 characters' },
  { input: '(01)09506000134352(21)SN#1', ...fails('set 82'), note: '# in a serial' },
  { input: `(01)09506000134352(10)${''}`, ...fails('1 to 20'), note: 'empty lot' },
  { input: '01095060001343A2', ...fails('digits'), note: 'a letter in the GTIN' },
  { input: '', ...fails('empty'), note: 'empty' },
  { input: ']d2', ...fails('empty'), note: 'a symbology identifier and nothing else' },
  { input: 'GTIN 09506000134352', ...fails('application identifier'), note: 'not an element string' },
];

export const GS1_DESCRIPTION =
  'GS1 identifiers as the MedChain drug-provenance pallet (pallets/drug-provenance/src/types.rs) and the JS ' +
  'client (clients/js/src/gs1.js) check them. Expected values are written out by hand (clients/js/tools/gs1-cases.js) ' +
  'from GS1 examples and the GS1 General Specifications (mod-10 check digit 7.9.1, character set 82 figure 7.11-1, ' +
  'dates and the century window 7.12), never computed by either implementation. element_strings is read by the JS ' +
  'tests only: the runtime takes GTIN, lot, expiry and serial as separate arguments. See tests/vectors/README.md.';
