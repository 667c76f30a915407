import { createHash } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { sha256Hex, sha256HexBytes } from './sha256.js';

const nodeSha = (data: string | Uint8Array) => createHash('sha256').update(data).digest('hex');

describe('sha256Hex', () => {
  it('matches the published test vectors', () => {
    expect(sha256Hex('')).toBe('e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855');
    expect(sha256Hex('abc')).toBe('ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
    expect(sha256Hex('abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq')).toBe(
      '248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1',
    );
  });

  it('agrees with node:crypto on UTF-8 text, including block-boundary lengths', () => {
    for (const n of [55, 56, 63, 64, 65, 119, 120, 1000])
      expect(sha256Hex('x'.repeat(n))).toBe(nodeSha('x'.repeat(n)));
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme', maxLength: 300 }), (s) => sha256Hex(s) === nodeSha(s)),
    );
  });

  it('agrees with node:crypto on arbitrary bytes', () => {
    fc.assert(fc.property(fc.uint8Array({ maxLength: 500 }), (b) => sha256HexBytes(b) === nodeSha(b)));
  });
});
