/**
 * Benchmark figures in github-action-benchmark's `customBiggerIsBetter` format:
 * a JSON array of `{ name, unit, value, extra? }`. Every entry is bigger-is-
 * better: task throughputs (calibration included, so a chart shows the machine),
 * each suite's declared ratios, and each cell's virtual SetVariable/s.
 */
import type { ReportDocument } from './document.ts';

export interface BenchmarkEntry {
  name: string;
  unit: string;
  value: number;
  extra?: string;
}

export function renderGithubBenchmark(doc: ReportDocument): BenchmarkEntry[] {
  const out: BenchmarkEntry[] = [];
  const b = doc.benchmarks;
  if (b) {
    for (const s of [...(b.calibration ? [b.calibration] : []), ...b.suites]) {
      for (const t of s.tasks) {
        out.push({ name: `${s.name}/${t.name}`, unit: s.unit, value: t.throughput, extra: `± ${t.rmePercent.toFixed(2)} % (${t.samples} samples, mean ${t.meanMs.toPrecision(4)} ms)` });
      }
      for (const r of s.ratios) {
        out.push({ name: `${s.name}/${r.name}`, unit: 'ratio', value: r.value, extra: `${r.numerator} / ${r.denominator}${r.atLeast !== undefined ? `; bar ≥ ${r.atLeast}` : ''}` });
      }
    }
  }
  if (doc.run) {
    for (const c of doc.run.cells) {
      out.push({ name: `virtual/${c.id}/setvariable`, unit: 'SetVariable per virtual s', value: c.metrics.setVariable.perVirtualSecond, extra: `verdict ${c.verdict}` });
    }
  }
  // Never a NaN/Infinity in output: a non-finite figure is a bug upstream, drop it loudly.
  for (const e of out) if (!Number.isFinite(e.value)) throw new Error(`benchmark export: ${e.name} is ${e.value}`);
  return out;
}

export function renderGithubBenchmarkJson(doc: ReportDocument): string {
  return JSON.stringify(renderGithubBenchmark(doc), null, 2) + '\n';
}
