/**
 * Random Excursions test, SP 800-22 Rev 1a §2.14 (sts-2.1.2
 * `RandomExcursions`).
 *
 * The random walk S_k = Σ_{i≤k} (2ε_i − 1) is split into J cycles at its
 * returns to zero (a last cycle is closed at the end if the walk does not end
 * at zero). For each state x ∈ {−4..−1, +1..+4}, ν_k(x) counts the cycles that
 * visit x exactly k times (k = 0..4, and ≥ 5 in ν_5);
 * χ²(x) = Σ_k (ν_k(x) − Jπ_k(x))²/(Jπ_k(x)), P = igamc(5/2, χ²/2).
 * Eight P-values, states in the order −4..−1, +1..+4.
 *
 * Applicability (§2.14.7): J ≥ max(0.005·√n, 500) cycles. Below that the
 * test is not applicable and says so; sts-2.1.2 writes P = 0 instead, which
 * we deliberately do not copy. `minCycles` can lower the bar (the §2.14.4
 * worked example has J = 3).
 *
 * More than max(1000, n/100) cycles (only grossly non-random input, e.g.
 * 0101…): sts-2.1.2 overflows its cycle buffer and writes no P-values. We have
 * no such buffer, so the test runs normally (the χ² then rightly reports the
 * excess of zero-visit cycles) and `statistics.note` records that the reference
 * would have stopped.
 *
 * Speed: one pass over the walk; a whole word (32 steps) is skipped with a
 * popcount while the walk is more than 36 away from zero, where those steps
 * can neither visit a state nor close a cycle.
 *
 * Minimum n: 10^6 recommended (§2.14.7).
 *
 * Worked example (§2.14.4): ε = 0110110101 (J = 3): state +1 has
 * ν = (1, 1, 0, 1, 0, 0), so χ² = 13/3 = 4.333333 and P = 0.502488 (the
 * document prints χ² = 4.333033 and P = 0.502529: an arithmetic slip, one of
 * its errata). Run with minCycles ≤ 3.
 */
import { InputError } from '../errors.ts';
import { popcount32, type BitSequence } from '../bits/bit-sequence.ts';
import { igamc } from '../special/igamc.ts';
import { notApplicable, type TestResult } from './types.ts';

const SECTION = 'SP 800-22 Rev 1a §2.14';

/** States in the reference's order. */
export const EXCURSION_STATES: readonly number[] = [-4, -3, -2, -1, 1, 2, 3, 4];

/**
 * π_k(x) for |x| = 1..4, k = 0..5, exactly as typed in sts-2.1.2 (roundings to
 * 10 or 11 decimals; e.g. π_5(3) = 0.0803755143, not …144): P-values depend on
 * these digits at the 1e-9 level.
 */
const PI: readonly (readonly number[])[] = [
  [0.0, 0.0, 0.0, 0.0, 0.0, 0.0],
  [0.5, 0.25, 0.125, 0.0625, 0.03125, 0.03125],
  [0.75, 0.0625, 0.046875, 0.03515625, 0.0263671875, 0.0791015625],
  [0.8333333333, 0.02777777778, 0.02314814815, 0.01929012346, 0.01607510288, 0.0803755143],
  [0.875, 0.015625, 0.013671875, 0.01196289063, 0.0104675293, 0.0732727051],
];

export interface RandomExcursionsParams {
  /** Minimum number of cycles J (default max(0.005·√n, 500), §2.14.7). */
  minCycles?: number;
}

/** The cycle count rule of §2.14.7 and sts-2.1.2. */
export function defaultMinCycles(n: number): number {
  return Math.max(0.005 * Math.sqrt(n), 500);
}

export function randomExcursions(bits: BitSequence, params: RandomExcursionsParams = {}): TestResult {
  const n = bits.length;
  const minCycles = params.minCycles ?? defaultMinCycles(n);
  if (!(minCycles >= 0) || !Number.isFinite(minCycles)) {
    throw new InputError(`RandomExcursions minCycles = ${minCycles}: expected a non-negative number`);
  }
  const used = { minCycles };
  if (n === 0) return notApplicable('RandomExcursions', SECTION, n, used, 'empty sequence');

  // nu[k * 9 + (x + 4)]: cycles visiting state x exactly k times (k = 5: ≥ 5).
  const nu = new Float64Array(6 * 9);
  const visits = new Int32Array(9); // visits to x in the current cycle, index x + 4
  let J = 0;
  let s = 0;
  const words = bits.words;
  const flush = (): void => {
    for (let x = 0; x < 9; x++) {
      const c = visits[x]!;
      nu[(c < 5 ? c : 5) * 9 + x]!++;
      visits[x] = 0;
    }
  };
  const fullWords = n >>> 5;
  for (let w = 0; w <= fullWords; w++) {
    const bitsHere = w < fullWords ? 32 : n & 31;
    if (bitsHere === 32 && (s > 36 || s < -36)) {
      // Far from the states and from zero: 32 steps cannot reach |S| ≤ 4.
      s += 2 * popcount32(words[w]!) - 32;
      continue;
    }
    const x = words[w]!;
    for (let b = 0; b < bitsHere; b++) {
      s += (((x >>> (31 - b)) & 1) << 1) - 1;
      if (s === 0) {
        J++;
        flush();
      } else if (s >= -4 && s <= 4) {
        visits[s + 4]!++;
      }
    }
  }
  if (s !== 0) {
    J++;
    flush();
  }
  const statistics: TestResult['statistics'] = { J };
  if (J < minCycles) {
    return {
      ...notApplicable('RandomExcursions', SECTION, n, used, `J = ${J} cycles < ${minCycles} (§2.14.7: J ≥ max(0.005·√n, 500))`),
      statistics,
    };
  }
  const cap = Math.max(1000, Math.floor(n / 100));
  if (J > cap) statistics.note = `J = ${J} > max(1000, n/100) = ${cap}: sts-2.1.2 would stop here and report no P-values`;

  const pValues: number[] = [];
  const chi2s: number[] = [];
  const nuOut: number[] = [];
  for (const x of EXCURSION_STATES) {
    const pi = PI[Math.abs(x)]!;
    let chi2 = 0.0;
    for (let k = 0; k < 6; k++) {
      const e = J * pi[k]!;
      nuOut.push(nu[k * 9 + x + 4]!);
      chi2 += Math.pow(nu[k * 9 + x + 4]! - e, 2) / e;
    }
    chi2s.push(chi2);
    pValues.push(igamc(2.5, chi2 / 2.0));
  }
  statistics.chiSquared = chi2s;
  // ν_k(x) for k = 0..5, state after state (8 × 6 values, states as in `labels`).
  statistics.nu = nuOut;
  return {
    test: 'RandomExcursions',
    section: SECTION,
    n,
    params: used,
    status: 'ok',
    pValues,
    labels: EXCURSION_STATES.map(String),
    statistics,
  };
}
