/**
 * Runs a chosen set of SP 800-22 tests over one or many streams.
 *
 * `--streams K` semantics (as sts-2.1.2's "number of bitstreams"): the input is
 * split into K consecutive sequences of n bits each; every test runs on every
 * stream. Streams are processed one at a time (a stream's bits are copied once,
 * n/8 bytes, and shared by all its tests; only results are kept), so memory is
 * O(n) plus the results, whatever K is.
 *
 * With jobs > 1 the streams are shared between this thread and jobs − 1 piscina
 * worker threads (the worker file is TypeScript, loaded with `--import tsx`);
 * each thread keeps its own FFT plan. Results do not depend on `jobs`.
 */
import { BitSequence } from '../bits/bit-sequence.ts';
import { InputError } from '../errors.ts';
import { STS_REGISTRY, testSpec, type TestParams } from './registry.ts';
import type { StsTestName, TestResult } from './types.ts';

export interface BatteryOptions {
  /** Bits per stream. */
  n: number;
  /** Number of consecutive streams (default 1). */
  streams?: number;
  /** Tests to run (default: all 15, in the reference's order). */
  tests?: readonly StsTestName[];
  /** Parameters per test (missing keys take the reference's defaults). */
  params?: Partial<Record<StsTestName, TestParams>>;
  /** Worker threads (default 1 = run on this thread). */
  jobs?: number;
  /** Called after each stream completes, with the number done so far. */
  onProgress?: (done: number, total: number) => void;
}

export interface StreamResult {
  /** 0-based stream index. */
  stream: number;
  /** First bit of the stream in the input. */
  offset: number;
  n: number;
  /** One result per test, in the order of `tests`. */
  results: TestResult[];
}

/** Runs `tests` on one sequence (synchronously, on this thread). */
export function runTests(bits: BitSequence, tests: readonly StsTestName[], params: Partial<Record<StsTestName, TestParams>> = {}): TestResult[] {
  return tests.map((name) => testSpec(name).run(bits, params[name] ?? {}));
}

/** The task a worker receives: one stream's words (transferred, not copied). */
export interface StreamTask {
  words: Uint32Array;
  n: number;
  tests: StsTestName[];
  params: Partial<Record<StsTestName, TestParams>>;
}

function yieldToEventLoop(): Promise<void> {
  return new Promise<void>((r) => setImmediate(r));
}

/** What a worker sends back: the results, or the message of an InputError. */
export type WorkerReply = { results: TestResult[] } | { inputError: string };

function checkOptions(bits: BitSequence, opts: BatteryOptions): { n: number; K: number; tests: StsTestName[] } {
  const K = opts.streams ?? 1;
  const n = opts.n;
  if (!Number.isInteger(n) || n < 1) throw new RangeError(`runBattery: n must be a positive integer, got ${n}`);
  if (!Number.isInteger(K) || K < 1) throw new RangeError(`runBattery: streams must be a positive integer, got ${K}`);
  if (n * K > bits.length) throw new RangeError(`runBattery: ${K} streams of ${n} bits need ${n * K} bits, the input has ${bits.length}`);
  return { n, K, tests: [...(opts.tests ?? STS_REGISTRY.map((t) => t.name))] };
}

/** Runs the battery over `streams` consecutive n-bit streams of `bits`. */
export async function runBattery(bits: BitSequence, opts: BatteryOptions): Promise<StreamResult[]> {
  const { n, K, tests } = checkOptions(bits, opts);
  const params = opts.params ?? {};
  const jobs = Math.max(1, Math.min(opts.jobs ?? 1, K));
  const out: StreamResult[] = new Array(K);
  let done = 0;
  if (jobs === 1) {
    for (let s = 0; s < K; s++) {
      const stream = K === 1 && n === bits.length ? bits : bits.slice(s * n, n);
      out[s] = { stream: s, offset: s * n, n, results: runTests(stream, tests, params) };
      opts.onProgress?.(++done, K);
      // Yield between streams so progress output and signals get through.
      if (K > 1) await yieldToEventLoop();
    }
    return out;
  }
  // The calling thread is one of the `jobs` threads (it would only wait otherwise): jobs − 1
  // piscina workers, which saves one worker's start-up and memory (~45 MB with tsx).
  const { Piscina } = await import('piscina');
  const workers = jobs - 1;
  const pool = new Piscina({
    filename: new URL('./battery-worker.ts', import.meta.url).href,
    execArgv: ['--import', 'tsx'],
    minThreads: workers,
    maxThreads: workers,
    // Two streams queued per worker: it starts the second while this thread, busy with
    // its own stream, has not yet handled the first reply.
    concurrentTasksPerWorker: 2,
    // A small young generation: the tests allocate little that survives a stream, and the
    // default (up to 48 MB of semi-spaces per thread) would dominate the worker's footprint.
    resourceLimits: { maxYoungGenerationSizeMb: 8 },
  });
  let next = 0;
  const feed = async (): Promise<void> => {
    while (next < K) {
      const s = next++;
      const words = bits.slice(s * n, n).words;
      const task: StreamTask = { words, n, tests, params };
      const reply = (await pool.run(task, { transferList: [words.buffer as ArrayBuffer] })) as WorkerReply;
      // User errors stay user errors (exit 2) across the thread boundary.
      if ('inputError' in reply) throw new InputError(reply.inputError);
      out[s] = { stream: s, offset: s * n, n, results: reply.results };
      opts.onProgress?.(++done, K);
    }
  };
  const local = async (): Promise<void> => {
    await yieldToEventLoop(); // let the feeders hand out the first streams
    while (next < K) {
      const s = next++;
      out[s] = { stream: s, offset: s * n, n, results: runTests(bits.slice(s * n, n), tests, params) };
      opts.onProgress?.(++done, K);
      await yieldToEventLoop(); // worker replies and new dispatches happen here
    }
  };
  try {
    await Promise.all([local(), ...Array.from({ length: 2 * workers }, feed)]);
  } finally {
    await pool.destroy();
  }
  return out;
}
