/**
 * The report's charts as vega-lite specifications, rendered to SVG at build
 * time (vega-lite → vega → `View.toSVG()`, headless, no canvas, no browser), so
 * the HTML report needs no script and no network. Each builder returns
 * undefined when the document has no data for it (a chart with no marks is
 * never emitted).
 */
import * as vega from 'vega';
import * as vl from 'vega-lite';
import type { ReportDocument } from './document.ts';
import { DEFAULT_GATE_CONFIG } from './gate.ts';
import { designMatrix, fmt, VERDICT_LIST, VERDICTS } from './format.ts';
import { uniformityPValue } from '../sts/second-level.ts';
import { uniformityValidity } from '../sts/uniformity-validity.ts';
import type { StsTestName } from '../sts/types.ts';

interface ChartBase {
  id: string;
  title: string;
  /** One sentence: what to look for. */
  caption: string;
}

/** One vega-lite chart, or small multiples: one panel per test or stream, each its own SVG so they reflow on a narrow screen. */
export type ChartSpec = ChartBase & ({ spec: Record<string, unknown>; panels?: undefined } | { spec?: undefined; panels: Array<{ title: string; spec: Record<string, unknown> }> });

export interface RenderedChart extends ChartBase {
  /** The chart's SVG, or one SVG per panel with its title. */
  svg?: string;
  panels?: Array<{ title: string; svg: string }>;
}

const WIDTH = 640;
const CONFIG = {
  font: 'system-ui, -apple-system, "Segoe UI", Roboto, sans-serif',
  view: { stroke: '#ddd' },
  axis: { labelLimit: 320 },
  // Cell ids on band axes are long ('smm-device-shared-backend/misconfig-smm-device/seed=1'): show them whole.
  axisBand: { labelLimit: 600 },
  axisY: { labelLimit: 600 },
  // Legends below the plot, one entry per line: never clipped at the right edge, and the
  // chart keeps its width when the SVG is scaled down on a narrow screen.
  legend: { labelLimit: 600, orient: 'bottom', direction: 'vertical' },
};

function vlSpec(s: Record<string, unknown>): Record<string, unknown> {
  return { $schema: 'https://vega.github.io/schema/vega-lite/v6.json', config: CONFIG, ...s };
}

/** At most `max` points of a series, evenly thinned, first and last kept. */
function thin<T>(points: readonly T[], max: number): T[] {
  if (points.length <= max) return [...points];
  const out: T[] = [];
  const step = (points.length - 1) / (max - 1);
  for (let i = 0; i < max; i++) out.push(points[Math.round(i * step)]!);
  return out;
}

export function buildCharts(doc: ReportDocument): ChartSpec[] {
  const charts: ChartSpec[] = [];
  const run = doc.run;
  if (run && run.cells.length) {
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
    charts.push({
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
    });

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
    if (lat.length) {
      charts.push({
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
      });
    }

    type Series = { name: string; points: Array<[number, number]> };
    const series = run.cells.flatMap((c) => ((c.series ?? []) as Series[]).map((s) => ({ cell: c.id, s })));
    // Starvation series: cumulative already ('starvation…'), or one point per wait
    // ('…entropy-wait…', value = that wait), which is summed into a running total.
    // Only cells that starved at all are drawn, so the lines stay readable.
    const starvSeries = series.filter(
      ({ cell, s }) => /starv|entropy-wait/i.test(s.name) && s.points.length > 0 && (run.cells.find((c) => c.id === cell)?.metrics.starvation.totalNs ?? 0) > 0,
    );
    if (starvSeries.length) {
      const values = starvSeries.flatMap(({ cell, s }) => {
        let total = 0;
        const cumulative = /starv/i.test(s.name) ? s.points : s.points.map(([t, v]): [number, number] => [t, (total += v)]);
        return thin(cumulative, 400).map(([t, v]) => ({ cell, ms: t / 1e6, waitedMs: v / 1e6 }));
      });
      const starvCells = new Set(starvSeries.map((x) => x.cell)).size;
      charts.push({
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
      });
    } else {
      const starv = run.cells.map((c) => ({ cell: c.id, ms: c.metrics.starvation.totalNs / 1e6, longest: c.metrics.starvation.longestNs / 1e6 }));
      if (starv.some((d) => d.ms > 0)) {
        charts.push({
          id: 'starvation-total',
          title: 'SMM starvation per cell',
          caption: 'Total virtual time SMM waited for entropy (the run recorded no time series).',
          spec: vlSpec({
            width: WIDTH,
            data: { values: starv },
            mark: { type: 'bar', tooltip: true },
            encoding: { y: { field: 'cell', type: 'nominal', title: null, sort: run.cells.map((c) => c.id) }, x: { field: 'ms', type: 'quantitative', title: 'starvation (virtual ms)' } },
          }),
        });
      }
    }

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
    if (hist.size) {
      charts.push({
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
      });
    }
    if (sts.length) {
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
      if (props.length) {
        charts.push({
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
        });
      }
    }

    const ent = run.cells.flatMap((c) => c.quality.filter((q) => q.entropy).map((q) => ({ c, q, e: q.entropy! })));
    if (ent.some(({ e }) => e.estimators.length > 0)) {
      // One panel per raw stream with the estimators named on the axis: 18+ estimators
      // need no colour legend, and the panels reflow on a narrow screen.
      charts.push({
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
      });
    }
  }

  const b = doc.benchmarks;
  if (b && b.calibration && b.suites.length) {
    const cal = new Map(b.calibration.tasks.map((t) => [t.name, t]));
    const rows = b.suites.flatMap((s) => {
      const refName = DEFAULT_GATE_CONFIG.wallClock.references[s.name] ?? DEFAULT_GATE_CONFIG.wallClock.defaultReference;
      const ref = cal.get(refName);
      if (!ref) return [];
      // Throughput in bytes/s on both sides where the units allow, else the raw quotient.
      const toBytes = s.unit === 'Mbit/s' ? 1e6 / 8 : s.unit === 'MB/s' ? 1e6 : s.unit === 'MiB/s' ? 2 ** 20 : undefined;
      return s.tasks.map((t) => ({
        task: `${s.name}/${t.name}`,
        reference: `${refName} (${ref.throughput.toPrecision(4)} ${b.calibration!.unit})`,
        ratio: toBytes !== undefined ? (t.throughput * toBytes) / (ref.throughput * 1e6) : t.throughput / ref.throughput,
        unitsComparable: toBytes !== undefined,
      }));
    });
    if (rows.length) {
      charts.push({
        id: 'bench-vs-calibration',
        title: 'Benchmark throughput relative to the machine’s measured limits',
        caption:
          'Each task’s throughput divided by a calibration task of the same run (raw AES-256-CTR for DRBGs, AES-256-GCM for SMM encryption, a plain JS scan otherwise), log scale; byte-rate units are converted so 1.0 means “as fast as the limit”.',
        spec: vlSpec({
          width: WIDTH,
          // Points, not bars: a bar has no baseline on a log scale.
          layer: [
            {
              data: { values: rows.filter((r) => r.ratio > 0) },
              mark: { type: 'point', filled: true, size: 80, tooltip: true },
              encoding: {
                y: { field: 'task', type: 'nominal', title: null, sort: null },
                x: { field: 'ratio', type: 'quantitative', scale: { type: 'log' }, title: 'throughput / calibration (1 = the machine’s limit)' },
                color: { field: 'reference', type: 'nominal', title: 'calibration task' },
              },
            },
            { data: { values: [{ one: 1 }] }, mark: { type: 'rule', color: '#c00', strokeDash: [4, 3] }, encoding: { x: { field: 'one', type: 'quantitative' } } },
          ],
        }),
      });
    }
  }
  return charts;
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
