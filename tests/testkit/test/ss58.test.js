// SS58 against addresses polkadot.js' encodeAddress gives for //Alice and //Bob.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';

import { GENERIC_SS58, MEDCHAIN_SS58, accountHex, sameAccount, ss58Decode, ss58Encode, ss58Reencode } from '../src/ss58.js';

const KEYS = {
  alice: '0xd43593c715fdd31c61141abd04a99fd6822c8558854ccde39a5684e7a56da27d',
  bob: '0x8eaf04151687736326c9fea17e25fc5287613693c912909cb226aa4794f26a48',
};
const VECTORS = [
  ['alice', 0, '15oF4uVJwmo4TdGW7VfQxNLavjCXviqxT9S1MgbjMNHr6Sp5'],
  ['alice', 2, 'HNZata7iMYWmk5RvZRTiAsSDhV8366zq2YGb3tLH5Upf74F'],
  ['alice', 42, '5GrwvaEF5zXb26Fz9rcQpDWS57CtERHpNehXCPcNoHGKutQY'],
  ['alice', 63, '7NPoMQbiA6trJKkjB35uk96MeJD4PGWkLQLH7k7hXEkZpiba'],
  ['alice', 64, 'cEaNSpz4PxFcZ7nT1VEKrKewH67rfx6MfcM6yKojyyPz7qaqp'],
  ['alice', 4242, 'mHpNjVNAj3mWbGmzwFqAt3Et9CLcYrpuYZbJ7um8uJY2uJ7E4'],
  ['alice', 16383, 'yNa8JpqfFB3q8A29rCwSgxvdU94ufJw2yKKxDgznS5m1PoFvn'],
  ['bob', 0, '14E5nqKAp3oAJcmzgZhUD2RcptBeUBScxKHgJKU4HPNcKVf3'],
  ['bob', 2, 'FoQJpPyadYccjavVdTWxpxU7rUEaYhfLCPwXgkfD6Zat9QP'],
  ['bob', 42, '5FHneW46xGXgs5mUiveU4sbTyGBzmstUspZC92UhjJM694ty'],
  ['bob', 63, '7Lpe5LRa2Ntx9KGDk77xzoBPYTCAvj7QqaBx4Nz2TFqL3sLw'],
  ['bob', 64, 'cEYoHYutFpXcexmxW4JMuaK2JzGqnVYxL7WxeGScJuR4t4bFg'],
  ['bob', 4242, 'mHnoaDHzav3Wh7mWRpuCwHtyB6VbfQHWD4m9nrQ1EEZ7fXSZJ'],
  ['bob', 16383, 'yNYZ9YmV73KqE11fLn1UkDaiW3DtmrPddpVotddem1n6A2RWL'],
];

describe('ss58', () => {
  it('encodes as polkadot.js does, one- and two-byte prefixes', () => {
    for (const [who, prefix, address] of VECTORS) assert.equal(ss58Encode(KEYS[who], prefix), address, `${who} ${prefix}`);
    assert.equal(ss58Encode(Buffer.from(KEYS.alice.slice(2), 'hex')), 'mHpNjVNAj3mWbGmzwFqAt3Et9CLcYrpuYZbJ7um8uJY2uJ7E4');
    assert.equal(MEDCHAIN_SS58, 4242);
  });

  it('decodes back to the key and prefix', () => {
    for (const [who, prefix, address] of VECTORS) {
      const d = ss58Decode(address);
      assert.equal(d.prefix, prefix, address);
      assert.equal(`0x${Buffer.from(d.publicKey).toString('hex')}`, KEYS[who]);
      assert.equal(accountHex(address), KEYS[who]);
    }
  });

  it('re-encodes for the node RPC and compares across prefixes', () => {
    assert.equal(ss58Reencode('mHpNjVNAj3mWbGmzwFqAt3Et9CLcYrpuYZbJ7um8uJY2uJ7E4', GENERIC_SS58), '5GrwvaEF5zXb26Fz9rcQpDWS57CtERHpNehXCPcNoHGKutQY');
    assert.ok(sameAccount('5GrwvaEF5zXb26Fz9rcQpDWS57CtERHpNehXCPcNoHGKutQY', { address: 'mHpNjVNAj3mWbGmzwFqAt3Et9CLcYrpuYZbJ7um8uJY2uJ7E4' }));
    assert.ok(sameAccount(KEYS.bob.toUpperCase().replace('0X', '0x'), '5FHneW46xGXgs5mUiveU4sbTyGBzmstUspZC92UhjJM694ty'));
    assert.ok(!sameAccount(KEYS.alice, KEYS.bob));
    assert.equal(accountHex({ toU8a: () => Buffer.from(KEYS.bob.slice(2), 'hex') }), KEYS.bob);
  });

  it('refuses bad checksums, lengths, characters and prefixes', () => {
    assert.throws(() => ss58Decode('5GrwvaEF5zXb26Fz9rcQpDWS57CtERHpNehXCPcNoHGKutQZ'), /checksum/);
    assert.throws(() => ss58Decode('5GrwvaEF5zXb26Fz9rcQpDWS57CtERHpNehXCPcNoHGKutQ'), /SS58/);
    assert.throws(() => ss58Decode('5GrwvaEF5zXb26Fz9rcQpDWS57CtERHpNehXCPcNoHGKut0Y'), /base58/);
    assert.throws(() => ss58Decode('5GrwvaEF5zXb26Fz9rcQpDWS57CtERHpNehXCPcNoHGKutQY', 4242), /prefix 42, not 4242/);
    assert.throws(() => ss58Encode(KEYS.alice, 16384), /prefix/);
    assert.throws(() => ss58Encode(KEYS.alice, 46), /prefix/);
    assert.throws(() => ss58Encode('0x1234'), /32 bytes/);
  });
});
