/**
 * What a benchmark run produces, as the report document records it (its wall-clock
 * `benchmarks` section): per suite, each task's throughput and timing samples, the suite's
 * ratios, the runner settings the gate compares like with like, and the hot kernels'
 * instruction counts. The producer is bench/
 * (bench/suite.ts runs the suites); the types live here, with the report that embeds them.
 */

/** The unit a suite reports its throughput in. */
export type BenchmarkUnit = 'Mbit/s' | 'MB/s' | 'MiB/s' | 'samples/s' | 'Msamples/s' | 'events/s' | 'cells/s' | 'ops/s';

/** A ratio the suite reports and may gate: throughput(numerator) / throughput(denominator). */
export interface BenchRatio {
  name: string;
  numerator: string;
  denominator: string;
  /** The bar, when there is one (e.g. 0.5 for "≥ 50 % of raw AES-256-CTR"). */
  atLeast?: number;
}

export interface TaskResult {
  name: string;
  /** Reported units per second (see BenchSuite.scale), from `medianMs`. */
  throughput: number;
  /** Mean ms per call (one process: over its calls; several processes: mean of their means). */
  meanMs: number;
  /** Median ms per call (one process: over its calls; several: median of the per-process medians). */
  medianMs?: number;
  /**
   * Relative margin of error, in percent: in one process tinybench's 95 % rme of the
   * mean; over several processes the 95 % margin of the median measured BETWEEN the
   * processes (what the gate's noise really is; see bench/rounds.ts).
   */
  rmePercent: number;
  /** Timed calls (all processes together). */
  samples: number;
  /** Per-call times in ms of one process (at most 200). */
  sampleMs: number[];
  /** Median ms per call of each fresh process, in the order they ran (the gate's samples). */
  processMs?: number[];
}

export interface SuiteResult {
  name: string;
  unit: BenchmarkUnit;
  tasks: TaskResult[];
  ratios: Array<BenchRatio & { value: number; pass?: boolean; range?: [number, number]; processValues?: number[] }>;
}

/** How tasks are timed; recorded in the report so the gate compares only like with like. */
export interface RunnerSettings {
  /** Minimum measuring time per task and process, ms (of `clock`). */
  time: number;
  /** Minimum timed calls per task and process. */
  iterations: number;
  /** Minimum warm-up time per task and process, ms. */
  warmupTime: number;
  /** Minimum warm-up calls per task and process. */
  warmupIterations: number;
  clock: 'cpu' | 'wall';
}

/** Instructions per call of the hot kernels under valgrind's callgrind (bench/icount.ts), or why none were counted. */
export interface IcountSection {
  /** Why no counts were taken (e.g. valgrind absent); the other fields are then absent. */
  skipped?: string;
  tool?: 'callgrind';
  /** `valgrind --version`, e.g. 'valgrind-3.19.0'. */
  valgrind?: string;
  /** process.version of the counted process. */
  node?: string;
  /** Instructions of one call of each kernel ('suite/task'). */
  kernels?: Array<{ name: string; instructions: number }>;
}
