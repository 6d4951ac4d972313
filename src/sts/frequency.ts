/**
 * Frequency (monobit) test, SP 800-22 Rev 1a §2.1.
 *
 * Are ones and zeros about equally frequent? S_n = #ones − #zeros,
 * s_obs = |S_n|/√n, P = erfc(s_obs/√2). Counts ones 32 bits at a time (popcount).
 *
 * Minimum n: 100 (§2.1.7). `strict: false` lifts it for the standard's n = 10 example.
 *
 * @example frequency(bitsOf('1011010101'), { strict: false }).pValues  // [0.527089...] (§2.1.4)
 * @example the 100-bit ε of §2.1.8 → P = 0.109599
 */
import type { BitSequence } from '../bits/bit-sequence.ts';
import { erfc } from '../special/erfc.ts';
import { notApplicable, type TestResult } from './types.ts';

export const FREQUENCY_SECTION = 'SP 800-22 Rev 1a §2.1';
export const FREQUENCY_MIN_N = 100;

export interface FrequencyParams {
  /** Refuse n below the standard's minimum (default true). */
  strict?: boolean;
}

export function frequency(bits: BitSequence, params: FrequencyParams = {}): TestResult {
  const n = bits.length;
  const strict = params.strict ?? true;
  const used = { strict };
  if (n < (strict ? FREQUENCY_MIN_N : 1)) {
    return notApplicable('Frequency', FREQUENCY_SECTION, n, used, `n = ${n} bits, the test needs n ≥ ${FREQUENCY_MIN_N} (§2.1.7)`);
  }
  const ones = bits.popcount();
  const sN = 2 * ones - n;
  const sObs = Math.abs(sN) / Math.sqrt(n);
  const p = erfc(sObs / Math.SQRT2);
  return {
    test: 'Frequency',
    section: FREQUENCY_SECTION,
    n,
    params: used,
    status: 'ok',
    pValues: [p],
    statistics: { ones, S_n: sN, s_obs: sObs },
  };
}
