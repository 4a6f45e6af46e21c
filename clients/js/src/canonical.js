// Canonical JSON for FHIR resources (JCS-style, RFC 8785, for the JSON subset FHIR uses).
//
// Two parties that hold the "same" FHIR resource must produce byte-identical input
// to the hash, whatever whitespace, key order or escaping their FHIR server used.
// The rules:
//
//   * objects: members sorted by key, comparing keys as sequences of UTF-16 code
//     units (exactly RFC 8785 §3.2.3 and JavaScript's default `Array#sort` on
//     strings). Members whose value is `undefined` are dropped (as JSON.stringify
//     does). Only plain objects (prototype Object.prototype or null) are accepted;
//     `toJSON` is NOT consulted: Dates, Maps, class instances ... are rejected.
//   * arrays: element order is kept. An `undefined` (or missing, sparse) element
//     is rejected: JSON.stringify would silently turn it into `null`, which is not
//     what the source document said.
//   * strings: escaped exactly as JSON.stringify escapes them (the same rules as
//     RFC 8785 §3.2.2.2: `"` `\` and U+0000..U+001F escaped, \b \t \n \f \r short
//     forms, everything else, including non-ASCII, emitted as itself; lone
//     surrogates come out as \udXXX escapes).
//   * numbers: rendered as JSON.stringify renders them (ECMAScript
//     Number::toString, which is what RFC 8785 §3.2.2.3 prescribes): 7.2, 1e+21,
//     1e-7, -0 becomes 0. NaN and ±Infinity are rejected. BigInt is rejected.
//   * true / false / null as themselves; no insignificant whitespace anywhere.
//
// FHIR decimals: FHIR says the precision of a decimal is significant ("7.20" is
// not "7.2"), but JSON.parse turns both into the IEEE double 7.2, and integers
// above 2^53 lose digits. The canonical form is a function of the *parsed* value,
// so it cannot carry trailing zeros. If a document's exact decimal text matters
// for verification, hash the original document bytes instead
// (`contentHash(bytes, salt)`), or carry such values as strings in the source.
// Everyone who verifies must use the same choice; MedChain's convention is
// canonical JSON of the parsed resource.
//
// Cycles throw; the same object referenced twice (not a cycle) is serialized twice.

/** Error thrown for input that has no canonical JSON form. */
export class CanonicalizationError extends TypeError {
  constructor(message, path) {
    super(`${message} at ${path}`);
    this.name = 'CanonicalizationError';
    this.path = path;
  }
}

function isPlainObject(value) {
  const proto = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}

function serialize(value, path, ancestors, out) {
  if (value === null) {
    out.push('null');
    return;
  }
  switch (typeof value) {
    case 'boolean':
      out.push(value ? 'true' : 'false');
      return;
    case 'string':
      out.push(JSON.stringify(value));
      return;
    case 'number':
      if (!Number.isFinite(value)) {
        throw new CanonicalizationError(`non-finite number ${value} is not JSON`, path);
      }
      out.push(JSON.stringify(value));
      return;
    case 'object':
      break;
    case 'undefined':
      throw new CanonicalizationError('undefined is not a JSON value', path);
    default:
      // bigint, symbol, function
      throw new CanonicalizationError(`a ${typeof value} is not a JSON value`, path);
  }

  if (ancestors.has(value)) {
    throw new CanonicalizationError('cyclic structure cannot be serialized', path);
  }
  ancestors.add(value);

  if (Array.isArray(value)) {
    out.push('[');
    for (let i = 0; i < value.length; i++) {
      if (i > 0) out.push(',');
      const item = value[i];
      if (item === undefined) {
        throw new CanonicalizationError('undefined (or missing) array element is not JSON', `${path}[${i}]`);
      }
      serialize(item, `${path}[${i}]`, ancestors, out);
    }
    out.push(']');
  } else {
    if (!isPlainObject(value)) {
      const name = value?.constructor?.name ?? 'exotic object';
      throw new CanonicalizationError(`${name} is not a plain JSON object`, path);
    }
    // Default sort compares UTF-16 code units, as RFC 8785 requires.
    const keys = Object.keys(value).sort();
    out.push('{');
    let first = true;
    for (const key of keys) {
      const member = value[key];
      if (member === undefined) continue;
      if (!first) out.push(',');
      first = false;
      out.push(JSON.stringify(key), ':');
      serialize(member, `${path}.${key}`, ancestors, out);
    }
    out.push('}');
  }

  ancestors.delete(value);
}

/**
 * Canonical JSON text of a JSON value (normally a parsed FHIR resource).
 * @param {unknown} value
 * @returns {string}
 * @throws {CanonicalizationError} on cycles, non-finite numbers, undefined at the top level
 *   or in arrays, BigInt/functions/symbols, and objects that are not plain.
 */
export function canonicalize(value) {
  const out = [];
  serialize(value, '$', new Set(), out);
  return out.join('');
}
