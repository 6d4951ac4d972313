/**
 * Battery-level verdict for SP 800-22 results, with the multiple testing
 * accounted for.
 *
 * Why: one run of the battery yields 188 P-values (148 of them templates). At
 * α = 0.01 a perfect generator fails about 1.9 of them per stream, so "any
 * P < α ⇒ fail" rejects most good generators, and SP 800-22 §4 leaves the
 * interpretation to the user. We make the rule explicit and report which one
 * was used:
 *
 * 1. 'single-stream-binomial' (one stream). F = number of P-values below α
 *    among the C applicable ones. Under the null hypothesis F is roughly
 *    Binomial(C, α) (only roughly: P-values of one test, e.g. the 148
 *    templates or the excursion states, are correlated; the rule is a screen,
 *    not an exact test). Fail when P(X ≥ F) < familyAlpha (default 0.001), or
 *    when the smallest P-value is below familyAlpha / C (Bonferroni: one
 *    catastrophic test, e.g. Frequency P = 1e-96, fails the stream even if it
 *    is the only failure).
 * 2. 'pooled-binomial' (2 ≤ streams < ⌈1/α⌉, too few for §4.2's proportion
 *    check at its resolution): the same rule over the P-values of all streams
 *    together (streams are independent).
 * 3. 'second-level' (streams ≥ ⌈1/α⌉, §4.2 and its "m ≥ 1/α" sample size):
 *    for each test and P-value index, the proportion of passing streams and
 *    the uniformity P_T (see second-level.ts). With E such entries, fail when
 *    the smallest binomial tail P(failures ≥ observed) is below
 *    familyAlpha / E (Bonferroni over the entries), or the smallest P_T is
 *    below familyAlpha / E' (E' entries with ≥ 55 values). The §4.2 3-sigma
 *    proportion interval and P_T ≥ 0.0001 are reported per entry as well, but
 *    with 188 entries some are expected outside them by chance, so they do
 *    not decide alone.
 *
 * 'insufficient-data': a stream shorter than `minBits` (default 10^6, the n
 * that §2.8, §2.10, §2.14 and §2.15 recommend), or no applicable P-value.
 * Not-applicable results never count as P = 0; they are listed.
 */
import { InputError } from '../errors.ts';
import { binomialUpperTail, secondLevel, type SecondLevelEntry } from './second-level.ts';
import type { TestResult } from './types.ts';

export type VerdictMethod = 'single-stream-binomial' | 'pooled-binomial' | 'second-level';

export interface VerdictOptions {
  /** Per-test significance level (default 0.01). */
  alpha?: number;
  /** Family-wise level of the verdict (default 0.001). */
  familyAlpha?: number;
  /** Shortest stream the verdict accepts (default 1,000,000 bits). */
  minBits?: number;
  /** Streams needed for the second-level method (default ⌈1/α⌉). */
  minStreamsSecondLevel?: number;
}

export interface BatteryVerdict {
  verdict: 'pass' | 'fail' | 'insufficient-data';
  method: VerdictMethod;
  /** One sentence that says why. */
  reason: string;
  alpha: number;
  familyAlpha: number;
  streams: number;
  /** Applicable P-values considered (binomial methods) or second-level entries. */
  count: number;
  /** P-values below α (binomial methods) or entries failing the rule's thresholds. */
  failures: number;
  /** count · α for the binomial methods. */
  expectedFailures?: number;
  /** P(X ≥ failures) under Binomial(count, α) (binomial methods). */
  binomialTailP?: number;
  /** Smallest P-value (binomial methods) or smallest failure tail (second level). */
  minP?: number;
  /** familyAlpha / count: the Bonferroni bar for minP. */
  bonferroniThreshold?: number;
  /** Smallest uniformity P_T and its bar (second level, when computed). */
  minUniformityP?: number;
  uniformityThreshold?: number;
  /** Failing P-values or entries, e.g. 'Frequency', 'NonOverlappingTemplate[000000001]'. */
  failed: string[];
  /** Tests that were not applicable, with the reason ('test: reason'), first stream that had it. */
  notApplicable: string[];
  /** Second-level entries outside the §4.2 proportion interval or with P_T < 0.0001 (informational). */
  outsideSection42?: string[];
  /**
   * Warnings: tests whose §4.2.2 uniformity check was not applicable at this
   * size ('test: uniformity check not applicable: reason'), once per test.
   */
  warnings?: string[];
  /** The second-level entries (second-level method only). */
  entries?: SecondLevelEntry[];
}

function name(r: TestResult, i: number): string {
  return r.pValues.length > 1 ? `${r.test}[${r.labels?.[i] ?? i}]` : r.test;
}

function binomialVerdict(
  streams: readonly (readonly TestResult[])[],
  method: VerdictMethod,
  alpha: number,
  familyAlpha: number,
  notApplicable: string[],
): BatteryVerdict {
  let count = 0;
  let failures = 0;
  let minP = Infinity;
  const failed: string[] = [];
  for (const [s, results] of streams.entries()) {
    for (const r of results) {
      if (r.status !== 'ok') continue;
      r.pValues.forEach((p, i) => {
        count++;
        if (p < minP) minP = p;
        if (p < alpha) {
          failures++;
          failed.push(streams.length > 1 ? `stream ${s}: ${name(r, i)}` : name(r, i));
        }
      });
    }
  }
  const base = { method, alpha, familyAlpha, streams: streams.length, notApplicable, failed };
  if (count === 0) {
    return { ...base, verdict: 'insufficient-data', reason: 'no test produced a P-value', count, failures };
  }
  const tail = binomialUpperTail(count, alpha, failures);
  const bonferroni = familyAlpha / count;
  const common = { ...base, count, failures, expectedFailures: count * alpha, binomialTailP: tail, minP, bonferroniThreshold: bonferroni };
  if (tail < familyAlpha) {
    return {
      ...common,
      verdict: 'fail',
      reason: `${failures} of ${count} P-values below α = ${alpha} (expected ${(count * alpha).toFixed(2)}); P(X ≥ ${failures}) = ${tail.toExponential(3)} < ${familyAlpha} under Binomial(${count}, ${alpha})`,
    };
  }
  if (minP < bonferroni) {
    return {
      ...common,
      verdict: 'fail',
      reason: `smallest P-value ${minP.toExponential(3)} is below the Bonferroni bar ${familyAlpha}/${count} = ${bonferroni.toExponential(3)}`,
    };
  }
  return {
    ...common,
    verdict: 'pass',
    reason: `${failures} of ${count} P-values below α = ${alpha} (expected ${(count * alpha).toFixed(2)}, P(X ≥ ${failures}) = ${tail.toPrecision(3)} ≥ ${familyAlpha}); smallest P-value ${minP.toPrecision(3)} ≥ ${bonferroni.toExponential(3)}`,
  };
}

/**
 * Verdict over the battery results of one or more streams: `streams[s]` holds
 * the results of every test run on stream s (same tests, same order).
 */
export function batteryVerdict(streams: readonly (readonly TestResult[])[], opts: VerdictOptions = {}): BatteryVerdict {
  const alpha = opts.alpha ?? 0.01;
  const familyAlpha = opts.familyAlpha ?? 0.001;
  const minBits = opts.minBits ?? 1_000_000;
  const minStreams = opts.minStreamsSecondLevel ?? Math.ceil(1 / alpha);
  if (!(alpha > 0 && alpha < 1)) throw new InputError(`alpha = ${alpha}: expected a number in (0, 1)`);
  if (!(familyAlpha > 0 && familyAlpha < 1)) throw new InputError(`familyAlpha = ${familyAlpha}: expected a number in (0, 1)`);
  const method: VerdictMethod = streams.length <= 1 ? 'single-stream-binomial' : streams.length < minStreams ? 'pooled-binomial' : 'second-level';

  const notApplicable: string[] = [];
  const seen = new Set<string>();
  for (const results of streams) {
    for (const r of results) {
      if (r.status !== 'ok' && !seen.has(r.test)) {
        seen.add(r.test);
        notApplicable.push(`${r.test}: ${r.reason ?? 'not applicable'}`);
      }
    }
  }
  const base = { method, alpha, familyAlpha, streams: streams.length, count: 0, failures: 0, failed: [], notApplicable };
  if (streams.length === 0) return { ...base, verdict: 'insufficient-data', reason: 'no streams' };
  let shortest = Infinity;
  for (const rs of streams) shortest = Math.min(shortest, rs.reduce((a, r) => Math.max(a, r.n), 0));
  if (shortest < minBits) {
    return {
      ...base,
      verdict: 'insufficient-data',
      reason: `a stream has ${shortest} bits; the battery's verdict needs at least ${minBits} bits per stream (SP 800-22 §2.8.7, §2.10.7, §2.14.7 recommend n ≥ 10^6)`,
    };
  }
  if (method !== 'second-level') return binomialVerdict(streams, method, alpha, familyAlpha, notApplicable);

  // Second level: regroup by test (position in the stream's result list).
  const width = streams[0]!.length;
  const entries: SecondLevelEntry[] = [];
  for (let t = 0; t < width; t++) {
    const perTest = streams.map((rs, s) => {
      const r = rs[t];
      if (!r || r.test !== streams[0]![t]!.test) throw new InputError(`stream ${s}: result ${t} is ${r?.test ?? 'missing'}, expected ${streams[0]![t]!.test}`);
      return r;
    });
    entries.push(...secondLevel(perTest, { alpha, rule: 'sp800-22' }));
  }
  const usable = entries.filter((e) => e.sampleSize > 0);
  if (usable.length === 0) return { ...base, verdict: 'insufficient-data', reason: 'no test produced a P-value', entries };
  const bar = familyAlpha / usable.length;
  const withU = usable.filter((e) => e.uniformityP !== undefined);
  const uBar = withU.length > 0 ? familyAlpha / withU.length : 0;
  const entryName = (e: SecondLevelEntry) => (e.label !== undefined ? `${e.test}[${e.label}]` : e.test);
  const failed: string[] = [];
  for (const e of usable) {
    if (e.failureTailP < bar) failed.push(`${entryName(e)}: proportion ${e.passed}/${e.sampleSize}, P(failures ≥ ${e.sampleSize - e.passed}) = ${e.failureTailP.toExponential(3)}`);
    if (e.uniformityP !== undefined && e.uniformityP < uBar) failed.push(`${entryName(e)}: uniformity P_T = ${e.uniformityP.toExponential(3)}`);
  }
  const outside = usable
    .filter((e) => !e.proportionPass || e.uniformityPass === false)
    .map((e) => `${entryName(e)}: ${e.passed}/${e.sampleSize}${e.uniformityP !== undefined ? `, P_T = ${e.uniformityP.toPrecision(3)}` : ''}`);
  const minTail = usable.reduce((a, e) => Math.min(a, e.failureTailP), 1);
  const warnings = [...new Map(usable.filter((e) => e.uniformityStatus === 'not-applicable').map((e) => [e.test, `${e.test}: uniformity check not applicable: ${e.uniformityReason}`])).values()];
  const minU = withU.length > 0 ? withU.reduce((a, e) => Math.min(a, e.uniformityP!), 1) : undefined;
  const common = {
    ...base,
    count: usable.length,
    failures: failed.length,
    minP: minTail,
    bonferroniThreshold: bar,
    ...(minU !== undefined ? { minUniformityP: minU, uniformityThreshold: uBar } : {}),
    failed,
    outsideSection42: outside,
    ...(warnings.length > 0 ? { warnings } : {}),
    entries,
  };
  if (failed.length > 0) {
    return { ...common, verdict: 'fail', reason: `${failed.length} second-level check(s) below the Bonferroni bar over ${usable.length} entries: ${failed[0]}` };
  }
  return {
    ...common,
    verdict: 'pass',
    reason: `all ${usable.length} entries above the Bonferroni bars (smallest failure tail ${minTail.toPrecision(3)}${minU !== undefined ? `, smallest P_T ${minU.toPrecision(3)}` : ''}); ${outside.length} outside the §4.2 interval/threshold (informational)`,
  };
}

/** Verdict for the results of one stream (see `batteryVerdict`). */
export function streamVerdict(results: readonly TestResult[], opts: VerdictOptions = {}): BatteryVerdict {
  return batteryVerdict([results], opts);
}
