/**
 * SP 800-22 side of a conditioned tap: the whole battery (SP 800-22 Rev 1a §2,
 * src/sts/battery.ts `runTests`) on one sequence made of the tap's first
 * `maxBits` bits, judged by the battery verdict that accounts for multiple
 * testing (src/sts/verdict.ts `streamVerdict`, method 'single-stream-binomial':
 * fail when the count of P-values below α is improbable for an ideal source at
 * family level 0.001, or one P-value is below the Bonferroni bar).
 */
import { BitSequence } from '../bits/bit-sequence.ts';
import { runTests } from '../sts/battery.ts';
import { STS_TEST_NAMES } from '../sts/types.ts';
import { streamVerdict } from '../sts/verdict.ts';
import { decileHistogram } from '../sts/second-level.ts';
import type { StsSummary } from './result.ts';

export const ALPHA = 0.01;
export const DEFAULT_MAX_BITS = 200_000;
/**
 * Fewer bits give no SP 800-22 verdict. Single tests start at n = 100 (§2.1.7), but the
 * template tests' χ² approximation needs their 8 blocks to expect several hits per
 * template: M = n/8 = 2500 bits gives μ = (M − 9 + 1)/2^9 ≈ 4.9 (§2.7.4). Below that a
 * 1664-bit RDRAND stream "failed" with P = 7·10^−8.
 */
export const MIN_STS_BITS = 20_000;

export function tapSts(bytes: Uint8Array, maxBits = DEFAULT_MAX_BITS): StsSummary {
  const n = Math.min(bytes.length * 8, maxBits);
  const bits = BitSequence.fromBytes(bytes, n);
  const results = runTests(bits, STS_TEST_NAMES);
  const v = streamVerdict(results, { alpha: ALPHA, minBits: MIN_STS_BITS });
  const tests: StsSummary['tests'] = [];
  let applicable = 0;
  let passed = 0;
  for (const r of results) {
    if (r.status !== 'ok' || r.pValues.length === 0) {
      tests.push({ test: r.test, status: 'not-applicable', pValues: 0, passed: 0, ...(r.reason ? { reason: r.reason } : {}) });
      continue;
    }
    applicable++;
    const ok = r.pValues.filter((p) => p >= ALPHA).length;
    if (ok === r.pValues.length) passed++;
    tests.push({ test: r.test, status: 'ok', minPValue: Math.min(...r.pValues), pValues: r.pValues.length, passed: ok, histogram: decileHistogram(r.pValues) });
  }
  return { n, alpha: ALPHA, tests, applicable, passed, verdict: v.verdict };
}
