/**
 * t-Tuple estimate, SP 800-90B §6.3.5.
 *
 * Q[i] = the most occurrences (overlapping) of any i-symbol tuple; t = the
 * largest i with Q[i] >= 35. P_max = max over i <= t of (Q[i]/(L-i+1))^(1/i),
 * p_u = min(1, P_max + 2.576 sqrt(P_max(1-P_max)/(L-1))), H = -log2(p_u).
 * The counts come from one pass over the LCP array in suffix order
 * (../suffix-array.ts). Not applicable (hMin null) when no symbol occurs 35 times.
 *
 * Worked example (ea_non_iid 1.1.7 on data.pi.bin): t = 18,
 * p-hat_max = 0.61361698191214179, p_u = 0.61477866562812643,
 * H = 0.70186099415040004.
 */
import { negLog2, upperBound } from './common.ts';
import { tupleStats, type TupleStats } from '../suffix-array.ts';
import type { EntropyEstimate } from '../types.ts';

export interface TTupleEstimate extends EntropyEstimate {
  t: number;
  pHatMax: number;
  pU: number;
}

/** The cutoff of §6.3.5: tuples must occur at least this often. */
export const TUPLE_CUTOFF = 35;

/** u of §6.3.6 = t + 1: the smallest length whose most common tuple occurs fewer than 35 times. */
export function firstRareLength(stats: TupleStats): number {
  let u = 1;
  while (u <= stats.v && stats.maxCount[u]! >= TUPLE_CUTOFF) u++;
  return u;
}

export function tTupleFromStats(stats: TupleStats): TTupleEstimate {
  const n = stats.n;
  const u = firstRareLength(stats);
  let pMax = -1;
  for (let i = 1; i < u; i++) {
    const p = Math.pow(stats.maxCount[i]! / (n - i + 1), 1 / i);
    if (p > pMax) pMax = p;
  }
  if (pMax <= 0) {
    return {
      name: 'tTuple', section: '6.3.5', hMin: null,
      note: `no symbol occurs ${TUPLE_CUTOFF} times`, t: 0, pHatMax: 0, pU: 0,
    };
  }
  const pU = upperBound(pMax, n);
  return { name: 'tTuple', section: '6.3.5', hMin: negLog2(pU), t: u - 1, pHatMax: pMax, pU };
}

/** `symbols` take values 0..k-1. */
export function tTupleEstimate(symbols: Uint8Array): TTupleEstimate {
  return tTupleFromStats(tupleStats(symbols));
}
