/**
 * SetVariable latency per cell: p50, p99 and max on a log axis (none when no call completed).
 */
import type { RunResult } from '../../scenario/result.ts';
import { vlSpec, WIDTH, type ChartSpec } from './spec.ts';

export function setVariableLatencyChart(run: RunResult): ChartSpec | undefined {
  const lat = run.cells.flatMap((c) => {
    const l = c.metrics.setVariable.latency;
    if (l.count === 0) return [];
    return [
      { cell: c.id, stat: 'p50', us: l.p50Ns / 1e3 },
      { cell: c.id, stat: 'p99', us: l.p99Ns / 1e3 },
      { cell: c.id, stat: 'max', us: l.maxNs / 1e3 },
    ].filter((d) => d.us > 0);
  });
  const cellOrder = run.cells.map((c) => c.id);
  if (!lat.length) return undefined;
  return {
    id: 'setvariable-latency',
    title: 'SetVariable latency distribution (p50 / p99 / max)',
    caption: 'Virtual time from the SetVariable call to completion, log scale; a long p99–max whisker is entropy starvation showing through.',
    spec: vlSpec({
      width: WIDTH,
      data: { values: lat },
      layer: [
        {
          mark: { type: 'rule', color: '#999' },
          encoding: {
            y: { field: 'cell', type: 'nominal', title: null, sort: cellOrder },
            x: { field: 'us', type: 'quantitative', aggregate: 'min', scale: { type: 'log' }, title: 'latency (µs, virtual)' },
            x2: { field: 'us', aggregate: 'max' },
          },
        },
        {
          mark: { type: 'point', filled: true, size: 60, tooltip: true },
          encoding: {
            y: { field: 'cell', type: 'nominal', title: null, sort: cellOrder },
            x: { field: 'us', type: 'quantitative', scale: { type: 'log' } },
            color: { field: 'stat', type: 'nominal', sort: ['p50', 'p99', 'max'], title: 'statistic' },
            shape: { field: 'stat', type: 'nominal', sort: ['p50', 'p99', 'max'] },
          },
        },
      ],
    }),
  };
}
