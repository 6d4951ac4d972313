/**
 * Markov estimate, SP 800-90B §6.3.3, for binary data only.
 *
 * Estimates the initial probabilities P_0, P_1 and the transition
 * probabilities P_{a,b} of a first-order Markov chain, takes the most likely
 * 128-bit sequence among the six candidate shapes of the standard (all 0s,
 * 0101.., 011.., 100.., 1010.., all 1s) and reports H = min(1, -log2(p_max)/128).
 *
 * Worked example (ea_non_iid 1.1.7 on data.pi.bin): P_0 = 0.43125046110978615,
 * P_{0,0} = 0.48045928537042415, P_{1,1} = 0.60606120026366161,
 * p-hat_max = 1.3630576315328792e-28, H = 0.72318078199004543.
 */
import type { EntropyEstimate } from '../types.ts';

export interface MarkovEstimate extends EntropyEstimate {
  P0: number;
  P1: number;
  P00: number;
  P01: number;
  P10: number;
  P11: number;
  pMax: number;
}

export function markovEstimate(bits: Uint8Array): MarkovEstimate {
  const len = bits.length;
  if (len < 2) {
    return {
      name: 'Markov', section: '6.3.3', hMin: null, note: 'needs at least 2 bits',
      P0: 0, P1: 0, P00: 0, P01: 0, P10: 0, P11: 0, pMax: 0,
    };
  }
  let c0 = 0;
  let c00 = 0;
  let c10 = 0;
  for (let i = 0; i < len - 1; i++) {
    if (bits[i] === 0) {
      c0++;
      if (bits[i + 1] === 0) c00++;
    } else if (bits[i + 1] === 0) c10++;
  }
  const c1 = len - 1 - c0;
  let P00 = 0;
  let P01 = 0;
  let P10 = 0;
  let P11 = 0;
  if (c0 > 0) {
    P00 = c00 / c0;
    P01 = 1 - P00;
  }
  if (c1 > 0) {
    P10 = c10 / c1;
    P11 = 1 - P10;
  }
  if (bits[len - 1] === 0) c0++;
  const P0 = c0 / len;
  const P1 = 1 - P0;
  // -log2 of each candidate sequence's probability; the reference starts from 128 (= p of 2^-128).
  let hMinSeq = 128;
  const consider = (h: number): void => {
    if (h < hMinSeq) hMinSeq = h;
  };
  if (P00 > 0) consider(-Math.log2(P0) - 127 * Math.log2(P00));
  if (P01 > 0 && P10 > 0) consider(-Math.log2(P0) - 64 * Math.log2(P01) - 63 * Math.log2(P10));
  if (P01 > 0 && P11 > 0) consider(-Math.log2(P0) - Math.log2(P01) - 126 * Math.log2(P11));
  if (P10 > 0 && P00 > 0) consider(-Math.log2(P1) - Math.log2(P10) - 126 * Math.log2(P00));
  if (P10 > 0 && P01 > 0) consider(-Math.log2(P1) - 64 * Math.log2(P10) - 63 * Math.log2(P01));
  if (P11 > 0) consider(-Math.log2(P1) - 127 * Math.log2(P11));
  const hMin = Math.min(hMinSeq / 128, 1);
  return {
    name: 'Markov', section: '6.3.3', hMin: hMin === 0 ? 0 : hMin,
    P0, P1, P00, P01, P10, P11, pMax: Math.pow(2, -hMinSeq),
  };
}
