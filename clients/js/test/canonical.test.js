import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { canonicalize, CanonicalizationError } from '../src/canonical.js';

describe('canonicalize', () => {
  it('sorts object keys and removes whitespace', () => {
    assert.equal(canonicalize({ b: 1, a: 2, c: { z: true, y: null } }), '{"a":2,"b":1,"c":{"y":null,"z":true}}');
  });

  it('does not depend on the source key order or formatting', () => {
    const x = JSON.parse('{ "resourceType" : "Patient",\n  "id":"p1", "name":[{"given":["A"],"family":"B"}] }');
    const y = JSON.parse('{"name":[{"family":"B","given":["A"]}],"id":"p1","resourceType":"Patient"}');
    assert.equal(canonicalize(x), canonicalize(y));
    assert.equal(canonicalize(x), '{"id":"p1","name":[{"family":"B","given":["A"]}],"resourceType":"Patient"}');
  });

  it('sorts nested objects, including objects inside arrays', () => {
    const v = { z: [{ d: 1, c: [{ f: 1, e: 2 }] }], a: { y: { x: 1, w: 2 } } };
    assert.equal(canonicalize(v), '{"a":{"y":{"w":2,"x":1}},"z":[{"c":[{"e":2,"f":1}],"d":1}]}');
  });

  it('keeps array order', () => {
    assert.equal(canonicalize([3, 1, 2, 'b', 'a']), '[3,1,2,"b","a"]');
    assert.notEqual(canonicalize({ given: ['A', 'B'] }), canonicalize({ given: ['B', 'A'] }));
  });

  it('orders keys by UTF-16 code units (RFC 8785), not code points', () => {
    // U+FF01 is one code unit 0xFF01; U+1F600 is 0xD83D 0xDE00, which is smaller.
    assert.equal(canonicalize({ '\uff01': 1, '😀': 2 }), '{"😀":2,"！":1}');
    assert.equal(canonicalize({ a: 1, B: 2, _: 3, é: 4, 1: 5, 10: 6, 9: 7 }), '{"1":5,"10":6,"9":7,"B":2,"_":3,"a":1,"é":4}');
    // RFC 8785 §3.2.3 sorting example
    const rfc = { '\u20ac': 'Euro Sign', '\r': 'Carriage Return', '\ufb33': 'Hebrew Letter Dalet With Dagesh', '1': 'One', '\ud83d\ude00': 'Emoji: Grinning Face', '\u0080': 'Control', '\u00f6': 'Latin Small Letter O With Diaeresis' };
    // (read the order off the text: JSON.parse would move the integer-like key "1" first)
    const text = canonicalize(rfc);
    assert.deepEqual(
      Object.values(rfc).sort((x, y) => text.indexOf(x) - text.indexOf(y)),
      ['Carriage Return', 'One', 'Control', 'Latin Small Letter O With Diaeresis', 'Euro Sign', 'Emoji: Grinning Face', 'Hebrew Letter Dalet With Dagesh'],
    );
  });

  it('keeps Unicode as itself and escapes like JSON.stringify', () => {
    assert.equal(canonicalize({ family: 'Müller', given: ['José', '太郎', 'Ελένη', '😀'] }), '{"family":"Müller","given":["José","太郎","Ελένη","😀"]}');
    const s = 'q"b\\n\nt\tc\u0001d\u007f\u2028\b\f\r/';
    assert.equal(canonicalize(s), JSON.stringify(s));
    assert.equal(canonicalize(s), '"q\\"b\\\\n\\nt\\tc\\u0001d\u007f\u2028\\b\\f\\r/"');
    assert.equal(canonicalize('\ud800'), '"\\ud800"'); // lone surrogate: escaped
  });

  it('does not normalize Unicode (NFC and NFD differ)', () => {
    assert.notEqual(canonicalize('Jos\u00e9'), canonicalize('Jose\u0301'));
  });

  it('renders numbers as JSON.stringify (ECMAScript Number::toString)', () => {
    assert.equal(canonicalize([7.2, 7.20, 100, 1e21, 1e-7, 0.000001, -0, 0.1 + 0.2, 5e-324, 123456789012]),
      '[7.2,7.2,100,1e+21,1e-7,0.000001,0,0.30000000000000004,5e-324,123456789012]');
    assert.equal(canonicalize(JSON.parse('{"value": 6.30}')), '{"value":6.3}');
  });

  it('handles literals and empty containers', () => {
    assert.equal(canonicalize({ t: true, f: false, n: null, o: {}, a: [], s: '' }), '{"a":[],"f":false,"n":null,"o":{},"s":"","t":true}');
    assert.equal(canonicalize(null), 'null');
    assert.equal(canonicalize(Object.create(null)), '{}');
  });

  it('drops undefined object members', () => {
    assert.equal(canonicalize({ a: 1, b: undefined, c: { d: undefined } }), '{"a":1,"c":{}}');
  });

  it('round-trips: canonical text parses back to an equal value and is a fixed point', () => {
    const v = { resourceType: 'Bundle', entry: [{ resource: { id: 'x', value: 1.5 } }, { resource: { id: 'y' } }] };
    const c = canonicalize(v);
    assert.deepEqual(JSON.parse(c), v);
    assert.equal(canonicalize(JSON.parse(c)), c);
  });

  it('throws on non-finite numbers and non-JSON values', () => {
    for (const bad of [NaN, Infinity, -Infinity, 10n, () => 1, Symbol('x'), undefined]) {
      assert.throws(() => canonicalize(bad), CanonicalizationError);
      assert.throws(() => canonicalize({ a: [bad] }), CanonicalizationError);
    }
    assert.throws(() => canonicalize({ a: { b: NaN } }), /non-finite number NaN is not JSON at \$\.a\.b/);
    assert.throws(() => canonicalize([1, , 3]), /array element/); // sparse
    assert.throws(() => canonicalize({ when: new Date(0) }), /Date is not a plain JSON object/);
    assert.throws(() => canonicalize(new Map()), CanonicalizationError);
    assert.throws(() => canonicalize(new Uint8Array(2)), CanonicalizationError);
    assert.throws(() => canonicalize(new String('x')), CanonicalizationError);
  });

  it('throws on cycles but accepts shared (acyclic) references', () => {
    const a = { x: 1 };
    a.self = a;
    assert.throws(() => canonicalize(a), /cyclic/);
    const arr = [];
    arr.push({ back: arr });
    assert.throws(() => canonicalize(arr), /cyclic/);
    const shared = { k: 1 };
    assert.equal(canonicalize({ a: shared, b: [shared, shared] }), '{"a":{"k":1},"b":[{"k":1},{"k":1}]}');
  });
});
