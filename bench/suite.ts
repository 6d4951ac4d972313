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
import type { BenchmarkUnit, BenchRatio, RunnerSettings, SuiteResult, TaskResult } from '../src/report/benchmark-result.ts';

export interface BenchTask {
  name: string;
  /** One call of the measured work. */
  fn: () => unknown | Promise<unknown>;
  /** Work units one call does (bits, bytes, samples, events, cells). */
  unitsPerCall: number;
}

export interface BenchSuite {
  name: string;
  unit: BenchmarkUnit;
  /** Units per reported unit (1e6 for Mbit/s and Msamples/s, 2**20 for MiB/s, 1 for ops/s). */
  scale: number;
  /** Build inputs before timing (not measured). `quick` asks for smaller inputs. */
  setup?: (opts: { quick: boolean }) => Promise<void> | void;
  /** Tasks; a function so setup can decide them. */
  tasks: (opts: { quick: boolean }) => BenchTask[];
  ratios?: BenchRatio[];
}

/**
 * The runner's settings. Each process measures every task briefly: the gate's
 * samples are the per-process medians (between-process variation is what moves a
 * task ~2x; more calls in one process would not shrink it), so rounds of fresh
 * processes, not long runs, buy precision.
 */
export function runnerSettings(quick: boolean): RunnerSettings {
  return quick
    ? { time: 40, iterations: 2, warmupTime: 10, warmupIterations: 1, clock: 'cpu' }
    : { time: 300, iterations: 5, warmupTime: 50, warmupIterations: 3, clock: 'cpu' };
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

/**
 * `ENTROPY_BENCH_SLOWDOWN='suite/task=1.1[,suite/task=1.5]'` makes those tasks that
 * many times slower (after each call, spin for (factor − 1) × the call's CPU time).
 * It exists to measure the gate's power (README "Gate"); never set in CI. A task name
 * may itself contain commas ('matrix/design-matrix cells (quick, shard 1/6, simulation only, 1 thread)'), so
 * an entry ends at the comma after its `=factor`, not at any comma.
 */
export function plantedSlowdowns(env = process.env.ENTROPY_BENCH_SLOWDOWN): Map<string, number> {
  const out = new Map<string, number>();
  const text = (env ?? '').trim();
  const entry = /\s*([^=]*?)\s*=\s*([^,]*?)\s*(?:,|$)/y;
  while (entry.lastIndex < text.length) {
    const start = entry.lastIndex;
    const m = entry.exec(text);
    const factor = m ? Number(m[2]) : NaN;
    if (!m || !m[1] || !m[2] || !(factor >= 1)) {
      const part = text.slice(start).split(',')[0]!.trim();
      throw new Error(`ENTROPY_BENCH_SLOWDOWN: expected suite/task=factor (factor ≥ 1), found '${part}'`);
    }
    out.set(m[1], factor);
  }
  return out;
}

function slowed(fn: () => unknown, factor: number): () => unknown {
  return () => {
    const t = cpuNow();
    const r = fn();
    const until = cpuNow() + (cpuNow() - t) * (factor - 1);
    while (cpuNow() < until) {
      // spin: CPU time is what the runner measures
    }
    return r;
  };
}

/** Runs one suite with tinybench (timed by `cpuNow`) in this process and returns its figures as data. */
export async function runSuite(
  suite: BenchSuite,
  opts: { quick?: boolean; settings?: RunnerSettings; onTask?: (name: string) => void } = {},
): Promise<SuiteResult> {
  const quick = opts.quick ?? false;
  const settings = opts.settings ?? runnerSettings(quick);
  await suite.setup?.({ quick });
  const tasks = suite.tasks({ quick });
  // tinybench warms up until BOTH warmupTime and warmupIterations are reached, and
  // measures until both `time` and `iterations` are: for tasks that take a second
  // per call the iteration minimums, not the times, set the cost.
  const bench = new Bench({
    time: settings.time,
    iterations: settings.iterations,
    warmupTime: settings.warmupTime,
    warmupIterations: settings.warmupIterations,
    retainSamples: true,
    ...(settings.clock === 'cpu' ? { now: cpuNow } : {}),
  });
  const slow = plantedSlowdowns();
  for (const t of tasks) {
    const factor = slow.get(`${suite.name}/${t.name}`);
    bench.add(t.name, factor !== undefined ? slowed(t.fn as () => unknown, factor) : t.fn);
  }
  bench.addEventListener('cycle', (ev) => {
    const name = (ev as unknown as { task?: { name: string } }).task?.name;
    if (name !== undefined) opts.onTask?.(name);
  });
  await bench.run();
  const results: TaskResult[] = tasks.map((t) => {
    const task = bench.getTask(t.name);
    const r = task?.result as
      | { latency?: { mean: number; p50?: number; rme: number; samplesCount: number; samples?: readonly number[] } }
      | undefined;
    const lat = r?.latency;
    if (!lat || !(lat.mean > 0)) throw new Error(`bench ${suite.name}/${t.name}: no result (did the task throw?)`);
    const medianMs = lat.p50 !== undefined && lat.p50 > 0 ? lat.p50 : lat.mean;
    return {
      name: t.name,
      throughput: t.unitsPerCall / (medianMs / 1000) / suite.scale,
      meanMs: lat.mean,
      medianMs,
      rmePercent: lat.rme,
      samples: lat.samplesCount,
      sampleMs: (lat.samples ?? []).slice(0, 200),
    };
  });
  return { name: suite.name, unit: suite.unit, tasks: results, ratios: await pairedRatios(suite, tasks, results, settings) };
}

/** Minimum time (ms of the runner's clock) spent on the pairs of a ratio that carries a bar. */
const BAR_PAIRS_MS = 200;

/**
 * Each declared ratio measured as pairs: one call of the numerator, one of the
 * denominator (order alternating), timed back to back, repeated for ≥ `time` ms
 * and ≥ 5 pairs; the ratio is the median over pairs. Measuring the two tasks
 * seconds apart (as the suite run does) lets a burst of load on the machine land on
 * one of them only: per-process ratios then scattered 0.4–1.5 on a loaded 2-core
 * machine. Back-to-back pairs see the same load.
 */
async function pairedRatios(suite: BenchSuite, tasks: BenchTask[], measured: TaskResult[], settings: RunnerSettings): Promise<SuiteResult['ratios']> {
  const now = settings.clock === 'cpu' ? cpuNow : () => performance.now();
  const byName = new Map(tasks.map((t) => [t.name, t]));
  const out: SuiteResult['ratios'] = [];
  for (const q of suite.ratios ?? []) {
    const a = byName.get(q.numerator);
    const b = byName.get(q.denominator);
    if (!a || !b) throw new Error(`bench ${suite.name}: ratio ${q.name} names an unknown task`);
    // Batches of calls of ≥ ~1 ms, so the clock's µs resolution does not quantise the ratio.
    const batch = (t: BenchTask) => Math.max(1, Math.ceil(1 / (measured.find((r) => r.name === t.name)!.medianMs ?? 1)));
    const [na, nb] = [batch(a), batch(b)];
    const time = async (t: BenchTask, n: number) => {
      const t0 = now();
      for (let k = 0; k < n; k++) await t.fn();
      return (now() - t0) / n;
    };
    await time(a, na);
    await time(b, nb);
    const ratios: number[] = [];
    const start = now();
    // A bar is judged from these pairs (src/report/bar.ts), so it gets more of them.
    const span = q.atLeast !== undefined ? Math.max(settings.time, BAR_PAIRS_MS) : settings.time;
    for (let i = 0; i < 5 || now() - start < span; i++) {
      let ta: number;
      let tb: number;
      if (i % 2 === 0) {
        ta = await time(a, na);
        tb = await time(b, nb);
      } else {
        tb = await time(b, nb);
        ta = await time(a, na);
      }
      if (ta > 0 && tb > 0) ratios.push((a.unitsPerCall / ta) / (b.unitsPerCall / tb));
    }
    ratios.sort((x, y) => x - y);
    const value = ratios.length % 2 ? ratios[(ratios.length - 1) / 2]! : (ratios[ratios.length / 2 - 1]! + ratios[ratios.length / 2]!) / 2;
    out.push({ ...q, value, ...(q.atLeast !== undefined ? { pass: value >= q.atLeast } : {}) });
  }
  return out;
}
