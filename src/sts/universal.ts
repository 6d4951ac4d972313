/**
 * Maurer's "universal statistical" test, SP 800-22 Rev 1a §2.9.
 *
 * Non-overlapping L-bit blocks: the first Q initialise a table of last
 * positions, the next K = ⌊n/L⌋ − Q add log2(distance to the previous
 * occurrence); f_n = sum/K is compared with its expectation:
 * P = erfc(|f_n − E[L]| / (√2·σ)), σ = c·√(Var[L]/K),
 * c = 0.7 − 0.8/L + (4 + 32/L)·K^(−3/L)/15 (Coron–Naccache).
 *
 * L and Q follow sts-2.1.2 exactly (README behaviour 8): L is the largest of
 * 6..16 with n ≥ the table's minimum (387,840 for L = 6, 904,960 for L = 7,
 * 2,068,480 for L = 8, ...), Q = 10·2^L; n < 387,840 → not applicable. Both can be
 * overridden (L in 6..16, Q ≥ 10·2^L, as the reference requires).
 *
 * @example the first 1,000,000 bits of e → L = 7, Q = 1280, P = 0.282568 (§2.9.8)
 */
import type { BitSequence } from '../bits/bit-sequence.ts';
import { erfc } from '../special/erfc.ts';
import { notApplicable, type TestResult } from './types.ts';

export const UNIVERSAL_SECTION = 'SP 800-22 Rev 1a §2.9';

export interface UniversalParams {
  /** Block length L (default: chosen from n as sts-2.1.2 does). */
  L?: number;
  /** Initialisation blocks Q (default 10·2^L). */
  Q?: number;
}

/** Minimum n for L = 6..16 (sts-2.1.2 universal.c, SP 800-22 §2.9.7). */
const MIN_N: Record<number, number> = {
  6: 387840,
  7: 904960,
  8: 2068480,
  9: 4654080,
  10: 10342400,
  11: 22753280,
  12: 49643520,
  13: 107560960,
  14: 231669760,
  15: 496435200,
  16: 1059061760,
};
const EXPECTED = [0, 0, 0, 0, 0, 0, 5.2177052, 6.1962507, 7.1836656, 8.1764248, 9.1723243, 10.170032, 11.168765, 12.16807, 13.167693, 14.167488, 15.167379];
const VARIANCE = [0, 0, 0, 0, 0, 0, 2.954, 3.125, 3.238, 3.311, 3.356, 3.384, 3.401, 3.41, 3.416, 3.419, 3.421];

/** L as sts-2.1.2 picks it (5 means "too short"). */
export function universalL(n: number): number {
  let L = 5;
  for (let l = 6; l <= 16; l++) if (n >= MIN_N[l]!) L = l;
  return L;
}

// log2 of small distances, filled lazily; distances are geometric with mean 2^L, so a
// 32 KiB table (cache-resident) covers practically all of them for L ≤ 9.
const LOG2_CACHE = 1 << 12;
let log2Cache: Float64Array | undefined;
function log2Table(): Float64Array {
  if (!log2Cache) {
    log2Cache = new Float64Array(LOG2_CACHE);
    for (let i = 1; i < LOG2_CACHE; i++) log2Cache[i] = Math.log(i) / Math.LN2;
  }
  return log2Cache;
}

export function universal(bits: BitSequence, params: UniversalParams = {}): TestResult {
  const n = bits.length;
  const L = params.L ?? universalL(n);
  if (params.L !== undefined && (!Number.isInteger(L) || L < 6 || L > 16)) {
    throw new RangeError(`Universal: L must be an integer in 6..16, got ${L}`);
  }
  const Q = params.Q ?? 10 * 2 ** L;
  const used = { L, Q };
  if (L < 6) {
    return notApplicable('Universal', UNIVERSAL_SECTION, n, used, `n = ${n} bits, the test needs n ≥ 387,840 (L = 6, §2.9.7)`);
  }
  if (!Number.isInteger(Q) || Q < 10 * 2 ** L) throw new RangeError(`Universal: Q must be an integer ≥ 10·2^L = ${10 * 2 ** L}, got ${Q}`);
  const K = Math.floor(n / L) - Q;
  if (K < 1) return notApplicable('Universal', UNIVERSAL_SECTION, n, used, `n = ${n} bits leaves no test blocks after Q = ${Q} blocks of L = ${L}`);
  const sum = universalSum(bits.words, L, Q, K);
  const fn = sum / K;
  const c = 0.7 - 0.8 / L + ((4 + 32 / L) * Math.pow(K, -3 / L)) / 15;
  const sigma = c * Math.sqrt(VARIANCE[L]! / K);
  const arg = Math.abs(fn - EXPECTED[L]!) / (Math.SQRT2 * sigma);
  return {
    test: 'Universal',
    section: UNIVERSAL_SECTION,
    n,
    params: used,
    status: 'ok',
    pValues: [erfc(arg)],
    statistics: { K, sum, f_n: fn, expected: EXPECTED[L]!, variance: VARIANCE[L]!, sigma, discarded: n - (Q + K) * L },
  };
}

/**
 * Σ log2(i − T[block i]) over the K test blocks after Q initialisation blocks of L bits (§2.9.4
 * steps 3–4), in block order as sts-2.1.2 sums it. A function of its own so that V8 optimises
 * it whole rather than by on-stack replacement of the loops inside `universal`: 1.3 → 0.8 ms
 * a 10^6-bit stream.
 */
function universalSum(words: Uint32Array, L: number, Q: number, K: number): number {
  const T = new Int32Array(1 << L);
  for (let i = 1; i <= Q; i++) T[blockAt(words, (i - 1) * L, L)] = i;
  let sum = 0;
  const table = log2Table();
  for (let i = Q + 1, pos = Q * L; i <= Q + K; i++, pos += L) {
    const v = blockAt(words, pos, L);
    const d = i - T[v]!;
    sum += d < LOG2_CACHE ? table[d]! : Math.log(d) / Math.LN2;
    T[v] = i;
  }
  return sum;
}

/**
 * The L-bit block from bit `pos`, read from a 32-bit window. A module function, not a closure
 * made per call: V8 inlined the first call's closure into universalSum and threw the
 * optimised code away at the next stream ("wrong call target"), 2–3 ms a stream instead of 0.8.
 */
function blockAt(words: Uint32Array, pos: number, L: number): number {
  const w = pos >>> 5;
  const off = pos & 31;
  const hi = words[w]! << off;
  // No read past the last word: an out-of-bounds typed-array read (`?? 0`) kept V8 on a slow
  // path, 2.3 ms a 10^6-bit stream instead of 0.8.
  const lo = off === 0 || w + 1 >= words.length ? 0 : words[w + 1]! >>> (32 - off);
  return (hi | lo) >>> (32 - L);
}
