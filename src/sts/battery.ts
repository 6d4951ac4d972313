/**
 * Runs a chosen set of SP 800-22 tests over one or many streams.
 *
 * `--streams K` semantics (as sts-2.1.2's "number of bitstreams"): the input is
 * split into K consecutive sequences of n bits each; every test runs on every
 * stream. Streams are read one at a time into a reused buffer (n/8 bytes,
 * shared by all its tests; only results are kept), so memory is O(n) plus the
 * results, whatever K is; a StreamSource reads them from a file on demand.
 * With `onResult` not even the results are kept: each is handed over, in
 * stream order, as soon as it and every earlier stream are done.
 *
 * With jobs > 1 the streams are shared between this thread and jobs − 1 piscina
 * worker threads (started once per run; the worker code is bundled to plain
 * JavaScript, ../workers/worker-code.ts, the pool ../workers/pool.ts); a worker reads its stream from a
 * SharedArrayBuffer that this thread fills. Each thread keeps its own FFT
 * plan (its tables are small; its one work buffer is n/2 complex doubles). Results do not depend on `jobs`.
 */
import { BitSequence } from '../bits/bit-sequence.ts';
import { InputError } from '../errors.ts';
import { STS_REGISTRY, testSpec, type TestParams } from './registry.ts';
import { memorySource, type StreamSource } from '../bits/stream-source.ts';
import { startWorkerPool, type WorkerPool } from '../workers/pool.ts';
import type { StsTestName, TestResult } from './types.ts';
import { releasePatternCounts, SERIAL_DEFAULT_M, sharePatternCounts, SHARED_PATTERN_BITS } from './serial.ts';
import { APEN_DEFAULT_M } from './approximate-entropy.ts';

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
  /**
   * Receives each stream's result in stream order (0, 1, ...); runBattery then
   * keeps none of them and returns an empty array. A result that finishes
   * before an earlier one (jobs > 1) waits for it.
   */
  onResult?: (result: StreamResult) => void;
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
  // Serial and ApproximateEntropy count the same circular patterns: once, at the wider length.
  const width = sharedPatternWidth(bits.length, tests, params);
  if (width === 0) return tests.map((name) => testSpec(name).run(bits, params[name] ?? {}));
  sharePatternCounts(bits, width);
  try {
    return tests.map((name) => testSpec(name).run(bits, params[name] ?? {}));
  } finally {
    releasePatternCounts();
  }
}

/** The pattern length Serial and ApproximateEntropy can share on this stream, or 0 (not both run, or too wide, or n too short). */
function sharedPatternWidth(n: number, tests: readonly StsTestName[], params: Partial<Record<StsTestName, TestParams>>): number {
  if (!tests.includes('Serial') || !tests.includes('ApproximateEntropy')) return 0;
  const serialM = params.Serial?.m ?? SERIAL_DEFAULT_M;
  const apenM = params.ApproximateEntropy?.m ?? APEN_DEFAULT_M;
  if (typeof serialM !== 'number' || typeof apenM !== 'number') return 0;
  const width = Math.max(serialM, apenM + 1);
  // The tests check their own m (and say what is wrong); share only what both would count.
  return Number.isInteger(width) && width >= 2 && width <= SHARED_PATTERN_BITS && width <= n ? width : 0;
}

/** The task a worker receives: one stream's words, in a SharedArrayBuffer the sender reuses (shared, not copied). */
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

function checkOptions(length: number, opts: BatteryOptions): { n: number; K: number; tests: StsTestName[] } {
  const K = opts.streams ?? 1;
  const n = opts.n;
  if (!Number.isInteger(n) || n < 1) throw new RangeError(`runBattery: n must be a positive integer, got ${n}`);
  if (!Number.isInteger(K) || K < 1) throw new RangeError(`runBattery: streams must be a positive integer, got ${K}`);
  if (n * K > length) throw new RangeError(`runBattery: ${K} streams of ${n} bits need ${n * K} bits, the input has ${length}`);
  return { n, K, tests: [...(opts.tests ?? STS_REGISTRY.map((t) => t.name))] };
}

/**
 * Runs the battery over `streams` consecutive n-bit streams of `input`: a
 * sequence in memory or a StreamSource (e.g. a binary file read one stream at
 * a time, ../bits/stream-source.ts).
 */
export async function runBattery(input: BitSequence | StreamSource, opts: BatteryOptions): Promise<StreamResult[]> {
  const source = 'read' in input ? input : memorySource(input);
  const { n, K, tests } = checkOptions(source.length, opts);
  const params = opts.params ?? {};
  const jobs = Math.max(1, Math.min(opts.jobs ?? 1, K));
  const out: StreamResult[] = [];
  const deliver = inOrder(opts.onResult ?? ((r) => out.push(r)));
  const wordsPerStream = (n + 31) >>> 5;
  let done = 0;
  if (jobs === 1) {
    // One buffer for every stream: nothing per stream is left for the GC but the results.
    const buf = new Uint32Array(wordsPerStream);
    for (let s = 0; s < K; s++) {
      source.read(s * n, n, buf);
      deliver({ stream: s, offset: s * n, n, results: runTests(new BitSequence(buf, n), tests, params) });
      opts.onProgress?.(++done, K);
      // Yield between streams so progress output and signals get through.
      if (K > 1) await yieldToEventLoop();
    }
    return out;
  }
  // The calling thread is one of the `jobs` threads (it would only wait otherwise): jobs − 1
  // piscina workers, started once for the run. They start while this thread already tests.
  const workers = jobs - 1;
  const started = startPool(workers);
  // Create the pool before this thread blocks in its own work: its continuation would
  // otherwise wait for the first stream (~1 s with JIT warm-up) before starting a worker.
  // With the bundle cached this takes ~50 ms; a rebuild after a source change ~0.4 s.
  await started.catch(() => undefined);
  let next = 0;
  let failed = false;
  const take = (): number => (failed ? K : next++);
  // Two streams queued per worker: it starts the second while this thread, busy with its
  // own stream, has not yet handled the first reply. Each feeder owns one shared buffer
  // that it refills for its next stream only after the worker has replied.
  const feed = async (): Promise<void> => {
    const { pool } = await started;
    const slot = new Uint32Array(new SharedArrayBuffer(4 * wordsPerStream));
    for (let s = take(); s < K; s = take()) {
      source.read(s * n, n, slot);
      const task: StreamTask = { words: slot, n, tests, params };
      const reply = (await pool.run(task)) as WorkerReply;
      // User errors stay user errors (exit 2) across the thread boundary.
      if ('inputError' in reply) throw new InputError(reply.inputError);
      deliver({ stream: s, offset: s * n, n, results: reply.results });
      opts.onProgress?.(++done, K);
    }
  };
  const local = async (): Promise<void> => {
    const buf = new Uint32Array(wordsPerStream);
    await yieldToEventLoop(); // let the feeders start
    for (let s = take(); s < K; s = take()) {
      source.read(s * n, n, buf);
      deliver({ stream: s, offset: s * n, n, results: runTests(new BitSequence(buf, n), tests, params) });
      opts.onProgress?.(++done, K);
      await yieldToEventLoop(); // worker replies and new dispatches happen here
    }
  };
  const guard = (p: Promise<void>): Promise<void> =>
    p.catch((e: unknown) => {
      failed = true; // the other threads stop after their current stream
      throw e;
    });
  try {
    // Wait for every thread to stop before reporting a failure, so none outlives the call.
    const settled = await Promise.allSettled([guard(local()), ...Array.from({ length: 2 * workers }, () => guard(feed()))]);
    const bad = settled.find((r): r is PromiseRejectedResult => r.status === 'rejected');
    if (bad) throw bad.reason;
  } finally {
    const p = await started.catch(() => undefined);
    if (p) await p.close();
  }
  return out;
}

/** Passes results to `emit` in stream order, holding those that arrive before an earlier one. */
function inOrder(emit: (r: StreamResult) => void): (r: StreamResult) => void {
  const early = new Map<number, StreamResult>();
  let next = 0;
  return (r) => {
    early.set(r.stream, r);
    for (let e = early.get(next); e !== undefined; e = early.get(next)) {
      early.delete(next++);
      emit(e);
    }
  };
}

function startPool(workers: number): Promise<WorkerPool> {
  return startWorkerPool('sts-battery-worker', workers, {
    bundle: true,
    concurrentTasksPerWorker: 2,
    // A small young generation: the tests allocate little that survives a stream, and the
    // default (up to 48 MB of semi-spaces per thread) would dominate the worker's footprint.
    resourceLimits: { maxYoungGenerationSizeMb: 8 },
  });
}
