/**
 * `entropy-bench run <scenario>`: runs a scenario file (every cell of its
 * matrix) in the deterministic platform model and writes `<out>/report.json`
 * (a ReportDocument, src/report/document.ts) plus a readable summary. Exit 1 when
 * an expectation fails, 2 on bad input.
 *
 * Without --out the report goes to a new directory under the system's
 * temporary directory (its path is printed), never into the current directory:
 * running a scenario from a checkout must not leave files in the work tree.
 * The output directory is created and checked before the run starts, so a bad
 * --out fails at once rather than after all the work.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Command } from 'commander';
import { InputError } from '../../errors.ts';
import { prepareOutputDir } from '../../io/write.ts';
import { writeReportBundle } from '../../report/bundle.ts';
import { createReportDocument } from '../../report/document.ts';
import { runScenarioFile } from '../../scenario/run.ts';
import type { CellResult, RunResult } from '../../scenario/result.ts';
import { formatDuration } from '../../scenario/units.ts';
import { EXIT_FAILED, setExit, type CliContext } from '../context.ts';
import { boundJobs } from '../jobs.ts';

interface RunFlags {
  seed?: string;
  jobs: string;
  shard?: string;
  out?: string;
  json?: boolean;
  scale: string;
}

function intFlag(name: string, text: string, min: number): number {
  if (!/^[0-9]+$/.test(text) || Number(text) < min) throw new InputError(`${name}: expected an integer ≥ ${min}, found ${JSON.stringify(text)}`);
  return Number(text);
}

export function parseShard(text: string): { index: number; count: number } {
  const m = /^([0-9]+)\/([0-9]+)$/.exec(text);
  if (!m) throw new InputError(`--shard: expected k/n (e.g. 1/4), found ${JSON.stringify(text)}`);
  const index = Number(m[1]);
  const count = Number(m[2]);
  if (count < 1 || index < 1 || index > count) throw new InputError(`--shard: expected 1 ≤ k ≤ n, found ${text}`);
  return { index, count };
}

function rate(x: number): string {
  return x >= 100 ? x.toFixed(0) : x.toFixed(1);
}

/** One line per cell (the library returns data; this formats it). */
export function formatCellLine(c: CellResult): string {
  const m = c.metrics;
  const parts = [
    `${c.verdict.padEnd(8)} ${c.id}`,
    `SetVariable ${rate(m.setVariable.perVirtualSecond)}/s` + (c.baselineRatio !== undefined ? ` (${(c.baselineRatio * 100).toFixed(1)} % of baseline)` : ''),
    `p99 ${formatDuration(m.setVariable.latency.p99Ns)}`,
  ];
  if (m.starvation.totalNs > 0) parts.push(`starved ${formatDuration(m.starvation.totalNs)} (longest ${formatDuration(m.starvation.longestNs)})`);
  if (m.isolation.violations + m.isolation.blockedAttempts > 0) parts.push(`isolation ${m.isolation.violations} violations/${m.isolation.blockedAttempts} blocked`);
  if (m.udFaults.nonSmm + m.udFaults.smm > 0) parts.push(`#UD ${m.udFaults.nonSmm} non-SMM/${m.udFaults.smm} SMM`);
  if (m.tls.done + m.tls.denied + m.tls.degraded > 0) parts.push(`TLS ${m.tls.done} ok/${m.tls.denied} denied/${m.tls.degraded} degraded`);
  const q = c.quality;
  if (q.length > 0) {
    const fails = q.filter((x) => x.verdict === 'fail').map((x) => x.tap);
    const pass = q.filter((x) => x.verdict === 'pass').length;
    const short = q.length - pass - fails.length;
    parts.push(`taps ${pass} pass/${fails.length} fail/${short} too short${fails.length ? ` (fail: ${fails.join(', ')})` : ''}`);
  }
  return parts.join(' · ');
}

export function formatSummary(r: RunResult): string {
  const lines = [`scenario ${r.scenario.name} (${r.scenario.file}), seed ${r.scenario.seed}, ${r.cells.length} cell(s)` + (r.shard ? `, shard ${r.shard.index}/${r.shard.count} of ${r.totalCells ?? '?'}` : '')];
  for (const c of r.cells) {
    lines.push(`  ${formatCellLine(c)}`);
    if (c.verdict !== 'ok') for (const why of c.verdictReasons) lines.push(`      ${why}`);
  }
  const failed = r.expectations.filter((e) => !e.passed);
  lines.push(`expectations: ${r.expectations.length - failed.length}/${r.expectations.length} passed`);
  for (const e of failed) lines.push(`  FAILED ${e.cell}: ${e.expression} (actual ${e.actual})`);
  return `${lines.join('\n')}\n`;
}

export function register(program: Command, ctx: CliContext): void {
  program
    .command('run')
    .description('Run a scenario file in the deterministic QEMU/KVM/edk2 model and report SMM throughput, starvation, isolation and entropy quality per cell')
    .argument('<scenario>', 'scenario file (.yaml, .yml or .json; see scenarios/scenario.schema.json)')
    .option('--seed <n>', "base seed (overrides the file's seed)")
    .option('--jobs <n>', 'worker threads running cells in parallel (results are identical for any value)', '1')
    .option('--shard <k/n>', 'run only the k-th of n deterministic slices of the cell list')
    .option('--scale <scale>', "'default' or 'quick' (the file's smaller CI settings)", 'default')
    .option('--out <dir>', 'directory for report.json (default: a new directory under the system temporary directory, printed)')
    .option('--json', 'print the run result as JSON on stdout instead of the summary')
    .addHelpText(
      'after',
      `
Examples:
  entropy-bench run scenarios/virtio-drain.yaml
  entropy-bench run scenarios/design-matrix.yaml --jobs 2 --out out/matrix
  entropy-bench run scenarios/design-matrix.yaml --scale quick --shard 1/4
  entropy-bench run scenarios/baseline.yaml --seed 7 --json > run.json

Exit status: 0 = every expectation held, 1 = an expectation failed, 2 = bad scenario or flags.
The same scenario + seed gives a byte-identical report.json (apart from generatedAt and timing).`,
    )
    .action(async (file: string, flags: RunFlags) => {
      if (flags.scale !== 'default' && flags.scale !== 'quick') throw new InputError(`--scale: expected 'default' or 'quick', found ${JSON.stringify(flags.scale)}`);
      const jobs = boundJobs(intFlag('--jobs', flags.jobs, 1), ctx, 'run');
      const seed = flags.seed !== undefined ? intFlag('--seed', flags.seed, 0) : undefined;
      const shard = flags.shard !== undefined ? parseShard(flags.shard) : undefined;
      // The output location is checked (and created) before any work.
      let outDir: string;
      if (flags.out !== undefined) {
        prepareOutputDir(flags.out, '--out');
        outDir = flags.out;
      } else {
        outDir = mkdtempSync(join(tmpdir(), 'entropy-bench-run-'));
      }
      const progress = ctx.isTTY
        ? (done: number, total: number, cell: string): void => ctx.err(`\r[${done}/${total}] ${cell}`.padEnd(80).slice(0, 100) + (done === total ? '\n' : ''))
        : undefined;
      const cellMs = new Map<string, number>();
      const started = performance.now();
      const result = await runScenarioFile(file, {
        onCellTime: (cell, ms) => cellMs.set(cell, ms),
        ...(seed !== undefined ? { seed } : {}),
        jobs,
        ...(shard !== undefined ? { shard } : {}),
        scale: flags.scale,
        ...(progress ? { onProgress: progress } : {}),
      });
      // generatedAt and timing are the document's wall-clock parts (JUnit's timestamp and times); the run itself is deterministic.
      const doc = createReportDocument({ run: result, generatedAt: new Date().toISOString(), timing: { totalMs: performance.now() - started, cellMs } });
      const reportPath = join(outDir, 'report.json');
      // The bundle's document only (src/report/bundle.ts); `entropy-bench report` renders the others from it.
      await writeReportBundle(doc, outDir, { files: ['report.json'], flag: '--out' });
      ctx.out(flags.json ? `${JSON.stringify(result, null, 2)}\n` : formatSummary(result));
      if (!flags.json) ctx.out(`wrote ${reportPath}\n`);
      else ctx.err(`wrote ${reportPath}\n`);
      if (result.expectations.some((e) => !e.passed)) setExit(ctx, EXIT_FAILED);
    });
}
