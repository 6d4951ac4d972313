/**
 * Total SMM entropy wait per cell, for a run without time series (none when nothing waited).
 */
import type { RunResult } from '../../scenario/result.ts';
import { vlSpec, WIDTH, type ChartSpec } from './spec.ts';

export function starvationTotalChart(run: RunResult): ChartSpec | undefined {
  const starv = run.cells.map((c) => ({ cell: c.id, ms: c.metrics.starvation.totalNs / 1e6, longest: c.metrics.starvation.longestNs / 1e6 }));
  if (!starv.some((d) => d.ms > 0)) return undefined;
  return {
    id: 'starvation-total',
    title: 'SMM starvation per cell',
    caption: 'Total virtual time SMM waited for entropy (the run recorded no time series).',
    spec: vlSpec({
      width: WIDTH,
      data: { values: starv },
      mark: { type: 'bar', tooltip: true },
      encoding: { y: { field: 'cell', type: 'nominal', title: null, sort: run.cells.map((c) => c.id) }, x: { field: 'ms', type: 'quantitative', title: 'starvation (virtual ms)' } },
    }),
  };
}
