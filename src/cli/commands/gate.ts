/**
 * `entropy-bench gate --baseline reports/baseline.json --current
 * reports/latest/report.json [--config gates.yaml] [--update] [--json]`:
 * the CI performance gate (src/report/gate.ts). Exit 0 = no regression,
 * 1 = a regression, 2 = the documents cannot be compared (another scenario,
 * seed, scale or schema) or a file is bad.
 */
import { existsSync } from 'node:fs';
import { dirname } from 'node:path';
import { readInput } from '../../io/input.ts';
import { checkOutputFile, prepareOutputDir, writeFileAtomic } from '../../io/write.ts';
import type { Command } from 'commander';
import { InputError } from '../../errors.ts';
import { EXIT_FAILED, setExit, type CliContext } from '../context.ts';
import { readReportDocument } from '../../report/document.ts';
import { assertComparable, compareReports, DEFAULT_GATE_CONFIG, formatGateMarkdown, formatGateTable } from '../../report/gate.ts';
import { checkGateReferences, readGateConfig } from '../../report/gate-config.ts';
import { renderJUnit } from '../../report/junit.ts';
import { appendStepSummary } from '../../report/step-summary.ts';

interface GateOptions {
  baseline: string;
  current: string;
  config?: string;
  update?: boolean;
  json?: boolean;
  junit?: string;
}

export function register(program: Command, ctx: CliContext): void {
  program
    .command('gate')
    .description('Compare a report against a baseline: virtual-time metrics exactly, wall-clock speed as distributions over fresh processes (side by side with the baseline build, or as ratios to calibration tasks).')
    .requiredOption('-b, --baseline <file>', 'baseline report.json (committed, e.g. reports/baseline.json)')
    .requiredOption('-c, --current <file>', 'report.json of this run (e.g. reports/latest/report.json)')
    .option('--config <file>', 'per-metric tolerances (YAML or JSON); see src/report/gate-config.ts')
    .option('--update', 'write the current report as the new baseline (after showing the comparison)')
    .option('--json', 'print the comparison as JSON instead of a table')
    .option('--junit <file>', 'also write JUnit XML with one testcase per check')
    .addHelpText(
      'after',
      `
What is compared:
  virtual time   every numeric metric of every cell (but the simulation event count), its SetVariable
                 ratio, verdict and expectation outcomes: deterministic, so compared exactly; a
                 change names the model parameters that differ; re-baseline after an intended change
  wall clock     each task's per-process medians over several fresh processes:
                 side by side   when the current report was measured with --against (npm run bench --
                                --against reports/baseline.json: the baseline commit built and run in
                                the same job, processes alternating): a task fails when its median is
                                ≥ 5 % slower AND the 99 % bootstrap interval of the ratio excludes 1
                 fallback       per-process ratios to a calibration task of the same process, against
                                the baseline report (same CPU model, Node, runner settings): ≥ 25 %
  instructions   each hot kernel's instructions per call under valgrind's callgrind (npm run bench
                 records them when valgrind is installed): a count > 5 % above the baseline's fails,
                 and that task's wall-clock check is then shown without failing; skipped, with the
                 reason, when a report has no counts or valgrind, Node or the CPU model differ
  bars           each declared same-run ratio with a bar (e.g. CTR_DRBG ≥ 0.5 of raw AES-256-CTR,
                 Hash_DRBG ≥ 0.8 of the node:crypto calls it must make) must hold now

Output: a table of every check (baseline, current, change, limit, verdict), regressions first.
Exit status: 0 = no regression, 1 = regression or a missed bar, 2 = the reports cannot be compared
(scenario digest, seed, scale, runner settings, a dirty or benchmark-less baseline, another machine
in fallback mode) or a bad file.

Examples:
  entropy-bench gate --baseline reports/baseline.json --current reports/latest/report.json
  entropy-bench gate -b reports/baseline.json -c reports/latest/report.json --config gates.yaml --json
  entropy-bench gate -b reports/baseline.json -c reports/latest/report.json --update`,
    )
    .action((opts: GateOptions) => {
      // Where results will be written is checked before any work.
      if (opts.junit) checkOutputFile(opts.junit, '--junit');
      if (opts.update) {
        prepareOutputDir(dirname(opts.baseline), '--baseline');
        checkOutputFile(opts.baseline, '--baseline');
      }
      const config = opts.config ? readGateConfig(opts.config) : DEFAULT_GATE_CONFIG;
      const current = readReportDocument(opts.current);
      if (opts.update && !existsSync(opts.baseline)) {
        writeFileAtomic(opts.baseline, readInput(opts.current), '--baseline');
        ctx.err(`gate: no baseline yet; wrote ${opts.current} as ${opts.baseline}\n`);
        return;
      }
      if (!existsSync(opts.baseline)) {
        throw new InputError(`${opts.baseline}: baseline not found; create it with --update from a run on this scenario`);
      }
      const baseline = readReportDocument(opts.baseline);
      // A reference task the configuration names must exist, else its checks would silently drop out.
      checkGateReferences(config, [{ doc: baseline, file: opts.baseline }, { doc: current, file: opts.current }], opts.config ?? 'the default gate config');
      let comparable = true;
      try {
        assertComparable(baseline, current, { baseline: opts.baseline, current: opts.current });
      } catch (e) {
        if (!opts.update) throw e;
        comparable = false;
        ctx.err(`gate: ${(e as Error).message}; replacing the baseline\n`);
      }
      if (comparable) {
        const result = compareReports(baseline, current, config);
        if (opts.json) ctx.out(JSON.stringify(result, null, 2) + '\n');
        else ctx.out(formatGateTable(result));
        appendStepSummary(formatGateMarkdown(result));
        if (opts.junit) writeFileAtomic(opts.junit, renderJUnit(current, result), '--junit');
        if (!result.passed && !opts.update) setExit(ctx, EXIT_FAILED);
      }
      if (opts.update) {
        writeFileAtomic(opts.baseline, readInput(opts.current), '--baseline');
        ctx.err(`gate: wrote ${opts.current} as the new baseline ${opts.baseline}\n`);
      }
    });
}
