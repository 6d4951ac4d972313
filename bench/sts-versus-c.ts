/**
 * `npm run bench:versus-c`: our SP 800-22 battery against the C programs it is
 * measured by, side by side, in CPU time (user + sys of the whole process, so
 * start-up counts), test by test and for the whole battery, on the same file.
 *
 *   STS_212_DIR  directory of a built NIST sts-2.1.2 (`assess` and its
 *                templates/ and experiments/ folders; `make` there, -O2)
 *   STS_V5_DIR   directory of a built Sýs–Říha optimised STS (v5), same layout
 *   STS_V5_ARGS  extra arguments for v5's assess (default: -fast)
 *
 * A reference whose variable is unset is skipped with a message, and only our
 * figures are printed. Nothing is downloaded or built here: the references are
 * the user's own builds. Both are driven through their interactive prompts
 * (input file, the one test as a 15-digit mask, default parameters, K streams,
 * binary format), one process per test, like ours (`entropy-bench sts
 * --tests T`, compiled dist/ with plain node).
 *
 * Options: --streams K (default 10; the issue's claim is about 100),
 * --tests a,b (default all 15), --file F (default: K × 10^6 fresh random bits),
 * --repeat R (default 1): each row's commands run R times, ours and theirs in turn, and
 * the cheapest run of each counts (single runs on a shared machine vary by 10–20 %).
 * The data are random bytes; each run's ratios are what the claim is about, and
 * a loaded machine inflates every column: say so when publishing.
 */
import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { STS_TEST_NAMES, type StsTestName } from '../src/sts/types.ts';
import { cell, cheaper, childCost, ratio, shellQuote as quote, wholeOption, type ChildCost } from './child-cost.ts';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const BIN = join(ROOT, 'bin', 'entropy-bench.js');
const N = 1_000_000;
/** Tests that make sts-2.1.2 ask for parameter changes ("Select Test (0 to continue)"). */
const PARAMETERIZED: ReadonlySet<StsTestName> = new Set(['BlockFrequency', 'NonOverlappingTemplate', 'OverlappingTemplate', 'ApproximateEntropy', 'Serial', 'LinearComplexity']);

/** The answers sts-2.1.2's prompts expect for `tests` on `file`, K binary streams. */
function answers(file: string, tests: readonly StsTestName[], K: number): string {
  const mask = STS_TEST_NAMES.map((t) => (tests.includes(t) ? '1' : '0')).join('');
  const all = tests.length === STS_TEST_NAMES.length;
  return ['0', file, ...(all ? ['1'] : ['0', mask]), ...(tests.some((t) => PARAMETERIZED.has(t)) ? ['0'] : []), String(K), '1', ''].join('\n');
}

interface Reference {
  name: string;
  dir: string;
  args: string;
}

const { values } = parseArgs({ options: { streams: { type: 'string', default: '10' }, tests: { type: 'string' }, file: { type: 'string' }, repeat: { type: 'string', default: '1' } } });
const K = wholeOption('bench:versus-c', 'streams', values.streams);
const repeat = wholeOption('bench:versus-c', 'repeat', values.repeat);
const wanted = values.tests?.split(',').map((s) => s.trim().toLowerCase());
const tests = STS_TEST_NAMES.filter((t) => wanted === undefined || wanted.includes(t.toLowerCase()));
if (tests.length === 0) {
  process.stderr.write(`bench:versus-c: --tests ${values.tests}: no test of ${STS_TEST_NAMES.join(', ')}\n`);
  process.exit(2);
}
if (!existsSync(join(ROOT, 'dist', 'cli.js'))) {
  process.stderr.write('bench:versus-c: dist/cli.js not found: run `npm run build` first (we measure what users run)\n');
  process.exit(2);
}

const work = mkdtempSync(join(tmpdir(), 'entropy-bench-versus-c-'));
try {
  const file = values.file ?? join(work, 'random.bin');
  if (values.file === undefined) writeFileSync(file, randomBytes((K * N) / 8));

  const refs: Reference[] = [];
  for (const [name, dirVar, argsVar, defArgs] of [
    ['sts-2.1.2', 'STS_212_DIR', undefined, ''],
    ['v5', 'STS_V5_DIR', 'STS_V5_ARGS', '-fast'],
  ] as const) {
    const dir = process.env[dirVar];
    if (dir === undefined || dir === '') {
      console.log(`${name}: skipped (set ${dirVar} to the directory of a built ${name} assess to compare)`);
    } else if (!existsSync(join(dir, 'assess'))) {
      console.log(`${name}: skipped (${dirVar}=${dir} has no assess executable: build it there first)`);
    } else {
      refs.push({ name, dir, args: argsVar !== undefined ? (process.env[argsVar] ?? defArgs) : defArgs });
    }
  }

  const rows: Array<{ label: string; only: readonly StsTestName[] }> = tests.map((t) => ({ label: t, only: [t] }));
  if (tests.length > 1) rows.push({ label: `battery (${tests.length} tests)`, only: tests });
  console.log(`\nCPU seconds (user+sys, whole process) on ${K} × 10^6 bits of ${values.file ?? 'random bytes'}; best of ${repeat}; ratio = ours / theirs\n`);
  const header = ['test', 'ours', ...refs.flatMap((r) => [r.name, `ours/${r.name}`])];
  console.log(header.map((h, i) => (i === 0 ? h.padEnd(30) : h.padStart(16))).join(''));
  for (const row of rows) {
    const names = row.only.map((t) => t.toLowerCase()).join(',');
    const oursCommand = `${quote(process.execPath)} ${quote(BIN)} sts ${quote(file)} --format binary --bits ${N} --streams ${K} --tests ${names}`;
    const answerFile = join(work, 'answers.txt');
    writeFileSync(answerFile, answers(file, row.only, K));
    let ours: ChildCost | undefined;
    const theirs: Array<ChildCost | undefined> = refs.map(() => undefined);
    for (let i = 0; i < repeat; i++) {
      ours = cheaper(ours, childCost(oursCommand, ROOT, work));
      refs.forEach((ref, r) => {
        // sts-2.1.2's main returns 1 when it has run (assess.c), so the exit status tells nothing:
        // a run counts when it has written its final analysis report.
        const report = join(ref.dir, 'experiments', 'AlgorithmTesting', 'finalAnalysisReport.txt');
        rmSync(report, { force: true });
        let run = childCost(`./assess ${N} ${ref.args} < ${quote(answerFile)}`, ref.dir, work, {}, [0, 1]);
        if (run.cpu !== undefined && !existsSync(report)) run = { error: 'no finalAnalysisReport.txt' };
        theirs[r] = cheaper(theirs[r], run);
      });
    }
    const cells = [cell(ours!.cpu, ours!.error)];
    for (const t of theirs) cells.push(cell(t!.cpu, t!.error), ratio(ours!.cpu, t!.cpu));
    console.log(row.label.padEnd(30) + cells.map((c) => ` ${c}`.padStart(16)).join(''));
  }
} finally {
  rmSync(work, { recursive: true, force: true });
}
