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
import type { QualityResult } from '../quality/result.ts';
import type { CrashConsistencyResult } from './crash-consistency.ts';

export type { CrashConsistencyResult } from './crash-consistency.ts';

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
  /** Power-cut campaign on the cell's variable store, when the scenario asks (./crash-consistency.ts). */
  crashConsistency?: CrashConsistencyResult;
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
