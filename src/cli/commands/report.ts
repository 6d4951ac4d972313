/**
 * `entropy-bench report FILE.json --format md|html|junit|benchmark [--out FILE]`
 * re-renders a saved report document; `entropy-bench report merge a.json b.json
 * … --out merged.json` joins shard reports of one run. Wiring only: the
 * rendering lives in src/report/.
 */
import { existsSync } from 'node:fs';
import { checkOutputFile, writeFileAtomic } from '../../io/write.ts';
import { Option, type Command } from 'commander';
import type { CliContext } from '../context.ts';
import { mergeReports, readReportDocument, serializeReportDocument, type ReportDocument } from '../../report/document.ts';
import { renderReport, type ReportFormat } from '../../report/bundle.ts';
import { loadScenario } from '../../scenario/load.ts';
import { expandCells } from '../../scenario/matrix.ts';
import { appendStepSummary } from '../../report/step-summary.ts';

/** The full expansion's cell ids, when the run's scenario file is still here unchanged (for merge order). */
function expansionOrder(doc: ReportDocument): string[] | undefined {
  const run = doc.run;
  if (!run || !existsSync(run.scenario.file)) return undefined;
  try {
    const loaded = loadScenario(run.scenario.file);
    if (loaded.sha256 !== run.scenario.sha256) return undefined;
    return expandCells(loaded, { seed: run.scenario.seed, scale: run.scale ?? 'default' }).map((c) => c.id);
  } catch {
    return undefined; // the file changed shape: fall back to the sharding rule
  }
}

export function register(program: Command, ctx: CliContext): void {
  const report = program
    .command('report')
    .description('Re-render a saved report document (report.json) as Markdown, HTML, JUnit XML or benchmark JSON, or merge shard reports.')
    .argument('<file>', 'a report.json written by `entropy-bench run` or `npm run bench`')
    .addOption(new Option('-f, --format <format>', 'output format').choices(['md', 'html', 'junit', 'benchmark', 'json']).default('md'))
    .option('-o, --out <file>', 'write to FILE instead of stdout')
    .addHelpText(
      'after',
      `
Formats:
  md         PR-review summary: worst verdict per design and why, failed expectations,
             design × adversary table, details
             (also appended to $GITHUB_STEP_SUMMARY when that variable is set)
  html       one self-contained page with SVG charts (no network needed)
  junit      JUnit XML, one testcase per expectation
  benchmark  github-action-benchmark "customBiggerIsBetter" JSON
  json       the validated document itself

The document is validated first: a newer schema, truncated JSON or a hand-edited
field is an error (exit 2) naming the JSON path and what was expected.

Examples:
  entropy-bench report reports/latest/report.json --format html --out report.html
  entropy-bench report reports/latest/report.json --format junit > junit.xml
  entropy-bench report merge shard-1/report.json shard-2/report.json --out merged.json`,
    )
    .action(async (file: string, opts: { format: ReportFormat; out?: string }) => {
      if (opts.out) checkOutputFile(opts.out, '--out');
      const doc = readReportDocument(file);
      const text = await renderReport(doc, opts.format);
      if (opts.out) {
        writeFileAtomic(opts.out, text, '--out');
        ctx.err(`wrote ${opts.out}\n`);
      } else {
        ctx.out(text);
      }
      if (opts.format === 'md') appendStepSummary(text);
    });

  report
    .command('merge')
    .description('Join the shard reports of one run (`entropy-bench run --shard k/n`) into one document.')
    .argument('<files...>', 'shard report.json files (same scenario digest and seed)')
    .option('-o, --out <file>', 'write the merged document to FILE instead of stdout')
    .addHelpText(
      'after',
      `
Cells are de-duplicated by id and put back in the scenario's expansion order.
Shards of different scenario files (sha256) or seeds are refused (exit 2).

Example:
  entropy-bench report merge out-1/report.json out-2/report.json --out merged.json`,
    )
    .action((files: string[], mergeOpts: { out?: string }) => {
      // commander may hand a trailing --out to the parent `report` (it has one too).
      const opts = { out: mergeOpts.out ?? (report.opts() as { out?: string }).out };
      if (opts.out) checkOutputFile(opts.out, '--out');
      const docs = files.map((f) => ({ doc: readReportDocument(f), file: f }));
      const order = expansionOrder(docs[0]!.doc);
      const merged = mergeReports(docs, order ? { order } : {});
      const text = serializeReportDocument(merged);
      if (opts.out) {
        writeFileAtomic(opts.out, text, '--out');
        ctx.err(`merged ${files.length} report(s), ${merged.run?.cells.length ?? 0} cells → ${opts.out}\n`);
      } else {
        ctx.out(text);
      }
    });
}
