/**
 * Benchmark figures in github-action-benchmark's `customBiggerIsBetter` format:
 * a JSON array of `{ name, unit, value, range?, extra? }`, every entry bigger-is-
 * better. Only what the gate itself compares, so a chart cannot suggest a trend
 * the gate would not act on (absolute throughputs move ~2× between processes):
 *
 * - each task's speed relative to its calibration task in the same process
 *   (calibration time ÷ task time; median over the processes, range min…max);
 * - with a side-by-side run, each task's speed relative to the baseline build in
 *   the same job (baseline median time ÷ current median time, range = the gate's
 *   bootstrap interval);
 * - each suite's declared same-run ratios (median over processes, range min…max);
 * - each cell's virtual SetVariable/s, when not 0 (deterministic; a 0 is a verdict,
 *   which the report states, not a point on a chart).
 */
import { median } from 'simple-statistics';
import type { TaskResult } from './benchmark-result.ts';
import type { ReportDocument } from './document.ts';
import { DEFAULT_GATE_CONFIG } from './gate.ts';
import { compareSamples, perProcessRatio } from './gate-wallclock.ts';

export interface BenchmarkEntry {
  name: string;
  unit: string;
  value: number;
  range?: string;
  extra?: string;
}

const g = (v: number) => Number(v.toPrecision(4)).toString();
const samples = (t: TaskResult) => t.processMs ?? [t.medianMs ?? t.meanMs];

export function renderGithubBenchmark(doc: ReportDocument): BenchmarkEntry[] {
  const out: BenchmarkEntry[] = [];
  const b = doc.benchmarks;
  if (b) {
    const cal = new Map((b.calibration?.tasks ?? []).map((t) => [t.name, t]));
    const side = new Map((b.sideBySide?.suites ?? []).map((s) => [s.name, s]));
    const { references, defaultReference } = DEFAULT_GATE_CONFIG.wallClock;
    for (const s of b.suites) {
      const refName = references[s.name] ?? defaultReference;
      const ref = cal.get(refName);
      for (const t of s.tasks) {
        if (ref) {
          const speed = perProcessRatio(samples(ref), samples(t));
          out.push({
            name: `${s.name}/${t.name} vs calibration/${refName}`,
            unit: 'ratio',
            value: median(speed),
            range: `${g(Math.min(...speed))}…${g(Math.max(...speed))}`,
            extra: `calibration time ÷ task time in the same process, median of ${speed.length}`,
          });
        }
        const theirs = side.get(s.name)?.tasks.find((x) => x.name === t.name);
        if (theirs) {
          const shift = compareSamples(samples(t), samples(theirs), DEFAULT_GATE_CONFIG.wallClock.sideBySide, `${s.name}/${t.name}`);
          out.push({
            name: `${s.name}/${t.name} vs baseline build`,
            unit: 'ratio',
            value: 1 / shift.ratio,
            range: `${g(1 / shift.hi)}…${g(1 / shift.lo)}`,
            extra: `baseline ${b.sideBySide!.commit.slice(0, 12)} median time ÷ ours, same job; range = 99 % bootstrap interval`,
          });
        }
      }
      for (const r of s.ratios) {
        out.push({
          name: `${s.name}/${r.name}`,
          unit: 'ratio',
          value: r.value,
          ...(r.range ? { range: `${g(r.range[0])}…${g(r.range[1])}` } : {}),
          extra: `${r.numerator} / ${r.denominator}${r.atLeast !== undefined ? `; bar ≥ ${g(r.atLeast)}` : ''}`,
        });
      }
    }
  }
  if (doc.run) {
    for (const c of doc.run.cells) {
      const v = c.metrics.setVariable.perVirtualSecond;
      if (v !== 0) out.push({ name: `virtual/${c.id}/setvariable`, unit: 'SetVariable per virtual s', value: v, extra: `verdict ${c.verdict}` });
    }
  }
  // Never a NaN/Infinity in output: a non-finite figure is a bug upstream, drop it loudly.
  for (const e of out) if (!Number.isFinite(e.value)) throw new Error(`benchmark export: ${e.name} is ${e.value}`);
  return out;
}

export function renderGithubBenchmarkJson(doc: ReportDocument): string {
  return JSON.stringify(renderGithubBenchmark(doc), null, 2) + '\n';
}
