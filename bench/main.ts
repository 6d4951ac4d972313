/**
 * `npm run bench` (= `node --import tsx bench/main.ts`): the main job.
 *
 * 1. `--rounds` fresh processes (bench/sample.ts via bench/rounds.ts), each
 *    running the calibration tasks (bench/calibration.ts: the machine's limits)
 *    and every tinybench suite in bench/ once; each task keeps its per-process
 *    medians, so the report carries the measured between-process noise;
 * 2. with `--against REF` (a commit, or a report.json whose `source.commit` is
 *    used), the same processes of the baseline commit's checkout (a git worktree,
 *    bench/baseline-build.ts) alternate with ours — the side-by-side gate's input;
 * 3. the hot kernels' instruction counts under valgrind's callgrind (bench/icount.ts;
 *    skipped with the reason when valgrind is absent, with --suites or --skip-icount);
 * 4. the `design-matrix` scenario (scenarios/design-matrix.yaml), the virtual-
 *    time results;
 * then writes <out>/report.json (the report document), report.md, report.html,
 * junit.xml and benchmark.json (github-action-benchmark customBiggerIsBetter)
 * through src/report/bundle.ts writeReportBundle (it renders nothing itself),
 * and prints where they are. Progress goes to stderr, on a terminal only. Exit 1 when a declared bar
 * (a same-run ratio with `atLeast`) or a scenario expectation is missed.
 *
 * Flags: --quick (reduced measuring time and the scenario's quick scale, for
 * CI), --out DIR (default reports/latest), --skip-matrix (no scenario run),
 * --jobs N (scenario worker threads, default: CPU count), --suites a,b (only
 * these benchmark suites; for development), --rounds N (processes per build,
 * default 5), --against REF (side by side with that commit), --skip-icount (no
 * instruction counts).
 */
import { prepareOutputDir } from '../src/io/write.ts';
import os from 'node:os';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { SUITES } from './sample.ts';
import { runRounds, summarize, type Build } from './rounds.ts';
import { prepareBaselineBuild, resolveCommit, sourceState } from './baseline-build.ts';
import { runScenarioFile } from '../src/scenario/run.ts';
import { runIcount } from './icount.ts';
import type { IcountSection } from '../src/report/benchmark-result.ts';
import type { RunResult } from '../src/scenario/result.ts';
import { createReportDocument } from '../src/report/document.ts';
import { writeReportBundle } from '../src/report/bundle.ts';
import { fmt } from '../src/report/format.ts';
import { barDecision, describeBar } from '../src/report/bar.ts';
import { InputError, isInputError } from '../src/errors.ts';
import { readReportDocument } from '../src/report/document.ts';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const SCENARIO = join(ROOT, 'scenarios', 'design-matrix.yaml');

const t0 = performance.now();
/** Progress lines go to stderr on a terminal only, as the CLI's do (a CI log gets the summary). */
function progress(msg: string): void {
  if (!process.stderr.isTTY) return;
  process.stderr.write(`[bench ${((performance.now() - t0) / 1000).toFixed(0).padStart(3)}s] ${msg}\n`);
}

function parseCli() {
  return parseArgs({
    options: {
      quick: { type: 'boolean', default: false },
      out: { type: 'string', default: join('reports', 'latest') },
      'skip-matrix': { type: 'boolean', default: false },
      'skip-icount': { type: 'boolean', default: false },
      jobs: { type: 'string' },
      suites: { type: 'string' },
      rounds: { type: 'string' },
      against: { type: 'string' },
      help: { type: 'boolean', short: 'h', default: false },
    },
    allowPositionals: false,
  });
}

async function main(): Promise<number> {
  let values: ReturnType<typeof parseCli>['values'];
  try {
    values = parseCli().values;
  } catch (e) {
    throw new InputError(`${(e as Error).message} (run with --help for usage)`);
  }
  if (values.help) {
    process.stdout.write(
      'usage: npm run bench -- [--quick] [--out DIR] [--skip-matrix] [--skip-icount] [--jobs N] [--suites a,b] [--rounds N] [--against REF]\n' +
        '  runs the calibration tasks and every benchmark suite in bench/ in N fresh processes (default 5),\n' +
        '  alternating with the same processes of commit REF (or of the commit a REF report.json records),\n' +
        '  then counts the hot kernels\' instructions under valgrind (skipped without valgrind or with --skip-icount),\n' +
        '  then the design-matrix scenario,\n' +
        '  then writes DIR/report.json, report.md, report.html, junit.xml, benchmark.json (default DIR: reports/latest)\n',
    );
    return 0;
  }
  const quick = values.quick!;
  const outDir = values.out!;
  // The output directory is created and checked before any measuring (src/io/write.ts).
  prepareOutputDir(outDir, '--out');
  const jobs = values.jobs !== undefined ? Number(values.jobs) : Math.max(1, os.cpus().length);
  if (!Number.isInteger(jobs) || jobs < 1) throw new InputError(`--jobs: expected an integer ≥ 1, found ${values.jobs}`);

  const rounds = values.rounds !== undefined ? Number(values.rounds) : 5;
  if (!Number.isInteger(rounds) || rounds < 1) throw new InputError(`--rounds: expected an integer ≥ 1, found ${values.rounds}`);
  let suites = SUITES;
  if (values.suites) {
    const want = values.suites.split(',').map((s) => s.trim());
    const unknown = want.filter((w) => !suites.some((s) => s.name === w));
    if (unknown.length) throw new InputError(`--suites: unknown suite(s) ${unknown.join(', ')}; have ${suites.map((s) => s.name).join(', ')}`);
    suites = suites.filter((s) => want.includes(s.name));
  }
  const source = sourceState(ROOT);
  const builds: Build[] = [{ label: 'current', dir: ROOT }];
  let againstCommit: string | undefined;
  if (values.against) {
    const ref = values.against;
    if (ref.endsWith('.json')) {
      const doc = readReportDocument(ref);
      if (!doc.source) throw new InputError(`${ref}: /source: missing; the baseline report records no commit to build (re-baseline with npm run rebaseline)`);
      againstCommit = resolveCommit(ROOT, doc.source.commit, `${ref}: /source/commit`);
    } else {
      againstCommit = resolveCommit(ROOT, ref, '--against');
    }
    builds.push({ label: 'baseline', dir: prepareBaselineBuild(ROOT, againstCommit, progress) });
  }
  progress(
    `${quick ? 'quick' : 'full'} run: ${rounds} round(s) of ${builds.map((b) => b.label).join(' + ')} processes: calibration + ${suites.length} suites (${suites.map((s) => s.name).join(', ')})${values['skip-matrix'] ? '' : ' + design-matrix scenario'}`,
  );
  const args = [...(quick ? ['--quick'] : []), '--suites', suites.map((s) => s.name).join(',')];
  // A planted slowdown (bench/suite.ts plantedSlowdowns) stands for a change in THIS
  // checkout: the baseline build never sees it.
  const { ENTROPY_BENCH_SLOWDOWN: planted, ...plain } = process.env;
  if (planted) progress(`planted slowdown in this checkout's processes: ${planted}`);
  const measured = await runRounds(builds, {
    rounds,
    args,
    envFor: (b) => (b.label === 'baseline' ? plain : process.env),
    onProcess: (r, b) => progress(`round ${r}/${rounds}: ${b}`),
  });
  const ours = measured[0]!;
  const results = summarize(ours.processes, (o) => o.suites);
  const pooled = summarize(ours.processes, (o) => [o.calibration])[0]!;
  const theirs = measured[1];
  if (theirs && JSON.stringify(theirs.settings) !== JSON.stringify(ours.settings)) {
    throw new InputError(`--against ${values.against}: the baseline commit times tasks with ${JSON.stringify(theirs.settings)}, this checkout with ${JSON.stringify(ours.settings)}; not comparable side by side (re-baseline)`);
  }
  const sideBySide = theirs
    ? {
        commit: againstCommit!,
        calibration: summarize(theirs.processes, (o) => [o.calibration])[0]!,
        suites: summarize(theirs.processes, (o) => o.suites),
      }
    : undefined;

  let icount: IcountSection;
  if (values['skip-icount']) {
    icount = { skipped: 'not measured (--skip-icount)' };
  } else if (values.suites) {
    // The counted kernels span every suite; a development run of a few suites skips them.
    icount = { skipped: 'not measured (--suites selects a subset of the suites)' };
  } else {
    const started = performance.now();
    progress('instruction counts of the hot kernels under callgrind (2 processes)');
    icount = await runIcount(ROOT);
    progress(icount.skipped ? `icount skipped: ${icount.skipped}` : `icount: ${icount.kernels!.length} kernels counted in ${((performance.now() - started) / 1000).toFixed(0)} s`);
  }

  let run: RunResult | undefined;
  const cellMs = new Map<string, number>();
  let runMs = 0;
  if (!values['skip-matrix']) {
    const runStarted = performance.now();
    progress(`design-matrix scenario (${quick ? 'quick' : 'default'} scale, ${jobs} job(s))`);
    let last = 0;
    // A path relative to the working directory, so report.json does not depend on where the clone lives.
    run = await runScenarioFile(relative(process.cwd(), SCENARIO) || SCENARIO, {
      scale: quick ? 'quick' : 'default',
      jobs,
      onCellTime: (cell, ms) => cellMs.set(cell, ms),
      onProgress: (done, total, cell) => {
        // At most ~20 progress lines however many cells.
        if (done === total || done - last >= Math.max(1, Math.floor(total / 20))) {
          last = done;
          progress(`design-matrix: ${done}/${total} cells (${cell})`);
        }
      },
    });
    runMs = performance.now() - runStarted;
  }

  const doc = createReportDocument({
    ...(run ? { run } : {}),
    benchmarks: results,
    calibration: pooled,
    quick,
    clock: ours.settings.clock,
    runner: ours.settings,
    rounds,
    ...(sideBySide ? { sideBySide } : {}),
    icount,
    ...(source ? { source } : {}),
    generatedAt: new Date().toISOString(),
    ...(run ? { timing: { totalMs: runMs, cellMs } } : {}),
  });
  // The full bundle (src/report/bundle.ts): the five files are replaced together or not at all,
  // and the Markdown also goes to the GitHub job summary.
  const written = await writeReportBundle(doc, outDir, { flag: '--out', stepSummary: true });

  // Short summary on stdout.
  const lines: string[] = [];
  const secs = (performance.now() - t0) / 1000;
  lines.push(`entropy-bench ${quick ? 'quick ' : ''}bench finished in ${secs.toFixed(0)} s on ${doc.environment.cpuModel} × ${doc.environment.cpus}`);
  lines.push(`calibration: ${pooled.tasks.map((t) => `${t.name} ${fmt(t.throughput, 4)} MB/s`).join(', ')}`);
  lines.push(icount.skipped ? `icount: skipped: ${icount.skipped}` : `icount: ${icount.kernels!.length} kernels counted (${icount.valgrind}, node ${icount.node})`);
  let missed = 0;
  for (const s of results) {
    const bars = s.ratios.filter((r) => r.atLeast !== undefined).map((r) => ({ r, d: barDecision({ value: r.value, atLeast: r.atLeast!, ...(r.processValues ? { processValues: r.processValues } : {}) }) }));
    const failed = bars.filter((b) => b.d.verdict === 'missed');
    const short = bars.filter((b) => b.d.verdict === 'short');
    missed += failed.length;
    const list = (xs: typeof bars) => xs.map(({ r, d }) => `${r.name} ${fmt(r.value)} < ${fmt(r.atLeast)}, ${describeBar(d)}`).join('; ');
    lines.push(
      `${s.name}: ${s.tasks.length} tasks (${s.unit})${bars.length ? `, ${bars.length - failed.length}/${bars.length} ratio bars not missed` : ''}${short.length ? ` [short: ${list(short)}]` : ''}${failed.length ? ` [missed: ${list(failed)}]` : ''}`,
    );
  }
  let failedExpectations = 0;
  if (run) {
    const failed = run.expectations.filter((e) => !e.passed);
    failedExpectations = failed.length;
    const verdicts = new Map<string, number>();
    for (const c of run.cells) verdicts.set(c.verdict, (verdicts.get(c.verdict) ?? 0) + 1);
    lines.push(
      `design-matrix: ${run.cells.length} cells (${[...verdicts].map(([v, n]) => `${n} ${v}`).join(', ')}), ${run.expectations.length} expectations, ${failed.length} failed`,
    );
    for (const e of failed.slice(0, 10)) lines.push(`  FAILED ${e.cell}: ${e.expression} (actual ${fmt(e.actual, 4)})`);
    if (failed.length > 10) lines.push(`  … and ${failed.length - 10} more (see report.md)`);
  }
  const rel = relative(process.cwd(), outDir) || '.';
  lines.push(`reports: ${written.map((n) => join(rel, n)).join(', ')}`);
  if (missed) lines.push(`FAILED: ${missed} bar(s) missed (the ${rounds} processes show the ratio below its bar: one-sided sign test, src/report/bar.ts)`);
  process.stdout.write(lines.join('\n') + '\n');
  return missed || failedExpectations ? 1 : 0;
}

main().then(
  (code) => {
    process.exitCode = code;
  },
  (e: unknown) => {
    if (isInputError(e)) {
      process.stderr.write(`bench: ${e.message}\n`);
      process.exitCode = 2;
    } else {
      process.stderr.write(`bench: ${(e as Error).stack ?? String(e)}\n`);
      process.exitCode = 1;
    }
  },
);
