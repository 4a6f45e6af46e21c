// Robust readers for decoded chain values and events, shared by the e2e tests.
// They avoid depending on exactly how polkadot.js shapes a type (a newtype
// u16 may come back as a plain number, a one-field struct, a hex string, ...).

import { hexToU8a, isHex, u8aToString } from '@polkadot/util';

// accountHex and sameAccount: the testkit's SS58 helpers (any prefix, pairs, AccountIds).
export { accountHex, sameAccount } from '../../testkit/src/ss58.js';

/** A decoded codec value (or plain JS value) as a JS number. Throws if it is not a single integer. */
export function toNumber(value) {
  const walk = (v) => {
    if (v === null || v === undefined) throw new Error(`expected a number, got ${v}`);
    if (typeof v === 'number') return v;
    if (typeof v === 'bigint') return Number(v);
    if (typeof v === 'string') {
      const n = isHex(v) ? Number(BigInt(v)) : Number(v.replace(/,/g, ''));
      if (Number.isNaN(n)) throw new Error(`expected a number, got '${v}'`);
      return n;
    }
    if (Array.isArray(v) && v.length === 1) return walk(v[0]);
    if (typeof v === 'object') {
      if (typeof v.toJSON === 'function' && v.constructor !== Object) return walk(v.toJSON());
      const values = Object.values(v);
      if (values.length === 1) return walk(values[0]);
    }
    throw new Error(`expected a number, got ${JSON.stringify(v)}`);
  };
  return walk(value);
}

/** Bytes / Vec<u8> / BoundedVec<u8> / hex string as a UTF-8 string. */
export function bytesToUtf8(value) {
  if (typeof value === 'string') return isHex(value) ? u8aToString(hexToU8a(value)) : value;
  if (value instanceof Uint8Array && typeof value.toHex !== 'function') return u8aToString(value);
  if (value && typeof value.toHex === 'function') {
    // Bytes.toHex() is the raw bytes (no length prefix)
    return u8aToString(hexToU8a(value.toHex()));
  }
  throw new Error(`expected bytes, got ${value}`);
}

/** The variant name of a decoded enum ('Active', 'Suspended', ...). */
export function enumName(value) {
  if (value && typeof value.type === 'string') return value.type;
  const j = value && typeof value.toJSON === 'function' ? value.toJSON() : value;
  if (typeof j === 'string') return j.charAt(0).toUpperCase() + j.slice(1);
  if (j && typeof j === 'object' && Object.keys(j).length === 1) {
    const k = Object.keys(j)[0];
    return k.charAt(0).toUpperCase() + k.slice(1);
  }
  throw new Error(`expected an enum, got ${JSON.stringify(j)}`);
}

/**
 * A named field of a decoded struct; fails with the list of the fields the
 * struct really has when it is missing (a clear message if the runtime's type
 * differs from what the test expects).
 */
export function field(struct, name) {
  const value = typeof struct.get === 'function' ? struct.get(name) : struct[name];
  if (value === undefined) {
    const keys = typeof struct.keys === 'function' ? [...struct.keys()] : Object.keys(struct);
    throw new Error(`struct has no field '${name}' (fields: ${keys.join(', ')})`);
  }
  return value;
}

/** Unwrap an Option (or return a ValueQuery value as is). Returns null for None. */
export function unwrapOption(value) {
  if (value && typeof value.isSome === 'boolean') return value.isSome ? value.unwrap() : null;
  return value;
}

/** The EventRecords of `section.method` ('consortium', 'StaffAdded') among `events`. */
export function findEvents(events, section, method) {
  const s = section.toLowerCase();
  return events.filter(({ event }) => event.section.toLowerCase() === s && event.method === method);
}

/** The first `section.method` event's data as an object keyed by field name, or null. */
export function findEvent(events, section, method) {
  const [record] = findEvents(events, section, method);
  return record ? eventFields(record.event) : null;
}

/** An event's data as an object keyed by field names (camelCase). */
export function eventFields(event) {
  const names = event.data.names;
  if (!names) throw new Error(`${event.section}.${event.method} has unnamed fields`);
  return Object.fromEntries(names.map((n, i) => [n, event.data[i]]));
}

/** 'section.Method' of every event, for assertion messages. */
export function eventNames(events) {
  return events.map(({ event }) => `${event.section}.${event.method}`);
}

/** A decoded bool (codec `bool`, JS boolean, or its JSON) as a JS boolean. Throws otherwise. */
export function toBool(value) {
  if (typeof value === 'boolean') return value;
  if (value && typeof value.isTrue === 'boolean') return value.isTrue;
  const j = value && typeof value.toJSON === 'function' ? value.toJSON() : value;
  if (typeof j === 'boolean') return j;
  throw new Error(`expected a bool, got ${JSON.stringify(j)}`);
}
