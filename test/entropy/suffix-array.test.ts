import { test } from 'node:test';
import assert from 'node:assert/strict';
import { lcpArray, suffixArray, tupleStats, tupleStatsFromLcp } from '../../src/entropy/suffix-array.ts';
import { xorshift32 as rng } from '../helpers/xorshift.ts';


function naiveSa(t: Uint8Array): number[] {
  const idx = [...t.keys()];
  const cmp = (a: number, b: number): number => {
    while (a < t.length && b < t.length) {
      if (t[a] !== t[b]) return t[a]! - t[b]!;
      a++;
      b++;
    }
    return a === t.length ? -1 : 1;
  };
  return idx.sort(cmp);
}

test('SA-IS and Kasai agree with a naive sort on random and repetitive strings', () => {
  const r = rng(42);
  for (let trial = 0; trial < 300; trial++) {
    const n = 1 + (r() % 200);
    const alpha = 1 + (r() % (trial % 3 === 0 ? 2 : 20));
    const t = new Uint8Array(n);
    const period = 1 + (r() % 7);
    for (let i = 0; i < n; i++) t[i] = trial % 5 === 0 ? (i % period) % alpha : r() % alpha;
    const sa = suffixArray(t);
    const want = naiveSa(t);
    assert.deepEqual([...sa], want, `trial ${trial}`);
    const lcp = lcpArray(t, sa);
    for (let i = 1; i < n; i++) {
      let h = 0;
      while (sa[i]! + h < n && sa[i - 1]! + h < n && t[sa[i]! + h] === t[sa[i - 1]! + h]) h++;
      assert.equal(lcp[i], h);
    }
  }
});

test('tuple statistics equal brute-force counts of every tuple', () => {
  const r = rng(7);
  for (let trial = 0; trial < 120; trial++) {
    const n = 2 + (r() % 150);
    const alpha = 2 + (r() % (trial % 4 === 0 ? 250 : 4));
    const t = new Uint8Array(n);
    // Every third input repeats a block so that repeats exceed the sort-key window
    // (58 bits) and the suffix-array path runs; the others take the window path.
    const period = 1 + (r() % 12);
    for (let i = 0; i < n; i++) t[i] = trial % 3 === 0 && i >= period ? t[i - period]! : r() % alpha;
    const st = tupleStats(t);
    for (let len = 1; len <= st.v; len++) {
      const counts = new Map<string, number>();
      for (let i = 0; i + len <= n; i++) {
        const key = t.subarray(i, i + len).join(',');
        counts.set(key, (counts.get(key) ?? 0) + 1);
      }
      let max = 0;
      let pairs = 0;
      for (const c of counts.values()) {
        max = Math.max(max, c);
        pairs += (c * (c - 1)) / 2;
      }
      assert.equal(st.maxCount[len], max, `trial ${trial} len ${len}`);
      assert.equal(st.pairSum[len], pairs, `trial ${trial} len ${len}`);
    }
    // v is the longest repeated substring: no tuple of length v+1 repeats.
    const seen = new Set<string>();
    let repeats = false;
    for (let i = 0; i + st.v + 1 <= n; i++) {
      const key = t.subarray(i, i + st.v + 1).join(',');
      if (seen.has(key)) repeats = true;
      seen.add(key);
    }
    assert.equal(repeats, false);
  }
});

test('sorted-key LCPs with a few long repeats (tie groups) equal the suffix-array LCPs', () => {
  const r = rng(99);
  for (const [n, alpha, block, copies] of [[20000, 2, 150, 2], [3000, 16, 40, 4], [2500, 200, 12, 5], [5000, 2, 70, 2]] as const) {
    const t = new Uint8Array(n);
    for (let i = 0; i < n; i++) t[i] = r() % alpha;
    // copy one block to a few places: those suffixes share more than the 58-bit key
    for (let c = 1; c <= copies; c++) t.copyWithin(c * Math.floor(n / (copies + 1)), 10, 10 + block);
    const viaSa = tupleStatsFromLcp(n, lcpArray(t, suffixArray(t)));
    const fast = tupleStats(t, alpha - 1);
    assert.ok(fast.v > Math.floor(58 / Math.ceil(Math.log2(alpha))), 'the repeat exceeds the key window');
    assert.equal(fast.v, viaSa.v);
    assert.deepEqual([...fast.maxCount], [...viaSa.maxCount]);
    assert.deepEqual([...fast.pairSum], [...viaSa.pairSum]);
  }
});

test('binary tuple statistics (window counts, groups of equal K-bit windows) equal those of the suffix array, on noise, bias and long repeats', () => {
  const r = rng(77);
  const viaSa = (t: Uint8Array) => tupleStatsFromLcp(t.length, lcpArray(t, suffixArray(t, 1)));
  const cases: Uint8Array[] = [];
  for (const n of [64, 65, 100, 1000, 4099, 70000]) cases.push(Uint8Array.from({ length: n }, () => r() & 1));
  cases.push(Uint8Array.from({ length: 50000 }, () => (r() % 10 === 0 ? 1 : 0))); // biased
  const block = Uint8Array.from({ length: 12500 }, () => r() & 1);
  const repeated = new Uint8Array(50000);
  for (let k = 0; k < 4; k++) repeated.set(block, k * 12500); // a long repeat: the fast path must give up
  cases.push(repeated);
  // Widths at and around a power of two (K steps up), mild biases (bigger groups of equal
  // K-bit windows, still on the direct path), and a noise stream long enough for a second
  // level of P-bit bins with R > 8.
  for (const n of [255, 256, 257, 65535, 65536, 65537]) cases.push(Uint8Array.from({ length: n }, () => r() & 1));
  for (const p of [0.6, 0.7]) cases.push(Uint8Array.from({ length: 200000 }, () => (r() % 1000 < p * 1000 ? 1 : 0)));
  cases.push(Uint8Array.from({ length: 600000 }, () => r() & 1));
  const rows = new Uint8Array(100000);
  for (let i = 0; i < 100; i++) for (let j = 0; j < 1000; j++) rows[i * 1000 + j] = (i + j) & 1; // periodic
  cases.push(rows);
  for (const t of cases) {
    const a = tupleStats(t, 1);
    const b = viaSa(t);
    assert.equal(a.v, b.v, `v, n = ${t.length}`);
    assert.deepEqual([...a.maxCount], [...b.maxCount], `maxCount, n = ${t.length}`);
    assert.deepEqual([...a.pairSum], [...b.pairSum], `pairSum, n = ${t.length}`);
  }
});
