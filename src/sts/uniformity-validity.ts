/**
 * When the §4.2.2 uniformity check of SP 800-22 Rev 1a is valid for a test at
 * a given stream length n and number of streams K.
 *
 * The check bins K P-values into deciles and compares the counts with K/10 by
 * χ² (9 degrees of freedom, reject when P_T < 0.0001). That presumes each
 * P-value lands in each decile with probability 0.1. A test statistic that
 * takes few values (an integer count with a spread of a few units: the
 * Frequency test at n = 100, the FFT test at n = 1000) gives P-values with
 * atoms, and then the decile probabilities π_i are not 0.1 even for perfect
 * data. The χ² statistic then has a non-central χ²_9(λ) distribution with
 * λ = K · Σ_i (π_i − 0.1)² / 0.1, which grows with K: enough streams make the
 * check reject perfect data (`--bits 100 --streams 10000` fails Frequency with
 * P_T = 0).
 *
 * Criterion (derived here, not from SP 800-22):
 * - For a valid P-value with atoms, F(t) = P(P ≤ t) touches the diagonal at
 *   every attainable value and the gap to the next attainable value is that
 *   value's probability mass. So |F(t) − t| < h, where h is the largest atom,
 *   and each decile's deviation δ_i = (F(t_i) − t_i) − (F(t_{i−1}) − t_{i−1})
 *   is a difference of two such errors. Taking the errors at the decile edges
 *   as uniform on (−h, 0) and independent gives E[δ_i²] = h²/6, so
 *   λ ≈ K · 10 · (h²/6) / 0.1 = (50/3) · K · h².
 * - With λ = 1 the check rejects perfect data about 3.4 times as often as its
 *   nominal 10^-4 (3.4·10^-4, computed by simulating χ²_9(λ): 1.9·10^-4 at
 *   λ = 0.5, 8.7·10^-4 at 2, 3.5·10^-3 at 4). We call the check valid while
 *   λ ≤ 1 and report it as not applicable beyond, with h, λ and the reason.
 *
 * The largest atom h of each test is estimated from the lattice its statistic
 * lives on (local central limit theorem: an integer count with standard
 * deviation σ has its largest point mass ≈ 1/(σ√(2π)), capped at 1; a
 * two-sided P-value pools the two counts ±d; a P-value that depends on two
 * independent counts has the product of their masses; a multinomial count
 * vector of N trials over c classes has its largest mass
 * ≈ (2πN)^(−(c−1)/2) · Π p_i^(−1/2)). These are estimates, checked against
 * one run of 1000 streams of 1000 random bits: the observed χ² excess over its
 * mean 9 was ≈ 15 for Frequency (estimate λ = 42), 5–9 for CumulativeSums
 * (17), none to speak of for Runs, BlockFrequency and LongestRun (λ = 0.03,
 * 0.19, 0.01); FFT, Serial, ApproximateEntropy and NonOverlappingTemplate
 * rejected outright (λ ≫ 1). The estimate errs on the cautious side (it uses
 * the largest atom, at the mode, for every decile edge); at the reference
 * size n = 10^6 with up to 1000 streams every test
 * keeps its check (largest λ: FFT, 0.9 at K = 1000).
 */
import type { StsTestName, TestResult } from './types.ts';

const SQRT_2PI = Math.sqrt(2 * Math.PI);

/** Largest point mass of an integer count with standard deviation σ (local CLT), at most 1. */
function latticePeak(sigma: number): number {
  return sigma <= 0 ? 1 : Math.min(1, 1 / (sigma * SQRT_2PI));
}

/** Largest point mass of a multinomial count vector: N trials over classes with probabilities p. */
function multinomialPeak(N: number, p: readonly number[]): number {
  if (N <= 0) return 1;
  let prod = 1;
  for (const q of p) prod *= q;
  return Math.min(1, Math.pow(2 * Math.PI * N, -(p.length - 1) / 2) / Math.sqrt(prod));
}

/**
 * Largest point mass of Q = Σ_{j<N} (W_j − μ)², the W_j independent integer
 * counts with variance σ²: the larger of "every W_j at its mode" and the peak
 * of Q's own spread (sd ≈ σ²·√(2N), values about one unit apart).
 */
function sumOfSquaresPeak(N: number, sigma: number): number {
  return Math.min(1, Math.max(Math.pow(latticePeak(sigma), N), latticePeak(sigma * sigma * Math.sqrt(2 * N))));
}

function num(params: TestResult['params'], key: string, fallback: number): number {
  const v = params[key];
  return typeof v === 'number' && Number.isFinite(v) ? v : fallback;
}

/** Class probabilities of the Longest Run test (SP 800-22 §3.4) by block length M. */
const LONGEST_RUN: ReadonlyArray<{ upTo: number; M: number; p: number[] }> = [
  { upTo: 6272, M: 8, p: [0.2148, 0.3672, 0.2305, 0.1875] },
  { upTo: 750000, M: 128, p: [0.1174, 0.243, 0.2493, 0.1752, 0.1027, 0.1124] },
  { upTo: Infinity, M: 10000, p: [0.0882, 0.2092, 0.2483, 0.1933, 0.1208, 0.0675, 0.0727] },
];

/**
 * Estimated largest atom h of `test`'s P-values (each of them, for tests with
 * several) for streams of n bits under the null hypothesis; 0 when the
 * statistic is practically continuous.
 */
export function largestAtom(test: StsTestName, n: number, params: TestResult['params'] = {}): number {
  switch (test) {
    case 'Frequency':
      // S_n moves in steps of 2 with sd √n; P = erfc(|S_n|/√(2n)) pools ±S_n.
      return Math.min(1, 2 * latticePeak(Math.sqrt(n) / 2));
    case 'BlockFrequency': {
      const M = num(params, 'M', 128);
      const N = Math.floor(n / M);
      // Q = Σ (ones_j − M/2)², ones_j with variance M/4.
      return sumOfSquaresPeak(N, Math.sqrt(M) / 2);
    }
    case 'Runs':
      // P depends on the number of runs V_n (sd ≈ √n/2) and, through π, on the ones (sd √n/2); two-sided.
      return Math.min(1, 2 * latticePeak(Math.sqrt(n) / 2) ** 2);
    case 'CumulativeSums':
      // z = max |S_k|: a simulation of 20 000 walks gave a largest mass of 0.97–1.04 / √n for n = 10^2..10^4.
      return Math.min(1, 1 / Math.sqrt(n));
    case 'LongestRun': {
      const row = LONGEST_RUN.find((r) => n < r.upTo)!;
      return multinomialPeak(Math.floor(n / row.M), row.p);
    }
    case 'Rank':
      return multinomialPeak(Math.floor(n / 1024), [0.2888, 0.5776, 0.1336]);
    case 'FFT':
      // N_1 (peaks below the threshold) with variance n·0.95·0.05/4; P pools ±d.
      return Math.min(1, 2 * latticePeak(Math.sqrt((n * 0.95 * 0.05) / 4)));
    case 'NonOverlappingTemplate': {
      const m = num(params, 'm', 9);
      const N = num(params, 'blocks', 8);
      const M = Math.floor(n / N);
      const variance = M * (1 / 2 ** m - (2 * m - 1) / 2 ** (2 * m));
      return sumOfSquaresPeak(N, Math.sqrt(Math.max(variance, 0)));
    }
    case 'OverlappingTemplate':
      return multinomialPeak(Math.floor(n / 1032), [0.364091, 0.185659, 0.139381, 0.100571, 0.070432, 0.139865]);
    case 'Universal':
      // A sum of log2 distances over thousands of blocks: values practically never repeat.
      return 0;
    case 'ApproximateEntropy':
    case 'Serial': {
      // ψ²_m = (2^m/n)·Σν² − n moves in steps of ~2^m/n and spreads like χ² with 2^(m−1)
      // degrees of freedom (sd ≈ 2^(m/2)); mass ≈ step/(sd·√(2π)). ApEn follows the same counts.
      const m = num(params, 'm', test === 'Serial' ? 16 : 10);
      return Math.min(1, 2 ** m / n / SQRT_2PI / 2 ** (m / 2));
    }
    case 'RandomExcursions':
    case 'RandomExcursionsVariant': {
      // Per state a count over J cycles, but J itself varies between streams (sd ≈ 0.6·√n),
      // which spreads each atom: mass ≤ (largest mass of the count) × (largest mass of J).
      const J = Math.max(500, Math.sqrt((2 * n) / Math.PI));
      const perState = test === 'RandomExcursionsVariant' ? 2 * latticePeak(Math.sqrt(2 * J)) : multinomialPeak(J, [0.5, 0.25, 0.125, 0.0625, 0.03125, 0.03125]);
      return Math.min(1, perState * latticePeak(0.6 * Math.sqrt(n)));
    }
    case 'LinearComplexity': {
      const M = num(params, 'M', 500);
      return multinomialPeak(Math.floor(n / M), [0.010417, 0.03125, 0.125, 0.5, 0.25, 0.0625, 0.020833]);
    }
  }
}

/** Largest λ (non-centrality of the uniformity χ²) accepted: see the module comment. */
export const MAX_UNIFORMITY_LAMBDA = 1;

export interface UniformityValidity {
  applicable: boolean;
  /** Estimated largest atom of the P-values. */
  largestAtom: number;
  /** Estimated non-centrality (50/3)·K·h² for perfect data. */
  lambda: number;
  /** Why the check does not apply (only when not applicable). */
  reason?: string;
}

/** Whether the §4.2.2 uniformity check is valid for `test` on K streams of n bits (module comment). */
export function uniformityValidity(test: StsTestName, n: number, K: number, params: TestResult['params'] = {}): UniformityValidity {
  const h = largestAtom(test, n, params);
  const lambda = (50 / 3) * K * h * h;
  if (lambda <= MAX_UNIFORMITY_LAMBDA) return { applicable: true, largestAtom: h, lambda };
  const kMax = Math.floor((MAX_UNIFORMITY_LAMBDA * 3) / (50 * h * h));
  return {
    applicable: false,
    largestAtom: h,
    lambda,
    reason:
      `P-values are discrete at n = ${n} (largest atom ≈ ${h.toPrecision(2)}), so ${K} streams would reject perfect data ` +
      `(non-centrality ≈ ${lambda.toPrecision(2)} > ${MAX_UNIFORMITY_LAMBDA}); ` +
      (kMax >= 55 ? `valid for at most ${kMax} streams at this n, or use longer streams` : 'use longer streams (below 55 streams there is no uniformity check)'),
  };
}
