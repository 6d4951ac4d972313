/**
 * Most Common Value estimate, SP 800-90B §6.3.1.
 *
 * p-hat = (count of the most common symbol)/L; p_u = min(1, p-hat +
 * 2.576 sqrt(p-hat(1-p-hat)/(L-1))); H = -log2(p_u). Any L >= 2 works; the
 * standard expects 10^6 samples.
 *
 * Worked example (ea_non_iid 1.1.7 on data.pi.bin, 1,165,666 bits): mode count
 * 662,972, p-hat = 0.56874953889021385, p_u = 0.56993109817230025,
 * H = 0.81114057970407438 (test/entropy/estimators/mcv.test.ts).
 */
import { negLog2, upperBound } from './common.ts';
import type { EntropyEstimate } from '../types.ts';

export interface McvEstimate extends EntropyEstimate {
  mode: number;
  pHat: number;
  pU: number;
}

/** `symbols` take values 0..k-1. */
export function mostCommonValue(symbols: Uint8Array, k: number): McvEstimate {
  const L = symbols.length;
  const counts = new Float64Array(Math.max(k, 256));
  for (let i = 0; i < L; i++) counts[symbols[i]!]!++;
  let mode = 0;
  for (let i = 0; i < counts.length; i++) if (counts[i]! > mode) mode = counts[i]!;
  const pHat = mode / L;
  const pU = upperBound(pHat, L);
  return { name: 'MCV', section: '6.3.1', hMin: negLog2(pU), mode, pHat, pU };
}
