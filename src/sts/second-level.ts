/**
 * Second-level analysis of one SP 800-22 test over many streams
 * (SP 800-22 Rev 1a §4.2, what sts-2.1.2 prints in finalAnalysisReport.txt).
 *
 * For each P-value index of the test (each template of §2.7, each state of
 * §2.14/§2.15, both Serial P-values, …), over the K streams where the test
 * was applicable:
 * - Proportion of passing sequences (§4.2.1): a stream passes when P ≥ α.
 *   The proportion should lie in (1−α) ± 3·√(α(1−α)/K).
 *   We also give the exact binomial tail P(F ≥ f) of the observed number of
 *   failures f under Binomial(K, α), which the battery verdict uses.
 * - Uniformity of the P-values (§4.2.2): a histogram over 10 equal bins
 *   [0, 0.1), …, [0.9, 1], χ² = Σ (F_i − K/10)²/(K/10),
 *   P_T = igamc(9/2, χ²/2); uniform when P_T ≥ 0.0001. §4.2.2 asks for at
 *   least 55 sequences; with fewer the uniformity check is reported as
 *   insufficient rather than computed. When the test's P-values are too
 *   discrete at this n for K streams (./uniformity-validity.ts) the check is
 *   reported as not applicable, with the reason, rather than computed: it
 *   would reject perfect data.
 *
 * Not-applicable results (e.g. Random Excursions with J < 500) are excluded
 * and counted separately, never treated as P = 0 (sts-2.1.2 counts the Runs
 * placeholder 0.0 as a failure and drops every P ≤ 0 of the excursion tests).
 * Unlike sts-2.1.2 we use the doubles (not 6-decimal text read back into a C
 * float) and the exact expected count K/10 (sts-2.1.2 uses the integer K/10),
 * so P_T can differ slightly from finalAnalysisReport.txt.
 */
import gammaln from '@stdlib/math-base-special-gammaln';
import { InputError } from '../errors.ts';
import { igamc } from '../special/igamc.ts';
import { uniformityValidity } from './uniformity-validity.ts';
import type { StsTestName, TestResult } from './types.ts';

export interface SecondLevelOptions {
  /** Significance level of each test (default 0.01). */
  alpha?: number;
  /** Fewest P-values for the uniformity χ² (default 55, §4.2.2). */
  minUniformitySamples?: number;
  /** P_T below this means non-uniform (default 0.0001, §4.2.2). */
  uniformityThreshold?: number;
}

export interface SecondLevelEntry {
  test: StsTestName;
  /** Position of the P-value within the test's result. */
  index: number;
  /** The P-value's label (template, state, 'forward', …), when the test has labels. */
  label?: string;
  /** Streams with a P-value at this index. */
  sampleSize: number;
  /** Streams where the test was not applicable (excluded). */
  notApplicable: number;
  /** Streams with P ≥ α. */
  passed: number;
  /** passed / sampleSize (0 when sampleSize is 0). */
  proportion: number;
  /** (1−α) ± 3·√(α(1−α)/K), clipped to [0, 1]. */
  proportionInterval: [number, number];
  /** Whether the proportion lies in the interval. */
  proportionPass: boolean;
  /** P(F ≥ observed failures) for F ~ Binomial(K, α). */
  failureTailP: number;
  /** Counts per P-value decile (C1..C10). */
  histogram: number[];
  /**
   * 'ok' when computed; 'insufficient-data' when K < minUniformitySamples;
   * 'not-applicable' when the P-values are too discrete for K streams of this n.
   */
  uniformityStatus: 'ok' | 'insufficient-data' | 'not-applicable';
  /** Why the uniformity check was not computed ('not-applicable' only). */
  uniformityReason?: string;
  /** P_T (only when uniformityStatus is 'ok'). */
  uniformityP?: number;
  uniformityPass?: boolean;
}

/** log C(n, k) via log-gamma. */
function logChoose(n: number, k: number): number {
  return gammaln(n + 1) - gammaln(k + 1) - gammaln(n - k + 1);
}

/**
 * P(X ≥ k) for X ~ Binomial(n, p), summed term by term in log space from k
 * upwards (the upper tail directly, never as 1 − CDF).
 */
export function binomialUpperTail(n: number, p: number, k: number): number {
  if (k <= 0) return 1;
  if (k > n) return 0;
  if (p <= 0) return 0;
  if (p >= 1) return 1;
  const lp = Math.log(p);
  const lq = Math.log1p(-p);
  let sum = 0;
  for (let j = k; j <= n; j++) {
    const term = Math.exp(logChoose(n, j) + j * lp + (n - j) * lq);
    sum += term;
    // Past the mode the terms fall geometrically; stop once they no longer matter.
    if (j > n * p && term < sum * 1e-17) break;
  }
  return Math.min(1, sum);
}

/** P-value histogram over 10 bins; P = 1 goes to the last bin. */
export function decileHistogram(pValues: readonly number[]): number[] {
  const h = new Array<number>(10).fill(0);
  for (const p of pValues) h[Math.min(9, Math.max(0, Math.floor(p * 10)))]!++;
  return h;
}

/** §4.2.2 uniformity P-value of a decile histogram with K values. */
export function uniformityPValue(histogram: readonly number[]): number {
  const K = histogram.reduce((a, b) => a + b, 0);
  const e = K / 10;
  let chi2 = 0;
  for (const f of histogram) chi2 += ((f - e) * (f - e)) / e;
  return igamc(9 / 2, chi2 / 2);
}

/**
 * Second-level results of one test over many streams, one entry per P-value
 * index. Throws InputError when the results mix tests or an applicable result
 * has a different number of P-values than the others.
 */
export function secondLevel(results: readonly TestResult[], opts: SecondLevelOptions = {}): SecondLevelEntry[] {
  const alpha = opts.alpha ?? 0.01;
  const minU = opts.minUniformitySamples ?? 55;
  const uThreshold = opts.uniformityThreshold ?? 0.0001;
  if (!(alpha > 0 && alpha < 1)) throw new InputError(`alpha = ${alpha}: expected a number in (0, 1)`);
  if (results.length === 0) return [];
  const test = results[0]!.test;
  const ok = results.filter((r) => r.status === 'ok');
  for (const [i, r] of results.entries()) {
    if (r.test !== test) throw new InputError(`results[${i}] is ${r.test}, expected every result to be ${test}`);
  }
  const notApplicable = results.length - ok.length;
  const width = ok.length > 0 ? ok[0]!.pValues.length : 1;
  for (const [i, r] of ok.entries()) {
    if (r.pValues.length !== width) {
      throw new InputError(`${test}: an applicable result has ${r.pValues.length} P-values, expected ${width} like the first (result ${i})`);
    }
  }
  const labels = ok.find((r) => r.labels !== undefined)?.labels;
  // Streams of one run share n and the parameters; the validity depends on them and on K.
  const validity = ok.length >= minU ? uniformityValidity(test, ok[0]!.n, ok.length, ok[0]!.params) : undefined;
  const entries: SecondLevelEntry[] = [];
  for (let index = 0; index < width; index++) {
    const ps = ok.map((r) => r.pValues[index]!);
    const K = ps.length;
    const passed = ps.filter((p) => p >= alpha).length;
    const proportion = K > 0 ? passed / K : 0;
    const half = K > 0 ? 3 * Math.sqrt((alpha * (1 - alpha)) / K) : 1;
    const lo = Math.max(0, 1 - alpha - half);
    const hi = Math.min(1, 1 - alpha + half);
    const histogram = decileHistogram(ps);
    const entry: SecondLevelEntry = {
      test,
      index,
      ...(labels?.[index] !== undefined ? { label: labels[index] } : {}),
      sampleSize: K,
      notApplicable,
      passed,
      proportion,
      proportionInterval: [lo, hi],
      proportionPass: K > 0 && proportion >= lo && proportion <= hi,
      failureTailP: binomialUpperTail(K, alpha, K - passed),
      histogram,
      uniformityStatus: K < minU ? 'insufficient-data' : validity?.applicable === false ? 'not-applicable' : 'ok',
      ...(K >= minU && validity?.applicable === false ? { uniformityReason: validity.reason! } : {}),
    };
    if (entry.uniformityStatus === 'ok') {
      entry.uniformityP = uniformityPValue(histogram);
      entry.uniformityPass = entry.uniformityP >= uThreshold;
    }
    entries.push(entry);
  }
  return entries;
}
