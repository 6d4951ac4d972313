/**
 * The report document's JSON Schema, written once as @sinclair/typebox
 * definitions: the TypeScript types, the validator (ajv) and the published
 * `reports/report.schema.json` all come from here, so they cannot disagree
 * (a test asserts the committed schema file equals `reportJsonSchema()`).
 *
 * Objects inside `run` accept additional properties: the scenario runner and the
 * platform model may add fields (the platform contract says "extend, do not
 * rename"), and an older reader should still read a newer minor version's
 * document. The top level and the benchmark section are closed.
 */
import { Type, type Static, type TSchema } from '@sinclair/typebox';
import { cellMetricsSchema } from '../metrics/table.ts';
import { QualityResultSchema } from '../quality/result.ts';
import { IcountSectionSchema, RunnerSettingsSchema, SuiteResultSchema } from './benchmark-result.ts';

/** Major.minor.patch. A reader accepts its own major and any minor up to its own. */
export const REPORT_SCHEMA_VERSION = '1.2.0';
export const REPORT_SCHEMA_ID = 'https://entropy-bench.invalid/schemas/report-1.json';

const Num = Type.Number();
const NonNeg = Type.Number({ minimum: 0 });
const Count = Type.Integer({ minimum: 0 });
const Scalar = Type.Union([Type.Number(), Type.Boolean(), Type.String()]);
const ParamValues = Type.Record(Type.String(), Scalar);

export { LatencySummarySchema } from '../metrics/table.ts';

/** A cell's metrics: derived from the metric table (src/metrics/table.ts). */
export const CellMetricsSchema = cellMetricsSchema();

export const CellVerdictSchema = Type.Union([
  Type.Literal('ok'),
  Type.Literal('degraded'),
  Type.Literal('starved'),
  Type.Literal('broken'),
  Type.Literal('insecure'),
]);

export const CellResultSchema = Type.Object({
  id: Type.String({ minLength: 1 }),
  design: Type.String({ minLength: 1 }),
  workloads: Type.Array(Type.Object({ name: Type.String(), params: ParamValues })),
  seed: Num,
  runtimeNs: Type.Optional(NonNeg),
  vcpus: Type.Optional(Count),
  overrides: Type.Optional(Type.Record(Type.String(), ParamValues)),
  baseline: Type.Optional(Type.Boolean()),
  metrics: CellMetricsSchema,
  baselineRatio: Type.Optional(NonNeg),
  verdict: CellVerdictSchema,
  verdictReasons: Type.Array(Type.String()),
  quality: Type.Array(QualityResultSchema),
  parametersUsed: Type.Array(
    Type.Object({
      component: Type.String(),
      name: Type.String(),
      value: Scalar,
      unit: Type.Optional(Type.String()),
      source: Type.String(),
      overridden: Type.Boolean(),
    }),
  ),
  timeline: Type.Array(Type.Object({ phase: Type.String(), atNs: NonNeg })),
  series: Type.Optional(
    Type.Array(
      Type.Object({
        name: Type.String(),
        points: Type.Array(Type.Tuple([Num, Num])),
      }),
    ),
  ),
  /**
   * What the virtio-rng device and the Linux guest did (first N of each list + totals), to
   * compare with a real QEMU trace window by window (docs/qemu-trace.md).
   */
  virtioRng: Type.Optional(
    Type.Object({
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
    }),
  ),
  /**
   * Power-loss fault injection on the cell's variable store (src/scenario/crash-consistency.ts):
   * the campaign (seed, workload, store) and what the reboots found.
   */
  crashConsistency: Type.Optional(
    Type.Object({
      seed: Num,
      writes: Count,
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
    }),
  ),
});

export const ExpectationOutcomeSchema = Type.Object({
  cell: Type.String(),
  expression: Type.String(),
  metric: Type.String(),
  actual: Num,
  op: Type.String(),
  limit: Num,
  passed: Type.Boolean(),
});

export const RunSchema = Type.Object({
  scenario: Type.Object({
    name: Type.String(),
    file: Type.String(),
    sha256: Type.String({ pattern: '^[0-9a-f]{64}$' }),
    seed: Num,
  }),
  cells: Type.Array(CellResultSchema),
  expectations: Type.Array(ExpectationOutcomeSchema),
  shard: Type.Optional(Type.Object({ index: Type.Integer({ minimum: 1 }), count: Type.Integer({ minimum: 1 }) })),
  totalCells: Type.Optional(Count),
  scale: Type.Optional(Type.Union([Type.Literal('default'), Type.Literal('quick')])),
});

export const BenchmarksSchema = Type.Object(
  {
    /** Marks the section as wall-clock: determinism checks drop it (with generatedAt). */
    wallClock: Type.Literal(true),
    /** True for the reduced (`--quick`) run CI does. */
    quick: Type.Boolean(),
    /** What the timer measured: 'cpu' (process CPU time, immune to other processes on a shared machine) or 'wall'. */
    clock: Type.Optional(Type.Union([Type.Literal('cpu'), Type.Literal('wall')])),
    /** The machine's measured limits (raw AES-CTR/GCM, SHA-256, a plain JS loop) in the same run. */
    calibration: Type.Optional(SuiteResultSchema),
    suites: Type.Array(SuiteResultSchema),
    /** How each task was timed (warm-up, iterations, clock); the gate compares only equal settings. */
    runner: Type.Optional(RunnerSettingsSchema),
    /** Fresh processes each task was measured in (TaskResult.processMs has one value per process). */
    rounds: Type.Optional(Count),
    /**
     * The baseline commit's build measured in the same job, its processes alternating
     * with ours (the side-by-side gate compares `suites` with these).
     */
    sideBySide: Type.Optional(
      Type.Object(
        { commit: Type.String(), calibration: Type.Optional(SuiteResultSchema), suites: Type.Array(SuiteResultSchema) },
        { additionalProperties: false },
      ),
    ),
    /** Instructions per call of the hot kernels under valgrind's callgrind (bench/icount.ts), or why none were counted. */
    icount: Type.Optional(IcountSectionSchema),
  },
  { additionalProperties: false },
);

/** Wall-clock time the scenario run took, per cell (src/scenario/run.ts onCellTime); JUnit reports it. */
export const TimingSchema = Type.Object(
  {
    wallClock: Type.Literal(true),
    /** From the first cell started to the last finished, ms (with jobs > 1 less than the sum of the cells). */
    totalMs: NonNeg,
    /** Per cell in cell order: ms of simulation in the thread that ran it. */
    cells: Type.Array(Type.Object({ id: Type.String(), ms: NonNeg }, { additionalProperties: false })),
  },
  { additionalProperties: false },
);

export const ReportDocumentSchema = Type.Object(
  {
    $schema: Type.Optional(Type.String()),
    schemaVersion: Type.String({ pattern: '^[0-9]+\\.[0-9]+\\.[0-9]+$' }),
    tool: Type.Object({ name: Type.String(), version: Type.String() }, { additionalProperties: false }),
    environment: Type.Object(
      { node: Type.String(), platform: Type.String(), cpuModel: Type.String(), cpus: Count },
      { additionalProperties: false },
    ),
    generatedAt: Type.Optional(Type.String()),
    /** The checkout that produced the document: git commit and whether tracked files differed from it. */
    source: Type.Optional(Type.Object({ commit: Type.String(), dirty: Type.Boolean() }, { additionalProperties: false })),
    run: Type.Optional(RunSchema),
    benchmarks: Type.Optional(BenchmarksSchema),
    /** Wall-clock ms of the scenario run and of each cell; dropped by determinism checks. */
    timing: Type.Optional(TimingSchema),
  },
  { additionalProperties: false },
);

export type ReportDocumentShape = Static<typeof ReportDocumentSchema>;
export type RunShape = Static<typeof RunSchema>;
/** The document's wall-clock benchmark section (bench/main.ts). */
export type BenchmarkSection = Static<typeof BenchmarksSchema>;
/** The document's wall-clock timing of a scenario run. */
export type TimingSection = Static<typeof TimingSchema>;

/** The published JSON Schema (what reports/report.schema.json holds). */
export function reportJsonSchema(): Record<string, unknown> {
  // JSON round trip drops TypeBox's symbol-keyed metadata and leaves plain JSON Schema.
  const plain = JSON.parse(JSON.stringify(ReportDocumentSchema as TSchema)) as Record<string, unknown>;
  return {
    $schema: 'http://json-schema.org/draft-07/schema#',
    $id: REPORT_SCHEMA_ID,
    title: `entropy-bench report document, schema ${REPORT_SCHEMA_VERSION}`,
    ...plain,
  };
}

/** The text of reports/report.schema.json. */
export function reportJsonSchemaText(): string {
  return JSON.stringify(reportJsonSchema(), null, 2) + '\n';
}
