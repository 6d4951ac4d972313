/**
 * `npm run bench:versus-ea`: our SP 800-90B assessment (`entropy-bench estimate`) against
 * NIST's reference programs (ea_non_iid and ea_iid from SP800-90B_EntropyAssessment), side
 * by side on the same files: CPU seconds (user + sys of the whole process, every thread and
 * start-up included), wall seconds and peak RSS, with ours/theirs ratios.
 *
 *   EA_DIR   directory holding a built ea_non_iid and ea_iid (`make` in the reference's
 *            cpp/ folder, its own flags). Unset: only our figures are printed.
 *
 * The cases are the bars of issues #16 and #17: 10^6 samples each, fresh random data.
 *   non-IID 1-bit, non-IID 8-bit         `estimate F b` / `ea_non_iid F b`
 *   IID 8-bit, one thread                `estimate F 8 --iid` / `ea_iid F 8`, OMP_NUM_THREADS=1
 *   IID 8-bit, two threads               `--jobs 2` / OMP_NUM_THREADS=2 (compare wall)
 *   --long: IID track on a random walk   ±1 steps mod 256: non-IID, so all 10,000 shuffles run
 *                                        (about 15 minutes for each program on one core)
 * The IID track's cost is itself random: it stops once every statistic has settled, which
 * takes from about a hundred to all 10,000 shuffles depending on the data and, for the
 * reference, on its unseeded shuffles (one file: ours 10.9 s, ea 7.3 s with one thread and
 * 15.9 s CPU with two). `--files k` runs every case on k fresh files and sums their costs,
 * which is what a claim should rest on. A loaded machine inflates every column: measure on
 * idle cores and say so when publishing.
 */
import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { cell, cheaper, childCost, ratio, shellQuote as quote, wholeOption, type ChildCost } from './child-cost.ts';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const BIN = join(ROOT, 'bin', 'entropy-bench.js');

const { values } = parseArgs({ options: { long: { type: 'boolean', default: false }, repeat: { type: 'string', default: '1' }, files: { type: 'string', default: '1' }, samples: { type: 'string', default: '1000000' } } });
const whole = (name: string, v: string): number => wholeOption('bench:versus-ea', name, v);
const repeat = whole('repeat', values.repeat);
const fileCount = whole('files', values.files);
/** Samples a file (10^6, the bars' size; fewer only to try the bench out). */
const N = whole('samples', values.samples);
if (!existsSync(join(ROOT, 'dist', 'cli.js'))) {
  process.stderr.write('bench:versus-ea: dist/cli.js not found: run `npm run build` first (we measure what users run)\n');
  process.exit(2);
}
const eaDir = process.env.EA_DIR;
let ea: string | undefined;
if (eaDir === undefined || eaDir === '') console.log('ea: skipped (set EA_DIR to the directory of a built ea_non_iid and ea_iid to compare)');
else if (!existsSync(join(eaDir, 'ea_non_iid')) || !existsSync(join(eaDir, 'ea_iid'))) console.log(`ea: skipped (EA_DIR=${eaDir} lacks ea_non_iid or ea_iid: build them there first)`);
else ea = eaDir;

interface Case {
  label: string;
  kind: 'bits' | 'bytes' | 'walk';
  bits: number;
  ours: string;
  theirs: string;
  threads: number;
}

/** The cheapest of `repeat` runs (the least disturbed by the rest of the machine). */
function best(command: string, env: NodeJS.ProcessEnv): ChildCost {
  let out: ChildCost | undefined;
  for (let i = 0; i < repeat && out?.error === undefined; i++) out = cheaper(out, childCost(command, ROOT, work, env));
  return out!;
}

/** The costs of several files added up (the largest RSS); the first failure if any failed. */
function total(costs: ChildCost[]): ChildCost {
  const failed = costs.find((c) => c.cpu === undefined);
  if (failed) return failed;
  return {
    cpu: costs.reduce((a, c) => a + c.cpu!, 0),
    wall: costs.reduce((a, c) => a + (c.wall ?? 0), 0),
    ...(costs.every((c) => c.rssKb !== undefined) ? { rssKb: Math.max(...costs.map((c) => c.rssKb!)) } : {}),
  };
}

const work = mkdtempSync(join(tmpdir(), 'entropy-bench-versus-ea-'));
try {
  // Per file: 10^6 random bits (one per byte), the random bytes, and a ±1 random walk mod 256.
  const files = Array.from({ length: fileCount }, (_, f) => {
    const bytes = randomBytes(N);
    const names = { bits: join(work, `bits${f}.bin`), bytes: join(work, `bytes${f}.bin`), walk: join(work, `walk${f}.bin`) };
    writeFileSync(names.bits, bytes.map((b) => b & 1));
    writeFileSync(names.bytes, bytes);
    const walk = new Uint8Array(N);
    for (let i = 1; i < N; i++) walk[i] = (walk[i - 1]! + (bytes[i]! & 1 ? 1 : 255)) & 255;
    writeFileSync(names.walk, walk);
    return names;
  });

  const cases: Case[] = [
    { label: 'non-IID 1-bit', kind: 'bits', bits: 1, ours: '', theirs: 'ea_non_iid', threads: 1 },
    { label: 'non-IID 8-bit', kind: 'bytes', bits: 8, ours: '', theirs: 'ea_non_iid', threads: 1 },
    { label: 'IID 8-bit, 1 thread', kind: 'bytes', bits: 8, ours: '--iid --jobs 1', theirs: 'ea_iid', threads: 1 },
    { label: 'IID 8-bit, 2 threads', kind: 'bytes', bits: 8, ours: '--iid --jobs 2', theirs: 'ea_iid', threads: 2 },
  ];
  if (values.long) cases.push({ label: 'IID track, random walk', kind: 'walk', bits: 8, ours: '--iid --jobs 1', theirs: 'ea_iid', threads: 1 });

  console.log(`\n${N} samples a file, ${fileCount} fresh random file${fileCount > 1 ? 's (costs summed)' : ''}; best of ${repeat}; CPU = user+sys of the whole process; ratio = ours / theirs\n`);
  const header = ['case', 'ours cpu', 'wall', 'MB', ...(ea ? ['ea cpu', 'wall', 'MB', 'cpu ratio', 'wall ratio'] : [])];
  console.log(header.map((h, i) => (i === 0 ? h.padEnd(26) : h.padStart(11))).join(''));
  const mb = (c: ChildCost): string => (c.rssKb !== undefined ? (c.rssKb / 1024).toFixed(0) : '—');
  for (const c of cases) {
    const ours = total(files.map((f) => best(`${quote(process.execPath)} ${quote(BIN)} estimate ${quote(f[c.kind])} ${c.bits} ${c.ours}`, {})));
    const cells = [cell(ours.cpu, ours.error), cell(ours.wall, undefined, 2), mb(ours)];
    if (ea) {
      // OpenMP runs the reference's permutation rounds on as many threads as it is allowed.
      const theirs = total(files.map((f) => best(`${quote(join(ea, c.theirs))} ${quote(f[c.kind])} ${c.bits}`, { OMP_NUM_THREADS: String(c.threads) })));
      cells.push(cell(theirs.cpu, theirs.error), cell(theirs.wall, undefined, 2), mb(theirs), ratio(ours.cpu, theirs.cpu), ratio(ours.wall, theirs.wall));
    }
    console.log(c.label.padEnd(26) + cells.map((x) => ` ${x}`.padStart(11)).join(''));
  }
} finally {
  rmSync(work, { recursive: true, force: true });
}
