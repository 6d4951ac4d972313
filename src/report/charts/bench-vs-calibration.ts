/**
 * Each benchmark task's throughput over the calibration task of the same run it is judged
 * against (none without a calibration suite).
 */
import type { BenchmarkSection } from '../document.ts';
import { DEFAULT_GATE_CONFIG } from '../gate.ts';
import { vlSpec, WIDTH, type ChartSpec } from './spec.ts';

export function benchVsCalibrationChart(b: BenchmarkSection): ChartSpec | undefined {
  if (!b.calibration || !b.suites.length) return undefined;
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
  if (!rows.length) return undefined;
  return {
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
  };
}
