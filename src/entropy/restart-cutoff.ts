/**
 * The cutoff U of the restart sanity check (SP 800-90B §3.1.4.3), two ways.
 *
 * The standard's text bounds one symbol's count: U = CRITBINOM(1000, 2^−H_I, 1 − α) with
 * α = 0.01/2000 (`binomialRestartCutoff`). But X_max is the largest count of *any* symbol in a
 * row or column, and a source that meets its claim H_I can have ⌊2^H_I⌋ symbols of
 * probability 2^−H_I at once: the largest of those counts is bigger than any single one, so
 * the single-symbol bound rejects honest sources far more often than α (at H_I ≈ 7.35 the
 * two cutoffs differ by 3–4 counts).
 *
 * NIST's ea_restart 1.1.7 (restart_main.cpp, simulateBound) therefore uses the distribution
 * of the maximum: with k = the number of distinct symbols in the data and p = 2^−H_I, the
 * worst case puts k_max = ⌊1/p⌋ symbols at probability p and spreads 1 − k_max·p evenly over
 * the other k − k_max; it draws 5·10^6 rows of 1000 samples from it and takes the sorted
 * maxima's element ⌊(1 − α)·5·10^6⌋ − 1 (0-based), with α = 1 − 0.99^(1/2000) ≈ 5.025e-6
 * (Šidák rather than Bonferroni). `restartCutoff` computes the distribution of the maximum
 * exactly instead of simulating it: the multinomial is Poissonised (N_i ~ Poisson(1000·p_i)
 * conditioned on ΣN_i = 1000), so
 *   P(max ≤ x) = [coefficient 1000 of ∏_i (Poisson pmf of N_i truncated at x)] / P(Poisson(1000) = 1000).
 * From that it takes the median of the value ea_restart returns.
 *
 * What still differs from the reference: its U is a Monte-Carlo estimate seeded from
 * /dev/urandom, so it is itself random. Its index allows 26 of the 5·10^6 maxima above U;
 * where the exact tail P(max > x) lies within about ±40 % of 5.3e-6 (two standard deviations
 * of ~26 Poisson counts), ea_restart returns x on some runs and x + 1 on others, and ours is
 * the one it returns at least half the time (at H_I = 7.35 over 256 symbols: 23, which it
 * returns on ~60 % of runs, 24 on the rest; the single-symbol bound gives 20). Away from such
 * boundaries the two are equal.
 * When the data has fewer distinct symbols than k_max (the claim exceeds log2 of the
 * alphabet), ea_restart stops on an assertion; we use the worst case of any alphabet:
 * k_max symbols at p and the remainder, if any, on one more symbol.
 */
import gammaln from '@stdlib/math-base-special-gammaln';
import { critBinomUpper } from './health/cutoffs.ts';

/** Rows per restart matrix and samples per row (§3.1.4.1). */
const N = 1000;

/** α of ea_restart: 1 − 0.99^(1/(r + c)), the per-row/column level of a 1 % family rate. */
export const REFERENCE_RESTART_ALPHA = -Math.expm1(Math.log(0.99) / 2000);
/** α of the standard's text (§3.1.4.3): 0.01/(r + c). */
export const STANDARD_RESTART_ALPHA = 0.01 / 2000;

/** U = CRITBINOM(n, 2^−H, 1 − α): the standard's single-symbol bound. */
export function binomialRestartCutoff(hI: number, alpha = STANDARD_RESTART_ALPHA, n = N): number {
  const logP = -hI * Math.LN2;
  return critBinomUpper(n, logP, Math.log(-Math.expm1(logP)), Math.log(alpha));
}

/** Symbol probabilities of ea_restart's worst case for a claim of hI bits over k symbols. */
export function worstCaseProbabilities(hI: number, k: number): Array<{ p: number; count: number }> {
  const p = 2 ** -hI;
  const kMax = Math.floor(1 / p);
  const rest = 1 - kMax * p;
  const groups = [{ p, count: kMax }];
  if (rest > 1e-15) {
    // k − k_max symbols share the remainder; with no symbol left over (claim above log2 k),
    // one extra symbol takes it all.
    const others = Math.max(1, k - kMax);
    groups.push({ p: rest / others, count: others });
  }
  return groups;
}

/** Truncated product of two coefficient arrays (degrees 0..n). */
function mul(a: Float64Array, b: Float64Array, n: number): Float64Array {
  const out = new Float64Array(Math.min(n, a.length + b.length - 2) + 1);
  for (let i = 0; i < Math.min(n + 1, a.length); i++) {
    const ai = a[i]!;
    if (ai === 0) continue;
    const lim = Math.min(n - i, b.length - 1);
    for (let j = 0; j <= lim; j++) out[i + j]! += ai * b[j]!;
  }
  return out;
}

/** a^e truncated at degree n, by repeated squaring. */
function pow(a: Float64Array, e: number, n: number): Float64Array {
  let result: Float64Array | null = null;
  let base = a;
  while (e > 0) {
    if (e & 1) result = result ? mul(result, base, n) : base;
    e >>>= 1;
    if (e > 0) base = mul(base, base, n);
  }
  return result ?? Float64Array.of(1);
}

/** log of the Poisson(λ) pmf at j. */
function logPoisson(lambda: number, j: number): number {
  return j === 0 ? -lambda : -lambda + j * Math.log(lambda) - gammaln(j + 1);
}

/**
 * P(largest symbol count > x) in n draws from `groups` (each group: `count` symbols of
 * probability `p`), exact up to rounding.
 */
export function maxCountTail(groups: Array<{ p: number; count: number }>, x: number, n = N): number {
  if (x >= n) return 0;
  let acc: Float64Array = Float64Array.of(1);
  for (const g of groups) {
    const lambda = n * g.p;
    const f = new Float64Array(Math.min(x, n) + 1);
    for (let j = 0; j < f.length; j++) f[j] = Math.exp(logPoisson(lambda, j));
    acc = mul(acc, pow(f, g.count, n), n);
  }
  const within = (acc[n] ?? 0) / Math.exp(logPoisson(n, n));
  return Math.max(0, 1 - within);
}

/** Maxima ea_restart simulates (SIMULATION_ROUNDS in restart_main.cpp). */
export const REFERENCE_SIMULATION_ROUNDS = 5_000_000;
/**
 * How many simulated maxima may lie above ea_restart's cutoff: it returns the sorted maxima's
 * element ⌊(1 − α)·rounds⌋ − 1 (0-based), so U ≤ x exactly when at most this many exceed x (26).
 */
export const REFERENCE_ALLOWED_ABOVE =
  REFERENCE_SIMULATION_ROUNDS - Math.floor((1 - REFERENCE_RESTART_ALPHA) * REFERENCE_SIMULATION_ROUNDS);

/** P(Binomial(trials, q) ≤ m), summed from the pmf (m is small here). */
function binomialCdf(m: number, trials: number, q: number): number {
  if (q <= 0) return 1;
  const lnT = gammaln(trials + 1);
  let s = 0;
  for (let j = 0; j <= m; j++) {
    s += Math.exp(lnT - gammaln(j + 1) - gammaln(trials - j + 1) + j * Math.log(q) + (trials - j) * Math.log1p(-q));
  }
  return Math.min(1, s);
}

/**
 * Probability that ea_restart's simulated cutoff comes out ≤ x, given the exact tail
 * P(max > x): at most REFERENCE_ALLOWED_ABOVE of its 5·10^6 simulated maxima exceed x.
 */
export function referenceCutoffAtMost(tailAboveX: number): number {
  return binomialCdf(REFERENCE_ALLOWED_ABOVE, REFERENCE_SIMULATION_ROUNDS, tailAboveX);
}

/**
 * ea_restart's X_cutoff without its simulation noise: the median of the value it returns,
 * i.e. the smallest x for which at least half of its runs give U ≤ x. Computed from the exact
 * distribution of the largest count under the worst case for a claim of hI bits per sample
 * over k distinct symbols; its 1 − α quantile (P(max > x) ≤ α) is the same number except
 * where the tail at x lies between α and ~1.06·α.
 */
export function restartCutoff(hI: number, k: number, n = N): number {
  const groups = worstCaseProbabilities(hI, k);
  const symbols = groups.reduce((s, g) => s + g.count, 0);
  const accept = (x: number): boolean => referenceCutoffAtMost(maxCountTail(groups, x, n)) >= 0.5;
  // The max is at least any one count and (union bound) exceeds x with probability at most
  // `symbols` × one count's tail, so the answer lies between two binomial quantiles: one
  // whose single tail is above 1e-5 (≈ 50 simulated exceedances: never accepted) and one
  // whose union bound is below 2e-6 (≈ 10: always accepted).
  const logP = -hI * Math.LN2;
  const log1mP = Math.log(-Math.expm1(logP));
  let lo = critBinomUpper(n, logP, log1mP, Math.log(1e-5)) - 1;
  let hi = critBinomUpper(n, logP, log1mP, Math.log(2e-6 / symbols));
  while (hi - lo > 1) {
    const mid = (lo + hi) >> 1;
    if (accept(mid)) hi = mid;
    else lo = mid;
  }
  return hi;
}
