import { test } from 'node:test';
import assert from 'node:assert/strict';
import { restartTest } from '../../src/entropy/restart.ts';
import {
  REFERENCE_ALLOWED_ABOVE,
  REFERENCE_RESTART_ALPHA,
  STANDARD_RESTART_ALPHA,
  binomialRestartCutoff,
  maxCountTail,
  referenceCutoffAtMost,
  restartCutoff,
  worstCaseProbabilities,
} from '../../src/entropy/restart-cutoff.ts';
import { Xoshiro128 } from '../../src/entropy/iid/shuffle.ts';
import { InputError } from '../../src/errors.ts';

/** 10^6 seeded uniform samples of `bits` bits. */
function uniform(bits: number, seed: number): Uint8Array {
  const g = new Xoshiro128(seed);
  const out = new Uint8Array(1_000_000);
  for (let i = 0; i < out.length; i++) out[i] = g.nextU32() >>> (32 - bits);
  return out;
}

/** P(X > u) for X ~ Bin(1000, p), summed directly (an independent check of the cutoff). */
function upperTail(u: number, p: number): number {
  let logPmf = 1000 * Math.log1p(-p); // j = 0
  let tail = 0;
  for (let j = 1; j <= 1000; j++) {
    logPmf += Math.log((1000 - j + 1) / j) + Math.log(p) - Math.log1p(-p);
    if (j > u) tail += Math.exp(logPmf);
  }
  return tail;
}

test("the standard's single-symbol cutoff is the 1 − 0.01/2000 binomial quantile (§3.1.4.3)", () => {
  assert.equal(STANDARD_RESTART_ALPHA, 0.01 / 2000);
  for (const h of [0.5, 1, 2, 4, 8]) {
    const u = binomialRestartCutoff(h);
    const p = 2 ** -h;
    assert.ok(upperTail(u, p) <= STANDARD_RESTART_ALPHA, `H = ${h}: P(X > ${u}) must be ≤ α`);
    assert.ok(upperTail(u - 1, p) > STANDARD_RESTART_ALPHA, `H = ${h}: ${u} must be the smallest such count`);
  }
  // p = 1/2: mean 500, sd 15.8; α = 5e-6 is 4.4 sd out.
  assert.equal(binomialRestartCutoff(1), 570);
});

/** P(largest count > x) by summing the multinomial over every composition of n (small n only). */
function bruteMaxTail(probs: number[], n: number, x: number): number {
  let lnFact = [0];
  for (let i = 1; i <= n; i++) lnFact.push(lnFact[i - 1]! + Math.log(i));
  let tail = 0;
  const counts: number[] = [];
  const rec = (i: number, left: number): void => {
    if (i === probs.length - 1) {
      counts[i] = left;
      if (Math.max(...counts) > x) {
        let lp = lnFact[n]!;
        counts.forEach((c, j) => (lp += c * Math.log(probs[j]!) - lnFact[c]!));
        tail += Math.exp(lp);
      }
      return;
    }
    for (let c = 0; c <= left; c++) {
      counts[i] = c;
      rec(i + 1, left - c);
    }
  };
  rec(0, n);
  return tail;
}

test('maxCountTail equals the multinomial summed over every composition (n = 14, five symbols)', () => {
  // H_I = 1.5 over 5 symbols: ⌊2^1.5⌋ = 2 symbols at 0.3536, the remaining 0.2929 over 3.
  const groups = worstCaseProbabilities(1.5, 5);
  assert.deepEqual(groups.map((g) => g.count), [2, 3]);
  const probs = groups.flatMap((g) => Array<number>(g.count).fill(g.p));
  assert.ok(Math.abs(probs.reduce((a, b) => a + b, 0) - 1) < 1e-15);
  for (const x of [3, 5, 7, 9, 12]) {
    const exact = bruteMaxTail(probs, 14, x);
    const ours = maxCountTail(groups, x, 14);
    assert.ok(Math.abs(ours - exact) <= 1e-13 + 1e-11 * exact, `x = ${x}: ${ours} vs ${exact}`);
  }
});

test('for two symbols the largest count is max(N, 1000 − N) with N binomial', () => {
  for (const h of [0.5, 0.8, 1]) {
    const p = 2 ** -h;
    const groups = worstCaseProbabilities(h, 2);
    for (const x of [560, 600, 650, 700, 780]) {
      // max(N, 1000 − N) > x ⇔ N > x or N < 1000 − x.
      const direct = upperTail(x, p) + (1 - upperTail(999 - x, p));
      const ours = maxCountTail(groups, x);
      // Absolute error ~1e-12: the Poisson weights come through log-gamma of ~6000.
      assert.ok(Math.abs(ours - direct) <= 5e-11, `H ${h}, x ${x}: ${ours} vs ${direct}`);
    }
  }
});

test("the default cutoff is ea_restart's: the most frequent value of its simulated quantile of the largest count", () => {
  // ea_restart 1.1.7: α = 1 − 0.99^(1/2000), 5·10^6 simulated maxima, element ⌊(1 − α)·5e6⌋ − 1.
  assert.ok(Math.abs(REFERENCE_RESTART_ALPHA - 5.0251553e-6) < 1e-13);
  assert.equal(REFERENCE_ALLOWED_ABOVE, 26);
  for (const [h, k] of [[7.35, 256], [8, 256], [4, 16], [1, 2], [2, 256]] as const) {
    const u = restartCutoff(h, k);
    const g = worstCaseProbabilities(h, k);
    // The reference returns ≤ u on at least half its runs, ≤ u − 1 on fewer than half.
    assert.ok(referenceCutoffAtMost(maxCountTail(g, u)) >= 0.5, `H ${h}`);
    assert.ok(referenceCutoffAtMost(maxCountTail(g, u - 1)) < 0.5, `H ${h}`);
    // The largest of ⌊2^H_I⌋ counts runs higher than one count: never below the binomial bound.
    assert.ok(u >= binomialRestartCutoff(h), `H ${h}`);
  }
  // The case of the report: at H_I = 7.35 on 8-bit data the standard's bound is 20, ea_restart's
  // 23 (on ~59 % of its runs; 24 on the rest), so a matrix with X_max = 21..23 passes both now.
  assert.equal(binomialRestartCutoff(7.35), 20);
  assert.equal(restartCutoff(7.35, 256), 23);
  const g = worstCaseProbabilities(7.35, 256);
  const p23 = referenceCutoffAtMost(maxCountTail(g, 23));
  assert.ok(p23 > 0.55 && p23 < 0.65, String(p23));
});

test('a seeded uniform 4-bit source passes the restart test claiming H_I = 3.5 (IID, MCV)', () => {
  const r = restartTest(uniform(4, 11), { bitsPerSymbol: 4, hI: 3.5, iid: true });
  assert.equal(r.sanityPass, true);
  // A row of 1000 uniform 4-bit samples has mean count 62.5 per symbol; the cutoff for
  // H_I = 3.5 (p = 0.088) is about 120.
  assert.ok(r.xMax < r.cutoff);
  assert.equal(r.cutoffRule, 'reference');
  assert.equal(r.cutoff, restartCutoff(3.5, 16));
  const std = restartTest(uniform(4, 11), { bitsPerSymbol: 4, hI: 3.5, iid: true, cutoff: 'standard' });
  assert.equal(std.cutoff, binomialRestartCutoff(3.5));
  assert.ok(r.hR! > 3.5 && r.hC! > 3.5, `H_r ${r.hR}, H_c ${r.hC}`);
  assert.equal(r.pass, true);
  assert.equal(r.validatedEntropy, 3.5);
});

test('a seeded uniform binary source passes with the non-IID estimators (H_I = 0.8)', () => {
  const r = restartTest(uniform(1, 12), { bitsPerSymbol: 1, hI: 0.8 });
  assert.equal(r.sanityPass, true);
  assert.equal(r.rows!.estimates.length, 10); // binary: all ten estimators on the symbols
  assert.ok(r.hR! >= 0.4 && r.hC! >= 0.4);
  assert.equal(r.pass, true);
  assert.equal(r.validatedEntropy, Math.min(r.hR!, r.hC!, 0.8));
});

test('identical restarts fail the sanity check: every column is constant', () => {
  const row = uniform(8, 13).subarray(0, 1000);
  const data = new Uint8Array(1_000_000);
  for (let i = 0; i < 1000; i++) data.set(row, i * 1000);
  const r = restartTest(data, { bitsPerSymbol: 8, hI: 7, iid: true });
  assert.equal(r.colMax.count, 1000);
  assert.equal(r.sanityPass, false);
  assert.equal(r.pass, false);
  assert.equal(r.rows, null);
  assert.equal(r.validatedEntropy, null);
});

test('a predictable source within the sanity bounds fails validation (min(H_r, H_c) < H_I/2)', () => {
  // Row i alternates 0,1,… starting with i mod 2: every row and column holds exactly 500 of
  // each bit (sanity passes at H_I = 1), yet each dataset is perfectly predictable.
  const data = new Uint8Array(1_000_000);
  for (let i = 0; i < 1000; i++) for (let j = 0; j < 1000; j++) data[i * 1000 + j] = (i + j) & 1;
  const r = restartTest(data, { bitsPerSymbol: 1, hI: 1 });
  assert.equal(r.xMax, 500);
  assert.equal(r.sanityPass, true);
  assert.ok(r.hR! < 0.5 && r.hC! < 0.5, `H_r ${r.hR}, H_c ${r.hC}`);
  assert.equal(r.validationPass, false);
  assert.equal(r.pass, false);
});

test('wrong length, width or H_I are InputErrors', () => {
  assert.throws(() => restartTest(new Uint8Array(999_999), { bitsPerSymbol: 8, hI: 1 }), (e: unknown) => e instanceof InputError && /exactly 1000000/.test(e.message));
  const bad = new Uint8Array(1_000_000);
  bad[4321] = 2;
  assert.throws(() => restartTest(bad, { bitsPerSymbol: 1, hI: 0.5 }), /byte 4321 is 2/);
  assert.throws(() => restartTest(new Uint8Array(1_000_000), { bitsPerSymbol: 1, hI: 2 }), /H_I/);
});
