/**
 * MetricsCollector: devices and firmware report what happens during a run; `finish()`
 * turns it into a CellMetrics (src/metrics/types.ts). Every number it returns is finite:
 * an empty latency sample has count 0 and zeros elsewhere; rates over a zero-length
 * runtime are 0.
 */
import { mean } from 'simple-statistics';
import type { CellMetrics, KeyProvenanceSummary, LatencySummary } from './types.ts';

/**
 * Nearest-rank percentile (p in (0, 100]) of an ascending array: the value at rank
 * ⌈p/100 · n⌉, always an observed latency. Returns 0 for an empty array.
 *
 * Kept by hand on purpose: simple-statistics' `quantileSorted` is a different
 * definition (it averages the two neighbouring order statistics when p·n is an
 * integer, so p50 of an even count would become a midpoint that no call took),
 * and switching would move every committed p50/p99 and the expectations written
 * against them.
 *
 * @example
 * nearestRank([15, 20, 35, 40, 50], 30)   // 20 (rank ⌈1.5⌉ = 2)
 * nearestRank([15, 20, 35, 40, 50], 100)  // 50
 */
export function nearestRank(sorted: readonly number[], p: number): number {
  const n = sorted.length;
  if (n === 0) return 0;
  const rank = Math.min(n, Math.max(1, Math.ceil((p / 100) * n)));
  return sorted[rank - 1]!;
}

/** count, mean (simple-statistics: compensated summation), nearest-rank p50/p99, max of latencies (ns). */
export function summarizeLatencies(values: readonly number[]): LatencySummary {
  if (values.length === 0) return { count: 0, meanNs: 0, p50Ns: 0, p99Ns: 0, maxNs: 0 };
  const sorted = [...values].sort((a, b) => a - b);
  return {
    count: sorted.length,
    meanNs: mean(sorted),
    p50Ns: nearestRank(sorted, 50),
    p99Ns: nearestRank(sorted, 99),
    maxNs: sorted[sorted.length - 1]!,
  };
}

export class MetricsCollector {
  setVariableCompleted = 0;
  /** Completed during the OS-runtime phase (the rate's numerator). */
  setVariableCompletedRuntime = 0;
  setVariableFailed = 0;
  readonly setVariableLatencies: number[] = [];
  starvationTotalNs = 0;
  starvationLongestNs = 0;
  quotaExhaustionEvents = 0;
  readonly bytesByConsumer: Record<string, number> = {};
  isolationViolations = 0;
  blockedAttempts = 0;
  udNonSmm = 0;
  udSmm = 0;
  tlsDone = 0;
  tlsDenied = 0;
  tlsDegraded = 0;
  variables = { checked: 0, ok: 0, lost: 0 };
  rctAlarms = 0;
  aptAlarms = 0;
  smis = 0;
  smmTimeNs = 0;
  degradedSetVariables = 0;
  failClosed = 0;
  /** Key provenance of the SMM writes (the SMM variable driver fills it at the end of the run). */
  keys: KeyProvenanceSummary | null = null;
  private readonly series = new Map<string, { points: Array<[number, number]>; stride: number; seen: number }>();
  /** Points a series keeps; beyond that it is thinned deterministically (every 2nd, 4th, ... point). */
  static readonly SERIES_MAX_POINTS = 4096;

  addBytes(consumer: string, n: number): void {
    this.bytesByConsumer[consumer] = (this.bytesByConsumer[consumer] ?? 0) + n;
  }

  /** One wait of the SMM driver for entropy that counted as starvation. */
  addStarvation(waitNs: number): void {
    this.starvationTotalNs += waitNs;
    if (waitNs > this.starvationLongestNs) this.starvationLongestNs = waitNs;
  }

  addSetVariable(ok: boolean, latencyNs: number, inRuntime: boolean): void {
    if (ok) {
      this.setVariableCompleted++;
      if (inRuntime) this.setVariableCompletedRuntime++;
      this.setVariableLatencies.push(latencyNs);
    } else {
      this.setVariableFailed++;
    }
  }

  /** Appends a point to a named series (for charts). */
  point(name: string, atNs: number, value: number): void {
    let s = this.series.get(name);
    if (s === undefined) this.series.set(name, (s = { points: [], stride: 1, seen: 0 }));
    if (s.seen++ % s.stride !== 0) return;
    s.points.push([atNs, value]);
    if (s.points.length >= MetricsCollector.SERIES_MAX_POINTS) {
      // keep every other point and sample half as often from now on
      s.points = s.points.filter((_, i) => i % 2 === 0);
      s.stride *= 2;
    }
  }

  seriesData(): Array<{ name: string; points: Array<[number, number]> }> {
    return [...this.series.entries()].map(([name, s]) => ({ name, points: s.points }));
  }

  finish(opts: { virtualDurationNs: number; runtimeNs: number; events: number }): CellMetrics {
    const runtimeS = opts.runtimeNs / 1e9;
    const bytes: Record<string, number> = {};
    for (const k of Object.keys(this.bytesByConsumer).sort()) bytes[k] = this.bytesByConsumer[k]!;
    return {
      virtualDurationNs: opts.virtualDurationNs,
      setVariable: {
        completed: this.setVariableCompleted,
        failed: this.setVariableFailed,
        perVirtualSecond: runtimeS > 0 ? this.setVariableCompletedRuntime / runtimeS : 0,
        latency: summarizeLatencies(this.setVariableLatencies),
      },
      starvation: { totalNs: this.starvationTotalNs, longestNs: this.starvationLongestNs },
      quotaExhaustionEvents: this.quotaExhaustionEvents,
      bytesByConsumer: bytes,
      isolation: { violations: this.isolationViolations, blockedAttempts: this.blockedAttempts },
      udFaults: { nonSmm: this.udNonSmm, smm: this.udSmm },
      tls: { done: this.tlsDone, denied: this.tlsDenied, degraded: this.tlsDegraded },
      variables: { ...this.variables },
      healthAlarms: { rct: this.rctAlarms, apt: this.aptAlarms },
      events: opts.events,
      smm: {
        smis: this.smis,
        timeNs: this.smmTimeNs,
        degradedSetVariables: this.degradedSetVariables,
        failClosed: this.failClosed,
      },
      ...(this.keys !== null ? { keys: this.keys } : {}),
    };
  }
}
