/**
 * `npm run bench` (= `node --import tsx bench/main.ts`): the main job.
 *
 * 1. calibration tasks (bench/calibration.ts: the machine's limits);
 * 2. every tinybench suite in bench/ (statistics, estimators, health tests,
 *    DRBGs, SMM encryption, simulation, the design matrix as a benchmark);
 * 3. calibration again (the two measurements are pooled, so load that changes
 *    during the run shows up as calibration dispersion the gate accounts for);
 * 4. the `design-matrix` scenario (scenarios/design-matrix.yaml), the virtual-
 *    time results;
 * then writes <out>/report.json (the report document), report.md, report.html,
 * junit.xml and benchmark.json (github-action-benchmark customBiggerIsBetter),
 * and prints where they are. Progress goes to stderr.
 *
 * Flags: --quick (reduced measuring time and the scenario's quick scale, for
 * CI), --out DIR (default reports/latest), --skip-matrix (no scenario run),
 * --jobs N (scenario worker threads, default: CPU count), --suites a,b (only
 * these benchmark suites; for development).
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { runSuite, type BenchSuite, type SuiteResult, type TaskResult } from './suite.ts';
import { suite as calibration } from './calibration.ts';
import { suite as sts } from './sts.ts';
import { suite as entropy } from './entropy.ts';
import { suite as health } from './health.ts';
import { suite as drbg } from './drbg.ts';
import { suite as smm } from './smm.ts';
import { suite as sim } from './sim.ts';
import { suite as matrix } from './matrix.ts';
import { runScenarioFile } from '../src/scenario/run.ts';
import type { RunResult } from '../src/scenario/result.ts';
import { createReportDocument, serializeReportDocument } from '../src/report/document.ts';
import { renderMarkdown } from '../src/report/markdown.ts';
import { renderHtml } from '../src/report/html.ts';
import { renderJUnit } from '../src/report/junit.ts';
import { renderGithubBenchmarkJson } from '../src/report/github-benchmark.ts';
import { appendStepSummary } from '../src/cli/commands/report.ts';
import { fmt } from '../src/report/format.ts';
import { InputError, isInputError } from '../src/errors.ts';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const SCENARIO = join(ROOT, 'scenarios', 'design-matrix.yaml');

const t0 = performance.now();
function progress(msg: string): void {
  process.stderr.write(`[bench ${((performance.now() - t0) / 1000).toFixed(0).padStart(3)}s] ${msg}\n`);
}

/** Pools two measurements of one calibration task: mean of the means; the spread between them counts as dispersion. */
function pool(a: TaskResult, b: TaskResult, scale: number, unitsPerMs: number): TaskResult {
  const meanMs = (a.meanMs + b.meanMs) / 2;
  const between = (100 * Math.abs(a.meanMs - b.meanMs)) / (2 * meanMs);
  const rmePercent = Math.sqrt((a.rmePercent ** 2 + b.rmePercent ** 2) / 4 + between ** 2);
  return {
    name: a.name,
    throughput: unitsPerMs / (meanMs / 1000) / scale,
    meanMs,
    rmePercent,
    samples: a.samples + b.samples,
    sampleMs: [...a.sampleMs.slice(0, 100), ...b.sampleMs.slice(0, 100)],
  };
}

function parseCli() {
  return parseArgs({
    options: {
      quick: { type: 'boolean', default: false },
      out: { type: 'string', default: join('reports', 'latest') },
      'skip-matrix': { type: 'boolean', default: false },
      jobs: { type: 'string' },
      suites: { type: 'string' },
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
      'usage: npm run bench -- [--quick] [--out DIR] [--skip-matrix] [--jobs N] [--suites a,b]\n' +
        '  runs the calibration tasks, every benchmark suite in bench/ and the design-matrix scenario,\n' +
        '  then writes DIR/report.json, report.md, report.html, junit.xml, benchmark.json (default DIR: reports/latest)\n',
    );
    return 0;
  }
  const quick = values.quick!;
  const outDir = values.out!;
  const jobs = values.jobs !== undefined ? Number(values.jobs) : Math.max(1, os.cpus().length);
  if (!Number.isInteger(jobs) || jobs < 1) throw new InputError(`--jobs: expected an integer ≥ 1, found ${values.jobs}`);

  let suites: BenchSuite[] = [sts, entropy, health, drbg, smm, sim, matrix];
  if (values.suites) {
    const want = values.suites.split(',').map((s) => s.trim());
    const unknown = want.filter((w) => !suites.some((s) => s.name === w));
    if (unknown.length) throw new InputError(`--suites: unknown suite(s) ${unknown.join(', ')}; have ${suites.map((s) => s.name).join(', ')}`);
    suites = suites.filter((s) => want.includes(s.name));
  }
  progress(`${quick ? 'quick' : 'full'} run: calibration + ${suites.length} suites (${suites.map((s) => s.name).join(', ')})${values['skip-matrix'] ? '' : ' + design-matrix scenario'}`);

  const runOne = async (s: BenchSuite): Promise<SuiteResult> => {
    const started = performance.now();
    let n = 0;
    const r = await runSuite(s, { quick, onTask: (name) => progress(`${s.name}: ${name} (${++n})`) });
    progress(`${s.name}: done in ${((performance.now() - started) / 1000).toFixed(1)} s`);
    return r;
  };

  const cal1 = await runOne(calibration);
  const results: SuiteResult[] = [];
  for (const s of suites) results.push(await runOne(s));
  // Second calibration right after the suites (before the scenario run grows the heap).
  const cal2 = await runOne(calibration);

  let run: RunResult | undefined;
  if (!values['skip-matrix']) {
    progress(`design-matrix scenario (${quick ? 'quick' : 'default'} scale, ${jobs} job(s))`);
    let last = 0;
    // A path relative to the working directory, so report.json does not depend on where the clone lives.
    run = await runScenarioFile(relative(process.cwd(), SCENARIO) || SCENARIO, {
      scale: quick ? 'quick' : 'default',
      jobs,
      onProgress: (done, total, cell) => {
        // At most ~20 progress lines however many cells.
        if (done === total || done - last >= Math.max(1, Math.floor(total / 20))) {
          last = done;
          progress(`design-matrix: ${done}/${total} cells (${cell})`);
        }
      },
    });
  }

  const unitsPerCall = new Map(calibration.tasks({ quick }).map((t) => [t.name, t.unitsPerCall]));
  const pooled: SuiteResult = {
    ...cal1,
    tasks: cal1.tasks.map((a) => pool(a, cal2.tasks.find((b) => b.name === a.name)!, calibration.scale, unitsPerCall.get(a.name)!)),
  };

  const doc = createReportDocument({
    ...(run ? { run } : {}),
    benchmarks: results,
    calibration: pooled,
    quick,
    clock: 'cpu',
    generatedAt: new Date().toISOString(),
  });
  mkdirSync(outDir, { recursive: true });
  const md = renderMarkdown(doc);
  const files: Array<[string, string]> = [
    ['report.json', serializeReportDocument(doc)],
    ['report.md', md],
    ['report.html', await renderHtml(doc)],
    ['junit.xml', renderJUnit(doc)],
    ['benchmark.json', renderGithubBenchmarkJson(doc)],
  ];
  for (const [name, text] of files) writeFileSync(join(outDir, name), text);
  appendStepSummary(md);

  // Short summary on stdout.
  const lines: string[] = [];
  const secs = (performance.now() - t0) / 1000;
  lines.push(`entropy-bench ${quick ? 'quick ' : ''}bench finished in ${secs.toFixed(0)} s on ${doc.environment.cpuModel} × ${doc.environment.cpus}`);
  lines.push(`calibration: ${pooled.tasks.map((t) => `${t.name} ${fmt(t.throughput, 4)} MB/s`).join(', ')}`);
  for (const s of results) {
    const bars = s.ratios.filter((r) => r.atLeast !== undefined);
    const failed = bars.filter((r) => r.pass === false);
    lines.push(
      `${s.name}: ${s.tasks.length} tasks (${s.unit})${bars.length ? `, ${bars.length - failed.length}/${bars.length} ratio bars met` : ''}${failed.length ? ` [below bar: ${failed.map((r) => `${r.name} ${fmt(r.value)} < ${fmt(r.atLeast)}`).join(', ')}]` : ''}`,
    );
  }
  if (run) {
    const failed = run.expectations.filter((e) => !e.passed);
    const verdicts = new Map<string, number>();
    for (const c of run.cells) verdicts.set(c.verdict, (verdicts.get(c.verdict) ?? 0) + 1);
    lines.push(
      `design-matrix: ${run.cells.length} cells (${[...verdicts].map(([v, n]) => `${n} ${v}`).join(', ')}), ${run.expectations.length} expectations, ${failed.length} failed`,
    );
    for (const e of failed.slice(0, 10)) lines.push(`  FAILED ${e.cell}: ${e.expression} (actual ${fmt(e.actual, 4)})`);
    if (failed.length > 10) lines.push(`  … and ${failed.length - 10} more (see report.md)`);
  }
  const rel = relative(process.cwd(), outDir) || '.';
  lines.push(`reports: ${files.map(([n]) => join(rel, n)).join(', ')}`);
  process.stdout.write(lines.join('\n') + '\n');
  return 0;
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
