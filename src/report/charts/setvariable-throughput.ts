/**
 * Heatmap of each design × adversary pair's worst verdict, labelled with its SetVariable rate.
 */
import type { RunResult } from '../../scenario/result.ts';
import { designMatrix, VERDICT_LIST, VERDICTS } from '../format.ts';
import { vlSpec, type ChartSpec } from './spec.ts';

export function setVariableThroughputChart(run: RunResult): ChartSpec {
  // Heatmap: rows = designs, columns = adversaries (both in scenario order); colour = the
  // pair's worst verdict (the same colours as the tables), label = SetVariable/s (minimum over seeds/variants).
  const m = designMatrix(run.cells);
  const pairs = [...m.groups.values()].map((g) => ({
    design: g.design,
    adversary: g.adversary,
    verdict: g.verdict,
    rate: Math.min(...g.cells.map((c) => c.metrics.setVariable.perVirtualSecond)),
    dark: VERDICTS[g.verdict].darkFill,
  }));
  return {
    id: 'setvariable-throughput',
    title: 'Verdict and SMM SetVariable throughput per design × adversary',
    caption:
      'Colour: the worst verdict of the pair’s cell(s), as in the tables; number: variables encrypted and written per virtual second of the runtime phase (minimum over seeds). A design that holds up has a green row.',
    spec: vlSpec({
      width: { step: 62 },
      height: { step: 34 },
      data: { values: pairs },
      encoding: {
        x: { field: 'adversary', type: 'nominal', sort: m.adversaries, title: 'adversary', axis: { labelAngle: -30 } },
        y: { field: 'design', type: 'nominal', sort: m.designs, title: null },
      },
      layer: [
        {
          mark: { type: 'rect', tooltip: true, stroke: '#fff', strokeWidth: 1 },
          encoding: {
            color: {
              field: 'verdict',
              type: 'nominal',
              title: 'worst verdict',
              scale: { domain: VERDICT_LIST, range: VERDICT_LIST.map((v) => VERDICTS[v].fill) },
              legend: { orient: 'bottom', direction: 'horizontal', columns: 3 },
            },
          },
        },
        {
          mark: { type: 'text', fontSize: 11 },
          encoding: {
            text: { field: 'rate', type: 'quantitative', format: '.3~g' },
            color: { condition: { test: 'datum.dark', value: 'white' }, value: 'black' },
          },
        },
      ],
    }),
  };
}
