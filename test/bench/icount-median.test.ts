import { test } from 'node:test';
import assert from 'node:assert/strict';
import { medianIndex, steadyIndex } from '../../bench/icount-median.ts';

test('medianIndex: the call with the median count (equal counts ordered by call), odd counts only', () => {
  // Three processes' CTR_DRBG 64 KiB counts in call order start like this (bench/icount-median.ts).
  assert.equal(medianIndex([589807, 338157, 358275, 319788, 341282]), 4);
  assert.equal(medianIndex([5]), 0);
  assert.equal(medianIndex([7, 3, 7, 9, 7]), 2); // sorted 3, 7(0), 7(2), 7(4), 9: equal counts in call order
  assert.throws(() => medianIndex([]), /median of 0 calls; expected an odd number/);
  assert.throws(() => medianIndex([1, 2]), /median of 2 calls/);
});

test('steadyIndex: the smaller of the last two calls once they agree within the tolerance; undefined before', () => {
  // sts/Frequency's calls 1–5 under callgrind (the first three include V8 compiling it).
  const frequency = [10866684, 5734162, 5054910, 1288408, 1288408];
  assert.equal(steadyIndex(frequency.slice(0, 1), 0.005), undefined);
  assert.equal(steadyIndex(frequency.slice(0, 3), 0.005), undefined);
  assert.equal(steadyIndex(frequency.slice(0, 4), 0.005), undefined);
  assert.equal(steadyIndex(frequency, 0.005), 4);
  // 1-bit MCV settles from its second call: 3,111,625 then 3,111,738 (0.004 %), the smaller is the earlier.
  assert.equal(steadyIndex([3117211, 3111625, 3111738], 0.005), 1);
  // The tolerance is relative to the smaller count and inclusive.
  assert.equal(steadyIndex([1000, 1005], 0.005), 0);
  assert.equal(steadyIndex([1000, 1006], 0.005), undefined);
});
