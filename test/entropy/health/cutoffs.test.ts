import { test } from 'node:test';
import assert from 'node:assert/strict';
import { aptCutoff, rctCutoff } from '../../../src/entropy/health/index.ts';
import { InputError } from '../../../src/errors.ts';

// docs/model.md §7.2 (SP 800-90B §4.4.1, α = 2^−20): C = 1 + ⌈20/H⌉.
test('RCT cutoffs match the SP 800-90B §4.4.1 table (α = 2^−20)', () => {
  const table: Array<[number, number]> = [
    [0.2, 101],
    [0.5, 41],
    [1, 21],
    [2, 11],
    [4, 6],
    [6, 5],
    [8, 4],
  ];
  for (const [h, c] of table) assert.equal(rctCutoff(h), c, `H = ${h}`);
  // α = 2^−40: C = 1 + ⌈40/H⌉.
  assert.equal(rctCutoff(1, 40), 41);
  assert.equal(rctCutoff(3, 40), 15);
});

// docs/model.md §7.2: C = 1 + CRITBINOM(W, 2^−H, 1 − 2^−20).
test('APT cutoffs match the §4.4.2 table for W = 1024 (binary) and W = 512', () => {
  const hs = [0.2, 0.4, 0.5, 0.6, 0.8, 1];
  const w1024 = [941, 840, 793, 748, 664, 589];
  hs.forEach((h, i) => assert.equal(aptCutoff(h, 1024), w1024[i], `W = 1024, H = ${h}`));
  const hs512 = [0.2, 0.4, 0.5, 0.6, 0.8, 1, 2, 3, 4, 5, 6, 7, 8];
  const w512 = [480, 433, 410, 388, 348, 311, 177, 103, 62, 39, 25, 18, 13];
  hs512.forEach((h, i) => assert.equal(aptCutoff(h, 512), w512[i], `W = 512, H = ${h}`));
});

/** Exact P(X > k) · 2^(hW) for X ~ Bin(W, 2^−h), integer h: Σ C(W,j)(2^h − 1)^(W−j). */
function exactTailNumerators(w: number, h: number): bigint[] {
  const q = (1n << BigInt(h)) - 1n;
  const pmf: bigint[] = [];
  let binom = 1n;
  for (let j = 0; j <= w; j++) {
    if (j > 0) binom = (binom * BigInt(w - j + 1)) / BigInt(j);
    pmf.push(binom * q ** BigInt(w - j));
  }
  const tail: bigint[] = new Array(w + 1).fill(0n); // tail[k] = Σ_{j>k} pmf[j]
  for (let k = w - 1; k >= 0; k--) tail[k] = tail[k + 1]! + pmf[k + 1]!;
  return tail;
}

test('APT cutoff is the exact binomial quantile (checked in exact rational arithmetic)', () => {
  for (const [w, h, e] of [
    [1024, 1, 20],
    [512, 1, 20],
    [512, 2, 20],
    [512, 4, 20],
    [512, 8, 20],
    [512, 1, 40],
    [512, 8, 40],
  ] as const) {
    const tail = exactTailNumerators(w, h);
    // CRITBINOM(W, p, 1 − α) = smallest k with P(X > k) ≤ α, i.e. tail·2^e ≤ 2^(hW).
    const denom = 1n << BigInt(h * w);
    let k = 0;
    while (tail[k]! << BigInt(e) > denom) k++;
    assert.equal(aptCutoff(h, w, e), 1 + k, `W = ${w}, H = ${h}, α = 2^-${e}`);
  }
});

test('bad parameters are InputErrors naming the field', () => {
  assert.throws(() => rctCutoff(0), InputError);
  assert.throws(() => rctCutoff(Number.NaN), /entropyPerSample/);
  assert.throws(() => aptCutoff(-1, 512), /entropyPerSample/);
  assert.throws(() => rctCutoff(1, 0), /alphaExponent/);
  assert.throws(() => aptCutoff(1, 1), /window/);
});
