/**
 * The HTML report: ONE self-contained file. Inline CSS, charts as inline SVG
 * rendered at build time (./charts/: vega-lite → vega View.toSVG()), no
 * script, no external resource, so it opens offline and in CI artifact viewers.
 * Each chart sits in `<figure class="chart" data-chart="<id>">`; the browser
 * test checks every one of them rendered marks.
 */
import type { ReportDocument } from './document.ts';
import { barDecision } from './bar.ts';
import { renderCharts, type RenderedChart } from './charts/index.ts';
import { benchmarkMethod, CELL_METRIC_HEADERS, CRASH_HEADERS, CRASH_INTRO, crashColumns, crashSummaries, cellMetricColumns, designMatrix, distinctParameters, fmt, fmtNs, matrixKey, designSummaries, summaryUnder, summaryWhy, tapLabel, VERDICT_LIST, VERDICTS, VIRTIO_RNG_HEADERS, VIRTIO_RNG_INTRO, VIRTIO_RNG_WINDOW_HEADERS, virtioRngSummaries, xmlEscape as esc } from './format.ts';

const CSS = `
body{font:14px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;margin:0 auto;max-width:1100px;padding:1.5rem;color:#222;background:#fff}
p,figcaption,code,.panel-title,h1,h2{overflow-wrap:anywhere}
h1{font-size:1.6rem;margin:.2rem 0}h2{font-size:1.25rem;margin-top:2rem;border-bottom:1px solid #ddd;padding-bottom:.2rem}
.meta{color:#555}.summary{font-size:1.05rem;margin:1rem 0}
table{border-collapse:collapse;margin:.6rem 0;font-size:13px}th,td{border:1px solid #ddd;padding:.25rem .5rem;text-align:left;vertical-align:top}
th{background:#f5f5f5}td.n{text-align:right;font-variant-numeric:tabular-nums}
${VERDICT_LIST.map((v) => `.v-${v}{background:${VERDICTS[v].background}}`).join('')}
.scroll{overflow-x:auto;max-width:100%}.legend span{white-space:nowrap;margin-right:.8rem;padding:0 .3rem}
@media (max-width:600px){body{padding:.6rem;font-size:13px}table{font-size:12px}th,td{padding:.2rem .3rem}}
.fail{color:#b00;font-weight:600}.pass{color:#070}
figure.chart{margin:1rem 0;padding:.5rem;border:1px solid #eee;overflow-x:auto}
figure.chart svg{max-width:100%;height:auto}
.panels{display:flex;flex-wrap:wrap;gap:.5rem 1rem}.panel{flex:0 1 auto;max-width:100%}.panel-title{font-size:12px;color:#333;max-width:22rem}figcaption{color:#555;margin-bottom:.4rem}
figcaption b{color:#222;display:block;font-size:1rem}details{margin:.5rem 0}code{background:#f3f3f3;padding:0 .2rem}
`;

function table(head: string[], rows: Array<Array<string | { html: string; cls?: string }>>, numeric: number[] = []): string {
  const cell = (c: string | { html: string; cls?: string }, i: number) => {
    const cls = [numeric.includes(i) ? 'n' : '', typeof c === 'object' ? (c.cls ?? '') : ''].filter(Boolean).join(' ');
    return `<td${cls ? ` class="${cls}"` : ''}>${typeof c === 'string' ? esc(c) : c.html}</td>`;
  };
  return `<div class="scroll"><table><thead><tr>${head.map((h) => `<th>${esc(h)}</th>`).join('')}</tr></thead><tbody>${rows
    .map((r) => `<tr>${r.map(cell).join('')}</tr>`)
    .join('')}</tbody></table></div>`;
}

/** On a narrow screen a chart shrinks to fit its box, but never below this share of its size (text stays legible); beyond that it scrolls inside the box. */
const MIN_CHART_SCALE = 0.75;

function scalable(svg: string): string {
  return svg.replace(/^<svg ([^>]*?)width="(\d+(?:\.\d+)?)"/, (_m, before: string, w: string) => `<svg ${before}style="min-width:${Math.round(Number(w) * MIN_CHART_SCALE)}px" width="${w}"`);
}

function figure(c: RenderedChart): string {
  const body = c.panels
    ? `<div class="panels">${c.panels.map((p) => `<div class="panel"><div class="panel-title">${esc(p.title)}</div>${p.svg}</div>`).join('')}</div>`
    : scalable(c.svg ?? '');
  return `<figure class="chart" data-chart="${esc(c.id)}"><figcaption><b>${esc(c.title)}</b>${esc(c.caption)}</figcaption>${body}</figure>`;
}

export async function renderHtml(doc: ReportDocument): Promise<string> {
  const charts = await renderCharts(doc);
  const byId = new Map(charts.map((c) => [c.id, c]));
  const take = (...ids: string[]) => ids.map((id) => byId.get(id)).filter((c): c is RenderedChart => c !== undefined).map(figure).join('\n');
  const run = doc.run;
  const parts: string[] = [];
  const title = `entropy-bench report${run ? `: ${run.scenario.name}` : ''}`;
  const env = doc.environment;
  parts.push(`<h1>${esc(title)}</h1>`);
  parts.push(
    `<p class="meta">entropy-bench ${esc(doc.tool.version)} · Node ${esc(env.node)} · ${esc(env.cpuModel)} × ${env.cpus} · ${esc(env.platform)}${doc.generatedAt ? ` · generated ${esc(doc.generatedAt)}` : ''} · report schema ${esc(doc.schemaVersion)}</p>`,
  );
  if (run) {
    const failed = run.expectations.filter((e) => !e.passed);
    const s = run.scenario;
    parts.push(
      `<p class="summary">Scenario <code>${esc(s.file)}</code> (sha256 <code>${esc(s.sha256.slice(0, 16))}…</code>), seed ${esc(String(s.seed))}${run.scale ? `, scale ${esc(run.scale)}` : ''}: <b>${run.cells.length} cells, ${run.expectations.length} expectations, ${
        failed.length ? `<span class="fail">${failed.length} FAILED</span>` : '<span class="pass">all passed</span>'
      }</b>.</p>`,
    );
    parts.push(
      '<h2>Worst verdict per design</h2><p>Each design’s worst verdict over every adversary and seed, where it happened and why.</p>',
      `<p class="legend">${VERDICT_LIST.map((v) => `<span class="v-${v}">${VERDICTS[v].glyph}&nbsp;${esc(v)}</span>`).join(' ')} (worst first)</p>`,
      table(
        ['design', 'worst verdict', 'under', 'why'],
        designSummaries(run.cells).map((d) => [
          { html: `<b>${esc(d.design)}</b>` },
          { html: `${VERDICTS[d.verdict].glyph}&nbsp;${esc(d.verdict)}`, cls: `v-${d.verdict}` },
          summaryUnder(d),
          summaryWhy(d),
        ]),
      ),
    );
    if (failed.length) {
      parts.push(`<h2>Failed expectations (${failed.length})</h2>`);
      parts.push(table(['cell', 'expectation', 'actual', 'limit'], failed.map((e) => [e.cell, e.expression, fmt(e.actual, 4), `${e.op} ${fmt(e.limit, 4)}`]), [2]));
    }
    const m = designMatrix(run.cells);
    parts.push(
      '<h2>Design × adversary</h2><p>Worst verdict of the cell(s) and SetVariable throughput relative to the same design with no adversary. “+&nbsp;class”: what else the adversary added to the no-adversary cell’s verdict reasons, hidden by the worst verdict.</p>',
    );
    parts.push(
      table(
        ['design ╲ adversary', ...m.adversaries],
        m.designs.map((d) => [
          { html: `<b>${esc(d)}</b>` },
          ...m.adversaries.map((a) => {
            const g = m.groups.get(matrixKey(d, a));
            if (!g) return '';
            const ratio = g.minRatio === undefined ? '' : g.minRatio === g.maxRatio ? `${fmt(g.minRatio)}×` : `${fmt(g.minRatio)}–${fmt(g.maxRatio)}×`;
            return {
              html: `${VERDICTS[g.verdict].glyph}&nbsp;${esc(g.verdict)}${ratio ? `<br><small>${esc(ratio)}</small>` : ''}${g.added?.length ? `<br><small>+&nbsp;${esc(g.added.join(', '))}</small>` : ''}${g.cells.length > 1 ? ` <small>(${g.cells.length} cells)</small>` : ''}`,
              cls: `v-${g.verdict}`,
            };
          }),
        ]),
      ),
    );
    const crash = crashSummaries(run.cells);
    if (crash.length) {
      parts.push(`<h2>Crash consistency (power cuts)</h2><p>${esc(CRASH_INTRO)}</p>`);
      parts.push(
        table(
          CRASH_HEADERS,
          crash.map((s) => [
            { html: `<b>${esc(s.design)}</b>` },
            s.passed ? { html: `${VERDICTS.ok.glyph}&nbsp;consistent`, cls: 'v-ok' } : { html: `${VERDICTS.broken.glyph}&nbsp;FAILED`, cls: 'v-broken' },
            ...crashColumns(s),
          ]),
          [2, 3, 4, 5, 6, 7],
        ),
      );
    }
    parts.push('<h2>SMM under attack</h2>', take('setvariable-throughput', 'setvariable-latency', 'starvation-over-time', 'starvation-total'));
    parts.push('<h2>Cells</h2>');
    parts.push(
      table(
        ['cell', 'verdict', ...CELL_METRIC_HEADERS, 'reasons'],
        run.cells.map((c) => {
          return [
            c.id,
            { html: `${VERDICTS[c.verdict].glyph}&nbsp;${esc(c.verdict)}`, cls: `v-${c.verdict}` },
            ...cellMetricColumns(c),
            c.verdictReasons.join('; '),
          ];
        }),
        [2, 3, 4, 5, 6, 7, 8, 9, 10, 11],
      ),
    );
    const vr = virtioRngSummaries(run.cells);
    if (vr.length) {
      parts.push(`<h2>virtio-rng windows and /dev/hwrng readers</h2><p>${esc(VIRTIO_RNG_INTRO).replace(/`([^`]+)`/g, '<code>$1</code>')}</p>`);
      parts.push(
        table(
          VIRTIO_RNG_HEADERS,
          vr.map((v) => [v.cell, v.windows, v.bytesPerWindow, v.events, v.hung.length ? { html: `⚠&nbsp;${esc(v.readers)}`, cls: 'fail' } : v.readers, v.kernelBytes]),
          [1, 3, 5],
        ),
      );
      parts.push(
        `<details><summary>Windows per cell (first ${vr.reduce((m0, v) => Math.max(m0, v.windowRows.length), 0)})</summary>` +
          vr.map((v) => `<p><b>${esc(v.cell)}</b></p>${table(VIRTIO_RNG_WINDOW_HEADERS, v.windowRows, [0, 1, 2, 3, 4])}`).join('') +
          '</details>',
      );
    }
    const q = run.cells.flatMap((c) => c.quality.map((r) => ({ c, r })));
    if (q.length) {
      parts.push('<h2>Quality of what the consumers got</h2>', take('sts-pvalue-histogram', 'sts-proportions', 'entropy-estimates'));
      parts.push(
        table(
          ['cell', 'tap', 'kind', 'bytes', 'verdict', 'SP 800-22 passed / applicable', 'SP 800-90B H_min / claimed', 'RCT / APT alarms', 'reasons'],
          q.map(({ c, r }) => [
            c.id,
            tapLabel(r),
            r.kind,
            String(r.bytes),
            { html: esc(r.verdict), cls: r.verdict === 'fail' ? 'fail' : r.verdict === 'pass' ? 'pass' : '' },
            r.sts ? `${r.sts.passed} / ${r.sts.applicable}` : '—',
            r.entropy ? `${fmt(r.entropy.minEntropyPerSample, 4)} / ${r.claimedEntropyPerSample === undefined ? '—' : fmt(r.claimedEntropyPerSample)}` : '—',
            r.health ? `${r.health.rct.alarms} / ${r.health.apt.alarms}` : '—',
            r.reasons.join('; '),
          ]),
          [3],
        ),
      );
    }
    const params = distinctParameters(run);
    if (params.length) {
      parts.push(`<h2>Parameters used</h2><details><summary>${params.length} distinct parameter values, with the source of each default</summary>`);
      parts.push(
        table(
          ['component', 'parameter', 'value', 'source', 'cells'],
          params.map(({ p, cells }) => [
            p.component,
            p.name,
            `${String(p.value)}${p.unit ? ` ${p.unit}` : ''}${p.overridden ? ' (set by scenario)' : ''}`,
            p.source,
            cells === run.cells.length ? 'all' : String(cells),
          ]),
        ),
        '</details>',
      );
    }
  }
  const b = doc.benchmarks;
  if (b) {
    parts.push(
      `<h2>Benchmarks (wall clock${b.quick ? ', quick run' : ''})</h2><p>${esc(benchmarkMethod(b))} Absolute figures depend on the machine; the gate compares distributions over processes: side by side with the baseline build when it was measured in the same job, else per-process ratios to calibration tasks.</p>`,
    );
    parts.push(take('bench-vs-calibration'));
    const suites = [...(b.calibration ? [b.calibration] : []), ...b.suites];
    parts.push(
      table(
        ['suite', 'task', 'throughput', '± between processes', 'samples'],
        suites.flatMap((s) => s.tasks.map((t) => [s.name, t.name, `${fmt(t.throughput, 4)} ${s.unit}`, `${t.rmePercent.toFixed(1)} %`, String(t.samples)])),
        [2, 3, 4],
      ),
    );
    const ratios = b.suites.flatMap((s) => s.ratios.map((r) => ({ s, r })));
    if (ratios.length) {
      parts.push(
        table(
          ['suite', 'ratio', 'value', 'bar'],
          ratios.map(({ s, r }) => [
            s.name,
            `${r.name} (${r.numerator} / ${r.denominator})`,
            fmt(r.value, 4),
            r.atLeast === undefined ? '' : barCell(r.value, r.atLeast, r.processValues),
          ]),
          [2],
        ),
      );
    }
  }
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${esc(title)}</title>
<style>${CSS}</style>
</head>
<body>
${parts.join('\n')}
</body>
</html>
`;
}

/** ✓ met, ≈ short (median below, not shown by the processes: src/report/bar.ts), ✗ missed. */
function barCell(value: number, atLeast: number, processValues?: number[]): { html: string; cls: string } {
  const d = barDecision({ value, atLeast, ...(processValues ? { processValues } : {}) });
  const mark = d.verdict === 'met' ? '✓' : d.verdict === 'short' ? `≈ short (${d.below}/${d.n} below)` : '✗';
  return { html: `≥ ${esc(String(atLeast))} ${mark}`, cls: d.verdict === 'missed' ? 'fail' : 'pass' };
}
