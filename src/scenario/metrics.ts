/**
 * The metric paths a scenario expectation may name (`setvariable.p99 < 5ms`): every
 * scalar of the metric table (src/metrics/table.ts), read from its field of CellMetrics,
 * and the few that the cell result adds (ratio, verdict, quality). `smm.` is an accepted prefix for the SMM-side metrics, so
 * `smm.setvariable.p99` and `setvariable.p99` mean the same thing.
 */
import { SCALAR_METRICS, type CellMetrics, type ColumnSpec, type MetricKind } from '../metrics/table.ts';
import type { QualityResult } from '../quality/result.ts';
import type { CellVerdict, CrashConsistencyResult } from './result.ts';
import { verdictRank } from './verdict.ts';

/** What an expectation is evaluated against. */
export interface MetricSource {
  metrics: CellMetrics;
  baselineRatio?: number;
  quality: QualityResult[];
  /** The cell's verdict (the 'verdict' metric compares ranks: ok < degraded < starved < broken < insecure). */
  verdict?: CellVerdict;
  /** The cell's power-cut campaign, when the scenario ran one (crash.* metrics have no value without). */
  crash?: CrashConsistencyResult;
}

export interface MetricDef {
  /** 'time' values are ns and accept ns/us/ms/s units; 'ratio' accepts `%`; 'verdict' takes a verdict name (compared by rank). */
  kind: MetricKind | 'verdict';
  description: string;
  /** Unit of the value ('ns', '1/s', '×', '1', ...). */
  unit?: string;
  /** Its value for an expectation (0 where an optional section of the cell is absent). */
  get(s: MetricSource): number | undefined;
  /** Its value as recorded (undefined where the section is absent: reports show '—'). */
  read?(s: MetricSource): number | undefined;
  /** Its column in the reports' cell tables, if it has one. */
  column?: ColumnSpec;
}

/** The metrics of the table (src/metrics/table.ts), each read from its own field of the cell. */
const FROM_TABLE: Record<string, MetricDef> = Object.fromEntries(
  SCALAR_METRICS.filter((m) => m.aggregation !== 'run').map((m): [string, MetricDef] => [
    m.path,
    {
      kind: m.kind,
      description: m.description,
      unit: m.unit,
      get: (s) => m.read(s.metrics) ?? 0,
      read: (s) => m.read(s.metrics),
      ...(m.column ? { column: m.column } : {}),
    },
  ]),
);

/** Metrics of the cell result beyond the table: the baseline ratio, the verdict, sums and the quality layer's counts. */
const DERIVED: Record<string, MetricDef> = {
  'setvariable.ratio': {
    kind: 'ratio',
    unit: '×',
    description: "SetVariable/s relative to the same design's no-adversary cell",
    get: (s) => s.baselineRatio,
    column: { header: 'ratio', order: 20 },
  },
  'health.alarms': { kind: 'count', description: 'RCT + APT alarms raised by devices', get: (s) => s.metrics.healthAlarms.rct + s.metrics.healthAlarms.apt },
  'crash.cuts': { kind: 'count', description: "power cuts injected into the cell's variable store (scenario crashConsistency)", get: (s) => s.crash?.cuts },
  'crash.deletes': { kind: 'count', description: "deletes (DataSize 0) among the campaign workload's SetVariable calls", get: (s) => s.crash?.deletes },
  'crash.cuts-in-reclaim': { kind: 'count', description: "power cuts that hit a reclaim's fault-tolerant write", get: (s) => s.crash?.cutsInReclaim },
  'crash.acked-checked': { kind: 'count', description: 'acknowledged values read back after the reboots', get: (s) => s.crash?.ackedChecked },
  'crash.acked-lost': { kind: 'count', description: 'acknowledged values that did not read back exactly after a cut', get: (s) => s.crash?.ackedLost },
  'crash.half-visible': { kind: 'count', description: 'records after a cut that fail to verify or hold neither the acknowledged nor the in-flight value', get: (s) => s.crash?.halfVisible },
  'crash.unreadable': { kind: 'count', description: 'cuts after which the store could not be recovered, read or written', get: (s) => s.crash?.unreadable },
  verdict: { kind: 'verdict', description: 'the cell verdict, compared by rank (ok < degraded < starved < broken < insecure)', get: (s) => (s.verdict === undefined ? undefined : verdictRank(s.verdict)) },
  'quality.failures': { kind: 'count', description: 'tapped streams whose quality verdict is fail', get: (s) => s.quality.filter((q) => q.verdict === 'fail').length },
  'quality.streams': { kind: 'count', description: 'streams SMM consumed whose quality tap (the source output, docs/model.md §7.5) was assessed', get: (s) => consumed(s).length },
  'quality.stream-passes': { kind: 'count', description: 'consumed streams whose quality verdict is pass', get: (s) => consumed(s).filter((q) => q.verdict === 'pass').length },
  'quality.stream-failures': { kind: 'count', description: 'consumed streams whose quality verdict is fail', get: (s) => consumed(s).filter((q) => q.verdict === 'fail').length },
  'quality.short-streams': {
    kind: 'count',
    description: 'consumed streams assessed on fewer than 10^6 bits (SP 800-22, conditioned streams) or 10^5 samples (SP 800-90B)',
    get: (s) => consumed(s).filter((q) => (q.entropy?.samples ?? 0) < 100_000 || (q.kind === 'conditioned' && (q.sts?.n ?? 0) < 1_000_000)).length,
  },
  'quality.health-alarms': { kind: 'count', description: 'SP 800-90B health alarms found by the quality layer on raw taps', get: (s) => s.quality.reduce((a, q) => a + (q.health ? q.health.rct.alarms + q.health.apt.alarms : 0), 0) },
};

const M: Record<string, MetricDef> = { ...FROM_TABLE, ...DERIVED };

/** Quality results of the streams SMM consumed (their long quality taps). */
function consumed(s: MetricSource): QualityResult[] {
  return s.quality.filter((q) => q.stream !== undefined);
}

export const METRICS: Readonly<Record<string, MetricDef>> = M;

/** Prefix of the per-consumer byte counters: `bytes.<consumer>`. */
export const BYTES_PREFIX = 'bytes.';

/** Resolves a metric path (accepting the `smm.` prefix and `bytes.<consumer>`), or undefined. */
export function lookupMetric(path: string): { path: string; def: MetricDef } | undefined {
  const p = path.startsWith('smm.') ? path.slice(4) : path;
  const def = M[p];
  if (def) return { path: p, def };
  if (p.startsWith(BYTES_PREFIX) && p.length > BYTES_PREFIX.length) {
    const consumer = p.slice(BYTES_PREFIX.length);
    return {
      path: p,
      def: { kind: 'count', description: `bytes obtained by ${consumer}`, get: (s) => s.metrics.bytesByConsumer[consumer] ?? 0 },
    };
  }
  return undefined;
}

/** Every valid metric path, for error messages and `list`. */
export function metricNames(): string[] {
  return [...Object.keys(M), `${BYTES_PREFIX}<consumer>`];
}
