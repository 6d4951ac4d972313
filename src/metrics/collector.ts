/**
 * MetricsCollector: devices and firmware record what happens during a run under the paths
 * of the metric table (./table.ts: `metrics.count('quota.exhaustions')`); `finish()` turns
 * the recordings into a CellMetrics, in the table's order. Every number it returns is finite:
 * an empty latency sample has count 0 and zeros elsewhere; rates over a zero-length
 * runtime are 0.
 */
import { mean } from 'simple-statistics';
import {
  METRIC_TABLE,
  metricLeaf,
  type CellMetrics,
  type CountPath,
  type KeyedPath,
  type LatencySummary,
  type MaxPath,
  type MetricPath,
  type Node,
  type RecordedGroup,
  type SamplePath,
  type SetPath,
} from './table.ts';

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
  private readonly values = new Map<string, number>();
  private readonly samples = new Map<string, number[]>();
  private readonly keyed = new Map<string, Record<string, number>>();
  private readonly groups = new Map<string, Record<string, unknown>>();
  private readonly series = new Map<string, { points: Array<[number, number]>; stride: number; seen: number }>();
  /** Points a series keeps; beyond that it is thinned deterministically (every 2nd, 4th, ... point). */
  static readonly SERIES_MAX_POINTS = 4096;

  /** Adds `n` (default 1) to a counter of the table ('sum' and 'per-runtime-second' metrics). */
  count(path: CountPath, n = 1): void {
    this.values.set(path, (this.values.get(path) ?? 0) + n);
  }

  /** Keeps the largest value recorded for a 'max' metric. */
  max(path: MaxPath, v: number): void {
    if (v > (this.values.get(path) ?? 0)) this.values.set(path, v);
  }

  /** Sets a 'set' metric (a result computed once, at the end of the run). */
  set(path: SetPath, v: number): void {
    this.values.set(path, v);
  }

  /** One observation of a 'distribution' metric. */
  sample(path: SamplePath, v: number): void {
    let a = this.samples.get(path);
    if (a === undefined) this.samples.set(path, (a = []));
    a.push(v);
  }

  /** Adds `n` under `key` of a 'sum-by-key' metric. */
  countFor(path: KeyedPath, key: string, n: number): void {
    let r = this.keyed.get(path);
    if (r === undefined) this.keyed.set(path, (r = {}));
    r[key] = (r[key] ?? 0) + n;
  }

  /** Fills a whole group that finish() emits only when recorded (the SMM driver's key provenance at the end of the run). */
  setGroup<G extends RecordedGroup>(name: G, value: NonNullable<CellMetrics[G]>): void {
    this.groups.set(name, value as Record<string, unknown>);
  }

  /** What has been recorded under a scalar path so far (0 when nothing). */
  value(path: MetricPath): number {
    return this.values.get(path) ?? 0;
  }

  /** What a 'sum-by-key' metric holds for `key` so far (undefined when nothing). */
  valueFor(path: KeyedPath, key: string): number | undefined {
    return this.keyed.get(path)?.[key];
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

  /** The cell's metrics: the table walked in order, each leaf aggregated as the table says. */
  finish(opts: { virtualDurationNs: number; runtimeNs: number; events: number }): CellMetrics {
    const runtimeS = opts.runtimeNs / 1e9;
    const build = (n: Node, fromGroup: Record<string, unknown> | undefined): unknown => {
      if ('group' in n) {
        const out: Record<string, unknown> = {};
        for (const [k, child] of Object.entries(n.fields)) {
          if ('group' in child && child.emit === 'when-recorded') {
            const g = this.groups.get(k);
            if (g !== undefined) out[k] = build(child, g);
            continue;
          }
          out[k] = build(child, fromGroup === undefined ? undefined : (fromGroup[k] as Record<string, unknown>));
        }
        return out;
      }
      if (fromGroup !== undefined) return typeof fromGroup === 'object' ? { ...(fromGroup as object) } : fromGroup;
      const v = this.values.get(n.path) ?? 0;
      switch (n.aggregation) {
        case 'run':
          return opts[n.run!];
        case 'per-runtime-second':
          return runtimeS > 0 ? v / runtimeS : 0;
        case 'distribution':
          return summarizeLatencies(this.samples.get(n.path) ?? []);
        case 'sum-by-key': {
          const r = this.keyed.get(n.path) ?? {};
          const sorted: Record<string, number> = {};
          for (const k of Object.keys(r).sort()) sorted[k] = r[k]!;
          return sorted;
        }
        default:
          return v;
      }
    };
    return build(METRIC_TABLE, undefined) as CellMetrics;
  }
}

/** True when `path` names a metric of the table (for tests and tools that take a path as text). */
export function isMetricPath(path: string): path is MetricPath {
  return metricLeaf(path) !== undefined;
}
