import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Xoshiro128, roundGenerator, shuffleInPlace } from '../../../src/entropy/iid/shuffle.ts';
import { chiSquarePValue } from '../../../src/entropy/iid/chi-square.ts';

test('a round is a permutation and depends only on (seed, round)', () => {
  const base = Uint8Array.from({ length: 200 }, (_, i) => i);
  const a = base.slice();
  const b = base.slice();
  shuffleInPlace(a, roundGenerator(7, 3));
  shuffleInPlace(b, roundGenerator(7, 3));
  assert.deepEqual(a, b);
  assert.deepEqual([...a].sort((x, y) => x - y), [...base]);
  const c = base.slice();
  shuffleInPlace(c, roundGenerator(7, 4));
  assert.notDeepEqual(c, a);
  const d = base.slice();
  shuffleInPlace(d, roundGenerator(8, 3));
  assert.notDeepEqual(d, a);
});

test('all 24 orders of 4 items are equally likely (chi-square over 48,000 shuffles)', () => {
  const counts = new Map<string, number>();
  const n = 48_000;
  for (let r = 0; r < n; r++) {
    const a = Uint8Array.from([0, 1, 2, 3]);
    shuffleInPlace(a, roundGenerator(2024, r));
    const key = a.join('');
    counts.set(key, (counts.get(key) ?? 0) + 1);
  }
  assert.equal(counts.size, 24);
  const e = n / 24;
  let T = 0;
  for (const c of counts.values()) T += ((c - e) * (c - e)) / e;
  // 23 degrees of freedom; a biased shuffle (e.g. j drawn from [0, n) instead of [0, i]) gives T in the thousands.
  assert.ok(chiSquarePValue(T, 23) > 1e-4, `T = ${T}`);
});

test('below(bound) stays in [0, bound] and reaches both ends', () => {
  const g = new Xoshiro128(1);
  let lo = false;
  let hi = false;
  for (let i = 0; i < 10_000; i++) {
    const v = g.below(5);
    assert.ok(v >= 0 && v <= 5 && Number.isInteger(v));
    if (v === 0) lo = true;
    if (v === 5) hi = true;
  }
  assert.ok(lo && hi);
});

test('the shuffle draws j as below(i) does, draw for draw: the same permutation and the generator left in the same state', () => {
  for (const n of [0, 1, 2, 3, 5, 16, 17, 1000, 65537]) {
    const a = Uint8Array.from({ length: n }, (_, i) => (i * 7 + (i >> 8)) & 0xff);
    const b = a.slice();
    const g1 = roundGenerator(11, 5);
    const g2 = roundGenerator(11, 5);
    shuffleInPlace(a, g1);
    // Textbook Fisher–Yates (Durstenfeld) with the unbiased below().
    for (let i = b.length - 1; i > 0; i--) {
      const j = g2.below(i);
      const t = b[i]!;
      b[i] = b[j]!;
      b[j] = t;
    }
    assert.deepEqual(a, b, `n = ${n}`);
    assert.equal(g1.nextU32(), g2.nextU32(), `generator state after n = ${n}`);
  }
});

test('the WebAssembly shuffle and the TypeScript one give the same permutation and leave the same generator state', () => {
  for (const n of [0, 1, 2, 3, 255, 256, 4097, 65536, 65537, 300_001]) {
    const a = Uint8Array.from({ length: n }, (_, i) => (i * 31 + (i >> 9)) & 0xff);
    const b = a.slice();
    const g1 = roundGenerator(3, n);
    const g2 = roundGenerator(3, n);
    g1.shuffle(a);
    g2.shuffle(b, true);
    assert.deepEqual(a, b, `n = ${n}`);
    assert.equal(g1.nextU32(), g2.nextU32(), `generator state after n = ${n}`);
  }
});

test("below(bound) is Lemire's ⌊r·(bound+1) / 2^32⌋ with its rejection, exact for bounds up to 2^32 − 2 (BigInt reference)", () => {
  for (const bound of [0, 1, 6, 1000, 999_999, 2 ** 21, 2 ** 27 + 5, 2 ** 31 - 2, 2 ** 32 - 2]) {
    const g = new Xoshiro128(77, bound);
    const ref = new Xoshiro128(77, bound);
    const s = BigInt(bound + 1);
    for (let k = 0; k < 2000; k++) {
      let want: bigint;
      for (;;) {
        const m = BigInt(ref.nextU32()) * s;
        const low = m & 0xffffffffn;
        if (low < s && low < (2n ** 32n - s) % s) continue;
        want = m >> 32n;
        break;
      }
      assert.equal(g.below(bound), Number(want), `bound ${bound}, draw ${k}`);
    }
  }
});

test('the rejection removes the bias: for s = 3·2^30, j ≡ 0 (mod 3) a third of the time, not half', () => {
  // r·s mod 2^32 = (3r mod 4)·2^30 and 2^32 mod s = 2^30, so the draws with r ≡ 0 (mod 4) are
  // redrawn. Kept without the redraw, r = 4k and 4k + 1 would both give j = 3k: half the
  // draws would be multiples of 3.
  const g = new Xoshiro128(5);
  let zero = 0;
  const draws = 30_000;
  for (let k = 0; k < draws; k++) if (g.below(3 * 2 ** 30 - 1) % 3 === 0) zero++;
  assert.ok(Math.abs(zero / draws - 1 / 3) < 0.015, `share of multiples of 3: ${zero / draws}`);
});
