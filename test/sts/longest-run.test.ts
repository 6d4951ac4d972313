import { test } from 'node:test';
import assert from 'node:assert/strict';
import { BitSequence } from '../../src/bits/bit-sequence.ts';
import { longestRun, longestRunTable } from '../../src/sts/longest-run.ts';
import { assertClose, assertPValues, bitsOf, loadReference, REFERENCE_NAMES } from './helpers.ts';

test('SP 800-22 §2.4.8 example: 128 bits, M = 8 → ν = (4, 9, 3, 0), χ² = 4.882457, P = 0.180609', () => {
  const r = longestRun(
    bitsOf(
      '11001100000101010110110001001100111000000000001001' +
        '00110101010001000100111101011010000000110101111100' +
        '1100111001101101100010110010',
    ),
  );
  assert.deepEqual(r.statistics.nu, [4, 9, 3, 0]);
  assertClose(r.statistics.chi2 as number, 4.882457, 1e-6, 'χ²');
  assertClose(r.pValues[0]!, 0.180609, 1e-6, 'P');
});

test('block length and classes follow n as in sts-2.1.2', () => {
  assert.equal(longestRunTable(6271).M, 8);
  assert.equal(longestRunTable(6272).M, 128);
  assert.equal(longestRunTable(749999).M, 128);
  const big = longestRunTable(750000);
  assert.equal(big.M, 10000);
  assert.deepEqual(big.pi, [0.0882, 0.2092, 0.2483, 0.1933, 0.1208, 0.0675, 0.0727]);
  assert.equal(longestRun(bitsOf('1'.repeat(127))).status, 'not-applicable');
});

test('byte-table longest run equals a bit loop (M = 128 blocks)', () => {
  let x = 3;
  const n = 128 * 60;
  // Biased bits give long runs that cross byte boundaries.
  const arr = Array.from({ length: n }, () => (((x = (x * 1103515245 + 12345) >>> 0) >>> 16) % 10 < 8 ? 1 : 0));
  const r = longestRun(BitSequence.fromBitArray(arr));
  const nu = [0, 0, 0, 0, 0, 0];
  for (let i = 0; i < 60; i++) {
    let best = 0;
    let run = 0;
    for (let j = 0; j < 128; j++) {
      run = arr[i * 128 + j] ? run + 1 : 0;
      best = Math.max(best, run);
    }
    nu[Math.min(5, Math.max(0, best - 4))]!++;
  }
  assert.deepEqual(r.statistics.nu, nu);
});

for (const name of REFERENCE_NAMES) {
  test(`${name}: matches sts-2.1.2 (M = 10^4, 4-digit class probabilities)`, () => {
    const ref = loadReference(name);
    assertPValues(longestRun(ref.bits).pValues, ref.expected.LongestRun!, `${name} LongestRun`);
  });
}
