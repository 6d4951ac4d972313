/**
 * The instruction-count process (bench/icount.ts bundles this file and runs it as
 * `valgrind --tool=callgrind … node --predictable --expose-gc bundle.mjs`).
 *
 * For each hot kernel of its group (ICOUNT_GROUPS: tasks of the bench suites, quick
 * inputs; `bundle.mjs <group>`) it makes WARMUP plain calls, then measured calls until two in
 * a row agree (V8's steady state, STEADY_TOLERANCE; at most MAX_MEASURED), each wrapped in
 * `[0].reduceRight(...)`: callgrind collects only inside the builtin
 * `Builtins_ArrayReduceRight` (`--toggle-collect`) and writes one profile dump when
 * it returns (`--dump-after`), so dump k holds exactly the instructions of the
 * k-th measured call. Under `node --predictable` (no concurrent compiler or GC
 * threads, fixed seeds) the count is the same in every run (README "Gate"). JavaScript cannot toggle callgrind itself (no client
 * requests), and no kernel calls reduceRight (bench/icount.ts checks that the number
 * of dumps is exactly the number of measured calls, so a stray call is caught, not miscounted).
 *
 * Before each measured call (outside the counted region) the heap is collected and swept,
 * and the process runs with a young generation large enough that no collection runs inside
 * a call (bench/icount-heap.ts): what the collector costs depends on the whole process's
 * heap, not on the kernel.
 *
 * A planted slowdown (ENTROPY_BENCH_SLOWDOWN, bench/suite.ts plantedSlowdowns) is
 * instruction-based here: spinning until CPU time has grown by (factor − 1) × the
 * call's CPU time, as the timed runner does, adds instructions at the spin loop's
 * rate under valgrind, not the kernel's. So the measured call runs plain, the
 * process reads its count back from callgrind's dump file (ENTROPY_BENCH_ICOUNT_DUMP,
 * the dump-file prefix) and runs a counted loop sized to (factor − 1) × that many
 * instructions where it runs (bench/icount-plant.ts), in measured regions of their
 * own; the one closest to the target counts for the same kernel.
 *
 * Prints one JSON line `{ node, dumps: [the kernel each dump counts for] }` on stdout.
 */
import { readFileSync } from 'node:fs';
import { plantedSlowdowns, type BenchSuite } from './suite.ts';
import { sizePlant } from './icount-plant.ts';
import { medianIndex, steadyIndex } from './icount-median.ts';
import { parseCallgrindDump } from './callgrind-dump.ts';
import { settleHeap } from './icount-heap.ts';
import { suite as sts } from './sts.ts';
import { suite as entropy } from './entropy.ts';
import { suite as health } from './health.ts';
import { suite as drbg } from './drbg.ts';
import { suite as smm } from './smm.ts';
import { suite as sim } from './sim.ts';
import { suite as matrix } from './matrix.ts';

/** Plain calls before the measured ones (lazy compilation and the first tier-up stay out of the count). */
export const WARMUP = 3;

/**
 * Measured calls per kernel: until two in a row agree within STEADY_TOLERANCE (steadyIndex,
 * bench/icount-median.ts), at most MAX_MEASURED; a kernel that never settles counts as the
 * median of its MAX_MEASURED calls and is reported as such (`selection: 'median'`).
 */
export const STEADY_TOLERANCE = 0.005;
export const MAX_MEASURED = 7;

/**
 * Which tasks of which suites are counted, in two fixed groups (one valgrind
 * process each, so the two cores run them side by side; a kernel's count depends
 * on what ran before it in its process, so the grouping is part of what a count
 * means and never depends on the machine). Every task of our own code is counted,
 * the sums of other tasks too (the STS battery, the two 90B assessments: last in
 * their groups, so the kernels before them count as before); left out are only the
 * node:crypto-only tasks (`raw-*`, `calls-*`, `node-*`: OpenSSL's work, not ours, the
 * denominators of the DRBG ratios). The scenario-matrix task is counted through its
 * synchronous runner (bench/matrix.ts).
 */
const HEAVY_8BIT = '8-bit MultiMMC';

/**
 * One entry of a group: the tasks of `suite` that `include` picks, counted as `repeat` calls' median
 * (repeat > 1) or the first steady call; `warmup` plain calls before (default WARMUP).
 */
export interface IcountEntry {
  suite: BenchSuite;
  include: (task: string) => boolean;
  repeat?: number;
  warmup?: number;
}

export const ICOUNT_GROUPS: IcountEntry[][] = [
  [
    // Hash/HMAC_DRBG first, where what ran before cannot move V8's choices for them. Hash_DRBG
    // 64 KiB counted 19.22 million in some processes and 18.08 million in others (2 of 4 each):
    // Hashgen's loop, then inside generateAlgorithm, shared that function's deoptimisation in
    // the warm-up and ran in V8's baseline tier at the measured calls in some processes. The loop
    // is now a function of its own (src/drbg/hash-drbg.ts hashgen): 18.09–18.10 million in 4 of 4.
    { suite: drbg, include: (t) => /^(hash|hmac)-/.test(t) },
    { suite: sts, include: (t) => t !== 'battery' },
    { suite: health, include: () => true },
    // CTR_DRBG generate is one AES-256-CTR call into OpenSSL plus < 10^6 instructions: one
    // call's count moved 5–25 % with what ran before it, the median of 15 calls ±0.2 %
    // (bench/icount-median.ts). Last of the single kernels in the group.
    { suite: drbg, include: (t) => /^ctr-/.test(t), repeat: 15 },
    // The sums: the whole battery (~0.06 s a call natively) and the 8-bit and 1-bit assessments
    // (both tracks; 8-bit ~0.24 s, ~10^9 instructions).
    { suite: sts, include: (t) => t === 'battery' },
    { suite: entropy, include: (t) => t === '8-bit assessment (both tracks)' },
    // The 1-bit assessment here since the matrix task joined the other group (~1 min under callgrind).
    { suite: entropy, include: (t) => t === '1-bit assessment (both tracks)' },
  ],
  [
    // The quick scenario-matrix task (bench/matrix.ts: the simulation of 16 cells, ~0.3 s a call
    // natively, ~3.9·10^9 instructions, ~25 s a call under callgrind), first in its process so that
    // no other kernel's code moves its count. It never settles: calls 2–5 counted 3.73, 3.79, 3.68
    // and 3.53·10^9 (identically, ±0.005 %, in two processes: V8 keeps re-optimising some of its
    // thousands of functions), so it counts as the median of 3 calls after one plain call, as
    // 7 calls until two agree would take ~4 min.
    { suite: matrix, include: () => true, warmup: 1, repeat: 3 },
    { suite: entropy, include: (t) => t !== HEAVY_8BIT && !t.includes('assessment') },
    { suite: smm, include: (t) => t.startsWith('smm-') },
    { suite: sim, include: () => true },
    // 0.43·10^9 instructions per call (2·10^4 samples), ≈ 3 s per call under callgrind: last of
    // the single kernels in the group (426,299,275 and 426,281,309 in two runs at two positions).
    // The 8-bit LZ78Y (before it, with the other estimators) moved 5 % between processes (207.0 and
    // 217.5 million) until V8's seeds were fixed (ICOUNT_V8_SEED_FLAGS): 249.60 and 249.87 million.
    { suite: entropy, include: (t) => t === HEAVY_8BIT },
  ],
];

/**
 * The kernel's count in dump `index` (1-based) under `prefix`: the dump's instructions less V8's
 * just-in-time work in it (bench/callgrind-dump.ts JIT_ENTRY), as the parent reports it. This runs
 * under valgrind, between measured calls; the parent reads the collector's share afterwards.
 */
function dumpCount(prefix: string, index: number): number {
  const file = `${prefix}.${index}`;
  const d = parseCallgrindDump(readFileSync(file, 'utf8'), `icount: ${file}`);
  return d.total - d.jit;
}

/** A counted loop: `spin(n)` runs n iterations of a fixed instruction sequence (its cost per iteration is counted once). */
function spin(iterations: number): number {
  let s = 0;
  for (let i = 0; i < iterations; i++) s = (s + Math.imul(i, i)) | 0;
  return s;
}

/** What each dump counts: a kernel's name, or '' for a dump that belongs to no kernel (the spin's own calibration). */
export interface IcountProcessOutput {
  node: string;
  dumps: string[];
  /** Per kernel: how many calls were measured, and whether the counted one is a steady-state call or the median. */
  calls?: Array<{ kernel: string; calls: number; selection: 'steady' | 'median' }>;
  /** Planted slowdowns: the kernel's own count, the instructions to add and those added (the closest of `attempts`). */
  planted?: Array<{ kernel: string; measured: number; target: number; added: number; attempts: number }>;
}

async function main(): Promise<void> {
  const group = ICOUNT_GROUPS[Number(process.argv[2])];
  if (!group) throw new Error(`icount: expected a group index 0..${ICOUNT_GROUPS.length - 1}, found '${process.argv[2]}'`);
  const gc = (globalThis as { gc?: () => void }).gc;
  if (!gc) throw new Error('icount: run with node --expose-gc');
  const plants = plantedSlowdowns();
  const dumpPrefix = process.env.ENTROPY_BENCH_ICOUNT_DUMP;
  if (!dumpPrefix) throw new Error('icount: ENTROPY_BENCH_ICOUNT_DUMP (the callgrind dump prefix) is not set; the counts of the measured calls are read back from it');
  const dumps: string[] = [];
  const planted: NonNullable<IcountProcessOutput['planted']> = [];
  const sink: unknown[] = [];
  const calls: NonNullable<IcountProcessOutput['calls']> = [];
  const measured = (label: string, fn: () => unknown): void => {
    settleHeap(gc);
    [0].reduceRight(() => {
      sink[0] = fn();
      return 0;
    }, 0);
    dumps.push(label);
  };
  for (const { suite, include, repeat = 1, warmup = WARMUP } of group) {
    await suite.setup?.({ quick: true });
    for (const task of suite.tasks({ quick: true })) {
      if (!include(task.name)) continue;
      const name = `${suite.name}/${task.name}`;
      for (let w = 0; w < warmup; w++) {
        // A measured call cannot await (tinybench could); only synchronous kernels are counted.
        if (task.fn() instanceof Promise) throw new Error(`icount: ${name} is asynchronous; only synchronous kernels can be counted`);
      }
      // Measured calls, each its own dump; the one chosen counts for the kernel, the others for nothing.
      const first = dumps.length;
      const counts: number[] = [];
      let pick: number | undefined;
      if (repeat > 1) {
        // `repeat` calls, the median one (CTR_DRBG, the matrix: see ICOUNT_GROUPS).
        for (let r = 0; r < repeat; r++) {
          measured('', task.fn);
          counts.push(dumpCount(dumpPrefix, dumps.length));
        }
      } else {
        while (pick === undefined && counts.length < MAX_MEASURED) {
          measured('', task.fn);
          counts.push(dumpCount(dumpPrefix, dumps.length));
          pick = steadyIndex(counts, STEADY_TOLERANCE);
        }
      }
      const selection = pick === undefined ? 'median' : 'steady';
      pick ??= medianIndex(counts);
      dumps[first + pick] = name;
      calls.push({ kernel: name, calls: counts.length, selection });
      const factor = plants.get(name);
      // The planted extra work: (factor − 1) × the chosen call's count, sized where it runs;
      // the closest attempt's dump is relabelled to count for this kernel (the parent adds it).
      if (factor !== undefined && factor > 1) {
        const kernel = counts[pick]!;
        const target = Math.round((factor - 1) * kernel);
        const first = dumps.length;
        // First guess: a few instructions per iteration of the optimised loop; the search corrects it.
        const { attempts, best } = sizePlant(target, target / 5, (n) => {
          measured('', () => spin(n));
          return dumpCount(dumpPrefix, dumps.length);
        });
        dumps[first + best] = name;
        planted.push({ kernel: name, measured: kernel, target, added: attempts[best]!.instructions, attempts: attempts.length });
      }
    }
  }
  const out: IcountProcessOutput = { node: process.version, dumps, calls, ...(planted.length ? { planted } : {}) };
  process.stdout.write(JSON.stringify(out) + '\n');
}

main().catch((e: unknown) => {
  process.stderr.write(`bench icount: ${(e as Error).message}\n`);
  process.exitCode = 1;
});
