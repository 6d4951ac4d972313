/**
 * Instruction counts of the hot kernels (README "Gate", icount mode): work counted,
 * not seconds timed, so a load on the machine cannot move it.
 *
 * `perf stat -e instructions:u` is not available in the VMs this runs on (no PMU),
 * so valgrind's callgrind counts the instructions the CPU would have executed:
 * bench/icount-kernels.ts is bundled with esbuild (no TypeScript loader thread in the
 * counted process) into .bench-icount/ and run as
 *   valgrind --tool=callgrind --collect-atstart=no --toggle-collect=Builtins_ArrayReduceRight
 *            --dump-after=Builtins_ArrayReduceRight node --predictable --expose-gc bundle.mjs G
 * once per kernel group G (the groups run at the same time, one per core). Each dump
 * is one measured call; its `summary:` line less V8's just-in-time work in it (compiling and
 * deoptimising, bench/callgrind-dump.ts JIT_ENTRY) is that call's instruction count.
 * How far the counts moved between runs, and so the gate's tolerance: src/report/gate-icount.ts.
 */
import { execFileSync, spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import { join } from 'node:path';
import type { IcountProcessOutput } from './icount-kernels.ts';
import type { IcountSection } from '../src/report/benchmark-result.ts';
import { ICOUNT_GROUP_COUNT } from '../src/report/gate-icount.ts';
import { parseCallgrindDump, type CallgrindDump } from './callgrind-dump.ts';
import { ICOUNT_HEAP, ICOUNT_NODE_HEAP_FLAGS } from './icount-heap.ts';

/** The valgrind on PATH, as `valgrind --version` prints it (e.g. 'valgrind-3.19.0'), or undefined. */
export function valgrindVersion(): string | undefined {
  try {
    return execFileSync('valgrind', ['--version'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
  } catch {
    return undefined;
  }
}

/**
 * Per-kernel instruction counts from the dumps of one process, in order: `labels[i]`
 * says which kernel dump i+1 counts for ('' = none). Dumps a kernel made twice (a
 * planted slowdown's extra work) add up. A count of dumps other than the labels'
 * means something else called Array.prototype.reduceRight (or a dump is missing):
 * refused rather than attributed to the wrong kernel.
 */
export function assignDumps(labels: string[], counts: number[]): Map<string, number> {
  if (labels.length !== counts.length) {
    throw new Error(`icount: ${counts.length} callgrind dumps for ${labels.length} measured calls; something else called Array.prototype.reduceRight, or a dump is missing`);
  }
  const out = new Map<string, number>();
  labels.forEach((l, i) => {
    if (l) out.set(l, (out.get(l) ?? 0) + counts[i]!);
  });
  return out;
}

/** Bundles bench/icount-kernels.ts into <root>/.bench-icount/icount.mjs (one level below the root, as bench/ is, so the suites' `../test/fixtures` paths resolve). */
async function bundle(root: string): Promise<string> {
  const { build } = await import('esbuild');
  const outfile = join(root, '.bench-icount', 'icount.mjs');
  mkdirSync(join(root, '.bench-icount'), { recursive: true });
  await build({
    entryPoints: [join(root, 'bench', 'icount-kernels.ts')],
    bundle: true,
    platform: 'node',
    format: 'esm',
    outfile,
    logLevel: 'error',
    // CommonJS dependencies inside an ESM bundle need a `require`.
    banner: { js: "import { createRequire as __icountRequire } from 'node:module'; const require = __icountRequire(import.meta.url);" },
  });
  return outfile;
}

/**
 * V8's seeds, fixed for the counted process. `--predictable` leaves the hash seed (property-key
 * and Map hashing) and the random seed random in each process; a count should depend on the
 * bundle and the kernel only. (Hash_DRBG 64 KiB counted 19.22 or 18.08 million, 2 of 4 processes
 * each, and 19.22–19.23 million in 6 of 6 with these seeds; what was left of that split after the
 * seeds, the Hashgen loop's V8 tier, src/drbg/hash-drbg.ts hashgen now settles.)
 */
export const ICOUNT_V8_SEED_FLAGS = ['--random-seed=1', '--hash-seed=1'];

/**
 * What a kernel's `instructions` are (recorded in the report; counts that say otherwise are not
 * compared): a call's instructions less V8's just-in-time work inside it.
 */
export const ICOUNT_COUNTED = 'instructions less V8 just-in-time work (compiling, deoptimising: bench/callgrind-dump.ts JIT_ENTRY)';

/** valgrind's arguments up to the script node runs: count inside reduceRight only, one dump per call, deterministic V8. */
export function callgrindArgs(prefix: string): string[] {
  return [
    '--tool=callgrind',
    `--callgrind-out-file=${prefix}`,
    '--collect-atstart=no',
    '--toggle-collect=Builtins_ArrayReduceRight',
    '--dump-after=Builtins_ArrayReduceRight',
    '--dump-instr=no',
    process.execPath,
    '--predictable',
    ...ICOUNT_V8_SEED_FLAGS,
    '--expose-gc',
    ...ICOUNT_NODE_HEAP_FLAGS,
  ];
}

function runGroup(bundleFile: string, group: number, dir: string, env: NodeJS.ProcessEnv): Promise<{ out: IcountProcessOutput; dumps: CallgrindDump[] }> {
  const prefix = join(dir, `cg${group}`);
  const args = [...callgrindArgs(prefix), bundleFile, String(group)];
  return new Promise((resolve, reject) => {
    const child = spawn('valgrind', args, { env: { ...env, ENTROPY_BENCH_ICOUNT_DUMP: prefix }, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    child.on('error', reject);
    child.on('close', (code) => {
      if (code !== 0) {
        const why = err.split('\n').filter((l) => l.startsWith('bench icount:') || !l.startsWith('==')).join(' | ').trim();
        return reject(new Error(`icount: group ${group} exited ${code}: ${why.slice(-300)}`));
      }
      let parsed: IcountProcessOutput;
      try {
        parsed = JSON.parse(out) as IcountProcessOutput;
      } catch {
        return reject(new Error(`icount: group ${group} printed no JSON result`));
      }
      const files = readdirSync(dir)
        .map((f) => new RegExp(`^cg${group}\\.(\\d+)$`).exec(f))
        .filter((m): m is RegExpExecArray => m !== null)
        .map((m) => Number(m[1]))
        .sort((a, b) => a - b);
      try {
        resolve({ out: parsed, dumps: files.map((k) => parseCallgrindDump(readFileSync(`${prefix}.${k}`, 'utf8'), `${prefix}.${k}`)) });
      } catch (e) {
        reject(e);
      }
    });
  });
}

/**
 * Counts every kernel of bench/icount-kernels.ts in this checkout, or says in one
 * line why it did not (`skipped`): no valgrind on PATH.
 */
export async function runIcount(root: string, env: NodeJS.ProcessEnv = process.env): Promise<IcountSection> {
  const valgrind = valgrindVersion();
  if (!valgrind) return { skipped: 'valgrind not found on PATH (apt-get install valgrind); instruction counts not measured' };
  const file = await bundle(root);
  const dir = mkdtempSync(join(os.tmpdir(), 'entropy-bench-icount-'));
  try {
    const groups = await Promise.all(Array.from({ length: ICOUNT_GROUP_COUNT }, (_, g) => runGroup(file, g, dir, env)));
    const kernels: IcountSection['kernels'] = [];
    for (const g of groups) {
      const gc = assignDumps(g.out.dumps, g.dumps.map((d) => d.gc));
      const jit = assignDumps(g.out.dumps, g.dumps.map((d) => d.jit));
      const calls = new Map((g.out.calls ?? []).map((c) => [c.kernel, c]));
      for (const [name, instructions] of assignDumps(g.out.dumps, g.dumps.map((d) => d.total - d.jit))) {
        const c = calls.get(name);
        kernels!.push({ name, instructions, gcInstructions: gc.get(name)!, jitInstructions: jit.get(name)!, ...(c ? { calls: c.calls, selection: c.selection } : {}) });
      }
    }
    return { tool: 'callgrind', valgrind, node: groups[0]!.out.node, heap: `${ICOUNT_HEAP}; ${ICOUNT_V8_SEED_FLAGS.join(' ')}`, counted: ICOUNT_COUNTED, kernels };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
