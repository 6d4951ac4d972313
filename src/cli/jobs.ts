/**
 * `--jobs N` asks for worker threads; more threads than CPUs only add memory
 * (each worker holds its own stream buffers and JIT state) and start-up time.
 * The CLI bounds N to the CPUs Node reports (at least 2, so a test of the
 * parallel path behaves the same on a one-CPU machine) and says so on stderr.
 * Results never depend on the number of threads.
 */
import { availableParallelism } from 'node:os';
import type { CliContext } from './context.ts';

/** The thread count to use for a requested `jobs`, with a note on stderr when it is lowered. */
export function boundJobs(jobs: number, ctx: CliContext, command: string): number {
  const cap = Math.max(2, availableParallelism());
  if (jobs <= cap) return jobs;
  ctx.err(`entropy-bench ${command}: --jobs ${jobs} is more than the ${availableParallelism()} CPU(s) here; using ${cap} threads\n`);
  return cap;
}
