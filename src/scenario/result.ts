/**
 * What a scenario run produces: the contract between the scenario runner
 * (src/scenario), the report (src/report, which embeds a RunResult in its
 * ReportDocument) and CI gates. Every number is finite (no NaN/Infinity) and
 * the whole object is deterministic for a given scenario file + seed: cells are
 * in expansion order, keys are written in a fixed order, and nothing here reads
 * the wall clock.
 */
import type { CellMetrics } from '../metrics/types.ts';
import type { DesignName, PlatformRunResult } from '../designs/platform.ts';
import type { ParamValues } from '../params/spec.ts';

export type CellVerdict = 'ok' | 'degraded' | 'starved' | 'broken' | 'insecure';

export interface RunResult {
  scenario: { name: string; file: string; sha256: string; seed: number };
  cells: CellResult[];
  /** Every expectation of every cell, passed or not, in cell order then file order. */
  expectations: ExpectationOutcome[];
  /** Present when only a deterministic slice (`--shard k/n`, 1-based k) of the cells ran. */
  shard?: { index: number; count: number };
  /** Number of cells in the full (unsharded) expansion. */
  totalCells?: number;
  /** 'default' or 'quick' (the scenario's smaller CI scale). */
  scale?: 'default' | 'quick';
}

export interface CellResult {
  /** Deterministic id, e.g. 'smm-device/virtio-drain/seed=1' (plus parameter tags when a matrix varies them). */
  id: string;
  design: DesignName;
  workloads: Array<{ name: string; params: ParamValues }>;
  seed: number;
  /** Virtual length of the OS-runtime phase. */
  runtimeNs?: number;
  vcpus?: number;
  /** Component parameter overrides the cell ran with (keyed by COMPONENT_PARAMS component). */
  overrides?: Record<string, ParamValues>;
  /** True for the no-adversary cell the runner adds so baselineRatio has a denominator. */
  baseline?: boolean;
  metrics: CellMetrics;
  /** SetVariable/s relative to the same design's no-adversary cell (absent when that rate is 0). */
  baselineRatio?: number;
  verdict: CellVerdict;
  verdictReasons: string[];
  /** Per tap: SP 800-22 P-values and verdict, SP 800-90B estimates, health alarms. */
  quality: QualityResult[];
  parametersUsed: PlatformRunResult['parametersUsed'];
  timeline: PlatformRunResult['timeline'];
  series?: PlatformRunResult['series'];
  virtioRng?: PlatformRunResult['virtioRng'];
}

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

export interface ExpectationOutcome {
  cell: string;
  /** The expectation as written in the scenario file. */
  expression: string;
  /** Metric path, e.g. 'setvariable.p99'. */
  metric: string;
  /** Observed value in the metric's base unit (ns for times, 1 for counts and ratios). */
  actual: number;
  op: string;
  /** Limit in the same base unit as `actual`. */
  limit: number;
  passed: boolean;
}
