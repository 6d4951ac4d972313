/**
 * Second-level analysis of one SP 800-22 test over many streams
 * (SP 800-22 Rev 1a §4.2, what sts-2.1.2 prints in finalAnalysisReport.txt), by one of two
 * rules.
 *
 * For each P-value index of the test (each template of §2.7, each state of
 * §2.14/§2.15, both Serial P-values, …), over K streams:
 * - Proportion of passing sequences (§4.2.1): a stream passes when P ≥ α.
 * - Uniformity of the P-values (§4.2.2): a histogram over 10 equal bins
 *   [0, 0.1), …, [0.9, 1], χ² = Σ (F_i − E)²/E, P_T = igamc(9/2, χ²/2);
 *   uniform when P_T ≥ 0.0001.
 * We also give the exact binomial tail P(F ≥ f) of the observed number of
 * failures f under Binomial(K, α), which the battery verdict uses.
 *
 * Rule 'sts-2.1.2' (what the CLI shows by default) reproduces assess.c's computeMetrics and
 * postProcessResults of NIST sts-2.1.2 row by row:
 * - each P-value is the 6-decimal text the test wrote ("%f"), read back into a C float;
 *   bins are ⌊float·10⌋ (so "0.700000" — float 0.69999999 — lands in C7, not C8) and a
 *   stream fails when float < α ("0.010000" fails);
 * - Random Excursions (Variant): only values whose float is > 0 count, i.e. the streams with
 *   J ≥ 500 cycles (the others wrote 0) less any whose P-value printed as 0.000000; K is that
 *   count (56 of 100 on the second-level fixture);
 * - every other test counts every stream, a not-applicable one as P = 0 (the reference writes
 *   0.0 for Runs after a failed frequency pre-test, and counts it as a failure);
 * - E = ⌊K/10⌋ (an integer; P_T is not computed when it is 0), no 55-stream minimum and no
 *   discreteness check;
 * - the proportion is flagged when the pass count is outside
 *   [⌊(p̂ − 3√(p̂α/K))·K⌋, ⌊(p̂ + 3√(p̂α/K))·K⌋], p̂ = 1 − α: the minimum pass rate the reference
 *   prints (96 for K = 100, 53 for K = 56), so 96/100 is not flagged.
 *
 * Rule 'sp800-22' (the library default, and what the battery verdict uses) follows the text
 * of §4.2: the doubles themselves, not-applicable streams excluded (never P = 0), expected
 * count K/10 exactly, uniformity only from 55 streams on, and the proportion compared
 * unrounded with (1−α) ± 3·√(α(1−α)/K) (so 96/100 < 0.96015 is flagged). When the test's
 * P-values are too discrete at this n for K streams (./uniformity-validity.ts) the
 * uniformity check is reported as not applicable, with the reason, rather than computed:
 * it would reject perfect data.
 */
import gammaln from '@stdlib/math-base-special-gammaln';
import { InputError } from '../errors.ts';
import { igamc } from '../special/igamc.ts';
import { uniformityValidity } from './uniformity-validity.ts';
import type { StsTestName, TestResult } from './types.ts';

/** Which second-level computation: NIST sts-2.1.2's finalAnalysisReport or §4.2's text. */
export type SecondLevelRule = 'sts-2.1.2' | 'sp800-22';
export const SECOND_LEVEL_RULES: readonly SecondLevelRule[] = ['sts-2.1.2', 'sp800-22'];

export interface SecondLevelOptions {
  /** Significance level of each test (default 0.01). */
  alpha?: number;
  /** Default 'sp800-22'; the CLI defaults to 'sts-2.1.2'. */
  rule?: SecondLevelRule;
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
  /** Rule the entry was computed by. */
  rule: SecondLevelRule;
  /** Streams counted at this index (K). */
  sampleSize: number;
  /**
   * Streams where the test was not applicable. Excluded from K, except by rule 'sts-2.1.2'
   * for tests other than the excursion tests, which count them as P = 0.
   */
  notApplicable: number;
  /** Streams with P ≥ α. */
  passed: number;
  /** passed / sampleSize (0 when sampleSize is 0). */
  proportion: number;
  /** (1−α) ± 3·√(α(1−α)/K), clipped to [0, 1] (rule 'sts-2.1.2': the count bounds / K). */
  proportionInterval: [number, number];
  /** Rule 'sts-2.1.2': the pass-count bounds ⌊(p̂ ∓ 3√(p̂α/K))·K⌋ the reference compares with. */
  passCountBounds?: [number, number];
  /** Whether the proportion lies in the interval. */
  proportionPass: boolean;
  /** P(F ≥ observed failures) for F ~ Binomial(K, α). */
  failureTailP: number;
  /** Counts per P-value decile (C1..C10). */
  histogram: number[];
  /**
   * 'ok' when computed; 'insufficient-data' when K < minUniformitySamples (rule 'sts-2.1.2':
   * when ⌊K/10⌋ = 0);
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
 * A P-value as sts-2.1.2's final report sees it: printed with C's "%f" (6 decimals, exact
 * ties to even, as glibc rounds the binary value) and read back with fscanf("%f") into a float.
 */
export function stsReportValue(p: number): number {
  let text = p.toFixed(6);
  // toFixed rounds exact ties up; glibc rounds them to even. Only dyadic values with 7
  // decimals (multiples of 2^-7 such as 0.0078125) are exact ties.
  const exact = p.toFixed(30);
  if (/^-?\d+\.\d{6}50*$/.test(exact)) {
    const lastDigit = Number(exact[exact.indexOf('.') + 6]);
    if (lastDigit % 2 === 0) text = exact.slice(0, exact.indexOf('.') + 7);
  }
  return Math.fround(Number(text));
}

/** Tests whose final-report rows count only positive P-values (assess.c's special case). */
const EXCURSION_TESTS: readonly StsTestName[] = ['RandomExcursions', 'RandomExcursionsVariant'];

/** One row as sts-2.1.2's computeMetrics computes it, from the P-values it would read. */
function stsEntry(
  test: StsTestName,
  index: number,
  label: string | undefined,
  values: number[],
  notApplicable: number,
  alpha: number,
): SecondLevelEntry {
  const K = values.length;
  let failed = 0;
  const histogram = new Array<number>(10).fill(0);
  for (const c of values) {
    if (c < alpha) failed++;
    histogram[Math.min(9, Math.floor(c * 10))]!++;
  }
  const passed = K - failed;
  const pHat = 1 - alpha;
  // C: int = double, truncation toward zero.
  const half = K > 0 ? 3 * Math.sqrt((pHat * alpha) / K) : 0;
  const minPass = Math.trunc((pHat - half) * K);
  const maxPass = Math.trunc((pHat + half) * K);
  const e = Math.floor(K / 10);
  const entry: SecondLevelEntry = {
    test,
    index,
    ...(label !== undefined ? { label } : {}),
    rule: 'sts-2.1.2',
    sampleSize: K,
    notApplicable,
    passed,
    proportion: K > 0 ? passed / K : 0,
    proportionInterval: K > 0 ? [minPass / K, maxPass / K] : [0, 1],
    passCountBounds: [minPass, maxPass],
    proportionPass: K > 0 && passed >= minPass && passed <= maxPass,
    failureTailP: binomialUpperTail(K, alpha, failed),
    histogram,
    uniformityStatus: e > 0 ? 'ok' : 'insufficient-data',
  };
  if (e > 0) {
    let chi2 = 0;
    for (const f of histogram) chi2 += ((f - e) * (f - e)) / e;
    entry.uniformityP = igamc(9 / 2, chi2 / 2);
    entry.uniformityPass = entry.uniformityP >= 0.0001;
  }
  return entry;
}

/**
 * sts-2.1.2's minimum pass count for K sequences, as its report footer prints it
 * ("approximately = 96 for a sample size = 100"): ⌊(p̂ − 3√(p̂α/K))·K⌋.
 */
export function stsMinimumPassCount(K: number, alpha = 0.01): number {
  const pHat = 1 - alpha;
  return Math.trunc((pHat - 3 * Math.sqrt((pHat * alpha) / K)) * K);
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
  if ((opts.rule ?? 'sp800-22') === 'sts-2.1.2') {
    const excursion = EXCURSION_TESTS.includes(test);
    const rows: SecondLevelEntry[] = [];
    for (let index = 0; index < width; index++) {
      let values = ok.map((r) => stsReportValue(r.pValues[index]!));
      if (excursion) values = values.filter((c) => c > 0);
      else for (let i = 0; i < notApplicable; i++) values.push(0);
      rows.push(stsEntry(test, index, labels?.[index], values, notApplicable, alpha));
    }
    return rows;
  }
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
      rule: 'sp800-22',
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
