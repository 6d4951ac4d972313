/**
 * V8's on-stack replacement (OSR) for the statistics commands: compile a hot loop's optimised
 * code on this thread, at once, instead of on a background thread while the interpreter keeps
 * running the loop. The estimators and the battery are a few long loops, each OSR'd within
 * milliseconds, and the background compiles cost 5–10 % more CPU for the same wall time
 * (2 cores, median of 5 alternating runs: 1-bit `estimate` 0.36 → 0.33 s CPU, 8-bit 1.94 →
 * 1.77 s, one-stream `sts` 0.21 → 0.19 s, 100 streams 1.80 → 1.70 s; `--json` byte-identical).
 * `run` is left as it is: its simulation, many short functions, ran ~5 % slower in wall time.
 * V8 reads this flag at each OSR, so setting it now takes effect; the isolate-wide
 * --no-concurrent-recompilation is fixed when an isolate starts (src/workers/pool.ts sets it
 * for the worker threads).
 */
import { setFlagsFromString } from 'node:v8';

export function compileLoopsInline(): void {
  setFlagsFromString('--no-concurrent-osr');
}
