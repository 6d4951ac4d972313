/**
 * Result types shared by every SP 800-22 test, the battery and the second-level
 * analysis. Library functions return these as data; only src/cli and
 * src/report turn them into text.
 */

/** Names exactly as the reference (sts-2.1.2) and `expected/*.json` use them. */
export type StsTestName =
  | 'Frequency'
  | 'BlockFrequency'
  | 'CumulativeSums'
  | 'Runs'
  | 'LongestRun'
  | 'Rank'
  | 'FFT'
  | 'NonOverlappingTemplate'
  | 'OverlappingTemplate'
  | 'Universal'
  | 'ApproximateEntropy'
  | 'RandomExcursions'
  | 'RandomExcursionsVariant'
  | 'Serial'
  | 'LinearComplexity';

/** The reference's order (the order of `expected/*.json` and finalAnalysisReport). */
export const STS_TEST_NAMES: readonly StsTestName[] = [
  'Frequency',
  'BlockFrequency',
  'CumulativeSums',
  'Runs',
  'LongestRun',
  'Rank',
  'FFT',
  'NonOverlappingTemplate',
  'OverlappingTemplate',
  'Universal',
  'ApproximateEntropy',
  'RandomExcursions',
  'RandomExcursionsVariant',
  'Serial',
  'LinearComplexity',
];

export interface TestResult {
  /** Reference name of the test. */
  test: StsTestName;
  /** Where the test is defined, e.g. 'SP 800-22 Rev 1a §2.1'. */
  section: string;
  /** Number of bits the test consumed. */
  n: number;
  /** Every parameter actually used (defaults filled in). */
  params: Record<string, number | string | boolean>;
  /**
   * 'ok': P-values were computed. 'not-applicable': the test cannot be applied
   * to this input (too few bits, J < 500 cycles, frequency pre-test failed);
   * `reason` says why and `pValues` is empty: never a fake 0.
   */
  status: 'ok' | 'not-applicable';
  reason?: string;
  /** P-values in the reference's order (see `labels`). */
  pValues: number[];
  /** One label per P-value for multi-valued tests (template bits, states, 'forward'/'reverse', ...). */
  labels?: string[];
  /** The statistics behind the P-values (chi-square, counts, ...), for --json. */
  statistics: Record<string, number | number[] | string>;
}

/** Builds the not-applicable result of a test. */
export function notApplicable(
  test: StsTestName,
  section: string,
  n: number,
  params: TestResult['params'],
  reason: string,
): TestResult {
  return { test, section, n, params, status: 'not-applicable', reason, pValues: [], statistics: {} };
}
