/**
 * The contract every benchmark suite in bench/ follows (tinybench style: a
 * list of tasks plus the unit it reports; results are data, nothing prints).
 *
 * A suite file (bench/sts.ts, bench/entropy.ts, bench/drbg.ts, bench/smm.ts,
 * bench/sim.ts, ...) exports `suite: BenchSuite`. bench/main.ts runs them all
 * with `runSuite` and puts the results in the report's wall-clock section.
 *
 * Throughput = unitsPerCall / mean seconds per call / scale; e.g. a battery
 * task on a 1,000,000-bit stream has unitsPerCall 1e6 and the suite's unit is
 * Mbit/s with scale 1e6.
 */
import { Bench } from 'tinybench';

export interface BenchTask {
  name: string;
  /** One call of the measured work. */
  fn: () => unknown | Promise<unknown>;
  /** Work units one call does (bits, bytes, samples, events, cells). */
  unitsPerCall: number;
}

/** A ratio the suite reports and may gate: throughput(numerator) / throughput(denominator). */
export interface BenchRatio {
  name: string;
  numerator: string;
  denominator: string;
  /** The bar, when there is one (e.g. 0.5 for "≥ 50 % of raw AES-256-CTR"). */
  atLeast?: number;
}

export interface BenchSuite {
  name: string;
  unit: 'Mbit/s' | 'MB/s' | 'MiB/s' | 'samples/s' | 'Msamples/s' | 'events/s' | 'cells/s' | 'ops/s';
  /** Units per reported unit (1e6 for Mbit/s and Msamples/s, 2**20 for MiB/s, 1 for ops/s). */
  scale: number;
  /** Build inputs before timing (not measured). `quick` asks for smaller inputs. */
  setup?: (opts: { quick: boolean }) => Promise<void> | void;
  /** Tasks; a function so setup can decide them. */
  tasks: (opts: { quick: boolean }) => BenchTask[];
  ratios?: BenchRatio[];
}

export interface TaskResult {
  name: string;
  /** Reported units per second (see BenchSuite.scale). */
  throughput: number;
  meanMs: number;
  /** Relative margin of error of the mean, in percent (tinybench's rme). */
  rmePercent: number;
  samples: number;
  /** Per-call times in ms (kept for the gate's noise model). */
  sampleMs: number[];
}

export interface SuiteResult {
  name: string;
  unit: BenchSuite['unit'];
  tasks: TaskResult[];
  ratios: Array<BenchRatio & { value: number; pass?: boolean }>;
}

/**
 * Process CPU time in ms. Suites are timed with it rather than the wall clock:
 * on a shared 2-core machine other processes preempt ours, which stretches long
 * tasks more than short ones and so distorts the very ratios the gate compares;
 * CPU time does not count the time we were not running.
 */
export function cpuNow(): number {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
}

/** Runs one suite with tinybench (timed by `cpuNow`) and returns its figures as data. */
export async function runSuite(
  suite: BenchSuite,
  opts: { quick?: boolean; timeMs?: number; onTask?: (name: string) => void } = {},
): Promise<SuiteResult> {
  const quick = opts.quick ?? false;
  await suite.setup?.({ quick });
  const tasks = suite.tasks({ quick });
  // tinybench warms up until BOTH warmupTime and warmupIterations (default 16) are
  // reached, and measures until both `time` and `iterations` are: for tasks that
  // take a second per call the iteration minimums, not the times, set the cost, so
  // they are set explicitly (a few warm-up calls are enough for V8 to optimise).
  const bench = new Bench({
    time: opts.timeMs ?? (quick ? 150 : 600),
    iterations: quick ? 3 : 5,
    warmupTime: quick ? 20 : 100,
    warmupIterations: quick ? 2 : 3,
    retainSamples: true,
    now: cpuNow,
  });
  for (const t of tasks) bench.add(t.name, t.fn);
  bench.addEventListener('cycle', (ev) => {
    const name = (ev as unknown as { task?: { name: string } }).task?.name;
    if (name !== undefined) opts.onTask?.(name);
  });
  await bench.run();
  const results: TaskResult[] = tasks.map((t) => {
    const task = bench.getTask(t.name);
    const r = task?.result as
      | { latency?: { mean: number; rme: number; samplesCount: number; samples?: readonly number[] } }
      | undefined;
    const lat = r?.latency;
    if (!lat || !(lat.mean > 0)) throw new Error(`bench ${suite.name}/${t.name}: no result (did the task throw?)`);
    return {
      name: t.name,
      throughput: t.unitsPerCall / (lat.mean / 1000) / suite.scale,
      meanMs: lat.mean,
      rmePercent: lat.rme,
      samples: lat.samplesCount,
      sampleMs: (lat.samples ?? []).slice(0, 200),
    };
  });
  const byName = new Map(results.map((r) => [r.name, r]));
  const ratios = (suite.ratios ?? []).map((q) => {
    const a = byName.get(q.numerator);
    const b = byName.get(q.denominator);
    if (!a || !b) throw new Error(`bench ${suite.name}: ratio ${q.name} names an unknown task`);
    const value = a.throughput / b.throughput;
    return { ...q, value, ...(q.atLeast !== undefined ? { pass: value >= q.atLeast } : {}) };
  });
  return { name: suite.name, unit: suite.unit, tasks: results, ratios };
}
