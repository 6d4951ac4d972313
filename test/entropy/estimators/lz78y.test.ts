import { test } from 'node:test';
import assert from 'node:assert/strict';
import { lz78yEstimate } from '../../../src/entropy/estimators/lz78y.ts';
import { xorshift32 } from '../../helpers/xorshift.ts';
import { PREDICTOR_FIELDS, QUICK_SAMPLES, loadSample, trackMismatches, trackSymbols } from './reference.ts';

test('LZ78Y (§6.3.10) worked example: data.pi.bin as ea_non_iid 1.1.7', () => {
  const s = loadSample('data.pi');
  const r = lz78yEstimate(trackSymbols(s, 'Literal').symbols, 2);
  assert.equal(r.C, 662954);
  assert.equal(r.r, 23);
  assert.ok(Math.abs(r.hMin! - 0.81115864436468677) < 1e-9);
});

test('LZ78Y matches the reference C, N, r, P_global, P_global\', P_local on both tracks', () => {
  assert.deepEqual(trackMismatches(QUICK_SAMPLES, 'LZ78Y Prediction', (symbols, k) => lz78yEstimate(symbols, k), PREDICTOR_FIELDS), []);
});

test('LZ78Y: a perfectly predictable sequence has (near) zero entropy and no NaN', () => {
  const x = new Uint8Array(20000);
  for (let i = 0; i < x.length; i++) x[i] = i % 4 === 3 ? 1 : 0;
  const r = lz78yEstimate(x, 2);
  assert.ok(r.hMin !== null && Number.isFinite(r.hMin) && r.hMin >= 0 && r.hMin < 0.5);
});

/**
 * §6.3.10 for a binary source, step by step as ea_non_iid runs it: at every step every
 * prefix length is looked up (the highest count predicts, the longer prefix on ties, 1 on a
 * tie within a prefix) and counted, and new prefixes enter until the dictionary holds 65,536.
 * The estimator's binary path skips tables once the dictionary is full; this is what it must
 * equal.
 */
function lz78yEveryStep(S: Uint8Array): { C: number; r: number } {
  const B = 16;
  // Key: the prefix length j and the prefix's bits (the last one lowest).
  const key = (end: number, j: number): number => {
    let p = 1;
    for (let q = end - j; q < end; q++) p = (p << 1) | S[q]!;
    return p;
  };
  const dict = new Map<number, [number, number]>();
  for (let j = 1; j <= B; j++) dict.set(key(B, j), S[B] ? [0, 1] : [1, 0]);
  let C = 0;
  let run = 0;
  let maxRun = 0;
  for (let i = B + 1; i < S.length; i++) {
    const y = S[i]!;
    let prediction = -1;
    let maxCount = 0;
    for (let j = B; j >= 1; j--) {
      const k = key(i, j);
      const c = dict.get(k);
      if (c) {
        const cnt = Math.max(c[0], c[1]);
        if (cnt > maxCount) {
          maxCount = cnt;
          prediction = c[0] > c[1] ? 0 : 1;
        }
        c[y]++;
      } else if (dict.size < 65536) {
        dict.set(k, y ? [0, 1] : [1, 0]);
      }
    }
    if (prediction === y) {
      C++;
      run++;
      if (run > maxRun) maxRun = run;
    } else run = 0;
  }
  return { C, r: maxRun + 1 };
}

test('LZ78Y binary: past the full dictionary, the same C and r as every table at every step', () => {
  // The dictionary fills after ~25,000 steps on noise, ~64,000 on the XOR source. Two-state
  // Markov sources: on noise the scan stops at the two-bit table, on sticky or alternating ones
  // it goes deeper. y = the XOR of the last two bits, 30 % flipped: the one-bit table ties,
  // the two-bit one is right 70 % of the time with a lower count, so the count of the table
  // that stops the scan decides the predictions (counting it twice changes C).
  const sources: Array<[string, (x: Uint8Array, i: number, u: number) => number]> = [
    ['noise', (x, i, u) => (u < 0.5 ? x[i - 1]! : 1 - x[i - 1]!)],
    ['sticky', (x, i, u) => (u < 0.8 ? x[i - 1]! : 1 - x[i - 1]!)],
    ['alternating', (x, i, u) => (u < 0.3 ? x[i - 1]! : 1 - x[i - 1]!)],
    ['xor', (x, i, u) => (i < 2 ? 1 : x[i - 1]! ^ x[i - 2]! ^ (u < 0.3 ? 1 : 0))],
  ];
  sources.forEach(([name, step], seed) => {
    const next = xorshift32(seed + 1);
    const x = new Uint8Array(120_000);
    for (let i = 1; i < x.length; i++) x[i] = step(x, i, next() / 2 ** 32);
    const got = lz78yEstimate(x, 2);
    assert.deepEqual({ C: got.C, r: got.r }, lz78yEveryStep(x), name);
  });
});
