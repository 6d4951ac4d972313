import { test } from 'node:test';
import assert from 'node:assert/strict';
import { countWindowStarts, MAX_KERNEL_PATTERN_BITS, patternCounter } from '../../src/kernels/pattern-counts.ts';
import { circularPatternCounts } from '../../src/sts/serial.ts';
import { BitSequence } from '../../src/bits/bit-sequence.ts';

/** Per-bit circular window counts: the definition (§2.11.4 step 2), no packing. */
function naiveCounts(bits: Uint8Array, m: number): number[] {
  const n = bits.length;
  const counts = new Array<number>(1 << m).fill(0);
  for (let i = 0; i < n; i++) {
    let v = 0;
    for (let j = 0; j < m; j++) v = (v << 1) | bits[(i + j) % n]!;
    counts[v]!++;
  }
  return counts;
}

function lcgBits(n: number, seed: number, ones = 0.5): Uint8Array {
  let x = seed >>> 0;
  return Uint8Array.from({ length: n }, () => {
    x = (Math.imul(x, 1664525) + 1013904223) >>> 0;
    return x / 2 ** 32 < ones ? 1 : 0;
  });
}

test('WebAssembly is available on Node 20 (the pattern-count kernel is used)', () => {
  assert.ok(patternCounter(4) !== undefined);
});

test('the kernel counts every m-bit window of whole words from a given word, m = 1..16 (per-bit windows as the oracle)', () => {
  const k = patternCounter(64)!;
  const bits = lcgBits(32 * 40 + 32, 7);
  const seq = BitSequence.fromBitArray(Array.from(bits));
  for (let m = 1; m <= MAX_KERNEL_PATTERN_BITS; m++) {
    k.words.set(seq.words);
    k.counts.subarray(0, 1 << m).fill(0);
    k.count(3, 37, m);
    const expect = new Array<number>(1 << m).fill(0);
    for (let i = 32 * 3; i < 32 * 40; i++) {
      let v = 0;
      for (let j = 0; j < m; j++) v = (v << 1) | bits[i + j]!;
      expect[v]!++;
    }
    assert.deepEqual(Array.from(k.counts.subarray(0, 1 << m)), expect, `m = ${m}`);
  }
});

test('countWindowStarts counts the windows at starts from..to−1, ranges inside, across and on word edges', () => {
  const bits = lcgBits(32 * 12, 3);
  const seq = BitSequence.fromBitArray(Array.from(bits));
  const words = new Uint32Array(seq.words.length + 1);
  words.set(seq.words);
  for (const m of [1, 5, 16, 20]) {
    for (const [from, to] of [[0, 0], [0, 32], [5, 6], [31, 33], [7, 200], [64, 128], [100, 384 - m]]) {
      const counts = new Uint32Array(1 << m);
      countWindowStarts(words, from, to, m, counts);
      const expect = new Map<number, number>();
      for (let p = from; p < to; p++) {
        let v = 0;
        for (let j = 0; j < m; j++) v = v * 2 + bits[p + j]!;
        expect.set(v, (expect.get(v) ?? 0) + 1);
      }
      const got = new Map<number, number>();
      counts.forEach((c, v) => c && got.set(v, c));
      assert.deepEqual(got, expect, `m = ${m}, starts ${from}..${to - 1}`);
    }
  }
});

test('circularPatternCounts equals the per-bit circular count for lengths off the word grid, biased data and m up to 20', () => {
  for (const [n, m, ones] of [
    [1000, 3, 0.5], [1001, 11, 0.5], [4127, 16, 0.5], [4127, 16, 0.9], [33, 5, 0.3], [31, 2, 0.5],
    [64, 1, 0.5], [17, 16, 0.5], [2048, 17, 0.5], [3001, 20, 0.2],
  ] as const) {
    const bits = lcgBits(n, n * 31 + m, ones);
    const got = Array.from(circularPatternCounts(BitSequence.fromBitArray(Array.from(bits)), m));
    assert.deepEqual(got, naiveCounts(bits, m), `n = ${n}, m = ${m}, P(1) = ${ones}`);
  }
});

test('all ones and all zeros land in one counter each', () => {
  for (const b of [0, 1]) {
    const counts = circularPatternCounts(BitSequence.fromBitArray(new Array<number>(999).fill(b)), 16);
    assert.equal(counts[b ? 0xffff : 0], 999);
    assert.equal(counts.reduce((a, c) => a + c, 0), 999);
  }
});
