/**
 * Binary matrix rank test, SP 800-22 Rev 1a §2.5.
 *
 * N = ⌊n/1024⌋ disjoint 32×32 matrices over GF(2), filled row by row; F_32,
 * F_31 and F_≤30 count full rank, rank 31 and the rest; χ² against the
 * probabilities p_r = 2^(r(Q+M−r)−MQ)·Π_{i<r}(1−2^(i−Q))(1−2^(i−M))/(1−2^(i−r)),
 * P = e^(−χ²/2) (= igamc(1, χ²/2)). M = Q = 32 is fixed in sts-2.1.2; here it is a
 * parameter (any size ≤ 32) so the document's 3×3 example runs too.
 *
 * With M = Q = 32, matrix k's rows are exactly words 32k..32k+31 of the packed
 * sequence, so elimination works on whole 32-bit rows (word XORs).
 * Minimum n: 38·M·Q = 38,912 (§2.5.7).
 *
 * @example the first 100,000 bits of e (data.e) → χ² = 1.2619656, P = 0.532069 (§2.5.8)
 */
import type { BitSequence } from '../bits/bit-sequence.ts';
import { notApplicable, type TestResult } from './types.ts';

export const RANK_SECTION = 'SP 800-22 Rev 1a §2.5';

export interface RankParams {
  /** Rows per matrix (default 32). */
  M?: number;
  /** Columns per matrix (default 32). */
  Q?: number;
  strict?: boolean;
}

/** Rank over GF(2) of `rows` (each row's bits in the low `cols` bits); destroys `rows`. */
export function gf2Rank(rows: Int32Array | Uint32Array, count: number, cols: number): number {
  let rank = 0;
  for (let c = cols - 1; c >= 0 && rank < count; c--) {
    const bit = 1 << c;
    let piv = -1;
    for (let r = rank; r < count; r++) {
      if (rows[r]! & bit) {
        piv = r;
        break;
      }
    }
    if (piv < 0) continue;
    const pr = rows[piv]!;
    rows[piv] = rows[rank]!;
    rows[rank] = pr;
    // Branch-free: random rows have the bit half the time, so a branch mispredicts often.
    for (let r = piv + 1; r < count; r++) rows[r]! ^= pr & -((rows[r]! >>> c) & 1);
    rank++;
  }
  return rank;
}

/** Probability that a random M×Q matrix over GF(2) has rank r (§3.5), computed as sts-2.1.2 does. */
export function rankProbability(r: number, M: number, Q: number): number {
  let product = 1;
  for (let i = 0; i <= r - 1; i++) {
    product *= ((1 - Math.pow(2, i - Q)) * (1 - Math.pow(2, i - M))) / (1 - Math.pow(2, i - r));
  }
  return Math.pow(2, r * (Q + M - r) - M * Q) * product;
}

export function rank(bits: BitSequence, params: RankParams = {}): TestResult {
  const n = bits.length;
  const M = params.M ?? 32;
  const Q = params.Q ?? 32;
  const strict = params.strict ?? true;
  const used = { M, Q, strict };
  for (const [k, v] of [['M', M], ['Q', Q]] as const) {
    if (!Number.isInteger(v) || v < 2 || v > 32) throw new RangeError(`Rank: ${k} must be an integer in 2..32, got ${v}`);
  }
  const size = M * Q;
  const minN = strict ? 38 * size : size;
  if (n < minN) {
    return notApplicable('Rank', RANK_SECTION, n, used, `n = ${n} bits, the test needs n ≥ ${minN} (38 matrices of ${M}×${Q}, §2.5.7)`);
  }
  const N = Math.floor(n / size);
  const rows = new Int32Array(M);
  const words = bits.words;
  let F_full = 0;
  let F_minus1 = 0;
  const r0 = Math.min(M, Q);
  for (let k = 0; k < N; k++) {
    if (M === 32 && Q === 32) {
      for (let i = 0; i < 32; i++) rows[i] = words[32 * k + i]! | 0;
    } else {
      for (let i = 0; i < M; i++) {
        let v = 0;
        const base = k * size + i * Q;
        for (let j = 0; j < Q; j++) v = (v << 1) | bits.bit(base + j);
        rows[i] = v;
      }
    }
    const R = gf2Rank(rows, M, Q);
    if (R === r0) F_full++;
    else if (R === r0 - 1) F_minus1++;
  }
  const pFull = rankProbability(r0, M, Q);
  const pMinus1 = rankProbability(r0 - 1, M, Q);
  const pRest = 1 - (pFull + pMinus1);
  const F_rest = N - (F_full + F_minus1);
  const chi2 =
    (F_full - N * pFull) ** 2 / (N * pFull) + (F_minus1 - N * pMinus1) ** 2 / (N * pMinus1) + (F_rest - N * pRest) ** 2 / (N * pRest);
  return {
    test: 'Rank',
    section: RANK_SECTION,
    n,
    params: used,
    status: 'ok',
    pValues: [Math.exp(-chi2 / 2)],
    statistics: { matrices: N, F_full, F_minus1, F_rest, p_full: pFull, p_minus1: pMinus1, p_rest: pRest, chi2, discarded: n - N * size },
  };
}
