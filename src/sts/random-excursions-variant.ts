/**
 * Random Excursions Variant test, SP 800-22 Rev 1a §2.15 (sts-2.1.2
 * `RandomExcursionsVariant`).
 *
 * With the random walk S_k = Σ_{i≤k} (2ε_i − 1) and J its number of cycles
 * (returns to zero, plus one if it does not end at zero), ξ(x) is the total
 * number of visits to state x over the whole walk, and
 * P(x) = erfc(|ξ(x) − J| / √(2J(4|x| − 2))) for x ∈ {−9..−1, +1..+9}.
 * Eighteen P-values, states in that order.
 *
 * Applicability (§2.15.7): J ≥ max(0.005·√n, 500); below it the result is
 * not applicable (sts-2.1.2 writes P = 0, which we do not copy). `minCycles`
 * can lower the bar for the worked example.
 *
 * Speed: a whole word (32 steps) is skipped with a popcount while the walk
 * is more than 41 away from zero (those steps reach no state in ±9).
 *
 * Minimum n: 10^6 recommended.
 *
 * Worked example (§2.15.4): ε = 0110110101: J = 3, ξ(+1) = 4, P = 0.683091.
 */
import { InputError } from '../errors.ts';
import { popcount32, type BitSequence } from '../bits/bit-sequence.ts';
import { erfc } from '../special/erfc.ts';
import { defaultMinCycles } from './random-excursions.ts';
import { notApplicable, type TestResult } from './types.ts';

const SECTION = 'SP 800-22 Rev 1a §2.15';

export const VARIANT_STATES: readonly number[] = [-9, -8, -7, -6, -5, -4, -3, -2, -1, 1, 2, 3, 4, 5, 6, 7, 8, 9];

export interface RandomExcursionsVariantParams {
  /** Minimum number of cycles J (default max(0.005·√n, 500), §2.15.7). */
  minCycles?: number;
}

export function randomExcursionsVariant(bits: BitSequence, params: RandomExcursionsVariantParams = {}): TestResult {
  const n = bits.length;
  const minCycles = params.minCycles ?? defaultMinCycles(n);
  if (!(minCycles >= 0) || !Number.isFinite(minCycles)) {
    throw new InputError(`RandomExcursionsVariant minCycles = ${minCycles}: expected a non-negative number`);
  }
  const used = { minCycles };
  if (n === 0) return notApplicable('RandomExcursionsVariant', SECTION, n, used, 'empty sequence');

  const xi = new Float64Array(19); // visits to x, index x + 9
  let J = 0;
  let s = 0;
  const words = bits.words;
  const fullWords = n >>> 5;
  for (let w = 0; w <= fullWords; w++) {
    const bitsHere = w < fullWords ? 32 : n & 31;
    if (bitsHere === 32 && (s > 41 || s < -41)) {
      // Far from the states and from zero: 32 steps cannot reach |S| ≤ 9.
      s += 2 * popcount32(words[w]!) - 32;
      continue;
    }
    const x = words[w]!;
    for (let b = 0; b < bitsHere; b++) {
      s += (((x >>> (31 - b)) & 1) << 1) - 1;
      if (s === 0) J++;
      else if (s >= -9 && s <= 9) xi[s + 9]!++;
    }
  }
  if (s !== 0) J++;
  const statistics: TestResult['statistics'] = { J };
  if (J < minCycles) {
    return {
      ...notApplicable('RandomExcursionsVariant', SECTION, n, used, `J = ${J} cycles < ${minCycles} (§2.15.7: J ≥ max(0.005·√n, 500))`),
      statistics,
    };
  }
  const counts: number[] = [];
  const pValues = VARIANT_STATES.map((x) => {
    const count = xi[x + 9]!;
    counts.push(count);
    return erfc(Math.abs(count - J) / Math.sqrt(2.0 * J * (4.0 * Math.abs(x) - 2)));
  });
  statistics.visits = counts;
  return {
    test: 'RandomExcursionsVariant',
    section: SECTION,
    n,
    params: used,
    status: 'ok',
    pValues,
    labels: VARIANT_STATES.map(String),
    statistics,
  };
}
