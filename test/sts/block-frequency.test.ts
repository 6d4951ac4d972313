import { test } from 'node:test';
import assert from 'node:assert/strict';
import { BitSequence } from '../../src/bits/bit-sequence.ts';
import { blockFrequency, countOnes } from '../../src/sts/block-frequency.ts';
import { assertClose, assertPValues, bitsOf, EXAMPLE_100, loadReference, REFERENCE_NAMES } from './helpers.ts';

test('SP 800-22 §2.2.4 example: ε = 0110011010, M = 3 → χ² = 1, P = 0.801252', () => {
  const r = blockFrequency(bitsOf('0110011010'), { M: 3, strict: false });
  assert.equal(r.statistics.chi2, 1);
  assert.equal(r.statistics.blocks, 3);
  assertClose(r.pValues[0]!, 0.801252, 1e-6, 'P');
});

test('SP 800-22 §2.2.8 example: 100 bits, M = 10 → χ² = 7.2, P = 0.706438', () => {
  const r = blockFrequency(bitsOf(EXAMPLE_100), { M: 10 });
  assertClose(r.statistics.chi2 as number, 7.2, 1e-12, 'χ²');
  assertClose(r.pValues[0]!, 0.706438, 1e-6, 'P');
});

test('countOnes agrees with bit-by-bit counting on unaligned ranges', () => {
  let x = 12345;
  const arr = Array.from({ length: 300 }, () => ((x = (x * 1103515245 + 12345) >>> 0) >>> 16) & 1);
  const b = BitSequence.fromBitArray(arr);
  for (const [s, l] of [[0, 300], [3, 29], [31, 2], [5, 100], [64, 32], [1, 0], [250, 50]] as const) {
    const want = arr.slice(s, s + l).reduce((a, v) => a + v, 0);
    assert.equal(countOnes(b.words, s, l), want, `countOnes(${s}, ${l})`);
  }
});

test('M larger than n is not applicable; bad M throws', () => {
  assert.equal(blockFrequency(bitsOf(EXAMPLE_100), { M: 200 }).status, 'not-applicable');
  assert.throws(() => blockFrequency(bitsOf(EXAMPLE_100), { M: 0 }), RangeError);
});

for (const name of REFERENCE_NAMES) {
  test(`${name}: matches sts-2.1.2 (M = 128)`, () => {
    const ref = loadReference(name);
    assertPValues(blockFrequency(ref.bits).pValues, ref.expected.BlockFrequency!, `${name} BlockFrequency`);
  });
}
