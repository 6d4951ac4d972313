/**
 * SP 800-22 §4.2.2 uniformity: one panel per test, the run's P-values in ten bins, split by the
 * tap's battery verdict, with the χ² P_T where §4.2.2 applies.
 */
import type { RunResult } from '../../scenario/result.ts';
import { uniformityPValue } from '../../sts/second-level.ts';
import type { StsTestName } from '../../sts/types.ts';
import { uniformityValidity } from '../../sts/uniformity-validity.ts';
import { fmt } from '../format.ts';
import { vlSpec, type ChartSpec } from './spec.ts';

export function stsPValueHistogramChart(run: RunResult): ChartSpec | undefined {
  const sts = run.cells.flatMap((c) => c.quality.filter((q) => q.sts).map((q) => ({ c, q, s: q.sts! })));
  // §4.2.2 uniformity: one panel per test, every P-value of every conditioned tap in ten bins,
  // split by whether the tap's battery verdict failed (a failing stream piles up in the first bin).
  const hist = new Map<string, { pass: number[]; fail: number[]; streams: number; minN: number }>();
  // Several cells often deliver the very same bytes to a tap (same seed, an adversary that does
  // not touch that path); §4.2.2 assumes independent sequences, so a stream whose whole SP 800-22
  // summary repeats an earlier one is counted once.
  const seen = new Set<string>();
  for (const { s } of sts) {
    const key = JSON.stringify(s);
    if (seen.has(key)) continue;
    seen.add(key);
    for (const t of s.tests) {
      if (t.status !== 'ok' || t.histogram === undefined) continue;
      let h = hist.get(t.test);
      if (!h) hist.set(t.test, (h = { pass: new Array<number>(10).fill(0), fail: new Array<number>(10).fill(0), streams: 0, minN: Infinity }));
      h.streams++;
      h.minN = Math.min(h.minN, s.n);
      const side = s.verdict === 'fail' ? h.fail : h.pass;
      t.histogram.forEach((n, i) => (side[i]! += n));
    }
  }
  if (!hist.size) return undefined;
  return {
    id: 'sts-pvalue-histogram',
    title: 'SP 800-22 P-value uniformity per test (§4.2.2)',
    caption:
      `Each panel: every P-value one test produced, pooled over the run’s ${seen.size} distinct conditioned streams (a tap whose results repeat an earlier tap’s, the same bytes in another cell, counts once), in the ten §4.2.2 bins [0, 0.1) … [0.9, 1]; ` +
      'blue: taps whose battery verdict passed, red: taps that failed. For an ideal source the bars are level at the dashed line (K/10); ' +
      'P_T is the §4.2.2 χ² uniformity P-value of the counts (uniform when P_T ≥ 0.0001), given only where §4.2.2 applies: one P-value per stream, ≥ 55 streams, ' +
      'and P-values continuous enough at the shortest stream length (src/sts/uniformity-validity.ts). A test with several P-values per stream (templates, states, the two directions) ' +
      'pools sub-tests that share a stream; their union is not a §4.2.2 sample, so it gets no P_T.',
    panels: [...hist].map(([test, h]) => {
      const total = h.pass.map((n, i) => n + h.fail[i]!);
      const k = total.reduce((a, b) => a + b, 0);
      const values = (['pass', 'fail'] as const).flatMap((side) =>
        h[side].map((count, i) => ({ from: i / 10, to: (i + 1) / 10, count, taps: side === 'pass' ? 'battery passed' : 'battery failed' })).filter((d) => d.count > 0),
      );
      return {
        title: `${test}: K = ${k} P-value${k === 1 ? '' : 's'}${uniformityNote(test as StsTestName, k, h.streams, h.minN, total)}`,
        spec: vlSpec({
          width: 200,
          height: 110,
          layer: [
            {
              data: { values },
              mark: { type: 'bar', tooltip: true },
              encoding: {
                x: { field: 'from', type: 'quantitative', bin: { binned: true, step: 0.1 }, scale: { domain: [0, 1] }, title: 'P-value', axis: { format: '.1f', tickCount: 5 } },
                x2: { field: 'to' },
                y: { field: 'count', type: 'quantitative', aggregate: 'sum', stack: 'zero', title: 'P-values', axis: { tickMinStep: 1 } },
                color: { field: 'taps', type: 'nominal', scale: { domain: ['battery passed', 'battery failed'], range: ['#4c78a8', '#e45756'] }, legend: null },
              },
            },
            {
              data: { values: [{ expected: k / 10 }] },
              mark: { type: 'rule', color: '#333', strokeDash: [4, 3] },
              encoding: { y: { field: 'expected', type: 'quantitative' } },
            },
          ],
        }),
      };
    }),
  };
}

/**
 * The P_T part of a §4.2.2 panel title: ", P_T = …" when the check applies to these
 * counts, else why not (", P_T n/a: …"), or nothing below 55 P-values.
 */
export function uniformityNote(test: StsTestName, k: number, streams: number, minN: number, counts: number[]): string {
  if (k < 55) return '';
  if (k !== streams) return `, P_T n/a: several sub-tests per stream pooled`;
  const v = uniformityValidity(test, minN, k);
  return v.applicable ? `, P_T = ${fmt(uniformityPValue(counts), 3)}` : `, P_T n/a: discrete P-values at n = ${minN}`;
}
