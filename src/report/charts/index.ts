/**
 * The report's charts as vega-lite specifications, rendered to SVG at build
 * time (vega-lite → vega → `View.toSVG()`, headless, no canvas, no browser), so
 * the HTML report needs no script and no network. One function per chart, each
 * in its own file beside this one (shared pieces in ./spec.ts); each returns
 * undefined when the document has no data for it (a chart with no marks is
 * never emitted). This file lists them in the order the report shows them.
 */
import * as vega from 'vega';
import * as vl from 'vega-lite';
import type { ReportDocument } from '../document.ts';
import { benchVsCalibrationChart } from './bench-vs-calibration.ts';
import { entropyEstimatesChart } from './entropy-estimates.ts';
import { setVariableLatencyChart } from './setvariable-latency.ts';
import { setVariableThroughputChart } from './setvariable-throughput.ts';
import type { ChartSpec, RenderedChart } from './spec.ts';
import { starvationOverTimeChart } from './starvation-over-time.ts';
import { starvationTotalChart } from './starvation-total.ts';
import { stsProportionsChart } from './sts-proportions.ts';
import { stsPValueHistogramChart } from './sts-pvalue-histogram.ts';

export type { ChartSpec, RenderedChart } from './spec.ts';

export function buildCharts(doc: ReportDocument): ChartSpec[] {
  const charts: Array<ChartSpec | undefined> = [];
  const run = doc.run;
  if (run && run.cells.length) {
    charts.push(
      setVariableThroughputChart(run),
      setVariableLatencyChart(run),
      // The per-cell totals only when the run recorded no starvation series.
      starvationOverTimeChart(run) ?? starvationTotalChart(run),
      stsPValueHistogramChart(run),
      stsProportionsChart(run),
      entropyEstimatesChart(run),
    );
  }
  if (doc.benchmarks) charts.push(benchVsCalibrationChart(doc.benchmarks));
  return charts.filter((c): c is ChartSpec => c !== undefined);
}

/** Compiles vega-lite → vega and renders SVG headlessly. */
export async function renderChartSvg(spec: Record<string, unknown>): Promise<string> {
  const compiled = vl.compile(spec as unknown as vl.TopLevelSpec).spec;
  const view = new vega.View(vega.parse(compiled), { renderer: 'none', logLevel: vega.Warn });
  try {
    return await view.toSVG();
  } finally {
    view.finalize();
  }
}

export async function renderCharts(doc: ReportDocument): Promise<RenderedChart[]> {
  const out: RenderedChart[] = [];
  for (const c of buildCharts(doc)) {
    const base = { id: c.id, title: c.title, caption: c.caption };
    if (c.panels) {
      const panels: Array<{ title: string; svg: string }> = [];
      for (const p of c.panels) panels.push({ title: p.title, svg: await renderChartSvg(p.spec) });
      out.push({ ...base, panels });
    } else {
      out.push({ ...base, svg: await renderChartSvg(c.spec) });
    }
  }
  return out;
}
