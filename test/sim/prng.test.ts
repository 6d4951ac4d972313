import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Prng, splitMix64 } from '../../src/sim/prng.ts';

test('xoshiro128** reference output from state (1, 2, 3, 4)', () => {
  // Reference sequence of xoshiro128** 1.1 (Blackman & Vigna, xoshiro128starstar.c) seeded s = {1, 2, 3, 4}.
  const r = Prng.fromState(1, 2, 3, 4);
  assert.deepEqual(
    Array.from({ length: 6 }, () => r.nextU32()),
    [11520, 0, 5927040, 70819200, 2031721883, 1637235492],
  );
});

test('SplitMix64 reference: first output from state 0 is 0xe220a8397b1dcdaf', () => {
  assert.equal(splitMix64(0n).value, 0xe220a8397b1dcdafn);
});

test('same seed, same stream; forks are independent of fork order', () => {
  const a = new Prng(42);
  const b = new Prng(42);
  assert.deepEqual(a.bytes(37), b.bytes(37));
  const x1 = new Prng(7).fork('host').bytes(16);
  const p = new Prng(7);
  p.fork('other').bytes(100);
  p.nextU32();
  assert.deepEqual(p.fork('host').bytes(16), x1);
  assert.notDeepEqual(new Prng(7).fork('rdrand').bytes(16), x1);
});

test('int(n) stays in range and next() in [0, 1); roughly uniform', () => {
  const r = new Prng(1);
  const counts = new Array(6).fill(0);
  for (let i = 0; i < 60000; i++) counts[r.int(6)]++;
  for (const c of counts) assert.ok(c > 9500 && c < 10500, `count ${c}`);
  for (let i = 0; i < 1000; i++) {
    const v = r.next();
    assert.ok(v >= 0 && v < 1);
  }
  assert.throws(() => r.int(0), RangeError);
});
