/**
 * What the quality layer concludes about one tapped stream: SP 800-22 on a conditioned tap,
 * SP 800-90B estimates and §4.4 health tests on a raw tap, and the verdict with its reasons.
 * The scenario result (src/scenario/result.ts) embeds one per tap.
 */

/** SP 800-22 side of a conditioned tap. */
export interface StsSummary {
  /** Bits tested. */
  n: number;
  alpha: number;
  /** One row per test that ran (multi-P-value tests report their smallest P-value, counts and the P-value histogram). */
  tests: Array<{
    test: string;
    status: 'ok' | 'not-applicable';
    /** Smallest P-value of the test (0 ≤ p ≤ 1); absent when not applicable. */
    minPValue?: number;
    pValues: number;
    passed: number;
    /**
     * Every P-value of the test counted in the ten §4.2.2 bins [0, 0.1), …, [0.9, 1]
     * (P = 1 in the last): the uniformity histogram, summable over taps. Absent when
     * not applicable (and in reports written before schema 1.1).
     */
    histogram?: number[];
    reason?: string;
  }>;
  /** Tests applicable / tests that passed every P-value at alpha. */
  applicable: number;
  passed: number;
  verdict: 'pass' | 'fail' | 'insufficient-data';
}

/** SP 800-90B side of a raw tap. */
export interface EntropySummary {
  /** Samples assessed (a bounded prefix of the tap). */
  samples: number;
  bitsPerSample: number;
  /** Final min-entropy estimate per sample (minimum over estimators), bits. */
  minEntropyPerSample: number;
  /** Each estimator's min-entropy per sample. */
  estimators: Array<{ name: string; minEntropyPerSample: number }>;
  /** Assessed as a conditioned sequential dataset (SP 800-90B §3.1.5.2: bitstring track only). */
  conditioned?: boolean;
}

/** SP 800-90B §4.4 continuous health tests run over a raw tap at the claimed entropy. */
export interface HealthSummary {
  /** Entropy per sample the cutoffs assume (the claim, else the estimate, else bitsPerSample). */
  entropyPerSample: number;
  rct: { cutoff: number; alarms: number; firstAlarmAtSample?: number };
  apt: { window: number; cutoff: number; alarms: number; firstAlarmAtSample?: number };
}

export interface QualityResult {
  tap: string;
  kind: 'raw' | 'conditioned';
  consumer?: string;
  source?: string;
  /** Bytes the tap recorded (may be capped) and bytes that flowed in total. */
  bytes: number;
  totalBytes?: number;
  sts?: StsSummary;
  entropy?: EntropySummary;
  health?: HealthSummary;
  claimedEntropyPerSample?: number;
  verdict: 'pass' | 'fail' | 'insufficient-data';
  reasons: string[];
  /**
   * Present on the quality tap of a stream SMM consumed (docs/model.md §7.5): the source's
   * output bytes 0 … bytes − 1, of which `producedInRun` were produced during the run (SMM
   * obtained `consumedInRun` of them) and `drawnAfterRun` drawn from the same source after it.
   */
  stream?: ConsumedStreamInfo;
}

export interface ConsumedStreamInfo {
  /** SHA-256 of the assessed bytes (cells with the same value shared one assessment). */
  sha256: string;
  producedInRun: number;
  consumedInRun: number;
  drawnAfterRun: number;
  /** SMM writes keyed from epochs this source seeded. */
  keyedWrites: number;
}
