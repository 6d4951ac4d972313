import { test } from 'node:test';
import assert from 'node:assert/strict';
import { LAGS, lagSumsSimd } from '../../src/kernels/lag-sums-simd.ts';
import { Xoshiro128 } from '../../src/entropy/iid/shuffle.ts';

/** The sums over positions i < upTo, one lag at a time, as §5.1.9 and §5.1.10 write them. */
function direct(p: Uint8Array, c: Uint8Array, upTo: number): number[] {
  const out = new Array<number>(10).fill(0);
  LAGS.forEach((L, l) => {
    for (let i = 0; i < upTo; i++) {
      if (p[i] === p[i + L]) out[l]!++;
      out[5 + l]! += c[i]! * c[i + L]!;
    }
  });
  return out;
}

test('periodicity counts and covariance sums at lags 1, 2, 8, 16, 32 equal the direct sums, for every length around the step and flush sizes', () => {
  const g = new Xoshiro128(2026);
  for (const n of [0, 31, 32, 47, 48, 49, 63, 64, 1000, 65_536 + 48, 65_536 + 63, 200_003]) {
    for (const k of [2, 7, 256]) {
      const p = Uint8Array.from({ length: n }, () => g.below(k - 1));
      const c = Uint8Array.from({ length: n }, () => g.below(255));
      const out = new Float64Array(18);
      const done = lagSumsSimd(p, c, out);
      assert.ok(done >= 0, 'WebAssembly SIMD is there in Node 20');
      assert.equal(done, 16 * Math.max(0, Math.floor((n - 32) / 16)), `n = ${n}`);
      assert.deepEqual([...out.subarray(8, 18)], direct(p, c, done), `n = ${n}, k = ${k}`);
    }
  }
});

test('no lane overflows: all-255 values over many flushes sum to done · 255² at every lag', () => {
  const n = 16 * 4096 * 5 + 100;
  const c = new Uint8Array(n).fill(255);
  const out = new Float64Array(18);
  const done = lagSumsSimd(c, c, out);
  for (let l = 0; l < 5; l++) {
    assert.equal(out[8 + l], done);
    assert.equal(out[13 + l], done * 255 * 255);
  }
});

test('a shorter call after a longer one reads only its own bytes', () => {
  const long = new Uint8Array(10_000).fill(9);
  lagSumsSimd(long, long, new Float64Array(18));
  const p = Uint8Array.from({ length: 100 }, (_, i) => i & 3);
  const out = new Float64Array(18);
  const done = lagSumsSimd(p, p, out);
  assert.deepEqual([...out.subarray(8, 18)], direct(p, p, done));
});
