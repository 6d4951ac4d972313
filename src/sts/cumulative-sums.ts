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
 * over S_0 = 0..S_n. The walk advances 16 bits at a time through a 65536-entry table
 * (built from the 256-entry byte tables, which walk the last bytes).
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

/** Added to each field of the 16-bit walk table to keep it non-negative (fields are −16..16). */
const WALK_BIAS = 16;
let walk16: Uint32Array | undefined;

/**
 * Per 16 bits (MSB first), packed in one word: net step, and max / min of the partial walk
 * after 1..16 steps, each + WALK_BIAS, in bits 0–7, 8–15, 16–23. Half the steps of the byte
 * walk for one 256 KiB table, built once from the byte tables (a 16-bit chunk is two bytes:
 * the second's extremes are offset by the first's step).
 */
function walkTable(): Uint32Array {
  if (walk16) return walk16;
  const t = new Uint32Array(65536);
  for (let a = 0; a < 256; a++) {
    for (let b = 0; b < 256; b++) {
      const step = STEP[a]! + STEP[b]!;
      const hi = Math.max(PMAX[a]!, STEP[a]! + PMAX[b]!);
      const lo = Math.min(PMIN[a]!, STEP[a]! + PMIN[b]!);
      t[(a << 8) | b] = (step + WALK_BIAS) | ((hi + WALK_BIAS) << 8) | ((lo + WALK_BIAS) << 16);
    }
  }
  return (walk16 = t);
}

/** Standard normal CDF Φ(x) = ½·erfc(−x/√2). */
function phi(x: number): number {
  return 0.5 * erfc(-x / Math.SQRT2);
}

/**
 * Φ is exactly 0 at or below this (erfc(x) is 0 for x ≥ 28 in msun's algorithm, and
 * 40/√2 > 28) and exactly 1 at or above PHI_IS_ONE (erfc(−x) is 2 − tiny = 2 for x > 6, and
 * 9/√2 > 6); test/sts/cumulative-sums.test.ts checks both on a dense grid.
 */
export const PHI_IS_ZERO = -40;
export const PHI_IS_ONE = 9;

/**
 * Σ_k [Φ((4k+a)z/√n) − Φ((4k+b)z/√n)] for k = from..to (a > b), added in the reference's order:
 * +Φ(upper), then −Φ(lower). Why not every term: at n = 10^6 most of the ~n/(4z) terms are
 * 0 − 0 (both arguments ≤ PHI_IS_ZERO: adding them changes nothing) or 1 − 1 (both ≥ PHI_IS_ONE:
 * s → (s + 1) − 1, which rounds s once and then leaves it as it is), so the sum stops at the
 * first 1 − 1 term after applying it once. Bit for bit the full loop, at a few dozen erfc calls
 * instead of a few hundred.
 */
function phiDifferences(from: number, to: number, a: number, b: number, z: number, sqrtN: number): number {
  let sum = 0;
  for (let k = from; k <= to; k++) {
    const upper = ((4 * k + a) * z) / sqrtN;
    if (upper <= PHI_IS_ZERO) continue;
    const lower = ((4 * k + b) * z) / sqrtN;
    if (lower >= PHI_IS_ONE) {
      sum += 1;
      sum -= 1;
      break;
    }
    sum += phi(upper);
    sum -= phi(lower);
  }
  return sum;
}

/** The §2.13.4 P-value for maximum excursion z of an n-step walk. */
export function cusumPValue(n: number, z: number): number {
  const sqrtN = Math.sqrt(n);
  const nz = Math.trunc(n / z);
  const sum1 = phiDifferences(Math.trunc((-nz + 1) / 4), Math.trunc((nz - 1) / 4), 1, -1, z, sqrtN);
  const sum2 = phiDifferences(Math.trunc((-nz - 3) / 4), Math.trunc((nz - 1) / 4), 3, 1, z, sqrtN);
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
  const walk = walkTable();
  let S = 0;
  let sup = 0; // max over S_0..S_n (S_0 = 0)
  let inf = 0;
  const fullWords = n >>> 5;
  for (let w = 0; w < fullWords; w++) {
    const x = words[w]!;
    let t = walk[x >>> 16]!;
    let hi = S + ((t >>> 8) & 0xff) - WALK_BIAS;
    let lo = S + (t >>> 16) - WALK_BIAS;
    if (hi > sup) sup = hi;
    if (lo < inf) inf = lo;
    S += (t & 0xff) - WALK_BIAS;
    t = walk[x & 0xffff]!;
    hi = S + ((t >>> 8) & 0xff) - WALK_BIAS;
    lo = S + (t >>> 16) - WALK_BIAS;
    if (hi > sup) sup = hi;
    if (lo < inf) inf = lo;
    S += (t & 0xff) - WALK_BIAS;
  }
  const fullBytes = n >>> 3;
  for (let i = fullWords * 4; i < fullBytes; i++) {
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
