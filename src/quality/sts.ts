/**
 * SP 800-22 side of a conditioned tap: the battery's tests (SP 800-22 Rev 1a
 * §2) on one sequence made of the tap's first `maxBits` bits, and a verdict for
 * the tap as a whole.
 *
 * One sequence is judged like this (our rule, stated so it can be checked):
 * - a single-P-value test passes when P ≥ α (α = 0.01, §4.2);
 * - a multi-P-value test (template, excursions, serial, cusum) passes when the
 *   count of its P-values ≥ α is inside the §4.2.1 proportion band for m values:
 *   ≥ m(1−α) − 3√(mα(1−α));
 * - the tap fails when a test has a P-value below 10^−6 (overwhelming evidence),
 *   or when more tests fail than an ideal source would fail with probability
 *   ≥ 10^−4: for T applicable tests that is the smallest k with P(Binomial(T, α) > k) < 10^−4
 *   (k = 2 for T = 10…14). A seeded ideal source thus fails a tap about once in 10^4.
 */
import { BitSequence } from '../bits/bit-sequence.ts';
import type { TestResult } from '../sts/types.ts';
import { frequency } from '../sts/frequency.ts';
import { blockFrequency } from '../sts/block-frequency.ts';
import { cumulativeSums } from '../sts/cumulative-sums.ts';
import { runs } from '../sts/runs.ts';
import { longestRun } from '../sts/longest-run.ts';
import { rank } from '../sts/rank.ts';
import { dft } from '../sts/dft.ts';
import { nonOverlappingTemplate } from '../sts/non-overlapping-template.ts';
import { overlappingTemplate } from '../sts/overlapping-template.ts';
import { universal } from '../sts/universal.ts';
import { approximateEntropy } from '../sts/approximate-entropy.ts';
import { randomExcursions } from '../sts/random-excursions.ts';
import { randomExcursionsVariant } from '../sts/random-excursions-variant.ts';
import { serial } from '../sts/serial.ts';
import { linearComplexity } from '../sts/linear-complexity.ts';
import type { StsSummary } from '../scenario/result.ts';

export const ALPHA = 0.01;
export const DEFAULT_MAX_BITS = 200_000;
/**
 * Fewer bits give no SP 800-22 verdict. Single tests start at n = 100 (§2.1.7), but the
 * template tests' χ² approximation needs their 8 blocks to expect several hits per
 * template: M = n/8 = 2500 bits gives μ = (M − 9 + 1)/2^9 ≈ 4.9 (§2.7.4). Below that a
 * 1664-bit RDRAND stream "failed" with P = 7·10^−8.
 */
export const MIN_STS_BITS = 20_000;
const OVERWHELMING_P = 1e-6;
const FAMILY_ALPHA = 1e-4;

const TESTS: Array<(b: BitSequence) => TestResult> = [
  (b) => frequency(b),
  (b) => blockFrequency(b),
  (b) => cumulativeSums(b),
  (b) => runs(b),
  (b) => longestRun(b),
  (b) => rank(b),
  (b) => dft(b),
  (b) => nonOverlappingTemplate(b),
  (b) => overlappingTemplate(b),
  (b) => universal(b),
  (b) => approximateEntropy(b),
  (b) => randomExcursions(b),
  (b) => randomExcursionsVariant(b),
  (b) => serial(b),
  (b) => linearComplexity(b),
];

/** Smallest k with P(Binomial(t, alpha) > k) < familyAlpha. */
export function allowedFailures(t: number, alpha = ALPHA, familyAlpha = FAMILY_ALPHA): number {
  let cdf = 0;
  let pk = Math.pow(1 - alpha, t);
  for (let k = 0; k <= t; k++) {
    cdf += pk;
    if (1 - cdf < familyAlpha) return k;
    pk = (pk * (t - k) * alpha) / ((k + 1) * (1 - alpha));
  }
  return t;
}

/** Passing P-values a test with m values needs (SP 800-22 §4.2.1 proportion band, lower edge). */
export function minimumPassing(m: number, alpha = ALPHA): number {
  if (m === 1) return 1;
  return Math.ceil(m * (1 - alpha) - 3 * Math.sqrt(m * alpha * (1 - alpha)));
}

export function tapSts(bytes: Uint8Array, maxBits = DEFAULT_MAX_BITS): StsSummary {
  const n = Math.min(bytes.length * 8, maxBits);
  const bits = BitSequence.fromBytes(bytes, n);
  const tests: StsSummary['tests'] = [];
  let applicable = 0;
  let passed = 0;
  let overwhelming = false;
  for (const run of TESTS) {
    const r = run(bits);
    if (r.status !== 'ok' || r.pValues.length === 0) {
      tests.push({ test: r.test, status: 'not-applicable', pValues: 0, passed: 0, ...(r.reason ? { reason: r.reason } : {}) });
      continue;
    }
    applicable++;
    const ok = r.pValues.filter((p) => p >= ALPHA).length;
    const minP = Math.min(...r.pValues);
    if (minP < OVERWHELMING_P) overwhelming = true;
    const testPassed = ok >= minimumPassing(r.pValues.length);
    if (testPassed) passed++;
    tests.push({ test: r.test, status: 'ok', minPValue: minP, pValues: r.pValues.length, passed: ok });
  }
  const verdict = applicable === 0 ? 'insufficient-data' : overwhelming || applicable - passed > allowedFailures(applicable) ? 'fail' : 'pass';
  return { n, alpha: ALPHA, tests, applicable, passed, verdict };
}
