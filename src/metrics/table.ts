/**
 * The metric table: every number one simulated run (one scenario cell) produces, written
 * once. Each entry says where the number sits in a cell's `metrics` object, the path a
 * scenario expectation names it by, its kind and unit, what it means and how the
 * recordings of a run combine into it. Everything else is derived from this table:
 *  - the `CellMetrics` type (./types.ts) and the report schema's metric part
 *    (`cellMetricsSchema()`, used by src/report/schema.ts),
 *  - how MetricsCollector (./collector.ts) records and what `finish()` returns, in the
 *    table's order (which is the key order of every report's JSON),
 *  - the expectation paths of src/scenario/metrics.ts and the report's cell columns.
 * A new metric is one entry here plus the place that records it
 * (`metrics.count('<path>')`).
 *
 * All times are virtual nanoseconds; every value is a finite number (an empty latency sample
 * has count 0 and zeros elsewhere).
 */
import { Type, type Static, type TSchema } from '@sinclair/typebox';

/** What kind of quantity: decides the units an expectation may use ('time': ns/us/ms/s, 'ratio': %). */
export type MetricKind = 'time' | 'count' | 'ratio' | 'rate';

/**
 * How the recordings of one run combine into the value:
 *  - 'sum': `count(path, n)` adds; 'max': `max(path, v)` keeps the largest; 'set': `set(path, v)`
 *    keeps the last value (a result computed once, at the end of the run);
 *  - 'per-runtime-second': `count(path)` adds, the value is that sum per virtual second of the
 *    OS-runtime phase (0 without one);
 *  - 'distribution': `sample(path, v)` keeps every value; the value is its LatencySummary;
 *  - 'sum-by-key': `countFor(path, key, n)` adds per key; the value is a record, keys sorted;
 *  - 'run': the run loop's own figure, given to `finish()`.
 */
export type Aggregation = 'sum' | 'max' | 'set' | 'per-runtime-second' | 'distribution' | 'sum-by-key' | 'run';

/** A cell-table column of the reports (Markdown and HTML). */
export interface ColumnSpec {
  header: string;
  /** Position among the columns (ascending; src/scenario/metrics.ts adds columns of its own). */
  order: number;
  /** Significant digits (default 3). */
  digits?: number;
  /** Shown as `value/of (share %)`, `of` being another metric path. */
  of?: string;
}

/** One part of a distribution that an expectation can name (`setvariable.p99`). */
export interface PartSpec<F extends string = string> {
  path: string;
  field: F;
  kind: MetricKind;
  unit: string;
  description: string;
  column?: ColumnSpec;
}

export interface LeafSpec<P extends string = string, A extends Aggregation = Aggregation, S extends TSchema = TSchema> {
  readonly leaf: true;
  /** Expectation path (and the name components record it by). */
  readonly path: P;
  readonly kind: MetricKind;
  readonly unit: string;
  readonly description: string;
  readonly aggregation: A;
  readonly schema: S;
  readonly column?: ColumnSpec;
  /** For 'distribution': the statistics an expectation can name. */
  readonly parts?: readonly PartSpec[];
  /** For 'run': which figure of `finish()`. */
  readonly run?: 'virtualDurationNs' | 'events';
  /**
   * Absent from reports made before the metric existed: optional in the type and the schema
   * (finish() always records it). Every metric added after schema 1.2.0 says so.
   */
  readonly optional?: boolean;
}

export interface GroupSpec<F extends Record<string, Node> = Record<string, Node>, O extends boolean = boolean> {
  readonly group: true;
  readonly fields: F;
  /** Absent from reports made before the group existed (optional in the type and schema). */
  readonly optional: O;
  /** 'when-recorded': finish() leaves the group out unless `setGroup` filled it. */
  readonly emit: 'always' | 'when-recorded';
  readonly description: string;
}

export type Node = LeafSpec | GroupSpec;

const NonNeg = Type.Number({ minimum: 0 });
const Count = Type.Integer({ minimum: 0 });

export const LatencySummarySchema = Type.Object({
  count: Count,
  meanNs: NonNeg,
  p50Ns: NonNeg,
  p99Ns: NonNeg,
  maxNs: NonNeg,
});
export type LatencySummary = Static<typeof LatencySummarySchema>;

/** Why a DRBG reseed epoch of the SMM variable driver is bad (src/firmware/key-provenance.ts). */
export type EpochFlaw = 'unsafe-source' | 'repeats-earlier-output';

type Opt = Omit<LeafSpec, 'leaf' | 'path' | 'kind' | 'aggregation' | 'schema' | 'unit' | 'description'>;

function leaf<P extends string, A extends Aggregation, S extends TSchema>(
  path: P,
  kind: MetricKind,
  unit: string,
  aggregation: A,
  schema: S,
  description: string,
  opt: Opt = {},
): LeafSpec<P, A, S> {
  return { leaf: true, path, kind, unit, aggregation, schema, description, ...opt };
}
/** A count of events, recorded with `count(path, n)`. */
function count<P extends string, O extends Opt = {}>(path: P, description: string, opt?: O): LeafSpec<P, 'sum', typeof Count> & O {
  return leaf(path, 'count', '1', 'sum', Count, description, opt ?? {}) as LeafSpec<P, 'sum', typeof Count> & O;
}
/** A count computed once, at the end of the run, recorded with `set(path, v)`. */
function result<P extends string>(path: P, description: string, opt: Opt = {}): LeafSpec<P, 'set', typeof Count> {
  return leaf(path, 'count', '1', 'set', Count, description, opt);
}
function time<P extends string, A extends Aggregation>(path: P, aggregation: A, description: string, opt: Opt = {}) {
  return leaf(path, 'time', 'ns', aggregation, NonNeg, description, opt);
}
function group<F extends Record<string, Node>>(description: string, fields: F): GroupSpec<F, false> {
  return { group: true, fields, optional: false, emit: 'always', description };
}
/** A group absent from reports made before it existed; 'when-recorded' groups are filled whole with `setGroup`. */
function optionalGroup<F extends Record<string, Node>, E extends 'always' | 'when-recorded'>(description: string, fields: F, emit: E): GroupSpec<F, true> & { readonly emit: E } {
  return { group: true, fields, optional: true, emit, description };
}

/** The table. Its order is the key order of `metrics` in every report: append, do not reorder. */
export const METRIC_TABLE = group('the metrics of one cell', {
  virtualDurationNs: time('virtual-duration', 'run', 'virtual time the run covered', { run: 'virtualDurationNs' }),
  setVariable: group('SMM variable driver, SetVariable calls that reached SMM', {
    completed: count('setvariable.completed', 'SetVariable calls completed by the SMM variable driver'),
    failed: count('setvariable.failed', 'SetVariable calls that failed (e.g. failed closed for lack of entropy)'),
    perVirtualSecond: leaf('setvariable.rate', 'rate', '1/s', 'per-runtime-second', NonNeg, 'SetVariable completions per virtual second of the runtime phase', {
      column: { header: 'SetVariable/s', order: 10, digits: 4 },
    }),
    latency: leaf('setvariable.latency', 'time', 'ns', 'distribution', LatencySummarySchema, 'latencies of the completed SetVariable calls', {
      parts: [
        { path: 'setvariable.samples', field: 'count', kind: 'count', unit: '1', description: 'SetVariable latencies the percentiles are taken over', column: { header: 'latencies (n)', order: 25 } },
        { path: 'setvariable.mean', field: 'meanNs', kind: 'time', unit: 'ns', description: 'mean SetVariable latency' },
        { path: 'setvariable.p50', field: 'p50Ns', kind: 'time', unit: 'ns', description: 'median SetVariable latency', column: { header: 'p50', order: 30 } },
        { path: 'setvariable.p99', field: 'p99Ns', kind: 'time', unit: 'ns', description: '99th percentile SetVariable latency', column: { header: 'p99', order: 40 } },
        { path: 'setvariable.max', field: 'maxNs', kind: 'time', unit: 'ns', description: 'longest SetVariable latency', column: { header: 'max', order: 50 } },
      ],
    }),
  }),
  starvation: group('time SMM spent waiting for entropy (stalls)', {
    totalNs: time('starvation.total', 'sum', 'total time SMM waited for entropy', { column: { header: 'starvation', order: 60 } }),
    longestNs: time('starvation.longest', 'max', 'longest single SMM wait for entropy'),
    waits: count('starvation.waits', 'SMM waits for entropy long enough to count as starvation (starvation.total / starvation.waits is the mean such wait)', { optional: true }),
  }),
  quotaExhaustionEvents: count('quota.exhaustions', 'virtio-rng windows whose quota ran out with buffers queued', { column: { header: 'quota exh.', order: 70 } }),
  bytesByConsumer: leaf('bytes', 'count', 'bytes', 'sum-by-key', Type.Record(Type.String(), NonNeg), 'bytes of entropy obtained, by consumer (bytes.<consumer>)'),
  isolation: group('non-SMM actors and SMM-only resources', {
    violations: count('isolation.violations', 'non-SMM accesses that obtained SMM-only data or wrote pflash', { column: { header: 'violations', order: 80 } }),
    blockedAttempts: count('isolation.blocked', 'non-SMM accesses the devices refused'),
  }),
  udFaults: group('#UD raised by RDRAND/RDSEED, by who executed it', {
    nonSmm: count('ud.nonsmm', '#UD faults raised by RDRAND/RDSEED outside SMM', { column: { header: '#UD non-SMM', order: 90 } }),
    smm: count('ud.smm', '#UD faults raised by RDRAND/RDSEED inside SMM'),
  }),
  tls: group('HTTPS-boot TLS handshakes', {
    done: count('tls.done', 'HTTPS-boot TLS handshakes completed'),
    denied: count('tls.denied', 'HTTPS-boot TLS handshakes refused for lack of entropy'),
    degraded: count('tls.degraded', 'HTTPS-boot TLS handshakes seeded from a degraded source'),
  }),
  variables: group('end-of-run read-back of every variable written: ok + lost = checked', {
    checked: result('variables.checked', 'variables read back at the end of the run'),
    ok: result('variables.ok', 'variables that read back intact'),
    lost: result('variables.lost', 'variables that did not read back', { column: { header: 'lost vars', order: 100 } }),
  }),
  healthAlarms: group('continuous health-test alarms (SP 800-90B §4.4) raised by devices', {
    rct: count('health.rct', 'Repetition Count Test alarms raised by devices'),
    apt: count('health.apt', 'Adaptive Proportion Test alarms raised by devices'),
  }),
  events: leaf('events', 'count', '1', 'run', Count, 'simulation events processed (for events/s in bench/)', { run: 'events' }),
  smm: optionalGroup(
    'SMM accounting',
    {
      smis: count('smis', 'SMIs taken (smm.smis)'),
      timeNs: time('smm-time', 'sum', 'total virtual time all vCPUs spent in SMM (smm.smm-time)'),
      degradedSetVariables: count('degraded-setvariables', 'SetVariable calls keyed from the counter fallback (smm.degraded-setvariables)'),
      failClosed: count('fail-closed', 'SetVariable calls refused because the entropy source was in health alarm (smm.fail-closed)'),
    },
    'always',
  ),
  keys: optionalGroup(
    "key provenance of the SMM variable driver's writes (src/firmware/key-provenance.ts)",
    {
      epochs: result('keys.epochs', 'DRBG instantiate/reseed epochs of the SMM variable driver'),
      badEpochs: result('keys.bad-epochs', 'epochs seeded from a declared low-entropy source or from bytes repeating earlier source output'),
      writes: result('keys.writes', 'successful SMM writes whose key provenance was recorded'),
      badWrites: result('keys.bad-writes', 'SMM writes keyed from a bad epoch', { column: { header: 'bad-epoch writes', order: 110, of: 'keys.writes' } }),
      badWriteShare: leaf('keys.bad-share', 'ratio', '1', 'set', NonNeg, 'share of SMM writes keyed from a bad epoch'),
      badWritesByFlaw: leaf(
        'keys.bad-writes-by-flaw',
        'count',
        '1',
        'set',
        Type.Object({ 'unsafe-source': Count, 'repeats-earlier-output': Count }),
        'bad writes by flaw (a write whose epoch has two flaws counts under both)',
      ),
      sourceFailures: result('keys.source-failures', 'times the SMM source entered the failed state (SP 800-90B §4.3/§4.4)'),
      startupTests: result('keys.startup-tests', 'start-up tests run to recover a failed SMM source'),
      startupPasses: result('keys.startup-passes', 'start-up tests of a failed SMM source that passed'),
      failClosed: result('keys.fail-closed', 'entropy requests of the SMM driver refused (fail closed) because the source was failed or alarmed'),
      fallbackSeeds: result('keys.fallback-seeds', 'epochs seeded from the declared fallback because the source failed or was not ready'),
    },
    'when-recorded',
  ),
});

// ------------------------------------------------------------------ derived types

type Simplify<T> = { -readonly [K in keyof T]: T[K] } & {};
type OptionalKeys<F> = { [K in keyof F]: F[K] extends GroupSpec<Record<string, Node>, true> | { optional: true } ? K : never }[keyof F];
type ValueOf<N> = N extends LeafSpec<string, Aggregation, infer S> ? Static<S> : N extends GroupSpec<infer F> ? GroupValue<F> : never;
type GroupValue<F> = Simplify<{ -readonly [K in Exclude<keyof F, OptionalKeys<F>>]: ValueOf<F[K]> } & { -readonly [K in OptionalKeys<F>]?: ValueOf<F[K]> }>;

/** The metrics of one cell, as reports hold them (derived from METRIC_TABLE). */
export type CellMetrics = ValueOf<typeof METRIC_TABLE>;

type Leaves<N> = N extends LeafSpec ? N : N extends GroupSpec<infer F> ? { [K in keyof F]: Leaves<F[K]> }[keyof F] : never;
type AllLeaves = Leaves<typeof METRIC_TABLE>;
/** Paths recorded with `count` (sum, per-runtime-second). */
export type CountPath = Extract<AllLeaves, { aggregation: 'sum' | 'per-runtime-second' }>['path'];
export type MaxPath = Extract<AllLeaves, { aggregation: 'max' }>['path'];
export type SetPath = Extract<AllLeaves, { aggregation: 'set'; schema: typeof Count | typeof NonNeg }>['path'];
export type SamplePath = Extract<AllLeaves, { aggregation: 'distribution' }>['path'];
export type KeyedPath = Extract<AllLeaves, { aggregation: 'sum-by-key' }>['path'];
export type MetricPath = AllLeaves['path'];
/** Groups that finish() emits only when filled as a whole. */
export type RecordedGroup = { [K in keyof typeof METRIC_TABLE.fields]: (typeof METRIC_TABLE.fields)[K] extends { emit: 'when-recorded' } ? K : never }[keyof typeof METRIC_TABLE.fields];

// ------------------------------------------------------------------ walking the table

/** A leaf with its place in CellMetrics (the keys from the top) and the group it sits in. */
export interface PlacedLeaf {
  spec: LeafSpec;
  field: readonly string[];
  /** The optional group it belongs to (reads as absent in a cell without it). */
  optionalGroup?: string;
}

function place(n: Node, field: string[], optionalGroup: string | undefined, out: PlacedLeaf[]): void {
  if ('leaf' in n) {
    out.push({ spec: n, field, ...(optionalGroup !== undefined ? { optionalGroup } : {}) });
    return;
  }
  for (const [k, child] of Object.entries(n.fields)) place(child, [...field, k], optionalGroup ?? (n.optional ? field.join('.') : undefined), out);
}

/** Every leaf of the table, in table order. */
export const METRIC_LEAVES: readonly PlacedLeaf[] = (() => {
  const out: PlacedLeaf[] = [];
  for (const [k, child] of Object.entries(METRIC_TABLE.fields)) place(child, [k], 'group' in child && child.optional ? k : undefined, out);
  const seen = new Set<string>();
  for (const l of out) {
    if (seen.has(l.spec.path)) throw new Error(`metric table: path ${l.spec.path} twice`);
    seen.add(l.spec.path);
  }
  return out;
})();

const BY_PATH = new Map(METRIC_LEAVES.map((l) => [l.spec.path as string, l]));

/** The leaf recorded under `path`. */
export function metricLeaf(path: string): PlacedLeaf | undefined {
  return BY_PATH.get(path);
}

/** The value at `field` of a cell's metrics (undefined where an optional group is absent). */
export function readField(m: CellMetrics, field: readonly string[]): unknown {
  let v: unknown = m;
  for (const k of field) {
    if (v === undefined || v === null || typeof v !== 'object') return undefined;
    v = (v as Record<string, unknown>)[k];
  }
  return v;
}

/** One number an expectation or a report column can name: a scalar leaf or a part of a distribution. */
export interface ScalarMetric {
  path: string;
  kind: MetricKind;
  unit: string;
  description: string;
  aggregation: Aggregation;
  column?: ColumnSpec;
  /** Absent from reports made before it existed. */
  optional?: boolean;
  /** Its value in a cell (undefined where an optional group is absent). */
  read(m: CellMetrics): number | undefined;
  optionalGroup?: string;
}

/** Every scalar metric of the table, in table order (distributions by their parts; per-key records are left out). */
export const SCALAR_METRICS: readonly ScalarMetric[] = METRIC_LEAVES.flatMap((l): ScalarMetric[] => {
  const s = l.spec;
  const og = l.optionalGroup !== undefined ? { optionalGroup: l.optionalGroup } : {};
  if (s.aggregation === 'distribution') {
    return (s.parts ?? []).map((p) => ({
      path: p.path, kind: p.kind, unit: p.unit, description: p.description, aggregation: s.aggregation, ...og,
      ...(p.column ? { column: p.column } : {}),
      read: (m: CellMetrics) => readField(m, [...l.field, p.field]) as number | undefined,
    }));
  }
  if (s.aggregation === 'sum-by-key' || s.schema.type === 'object') return [];
  return [{
    path: s.path, kind: s.kind, unit: s.unit, description: s.description, aggregation: s.aggregation, ...og,
    ...(s.optional === true ? { optional: true } : {}),
    ...(s.column ? { column: s.column } : {}),
    read: (m: CellMetrics) => readField(m, l.field) as number | undefined,
  }];
});

// ------------------------------------------------------------------ schema

function schemaOf(n: Node): TSchema {
  if ('leaf' in n) return n.schema;
  const props: Record<string, TSchema> = {};
  for (const [k, child] of Object.entries(n.fields)) {
    const s = schemaOf(child);
    props[k] = child.optional === true ? Type.Optional(s) : s;
  }
  return Type.Object(props);
}

/** The JSON Schema of a cell's `metrics` (src/report/schema.ts places it in the report schema). */
export function cellMetricsSchema(): TSchema & { static: CellMetrics } {
  return Type.Unsafe<CellMetrics>(schemaOf(METRIC_TABLE));
}
