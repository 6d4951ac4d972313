import { test } from 'node:test';
import assert from 'node:assert/strict';
import { BitSequence, packWords, popcount32 } from '../../src/bits/bit-sequence.ts';
import { parseBits } from '../../src/bits/read.ts';
import { InputError } from '../../src/errors.ts';

test('fromBytes packs MSB first', () => {
  const s = BitSequence.fromBytes(new Uint8Array([0b10110000, 0xff]), 12);
  assert.equal(s.length, 12);
  assert.deepEqual(Array.from(s.unpack()), [1, 0, 1, 1, 0, 0, 0, 0, 1, 1, 1, 1]);
  assert.equal(s.popcount(), 7);
});

test('slice at unaligned offsets equals the per-bit slice', () => {
  const bytes = new Uint8Array(40).map((_, i) => (i * 73 + 19) & 0xff);
  const s = BitSequence.fromBytes(bytes);
  for (const [start, n] of [[0, 320], [5, 100], [31, 33], [33, 200], [7, 0]] as const) {
    const sl = s.slice(start, n);
    assert.deepEqual(Array.from(sl.unpack()), Array.from(s.unpack().subarray(start, start + n)));
    assert.equal(sl.popcount(), Array.from(sl.unpack()).reduce((a, b) => a + b, 0));
  }
});

test('packWords gives the same MSB-first words from aligned and unaligned bytes', () => {
  const buf = new Uint8Array(4 * 9 + 3).map((_, i) => (i * 151 + 7) & 0xff);
  for (const offset of [0, 1, 2, 3, 4]) {
    const bytes = buf.subarray(offset, offset + 32);
    const out = new Uint32Array(8);
    packWords(bytes, 8, out);
    for (let w = 0; w < 8; w++) {
      const b = bytes.subarray(4 * w, 4 * w + 4);
      assert.equal(out[w], ((b[0]! << 24) | (b[1]! << 16) | (b[2]! << 8) | b[3]!) >>> 0, `offset ${offset} word ${w}`);
    }
  }
  // 0x12345678 read from bytes 12 34 56 78, whatever the host's byte order.
  const one = new Uint32Array(1);
  packWords(new Uint8Array([0x12, 0x34, 0x56, 0x78]), 1, one);
  assert.equal(one[0], 0x12345678);
});

test('popcount32 counts ones', () => {
  assert.equal(popcount32(0), 0);
  assert.equal(popcount32(0xffffffff), 32);
  assert.equal(popcount32(0x80000001), 2);
});

test('ascii parsing ignores whitespace and names the offset of a bad byte', () => {
  const s = parseBits(new TextEncoder().encode('10 1\n1'), 'ascii', 'x.txt');
  assert.deepEqual(Array.from(s.unpack()), [1, 0, 1, 1]);
  assert.throws(() => parseBits(new TextEncoder().encode('10x1'), 'ascii', 'x.txt'), (e: unknown) => {
    return e instanceof InputError && /x\.txt: byte offset 2 is 'x'/.test(e.message);
  });
});

test('hex parsing reads high nibble first and maxBits cuts', () => {
  const s = parseBits(new TextEncoder().encode('a5 f'), 'hex', 'h', 10);
  assert.deepEqual(Array.from(s.unpack()), [1, 0, 1, 0, 0, 1, 0, 1, 1, 1]);
});

test('toBytes round-trips fromBytes', () => {
  const bytes = new Uint8Array([1, 2, 3, 250, 99]);
  assert.deepEqual(BitSequence.fromBytes(bytes).toBytes(), bytes);
});
