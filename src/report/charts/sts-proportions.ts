/**
 * SP 800-22 §4.2.1: per test, the proportion of P-values ≥ α over every conditioned tap against
 * the acceptance bound (none when no test gave a P-value).
 */
import type { RunResult } from '../../scenario/result.ts';
import { vlSpec, WIDTH, type ChartSpec } from './spec.ts';

export function stsProportionsChart(run: RunResult): ChartSpec | undefined {
  const sts = run.cells.flatMap((c) => c.quality.filter((q) => q.sts).map((q) => ({ c, q, s: q.sts! })));
  // SP 800-22 §4.2.1: the proportion passing should exceed p̂ − 3·√(p̂(1 − p̂)/m), p̂ = 1 − α.
  const byTest = new Map<string, { passed: number; m: number; alpha: number }>();
  for (const { s } of sts) {
    for (const t of s.tests) {
      if (t.status !== 'ok' || t.pValues === 0) continue;
      const e = byTest.get(t.test) ?? { passed: 0, m: 0, alpha: s.alpha };
      e.passed += t.passed;
      e.m += t.pValues;
      byTest.set(t.test, e);
    }
  }
  const props = [...byTest].map(([test, e]) => {
    const p = 1 - e.alpha;
    return { test, proportion: e.passed / e.m, bound: Math.max(0, p - 3 * Math.sqrt((p * (1 - p)) / e.m)), m: e.m };
  });
  if (!props.length) return undefined;
  return {
    id: 'sts-proportions',
    title: 'SP 800-22 proportion of P-values ≥ α per test',
    caption: 'Bars: proportion passing across every conditioned tap; ticks: the §4.2.1 acceptance bound p̂ − 3√(p̂(1−p̂)/m).',
    spec: vlSpec({
      width: WIDTH,
      data: { values: props },
      layer: [
        {
          mark: { type: 'bar', tooltip: true },
          encoding: {
            y: { field: 'test', type: 'nominal', title: null },
            x: { field: 'proportion', type: 'quantitative', scale: { domain: [0, 1] }, title: 'proportion passing' },
          },
        },
        { mark: { type: 'tick', color: '#c00', thickness: 2 }, encoding: { y: { field: 'test', type: 'nominal' }, x: { field: 'bound', type: 'quantitative' } } },
      ],
    }),
  };
}
