/**
 * Longest Repeated Substring estimate, SP 800-90B §6.3.6.
 *
 * u = the smallest tuple length whose most common tuple occurs fewer than 35
 * times, v = the length of the longest repeated substring. For W = u..v,
 * P_W = sum over distinct W-tuples of C(count, 2) / C(L-W+1, 2);
 * P_max = max P_W^(1/W), p_u = min(1, P_max + 2.576 sqrt(P_max(1-P_max)/(L-1))),
 * H = -log2(p_u). Not applicable (hMin null) when v < u.
 *
 * Worked example (ea_non_iid 1.1.7 on data.pi.bin): u = 19, v = 43,
 * p-hat = 0.53143605510587265, p_u = 0.53262658455537203,
 * H = 0.90880365648334804.
 */
import { negLog2, upperBound } from './common.ts';
import { firstRareLength } from './t-tuple.ts';
import { tupleStats, type TupleStats } from '../suffix-array.ts';
import type { EntropyEstimate } from '../types.ts';

export interface LrsEstimate extends EntropyEstimate {
  u: number;
  v: number;
  pHat: number;
  pU: number;
}

export function lrsFromStats(stats: TupleStats): LrsEstimate {
  const n = stats.n;
  const u = firstRareLength(stats);
  const v = stats.v;
  if (v < u) {
    return { name: 'LRS', section: '6.3.6', hMin: null, note: `v = ${v} < u = ${u}`, u, v, pHat: 0, pU: 0 };
  }
  let pMax = 0;
  for (let w = u; w <= v; w++) {
    const pairs = ((n - w) * (n - w + 1)) / 2;
    const p = Math.pow(stats.pairSum[w]! / pairs, 1 / w);
    if (p > pMax) pMax = p;
  }
  const pU = upperBound(pMax, n);
  return { name: 'LRS', section: '6.3.6', hMin: negLog2(pU), u, v, pHat: pMax, pU };
}

/** `symbols` take values 0..k-1. */
export function lrsEstimate(symbols: Uint8Array): LrsEstimate {
  return lrsFromStats(tupleStats(symbols));
}
