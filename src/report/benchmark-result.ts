/**
 * What a benchmark run produces, as the report document records it (its wall-clock
 * `benchmarks` section): per suite, each task's throughput and timing samples, the suite's
 * ratios, the runner settings the gate compares like with like, and the hot kernels'
 * instruction counts. The producer is bench/ (bench/suite.ts runs the suites, bench/icount.ts
 * counts); the types live here, with the report that embeds them, because bench/ sits above
 * report/ (docs/architecture.md).
 *
 * Declared once, as TypeBox schemas: the TypeScript types are their `Static<>`, and the report
 * document's schema (./schema.ts, published as reports/report.schema.json) embeds the same
 * schemas, so the type and the validator cannot disagree.
 */
import { Type, type Static } from '@sinclair/typebox';

const NonNeg = Type.Number({ minimum: 0 });
const Count = Type.Integer({ minimum: 0 });
const Clock = Type.Union([Type.Literal('cpu'), Type.Literal('wall')]);

/** The unit a suite reports its throughput in. */
export type BenchmarkUnit = 'Mbit/s' | 'MB/s' | 'MiB/s' | 'samples/s' | 'Msamples/s' | 'events/s' | 'cells/s' | 'ops/s';

/** A ratio the suite reports and may gate: throughput(numerator) / throughput(denominator). */
const benchRatioProperties = {
  name: Type.String(),
  numerator: Type.String(),
  denominator: Type.String(),
  /** The bar, when there is one (e.g. 0.5 for "≥ 50 % of raw AES-256-CTR"). */
  atLeast: Type.Optional(NonNeg),
};
export const BenchRatioSchema = Type.Object(benchRatioProperties);
export type BenchRatio = Static<typeof BenchRatioSchema>;

export const TaskResultSchema = Type.Object(
  {
    name: Type.String(),
    /** Reported units per second (see BenchSuite.scale), from `medianMs`. */
    throughput: NonNeg,
    /** Mean ms per call (one process: over its calls; several processes: mean of their means). */
    meanMs: NonNeg,
    /** Median ms per call (one process: over its calls; several: median of the per-process medians). */
    medianMs: Type.Optional(NonNeg),
    /**
     * Relative margin of error, in percent: in one process tinybench's 95 % rme of the
     * mean; over several processes the 95 % margin of the median measured BETWEEN the
     * processes (what the gate's noise really is; see bench/rounds.ts).
     */
    rmePercent: NonNeg,
    /** Timed calls (all processes together). */
    samples: Count,
    /** Per-call times in ms of one process (at most 200). */
    sampleMs: Type.Array(NonNeg),
    /** Median ms per call of each fresh process, in the order they ran (the gate's samples). */
    processMs: Type.Optional(Type.Array(NonNeg)),
  },
  { additionalProperties: false },
);
export type TaskResult = Static<typeof TaskResultSchema>;

export const SuiteResultSchema = Type.Object(
  {
    name: Type.String(),
    // The schema accepts any string (an older report may carry another unit); the type is the list.
    unit: Type.Unsafe<BenchmarkUnit>(Type.String()),
    tasks: Type.Array(TaskResultSchema),
    ratios: Type.Array(
      Type.Object(
        {
          ...benchRatioProperties,
          value: NonNeg,
          pass: Type.Optional(Type.Boolean()),
          /** Smallest and largest per-process value. */
          range: Type.Optional(Type.Tuple([NonNeg, NonNeg])),
          processValues: Type.Optional(Type.Array(NonNeg)),
        },
        { additionalProperties: false },
      ),
    ),
  },
  { additionalProperties: false },
);
export type SuiteResult = Static<typeof SuiteResultSchema>;

/** How tasks are timed; recorded in the report so the gate compares only like with like. */
export const RunnerSettingsSchema = Type.Object(
  {
    /** Minimum measuring time per task and process, ms (of `clock`). */
    time: NonNeg,
    /** Minimum timed calls per task and process. */
    iterations: Count,
    /** Minimum warm-up time per task and process, ms. */
    warmupTime: NonNeg,
    /** Minimum warm-up calls per task and process. */
    warmupIterations: Count,
    clock: Clock,
  },
  { additionalProperties: false },
);
export type RunnerSettings = Static<typeof RunnerSettingsSchema>;

/** Instructions per call of the hot kernels under valgrind's callgrind (bench/icount.ts), or why none were counted. */
export const IcountSectionSchema = Type.Object(
  {
    /** Why no counts were taken (e.g. valgrind absent); the other fields are then absent. */
    skipped: Type.Optional(Type.String({ minLength: 1 })),
    tool: Type.Optional(Type.Literal('callgrind')),
    /** `valgrind --version`, e.g. 'valgrind-3.19.0'. */
    valgrind: Type.Optional(Type.String()),
    /** process.version of the counted process. */
    node: Type.Optional(Type.String()),
    /** The counted process's heap set-up (bench/icount-heap.ts) and fixed V8 seeds (bench/icount.ts); counts from different set-ups are not compared. */
    heap: Type.Optional(Type.String()),
    /** What `instructions` count (bench/icount.ts ICOUNT_COUNTED); counts that say otherwise, or nothing, are not compared. */
    counted: Type.Optional(Type.String()),
    /**
     * Instructions of one call of each kernel ('suite/task') less V8's just-in-time work in it
     * (`jitInstructions`, reported beside), and how many V8's garbage collector executed in that
     * call (its own functions; 0 when the heap set-up works).
     */
    kernels: Type.Optional(
      Type.Array(
        Type.Object(
          {
            name: Type.String(),
            instructions: Type.Integer({ minimum: 0 }),
            gcInstructions: Type.Optional(Type.Integer({ minimum: 0 })),
            jitInstructions: Type.Optional(Type.Integer({ minimum: 0 })),
            /** Calls measured after the warm-up; the counted one is the first steady one, or their median (bench/icount-kernels.ts). */
            calls: Type.Optional(Type.Integer({ minimum: 1 })),
            selection: Type.Optional(Type.Union([Type.Literal('steady'), Type.Literal('median')])),
          },
          { additionalProperties: false },
        ),
      ),
    ),
  },
  { additionalProperties: false },
);
export type IcountSection = Static<typeof IcountSectionSchema>;
