/**
 * What a scenario run produces: the contract between the scenario runner
 * (src/scenario), the report (src/report, which embeds a RunResult in its
 * ReportDocument) and CI gates. Every number is finite (no NaN/Infinity) and
 * the whole object is deterministic for a given scenario file + seed: cells are
 * in expansion order, keys are written in a fixed order, and nothing here reads
 * the wall clock.
 *
 * Declared once, as TypeBox schemas: the types are their `Static<>`, and the report document's
 * schema (src/report/schema.ts, published as reports/report.schema.json) embeds RunSchema. The
 * parts other layers produce keep their producer's type (`Type.Unsafe<T>`: the cell's design,
 * metrics (src/metrics/table.ts), the platform's parameters, timeline, series and virtio-rng
 * observations (src/designs/platform.ts) and the power-cut campaign (./crash-consistency.ts));
 * the checks at the end keep those types inside what the schema accepts.
 */
import { Type, type Static, type TSchema } from '@sinclair/typebox';
import type { DesignName, PlatformRunResult } from '../designs/platform.ts';
import { cellMetricsSchema } from '../metrics/table.ts';
import { QualityResultSchema } from '../quality/result.ts';
import type { CrashConsistencyResult } from './crash-consistency.ts';

export type { CrashConsistencyResult } from './crash-consistency.ts';

const Num = Type.Number();
const NonNeg = Type.Number({ minimum: 0 });
const Count = Type.Integer({ minimum: 0 });
const Scalar = Type.Union([Type.Number(), Type.Boolean(), Type.String()]);
const ParamValues = Type.Record(Type.String(), Scalar);

export const CellVerdictSchema = Type.Union([
  Type.Literal('ok'),
  Type.Literal('degraded'),
  Type.Literal('starved'),
  Type.Literal('broken'),
  Type.Literal('insecure'),
]);
export type CellVerdict = Static<typeof CellVerdictSchema>;

/** Every parameter the cell's platform used, with where its value came from. */
const ParametersUsedSchema = Type.Array(
  Type.Object({
    component: Type.String(),
    name: Type.String(),
    value: Scalar,
    unit: Type.Optional(Type.String()),
    source: Type.String(),
    overridden: Type.Boolean(),
  }),
);

const TimelineSchema = Type.Array(Type.Object({ phase: Type.String(), atNs: NonNeg }));

/** e.g. SMM entropy waits and SetVariable latency over virtual time, for charts. */
const SeriesSchema = Type.Array(
  Type.Object({
    name: Type.String(),
    points: Type.Array(Type.Tuple([Num, Num])),
  }),
);

/**
 * What the virtio-rng device and the Linux guest did (first N of each list + totals), to
 * compare with a real QEMU trace window by window (docs/qemu-trace.md).
 */
const VirtioRngSchema = Type.Object({
  windows: Type.Array(
    Type.Object({
      refillAt: Type.Union([NonNeg, Type.Null()]),
      start: Type.Union([NonNeg, Type.Null()]),
      expiresAt: Type.Union([NonNeg, Type.Null()]),
      bytes: NonNeg,
    }),
  ),
  windowCount: NonNeg,
  events: Type.Array(
    Type.Object({
      t: NonNeg,
      kind: Type.Union([Type.Literal('request'), Type.Literal('push')]),
      size: NonNeg,
      quota: Type.Union([NonNeg, Type.Null()]),
      actor: Type.Optional(Type.String()),
    }),
  ),
  eventCount: NonNeg,
  readers: Type.Array(
    Type.Object({
      reader: Type.String(),
      completions: Type.Array(Type.Tuple([Num, Num])),
      count: NonNeg,
      bytes: NonNeg,
      pendingSinceNs: Type.Union([NonNeg, Type.Null()]),
      hung: Type.Boolean(),
    }),
  ),
  kernelBytes: NonNeg,
});

/**
 * Power-loss fault injection on the cell's variable store (./crash-consistency.ts):
 * the campaign (seed, workload, store) and what the reboots found.
 */
const CrashConsistencySchema = Type.Object({
  seed: Num,
  writes: Count,
  // Optional: reports from before deletes were part of the campaign have none (and had none).
  deletes: Type.Optional(Count),
  variables: Count,
  storeBytes: Count,
  blockBytes: Count,
  cuts: Count,
  sequenceOps: Count,
  reclaims: Count,
  cutsInReclaim: Count,
  ftwRedone: Count,
  recoveryReclaims: Count,
  ackedChecked: Count,
  ackedLost: Count,
  pendingVisible: Count,
  halfVisible: Count,
  unreadable: Count,
});

export const CellResultSchema = Type.Object({
  /** Deterministic id, e.g. 'smm-device/virtio-drain/seed=1' (plus parameter tags when a matrix varies them). */
  id: Type.String({ minLength: 1 }),
  design: Type.Unsafe<DesignName>(Type.String({ minLength: 1 })),
  workloads: Type.Array(Type.Object({ name: Type.String(), params: ParamValues })),
  seed: Num,
  /** Virtual length of the OS-runtime phase. */
  runtimeNs: Type.Optional(NonNeg),
  vcpus: Type.Optional(Count),
  /** Component parameter overrides the cell ran with (keyed by COMPONENT_PARAMS component). */
  overrides: Type.Optional(Type.Record(Type.String(), ParamValues)),
  /** True for the no-adversary cell the runner adds so baselineRatio has a denominator. */
  baseline: Type.Optional(Type.Boolean()),
  /** A cell's metrics: derived from the metric table (src/metrics/table.ts). */
  metrics: cellMetricsSchema(),
  /** SetVariable/s relative to the same design's no-adversary cell (absent when that rate is 0). */
  baselineRatio: Type.Optional(NonNeg),
  verdict: CellVerdictSchema,
  verdictReasons: Type.Array(Type.String()),
  /** Per tap: SP 800-22 P-values and verdict, SP 800-90B estimates, health alarms. */
  quality: Type.Array(QualityResultSchema),
  parametersUsed: Type.Unsafe<PlatformRunResult['parametersUsed']>(ParametersUsedSchema),
  timeline: Type.Unsafe<PlatformRunResult['timeline']>(TimelineSchema),
  series: Type.Optional(Type.Unsafe<NonNullable<PlatformRunResult['series']>>(SeriesSchema)),
  virtioRng: Type.Optional(Type.Unsafe<NonNullable<PlatformRunResult['virtioRng']>>(VirtioRngSchema)),
  /** Power-cut campaign on the cell's variable store, when the scenario asks (./crash-consistency.ts). */
  crashConsistency: Type.Optional(Type.Unsafe<CrashConsistencyResult>(CrashConsistencySchema)),
});
export type CellResult = Static<typeof CellResultSchema>;

export const ExpectationOutcomeSchema = Type.Object({
  cell: Type.String(),
  /** The expectation as written in the scenario file. */
  expression: Type.String(),
  /** Metric path, e.g. 'setvariable.p99'. */
  metric: Type.String(),
  /** Observed value in the metric's base unit (ns for times, 1 for counts and ratios). */
  actual: Num,
  op: Type.String(),
  /** Limit in the same base unit as `actual`. */
  limit: Num,
  passed: Type.Boolean(),
});
export type ExpectationOutcome = Static<typeof ExpectationOutcomeSchema>;

export const RunSchema = Type.Object({
  scenario: Type.Object({
    name: Type.String(),
    file: Type.String(),
    sha256: Type.String({ pattern: '^[0-9a-f]{64}$' }),
    seed: Num,
  }),
  cells: Type.Array(CellResultSchema),
  /** Every expectation of every cell, passed or not, in cell order then file order. */
  expectations: Type.Array(ExpectationOutcomeSchema),
  /** Present when only a deterministic slice (`--shard k/n`, 1-based k) of the cells ran. */
  shard: Type.Optional(Type.Object({ index: Type.Integer({ minimum: 1 }), count: Type.Integer({ minimum: 1 }) })),
  /** Number of cells in the full (unsharded) expansion. */
  totalCells: Type.Optional(Count),
  /** 'default' or 'quick' (the scenario's smaller CI scale). */
  scale: Type.Optional(Type.Union([Type.Literal('default'), Type.Literal('quick')])),
});
export type RunResult = Static<typeof RunSchema>;

// Compile-time checks: each part typed by its producer (Type.Unsafe above) fits the schema it is
// validated with, so the report's schema never rejects a real run.
type Fits<T extends U, U> = T;
type Plain<S extends TSchema> = Static<S>;
export type ProducerTypesFitSchema = [
  Fits<PlatformRunResult['parametersUsed'], Plain<typeof ParametersUsedSchema>>,
  Fits<PlatformRunResult['timeline'], Plain<typeof TimelineSchema>>,
  Fits<NonNullable<PlatformRunResult['series']>, Plain<typeof SeriesSchema>>,
  Fits<NonNullable<PlatformRunResult['virtioRng']>, Plain<typeof VirtioRngSchema>>,
  Fits<CrashConsistencyResult, Plain<typeof CrashConsistencySchema>>,
];
