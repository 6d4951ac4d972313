/**
 * Runs the SP 800-90B §5.1 permutation tests: the statistics of the data, then shuffles
 * until every statistic is settled or `shuffles` rounds have run (10,000 as in ea_iid).
 *
 * Determinism: round i shuffles the original data with a generator seeded from (seed, i)
 * (shuffle.ts), and rounds are counted strictly in round order, so the result depends only
 * on (data, seed, shuffles), never on `jobs` or on thread scheduling. With jobs > 1, rounds
 * are computed in small batches on piscina worker threads; each batch computes the
 * statistics still open when it was sent (a superset of those open at its rounds, since
 * statistics only ever close), and the results are merged in round order. Batches beyond
 * the round where everything settled are cancelled when the pool is destroyed.
 *
 * With worker threads, this thread's serial work is kept short: the pool starts before the
 * original's statistics are computed (its threads boot meanwhile), and the first
 * MIN_SETTLE_ROUNDS rounds, which are always counted, are sent at once. The chi-square and
 * LRS tests (`sideTests`) go to the pool as a task of their own, sent first: one thread runs
 * them while the other computes rounds. (Run here instead, they kept this thread from
 * merging and sending rounds for their 1.3 s at 10^6 samples, and the workers waited.)
 */
import { startWorkerPool, type WorkerPool } from '../../workers/pool.ts';
import { roundGenerator, shuffleInPlace } from './shuffle.ts';
import {
  COMPRESSION,
  MIN_SETTLE_ROUNDS,
  NUM_STATISTICS,
  PermutationRanking,
  createStatisticsComputer,
  type PermutationInput,
  type PermutationStatisticResult,
} from './permutation.ts';
import type { PermutationTask, SideTestsTask } from './permutation-worker.ts';
import { iidSideTests, type IidSideTests } from './side-tests.ts';

export interface PermutationOptions {
  seed?: number;
  /** Maximum permutation rounds (default 10,000, the standard's count). */
  shuffles?: number;
  /** Worker threads (default 1 = in this thread). */
  jobs?: number;
  /** Called as rounds are counted (done so far, maximum); results do not depend on it. */
  onProgress?: (done: number, shuffles: number) => void;
  /**
   * Also run the chi-square and LRS tests (./side-tests.ts), independent of the rounds: in this
   * thread before the rounds with one job, else as a task of the worker pool.
   */
  sideTests?: boolean;
}

export interface PermutationTestsResult {
  statistics: PermutationStatisticResult[];
  /** Rounds counted before every statistic settled (≤ shuffles). */
  rounds: number;
  shuffles: number;
  seed: number;
  pass: boolean;
}

export const DEFAULT_SHUFFLES = 10_000;
export const DEFAULT_SEED = 0x5eed5;
const BATCH = 4;

let jobCounter = 0;

export async function runPermutationTests(
  input: PermutationInput,
  opts: PermutationOptions = {},
): Promise<PermutationTestsResult & { sideTests?: IidSideTests }> {
  const seed = (opts.seed ?? DEFAULT_SEED) >>> 0;
  const shuffles = opts.shuffles ?? DEFAULT_SHUFFLES;
  const jobs = Math.max(1, Math.floor(opts.jobs ?? 1));
  const pooled = jobs > 1 && shuffles > BATCH;
  // Started first, so that the threads boot while this one computes the original's statistics.
  const starting = pooled ? startWorkerPool('iid-permutation-worker', jobs) : undefined;
  starting?.catch(() => undefined); // awaited below; a failure before that must not go unhandled
  const sideTask: SideTestsTask = { sideTests: { symbols: input.symbols, k: input.k } };
  const side = opts.sideTests && starting ? starting.then(({ pool }) => pool.run(sideTask) as Promise<IidSideTests>) : undefined;
  side?.catch(() => undefined); // awaited after the rounds
  try {
    const computer = await createStatisticsComputer(input);
    const original = new Float64Array(NUM_STATISTICS);
    computer.compute(input.symbols, new Uint8Array(NUM_STATISTICS).fill(1), original);
    const ranking = new PermutationRanking(original);
    computer.rankAgainst(original[COMPRESSION]!);

    let sideTests: IidSideTests | undefined;
    if (starting === undefined) {
      if (opts.sideTests) sideTests = iidSideTests(input.symbols, input.k);
      const work = new Uint8Array(input.symbols.length);
      const tp = new Float64Array(NUM_STATISTICS);
      for (let round = 0; round < shuffles && !ranking.settled; round++) {
        work.set(input.symbols);
        shuffleInPlace(work, roundGenerator(seed, round));
        tp.fill(Number.NaN);
        computer.compute(work, ranking.open, tp);
        ranking.add(tp);
        opts.onProgress?.(round + 1, shuffles);
      }
    } else {
      await runOnWorkers(input, ranking, seed, shuffles, jobs, await starting, opts);
      sideTests = await side;
    }
    const statistics = ranking.results();
    return { statistics, rounds: ranking.rounds, shuffles, seed, pass: statistics.every((s) => s.pass), ...(sideTests ? { sideTests } : {}) };
  } finally {
    const workers = await starting?.catch(() => undefined);
    await workers?.close();
  }
}

async function runOnWorkers(
  input: PermutationInput,
  ranking: PermutationRanking,
  seed: number,
  shuffles: number,
  jobs: number,
  workers: WorkerPool,
  opts: PermutationOptions,
): Promise<void> {
  const shared = new Uint8Array(new SharedArrayBuffer(input.symbols.length));
  shared.set(input.symbols);
  const { pool } = workers;
  // When the ranking settles early, pool.destroy() drops batches still in flight; a worker
  // that finishes one of them afterwards makes piscina emit 'error' ("Unexpected message
  // from Worker"), which would end the process. Only errors before that point count.
  let closing = false;
  let poolError: unknown = null;
  pool.on('error', (e: unknown) => {
    if (!closing && poolError === null) poolError = e;
  });
  const jobKey = `${process.pid}-${++jobCounter}`;
  const pending = new Map<number, Promise<Float64Array>>();
  let nextStart = 0;
  let merged = 0;
  const send = (): void => {
    // While the compression statistic (a bzip2 run of ~3.5 MB of text per round at 10^6
    // samples, ~25 times the other statistics together) is open, one round per batch: a batch
    // computes what was open when it was sent, so rounds queued past the one where it settles
    // would each pay for a compression nobody reads.
    const count = Math.min(ranking.open[COMPRESSION]! ? 1 : BATCH, shuffles - nextStart);
    const task: PermutationTask = {
      jobKey,
      symbols: shared,
      values: input.values,
      k: input.k,
      rawMean: input.rawMean,
      median: input.median,
      seed,
      start: nextStart,
      count,
      need: Uint8Array.from(ranking.open),
      compressionOriginal: ranking.original[COMPRESSION]!,
    };
    const p = pool.run(task) as Promise<Float64Array>;
    // Batches still in flight when everything has settled (or a batch failed) are rejected
    // by pool.destroy(); nobody awaits them, so mark them handled.
    p.catch(() => undefined);
    pending.set(nextStart, p);
    nextStart += count;
  };
  try {
    // Keep every thread busy with one batch queued behind it (none queued while compression
    // is open), and the rounds that are always counted sent at once.
    while (merged < shuffles && !ranking.settled) {
      while (nextStart < shuffles && (nextStart < MIN_SETTLE_ROUNDS || pending.size < (ranking.open[COMPRESSION]! ? jobs : 2 * jobs))) send();
      const batch = pending.get(merged);
      if (!batch) break;
      const stats = await batch;
      pending.delete(merged);
      const count = stats.length / NUM_STATISTICS;
      for (let r = 0; r < count && !ranking.settled; r++) {
        ranking.add(stats.subarray(r * NUM_STATISTICS, (r + 1) * NUM_STATISTICS));
      }
      merged += count;
      opts.onProgress?.(merged, shuffles);
    }
  } finally {
    closing = true;
  }
  if (poolError !== null) throw poolError;
}
