/**
 * Cumulative SMM entropy wait over virtual time, one line per cell that waited (none when the
 * run recorded no starvation series: then ./starvation-total.ts).
 */
import type { RunResult } from '../../scenario/result.ts';
import { thin, vlSpec, WIDTH, type ChartSpec } from './spec.ts';

export function starvationOverTimeChart(run: RunResult): ChartSpec | undefined {
  type Series = { name: string; points: Array<[number, number]> };
  const series = run.cells.flatMap((c) => ((c.series ?? []) as Series[]).map((s) => ({ cell: c.id, s })));
  // Starvation series: cumulative already ('starvation…'), or one point per wait
  // ('…entropy-wait…', value = that wait), which is summed into a running total.
  // Only cells that starved at all are drawn, so the lines stay readable.
  const starvSeries = series.filter(
    ({ cell, s }) => /starv|entropy-wait/i.test(s.name) && s.points.length > 0 && (run.cells.find((c) => c.id === cell)?.metrics.starvation.totalNs ?? 0) > 0,
  );
  if (!starvSeries.length) return undefined;
  const values = starvSeries.flatMap(({ cell, s }) => {
    let total = 0;
    const cumulative = /starv/i.test(s.name) ? s.points : s.points.map(([t, v]): [number, number] => [t, (total += v)]);
    return thin(cumulative, 400).map(([t, v]) => ({ cell, ms: t / 1e6, waitedMs: v / 1e6 }));
  });
  const starvCells = new Set(starvSeries.map((x) => x.cell)).size;
  return {
    id: 'starvation-over-time',
    title: 'SMM starvation over virtual time',
    caption: 'Cumulative virtual time SMM waited for entropy as the run progresses, for every cell that waited at all; a rising line is an adversary winning.',
    spec: vlSpec({
      width: WIDTH,
      height: 280,
      data: { values },
      mark: { type: 'line', interpolate: 'step-after', point: true, tooltip: true },
      encoding: {
        x: { field: 'ms', type: 'quantitative', title: 'virtual time (ms)' },
        y: { field: 'waitedMs', type: 'quantitative', title: 'cumulative entropy wait (virtual ms)' },
        // Up to 10 cells: tableau10; more: tableau20 (20 distinguishable hues/shades), never a repeated colour.
        color: { field: 'cell', type: 'nominal', title: 'cell', scale: { scheme: starvCells > 10 ? 'tableau20' : 'tableau10' } },
      },
    }),
  };
}
