/**
 * The size of a planted slowdown under callgrind (ENTROPY_BENCH_SLOWDOWN, bench/icount-kernels.ts):
 * how many iterations of a counted loop add exactly `target` instructions.
 *
 * A per-iteration cost measured once, at the start of the process, does not hold
 * later: the gate's runner calls gc() before every measured call, and V8 flushes the
 * compiled code of a function that has not run for a few collections, so by the time
 * a kernel's plant runs the loop executes in a lower tier at ~2.8× the instructions
 * per iteration (a 1.1 plant added 28–32 %, measured). So the loop is sized where
 * it runs: each attempt is a measured call of its own, the next attempt's iteration
 * count is scaled by target ÷ the count just measured, and the attempt closest to
 * the target is the one that counts for the kernel (the others count for nothing).
 */

/** Largest relative miss of the target that ends the search early. */
export const PLANT_TOLERANCE = 0.002;

export interface PlantAttempt {
  iterations: number;
  instructions: number;
}

/**
 * Runs `measure(iterations)` (one measured call of the loop, returning its count) until
 * an attempt lands within PLANT_TOLERANCE of `target` or `maxAttempts` are spent;
 * returns every attempt and the index of the one closest to the target.
 */
export function sizePlant(target: number, firstGuess: number, measure: (iterations: number) => number, maxAttempts = 8): { attempts: PlantAttempt[]; best: number } {
  if (!(target > 0)) throw new Error(`icount plant: target ${target} instructions; expected > 0`);
  const attempts: PlantAttempt[] = [];
  let iterations = Math.max(1, Math.round(firstGuess));
  let best = 0;
  for (let i = 0; i < maxAttempts; i++) {
    const instructions = measure(iterations);
    attempts.push({ iterations, instructions });
    if (Math.abs(instructions - target) < Math.abs(attempts[best]!.instructions - target)) best = i;
    if (Math.abs(instructions - target) <= PLANT_TOLERANCE * target || !(instructions > 0)) break;
    iterations = Math.max(1, Math.round((iterations * target) / instructions));
  }
  return { attempts, best };
}
