/**
 * Markdown summary of a report document, written for PR review (and
 * $GITHUB_STEP_SUMMARY): each design's worst verdict and why, then FAILED
 * expectations, then the design ×
 * adversary table (worst verdict and SetVariable throughput relative to the
 * design's no-adversary cell), then details: per-cell metrics, quality verdicts
 * (SP 800-22 P-values, SP 800-90B estimates against the claim, health alarms),
 * parameters used with their sources, and the wall-clock benchmarks.
 */
import type { ReportDocument } from './document.ts';
import { barDecision } from './bar.ts';
import { benchmarkMethod, CELL_METRIC_HEADERS, CRASH_HEADERS, CRASH_INTRO, crashColumns, crashSummaries, cellMetricColumns, designMatrix, distinctParameters, fmt, fmtNs, matrixKey, mdCell, designSummaries, summaryUnder, summaryWhy, tapLabel, VERDICT_LIST, VERDICTS, VIRTIO_RNG_HEADERS, VIRTIO_RNG_INTRO, VIRTIO_RNG_WINDOW_HEADERS, virtioRngSummaries } from './format.ts';

function table(head: string[], rows: string[][], align?: string[]): string[] {
  return [
    `| ${head.map(mdCell).join(' | ')} |`,
    `|${head.map((_, i) => (align?.[i] === 'r' ? '---:' : '---')).join('|')}|`,
    ...rows.map((r) => `| ${r.map(mdCell).join(' | ')} |`),
  ];
}

export function renderMarkdown(doc: ReportDocument): string {
  const out: string[] = [];
  const run = doc.run;
  out.push(`# entropy-bench report${run ? `: ${run.scenario.name}` : ''}`, '');
  const env = doc.environment;
  const facts = [`entropy-bench ${doc.tool.version}`, `Node ${env.node}`, `${env.cpuModel} × ${env.cpus}`, env.platform];
  if (doc.generatedAt) facts.push(`generated ${doc.generatedAt}`);
  out.push(facts.join(' · '), '');

  if (run) {
    const failed = run.expectations.filter((e) => !e.passed);
    const s = run.scenario;
    out.push(
      `Scenario \`${s.file}\` (sha256 \`${s.sha256.slice(0, 16)}…\`), seed ${s.seed}${run.scale ? `, scale ${run.scale}` : ''}${run.shard ? `, shard ${run.shard.index}/${run.shard.count}` : ''}: ` +
        `**${run.cells.length} cells, ${run.expectations.length} expectations, ${failed.length === 0 ? 'all passed' : `${failed.length} FAILED`}**.`,
      '',
    );
    const legend = VERDICT_LIST.map((v) => `${VERDICTS[v].mark} ${v}`).join(' · ');
    out.push('## Worst verdict per design', '');
    out.push(`Each design's worst verdict over every adversary and seed, where it happened and why. Verdicts, worst first: ${legend}.`, '');
    out.push(
      ...table(
        ['design', 'worst verdict', 'under', 'why'],
        designSummaries(run.cells).map((d) => [d.design, `${VERDICTS[d.verdict].mark} ${d.verdict}`, summaryUnder(d), summaryWhy(d)]),
      ),
      '',
    );

    if (failed.length > 0) {
      out.push(`## ❌ Failed expectations (${failed.length})`, '');
      out.push(...table(['cell', 'expectation', 'actual', 'limit'], failed.map((e) => [e.cell, e.expression, fmt(e.actual, 4), `${e.op} ${fmt(e.limit, 4)}`])), '');
    }

    const m = designMatrix(run.cells);
    out.push('## Design × adversary', '');
    out.push(
      "Worst verdict of the cell(s), and SMM SetVariable throughput relative to the same design with no adversary. “+ class”: what else the adversary added to the no-adversary cell's verdict reasons, hidden by the worst verdict.",
      '',
    );
    const rows = m.designs.map((d) => [
      d,
      ...m.adversaries.map((a) => {
        const g = m.groups.get(matrixKey(d, a));
        if (!g) return '';
        const ratio = g.minRatio === undefined ? '' : g.minRatio === g.maxRatio ? ` ${fmt(g.minRatio)}×` : ` ${fmt(g.minRatio)}–${fmt(g.maxRatio)}×`;
        const added = g.added?.length ? ` + ${g.added.join(', ')}` : '';
        return `${VERDICTS[g.verdict].mark} ${g.verdict}${ratio}${added}${g.cells.length > 1 ? ` (${g.cells.length} cells)` : ''}`;
      }),
    ]);
    out.push(...table(['design ╲ adversary', ...m.adversaries], rows), '');

    const crash = crashSummaries(run.cells);
    if (crash.length) {
      out.push('## Crash consistency (power cuts)', '', CRASH_INTRO, '');
      out.push(...table(CRASH_HEADERS, crash.map((s) => [s.design, s.passed ? '✅ consistent' : '❌ FAILED', ...crashColumns(s)]), ['l', 'l', 'r', 'r', 'r', 'r', 'r', 'r', 'l']), '');
    }

    out.push('## Cells', '');
    out.push(
      ...table(
        ['cell', 'verdict', ...CELL_METRIC_HEADERS],
        run.cells.map((c) => {
          return [c.id, `${VERDICTS[c.verdict].mark} ${c.verdict}`, ...cellMetricColumns(c)];
        }),
        ['l', 'l', ...CELL_METRIC_HEADERS.map(() => 'r')],
      ),
      '',
    );
    const reasons = run.cells.filter((c) => c.verdictReasons.length > 0);
    if (reasons.length) {
      out.push('Verdict reasons:', '');
      for (const c of reasons) out.push(`- \`${c.id}\`: ${c.verdictReasons.join('; ')}`);
      out.push('');
    }

    const vr = virtioRngSummaries(run.cells);
    if (vr.length) {
      out.push('## virtio-rng windows and /dev/hwrng readers', '', VIRTIO_RNG_INTRO, '');
      out.push(
        ...table(
          VIRTIO_RNG_HEADERS,
          vr.map((v) => [v.cell, v.windows, v.bytesPerWindow, v.events, v.hung.length ? `⚠️ ${v.readers}` : v.readers, v.kernelBytes]),
          ['l', 'r', 'l', 'r', 'l', 'r'],
        ),
        '',
      );
      const hung = vr.filter((v) => v.hung.length > 0);
      if (hung.length) {
        out.push(`Hung /dev/hwrng readers: ${hung.map((v) => `\`${v.cell}\` (${v.hung.join(', ')})`).join('; ')}.`, '');
      }
      out.push('<details><summary>Windows per cell</summary>', '');
      for (const v of vr) {
        out.push(`**${v.cell}**`, '', ...table(VIRTIO_RNG_WINDOW_HEADERS, v.windowRows, ['r', 'r', 'r', 'r', 'r']), '');
      }
      out.push('</details>', '');
    }

    const q = run.cells.flatMap((c) => c.quality.map((r) => ({ c, r })));
    if (q.length) {
      out.push('## Quality verdicts', '');
      out.push(
        ...table(
          ['cell', 'tap', 'kind', 'bytes', 'verdict', 'SP 800-22 passed / applicable (min P)', 'SP 800-90B H_min / claimed (bits/sample)', 'health alarms RCT / APT'],
          q.map(({ c, r }) => {
            const minP = r.sts?.tests.reduce((m0, t) => (t.minPValue !== undefined && t.minPValue < m0 ? t.minPValue : m0), 1);
            return [
              c.id,
              tapLabel(r),
              r.kind,
              String(r.bytes),
              `${r.verdict === 'pass' ? '✅' : r.verdict === 'fail' ? '❌' : '…'} ${r.verdict}${r.reasons.length ? `: ${r.reasons.join('; ')}` : ''}`,
              r.sts ? `${r.sts.passed} / ${r.sts.applicable} (${fmt(minP, 4)})` : '—',
              r.entropy ? `${fmt(r.entropy.minEntropyPerSample, 4)} / ${r.claimedEntropyPerSample === undefined ? '—' : fmt(r.claimedEntropyPerSample)}` : '—',
              r.health ? `${r.health.rct.alarms} / ${r.health.apt.alarms}` : '—',
            ];
          }),
        ),
        '',
      );
      const withSts = q.filter(({ r }) => r.sts);
      const withEnt = q.filter(({ r }) => r.entropy);
      if (withSts.length || withEnt.length) {
        out.push('<details><summary>P-values and estimates per tap</summary>', '');
        for (const { c, r } of withSts) {
          out.push(`**${c.id} · ${r.tap}** (SP 800-22, n = ${r.sts!.n} bits, α = ${r.sts!.alpha})`, '');
          out.push(
            ...table(
              ['test', 'status', 'min P-value', 'passed / P-values', 'P-values per §4.2.2 bin [0, 0.1) … [0.9, 1]'],
              r.sts!.tests.map((t) => [
                t.test,
                t.status === 'ok' ? 'ok' : `n/a: ${t.reason ?? ''}`,
                fmt(t.minPValue, 6),
                `${t.passed} / ${t.pValues}`,
                t.histogram ? t.histogram.join(' ') : '—',
              ]),
            ),
            '',
          );
        }
        for (const { c, r } of withEnt) {
          out.push(`**${c.id} · ${r.tap}** (SP 800-90B, ${r.entropy!.samples} samples of ${r.entropy!.bitsPerSample} bits)`, '');
          out.push(
            ...table(
              ['estimator', 'H_min (bits/sample)'],
              [...r.entropy!.estimators.map((e) => [e.name, fmt(e.minEntropyPerSample, 4)]), ['**final (minimum)**', fmt(r.entropy!.minEntropyPerSample, 4)]],
            ),
            '',
          );
        }
        out.push('</details>', '');
      }
    }

    // Parameters: one row per distinct (component, name, value); most cells share defaults.
    const params = distinctParameters(run);
    if (params.length) {
      out.push('<details><summary>Parameters used (' + params.length + ')</summary>', '');
      out.push(
        ...table(
          ['component', 'parameter', 'value', 'source', 'cells'],
          params.map(({ p, cells }) => [
            p.component,
            p.name,
            `${String(p.value)}${p.unit ? ` ${p.unit}` : ''}${p.overridden ? ' (set by scenario)' : ''}`,
            p.source,
            cells === run.cells.length ? 'all' : String(cells),
          ]),
        ),
        '',
        '</details>',
        '',
      );
    }
  }

  const b = doc.benchmarks;
  if (b) {
    out.push(`## Benchmarks (wall clock${b.quick ? ', quick' : ''})`, '');
    out.push(`${benchmarkMethod(b)} Absolute figures depend on the machine; the gate compares distributions over processes.`, '');
    const suites = [...(b.calibration ? [b.calibration] : []), ...b.suites];
    out.push(
      ...table(
        ['suite', 'task', 'throughput', '± between processes', 'samples'],
        suites.flatMap((s) => s.tasks.map((t) => [s.name, t.name, `${fmt(t.throughput, 4)} ${s.unit}`, `${t.rmePercent.toFixed(1)} %`, String(t.samples)])),
        ['l', 'l', 'r', 'r', 'r'],
      ),
      '',
    );
    const ratios = b.suites.flatMap((s) => s.ratios.map((r) => ({ s, r })));
    if (ratios.length) {
      out.push(
        ...table(
          ['suite', 'ratio', 'value', 'bar', ''],
          ratios.map(({ s, r }) => [s.name, `${r.name} (${r.numerator} / ${r.denominator})`, fmt(r.value, 4), r.atLeast === undefined ? '' : `≥ ${r.atLeast}`, barMark(r)]),
          ['l', 'l', 'r', 'r', 'l'],
        ),
        '',
      );
    }
  }
  return out.join('\n');
}

/** ✅ met, ⚠️ short (median below, but the processes do not show a miss: src/report/bar.ts), ❌ missed. */
function barMark(r: { value: number; atLeast?: number; processValues?: number[] }): string {
  if (r.atLeast === undefined) return '';
  const d = barDecision({ value: r.value, atLeast: r.atLeast, ...(r.processValues ? { processValues: r.processValues } : {}) });
  return d.verdict === 'met' ? '✅' : d.verdict === 'short' ? `⚠️ short (${d.below}/${d.n} below)` : '❌';
}
