/**
 * Worker-thread tasks for the SP 800-90B IID track (run by piscina, see
 * permutation-runner.ts): the statistics of a fixed range of §5.1 permutation rounds, or
 * the chi-square and LRS tests (./side-tests.ts) once per run. Round i's shuffle depends
 * only on (seed, i), so the answer does not depend on which worker runs it or when.
 */
import { roundGenerator, shuffleInPlace } from './shuffle.ts';
import { iidSideTests, type IidSideTests } from './side-tests.ts';
import { NUM_STATISTICS, createStatisticsComputer, type StatisticsComputer } from './permutation.ts';

export interface PermutationTask {
  /** Identifies the input so a worker builds its buffers once per input. */
  jobKey: string;
  /** The symbols in original order, in shared memory (not copied per task). */
  symbols: Uint8Array;
  values: number[];
  k: number;
  rawMean: number;
  median: number;
  seed: number;
  start: number;
  count: number;
  /** 1 for the statistics to compute (those still open when the task was sent). */
  need: Uint8Array;
  /** The original's compression statistic, which shuffles are ranked against. */
  compressionOriginal: number;
}

/** The chi-square and LRS tests of the symbols (in shared memory). */
export interface SideTestsTask {
  sideTests: { symbols: Uint8Array; k: number };
}

let cached: { key: string; computer: Promise<StatisticsComputer>; work: Uint8Array } | null = null;

/** A side-tests task's results, or count × 19 statistics, round by round (NaN where not computed). */
export default async function run(task: PermutationTask | SideTestsTask): Promise<Float64Array | IidSideTests> {
  if ('sideTests' in task) return iidSideTests(task.sideTests.symbols, task.sideTests.k);
  return runRounds(task);
}

async function runRounds(task: PermutationTask): Promise<Float64Array> {
  if (!cached || cached.key !== task.jobKey) {
    const { symbols, values, k, rawMean, median } = task;
    const computer = createStatisticsComputer({ symbols, values, k, rawMean, median }).then((c) => {
      c.rankAgainst(task.compressionOriginal);
      return c;
    });
    cached = { key: task.jobKey, computer, work: new Uint8Array(symbols.length) };
  }
  const computer = await cached.computer;
  const work = cached.work;
  const out = new Float64Array(task.count * NUM_STATISTICS).fill(Number.NaN);
  for (let r = 0; r < task.count; r++) {
    work.set(task.symbols);
    shuffleInPlace(work, roundGenerator(task.seed, task.start + r));
    computer.compute(work, task.need, out.subarray(r * NUM_STATISTICS, (r + 1) * NUM_STATISTICS));
  }
  return out;
}
