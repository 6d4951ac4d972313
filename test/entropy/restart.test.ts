import { test } from 'node:test';
import assert from 'node:assert/strict';
import { RESTART_ALPHA, restartCutoff, restartTest } from '../../src/entropy/restart.ts';
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

test('the sanity-check cutoff is the 1 − 0.01/2000 binomial quantile (§3.1.4.3)', () => {
  assert.equal(RESTART_ALPHA, 0.01 / 2000);
  for (const h of [0.5, 1, 2, 4, 8]) {
    const u = restartCutoff(h);
    const p = 2 ** -h;
    assert.ok(upperTail(u, p) <= RESTART_ALPHA, `H = ${h}: P(X > ${u}) must be ≤ α`);
    assert.ok(upperTail(u - 1, p) > RESTART_ALPHA, `H = ${h}: ${u} must be the smallest such count`);
  }
  // p = 1/2: mean 500, sd 15.8; α = 5e-6 is 4.4 sd out.
  assert.equal(restartCutoff(1), 570);
});

test('a seeded uniform 4-bit source passes the restart test claiming H_I = 3.5 (IID, MCV)', () => {
  const r = restartTest(uniform(4, 11), { bitsPerSymbol: 4, hI: 3.5, iid: true });
  assert.equal(r.sanityPass, true);
  // A row of 1000 uniform 4-bit samples has mean count 62.5 per symbol; the cutoff for
  // H_I = 3.5 (p = 0.088) is about 120.
  assert.ok(r.xMax < r.cutoff);
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
