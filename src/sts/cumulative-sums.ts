/**
 * Cumulative sums (cusum) test, SP 800-22 Rev 1a §2.13, forward and reverse.
 *
 * The ±1 random walk S_k = Σ_{i≤k}(2ε_i − 1); z = max_k |S_k| (forward) and
 * z = max_k |S_n − S_{n−k}| (reverse, the walk over the reversed sequence), then
 *
 *   P = 1 − Σ_{k=(−n/z+1)/4}^{(n/z−1)/4} [Φ((4k+1)z/√n) − Φ((4k−1)z/√n)]
 *         + Σ_{k=(−n/z−3)/4}^{(n/z−1)/4} [Φ((4k+3)z/√n) − Φ((4k+1)z/√n)]
 *
 * with the summation limits in C integer division (truncation toward zero) as
 * sts-2.1.2 computes them (README behaviour 9; the document writes ⌊·⌋).
 * Both z come from one pass: the reverse maximum is max(S_n − min S, max S − S_n)
 * over S_0 = 0..S_n. The walk advances a byte at a time through 256-entry tables.
 *
 * P can exceed 1 by a few ulps (1 − sum1 + sum2, README behaviour 11); it is
 * clamped to 1. Minimum n: 100 (§2.13.7).
 *
 * @example cumulativeSums(bitsOf('1011010111'), { strict: false }) → forward P = 0.4116588 (§2.13.4)
 * @example the 100-bit ε of §2.13.8 → forward 0.219194, reverse 0.114866
 */
import type { BitSequence } from '../bits/bit-sequence.ts';
import { erfc } from '../special/erfc.ts';
import { notApplicable, type TestResult } from './types.ts';

export const CUSUM_SECTION = 'SP 800-22 Rev 1a §2.13';
export const CUSUM_MIN_N = 100;

export interface CumulativeSumsParams {
  strict?: boolean;
}

// Per byte (MSB first): net step, and the max / min of the partial walk after 1..8 steps.
const STEP = new Int8Array(256);
const PMAX = new Int8Array(256);
const PMIN = new Int8Array(256);
for (let b = 0; b < 256; b++) {
  let s = 0;
  let hi = -9;
  let lo = 9;
  for (let j = 7; j >= 0; j--) {
    s += (b >>> j) & 1 ? 1 : -1;
    if (s > hi) hi = s;
    if (s < lo) lo = s;
  }
  STEP[b] = s;
  PMAX[b] = hi;
  PMIN[b] = lo;
}

/** Standard normal CDF Φ(x) = ½·erfc(−x/√2). */
function phi(x: number): number {
  return 0.5 * erfc(-x / Math.SQRT2);
}

/** The §2.13.4 P-value for maximum excursion z of an n-step walk. */
export function cusumPValue(n: number, z: number): number {
  const sqrtN = Math.sqrt(n);
  const nz = Math.trunc(n / z);
  let sum1 = 0;
  for (let k = Math.trunc((-nz + 1) / 4); k <= Math.trunc((nz - 1) / 4); k++) {
    sum1 += phi(((4 * k + 1) * z) / sqrtN);
    sum1 -= phi(((4 * k - 1) * z) / sqrtN);
  }
  let sum2 = 0;
  for (let k = Math.trunc((-nz - 3) / 4); k <= Math.trunc((nz - 1) / 4); k++) {
    sum2 += phi(((4 * k + 3) * z) / sqrtN);
    sum2 -= phi(((4 * k + 1) * z) / sqrtN);
  }
  return Math.min(1, Math.max(0, 1 - sum1 + sum2));
}

export function cumulativeSums(bits: BitSequence, params: CumulativeSumsParams = {}): TestResult {
  const n = bits.length;
  const strict = params.strict ?? true;
  const used = { strict };
  if (n < (strict ? CUSUM_MIN_N : 1)) {
    return notApplicable('CumulativeSums', CUSUM_SECTION, n, used, `n = ${n} bits, the test needs n ≥ ${CUSUM_MIN_N} (§2.13.7)`);
  }
  const words = bits.words;
  let S = 0;
  let sup = 0; // max over S_0..S_n (S_0 = 0)
  let inf = 0;
  const fullBytes = n >>> 3;
  for (let i = 0; i < fullBytes; i++) {
    const b = (words[i >>> 2]! >>> (24 - 8 * (i & 3))) & 0xff;
    const hi = S + PMAX[b]!;
    const lo = S + PMIN[b]!;
    if (hi > sup) sup = hi;
    if (lo < inf) inf = lo;
    S += STEP[b]!;
  }
  for (let i = fullBytes * 8; i < n; i++) {
    S += bits.bit(i) ? 1 : -1;
    if (S > sup) sup = S;
    if (S < inf) inf = S;
  }
  const zForward = Math.max(sup, -inf);
  const zReverse = Math.max(sup - S, S - inf);
  return {
    test: 'CumulativeSums',
    section: CUSUM_SECTION,
    n,
    params: used,
    status: 'ok',
    pValues: [cusumPValue(n, zForward), cusumPValue(n, zReverse)],
    labels: ['forward', 'reverse'],
    statistics: { z_forward: zForward, z_reverse: zReverse, S_n: S },
  };
}
