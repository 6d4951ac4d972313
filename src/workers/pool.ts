/**
 * The one place a piscina worker pool is started and torn down: the STS
 * battery's stream workers (../sts/battery.ts), the SP 800-90B IID permutation
 * shuffles (../entropy/iid/permutation-runner.ts) and the scenario cells
 * (../scenario/run.ts).
 *
 * What they share: piscina is imported only when a pool is wanted (a run with
 * --jobs 1 never loads it); the worker's code is the compiled dist/<name>.js or,
 * in the TypeScript tree, the source through tsx, or with `bundle` the source
 * bundled to plain JavaScript (./worker-code.ts: faster worker start); the pool
 * has a fixed number of threads (min = max: every caller keeps them all busy
 * from the start); `close()` destroys the pool and removes a temporary bundle.
 * How many threads each wants from --jobs is the caller's: the battery's own
 * thread tests too (jobs − 1), the shuffles use jobs, the cells at most one
 * thread per cell.
 */
import type { Piscina } from 'piscina';
import { setFlagsFromString } from 'node:v8';
import type { WorkerName } from '../entry-points.ts';
import { bundledWorkerCode, tsxWorkerCode } from './worker-code.ts';

export interface WorkerPoolOptions {
  /** Run the worker bundled to plain JavaScript in the TypeScript tree (./worker-code.ts); compiled, there is nothing to bundle. */
  bundle?: boolean;
  /** piscina's tasks in flight per thread (default 1). */
  concurrentTasksPerWorker?: number;
  /** Limits of each worker thread's V8 heap. */
  resourceLimits?: { maxYoungGenerationSizeMb?: number; maxOldGenerationSizeMb?: number };
}

export interface WorkerPool {
  /** The piscina pool: `run` tasks, listen for 'error'. */
  readonly pool: Piscina;
  /** Destroys the pool (tasks still in flight are rejected) and removes a temporary bundle. */
  close(): Promise<void>;
}

/**
 * V8 flag for the worker threads' isolates: optimised code is compiled on the thread that runs
 * it, not on V8's background compiler threads. A pool keeps every core busy, and those
 * background compiles then competed with the workers for the cores. Measured on 2 cores with
 * 10^6 8-bit samples, `estimate --iid --jobs 2 --shuffles 40`: 9.44 → 8.29 s wall, 17.4 → 15.2 s
 * CPU (median of 3). V8 reads the flag when an isolate starts, so it reaches the workers started
 * after it is set and leaves this thread's isolate (already running) as it was. Node.js takes
 * no V8 options in a worker's execArgv, hence the process-wide setter.
 */
const WORKER_V8_FLAGS = '--no-concurrent-recompilation';

/** Starts `threads` worker threads running worker `name`. */
export async function startWorkerPool(name: WorkerName, threads: number, opts: WorkerPoolOptions = {}): Promise<WorkerPool> {
  setFlagsFromString(WORKER_V8_FLAGS);
  const [{ Piscina }, code] = await Promise.all([import('piscina'), opts.bundle === true ? bundledWorkerCode(name) : tsxWorkerCode(name)]);
  let pool: Piscina;
  try {
    pool = new Piscina({
      filename: code.filename,
      execArgv: code.execArgv,
      minThreads: threads,
      maxThreads: threads,
      ...(opts.concurrentTasksPerWorker !== undefined ? { concurrentTasksPerWorker: opts.concurrentTasksPerWorker } : {}),
      ...(opts.resourceLimits !== undefined ? { resourceLimits: opts.resourceLimits } : {}),
    });
  } catch (e) {
    code.dispose();
    throw e;
  }
  return {
    pool,
    async close() {
      try {
        await pool.destroy();
      } finally {
        code.dispose();
      }
    },
  };
}
