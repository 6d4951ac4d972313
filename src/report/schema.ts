/**
 * The report document's JSON Schema, written once as @sinclair/typebox
 * definitions: the TypeScript types, the validator (ajv) and the published
 * `reports/report.schema.json` all come from here, so they cannot disagree
 * (a test asserts the committed schema file equals `reportJsonSchema()`).
 * Each result type's schema lives with its producer and is embedded here: the
 * scenario run's (src/scenario/result.ts RunSchema, which embeds the quality
 * layer's src/quality/result.ts QualityResultSchema and the metric table's
 * schema) and the benchmark run's (./benchmark-result.ts).
 *
 * Objects inside `run` accept additional properties: the scenario runner and the
 * platform model may add fields (the platform contract says "extend, do not
 * rename"), and an older reader should still read a newer minor version's
 * document. The top level and the benchmark section are closed.
 */
import { Type, type Static, type TSchema } from '@sinclair/typebox';
import { RunSchema } from '../scenario/result.ts';
import { IcountSectionSchema, RunnerSettingsSchema, SuiteResultSchema } from './benchmark-result.ts';

/**
 * Major.minor.patch. A reader accepts its own major and any minor up to its own. Minor versions
 * add optional fields (1.1: P-value histograms); 1.3 adds the icount heap set-up and each
 * kernel's collector instructions, and is the first to promise `starvation.waits`, which some
 * 1.2 documents already carry.
 */
export const REPORT_SCHEMA_VERSION = '1.3.0';
export const REPORT_SCHEMA_ID = 'https://entropy-bench.invalid/schemas/report-1.json';

const NonNeg = Type.Number({ minimum: 0 });
const Count = Type.Integer({ minimum: 0 });

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
