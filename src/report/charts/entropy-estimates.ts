/**
 * SP 800-90B: one panel per raw tap, each estimator's min-entropy against the final estimate and
 * the entropy the design claims (none when no tap was assessed).
 */
import type { RunResult } from '../../scenario/result.ts';
import { fmt } from '../format.ts';
import { vlSpec, type ChartSpec } from './spec.ts';

export function entropyEstimatesChart(run: RunResult): ChartSpec | undefined {
  const ent = run.cells.flatMap((c) => c.quality.filter((q) => q.entropy).map((q) => ({ c, q, e: q.entropy! })));
  if (!ent.some(({ e }) => e.estimators.length > 0)) return undefined;
  // One panel per raw stream with the estimators named on the axis: 18+ estimators
  // need no colour legend, and the panels reflow on a narrow screen.
  return {
    id: 'entropy-estimates',
    title: 'SP 800-90B min-entropy per estimator against the claim',
    caption:
      'Each panel: one raw tap. Points: each estimator’s H_min (bits per sample); black line: the final (minimum) estimate; red line: the entropy the design credits the source with. A red line far right of the black one is an overclaim.',
    panels: ent
      .filter(({ e }) => e.estimators.length > 0)
      .map(({ c, q, e }) => {
        const claimed = q.claimedEntropyPerSample ?? e.bitsPerSample;
        return {
          title: `${c.id} · ${q.tap}: H_min ${fmt(e.minEntropyPerSample, 3)}, claimed ${fmt(claimed, 3)} bits/sample`,
          spec: vlSpec({
            width: 200,
            height: { step: 14 },
            layer: [
              {
                data: { values: e.estimators.map((x) => ({ estimator: x.name, h: x.minEntropyPerSample })) },
                mark: { type: 'point', filled: true, size: 40, color: '#4c78a8', tooltip: true },
                encoding: {
                  y: { field: 'estimator', type: 'nominal', sort: null, title: null },
                  x: { field: 'h', type: 'quantitative', scale: { domain: [0, Math.max(e.bitsPerSample, claimed)] }, title: 'bits / sample' },
                },
              },
              {
                data: { values: [{ final: e.minEntropyPerSample, claimed }] },
                layer: [
                  { mark: { type: 'rule', color: '#222', strokeWidth: 2 }, encoding: { x: { field: 'final', type: 'quantitative' } } },
                  { mark: { type: 'rule', color: '#c00', strokeWidth: 2, strokeDash: [5, 3] }, encoding: { x: { field: 'claimed', type: 'quantitative' } } },
                ],
              },
            ],
          }),
        };
      }),
  };
}
