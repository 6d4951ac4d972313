import { test } from 'node:test';
import assert from 'node:assert/strict';
import { medianIndex } from '../../bench/icount-median.ts';

test('medianIndex: the call with the median count (equal counts ordered by call), odd counts only', () => {
  // Three processes' CTR_DRBG 64 KiB counts in call order start like this (bench/icount-median.ts).
  assert.equal(medianIndex([589807, 338157, 358275, 319788, 341282]), 4);
  assert.equal(medianIndex([5]), 0);
  assert.equal(medianIndex([7, 3, 7, 9, 7]), 2); // sorted 3, 7(0), 7(2), 7(4), 9: equal counts in call order
  assert.throws(() => medianIndex([]), /median of 0 calls; expected an odd number/);
  assert.throws(() => medianIndex([1, 2]), /median of 2 calls/);
});
