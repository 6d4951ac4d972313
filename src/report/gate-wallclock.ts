/**
 * The gate's wall-clock comparison: distributions of per-process medians, never
 * single numbers (a task's speed moves up to ~2× between Node processes on a loaded
 * machine while its in-process error is ~1 %).
 *
 * Each task's samples are its per-process median ms per call (TaskResult.processMs).
 *
 * - Side-by-side (the current report carries `benchmarks.sideBySide`: the baseline
 *   commit measured in the same job, processes alternating with ours): the change is
 *   the ratio of the medians, current ms / baseline ms, with a percentile-bootstrap
 *   confidence interval (both samples resampled independently, `resamples` times).
 *   A task regresses when the ratio is ≥ 1 + effect AND the interval's lower end is
 *   above 1 — a slowdown both large enough to matter and not explained by the
 *   spread the two builds showed in this very job.
 * - Calibration fallback (no baseline build at hand): each process's task time is
 *   divided by the same process's calibration task (a plain JS loop, raw AES-CTR,
 *   raw AES-GCM), and those per-process ratios of the two reports are compared the
 *   same way. Machines drift between the two jobs (another JS-vs-native mix, other
 *   neighbours), which no within-job spread shows, so its default effect is larger.
 *
 * The bootstrap is seeded from the metric's name: the same samples always give the
 * same decision. Statistics (medians, quantiles, resampling) come from
 * simple-statistics.
 */
import { median, quantileSorted, sampleWithReplacement } from 'simple-statistics';
import { Prng } from '../sim/prng.ts';

export interface ShiftRule {
  /** Smallest slowdown that counts (0.05 = 5 % more time per call). */
  effect: number;
  /** Two-sided confidence of the bootstrap interval (0.99). */
  confidence: number;
}

export interface Shift {
  /** median(current) / median(baseline): > 1 means slower now. */
  ratio: number;
  /** Bootstrap interval of `ratio`. */
  lo: number;
  hi: number;
  verdict: 'regression' | 'improved' | 'pass';
}

const RESAMPLES = 2000;

/** Compares two samples of "time per call" (or time ÷ calibration time); seeded by `label`. */
export function compareSamples(current: number[], baseline: number[], rule: ShiftRule, label: string): Shift {
  if (current.length === 0 || baseline.length === 0) throw new Error(`gate: ${label}: empty sample`);
  const ratio = median(current) / median(baseline);
  const rng = new Prng(20261205).fork(label);
  const next = () => rng.next();
  const boot = new Float64Array(RESAMPLES);
  for (let i = 0; i < RESAMPLES; i++) {
    boot[i] = median(sampleWithReplacement(current, current.length, next)) / median(sampleWithReplacement(baseline, baseline.length, next));
  }
  const sorted = Array.from(boot).sort((a, b) => a - b);
  const tail = (1 - rule.confidence) / 2;
  const lo = quantileSorted(sorted, tail);
  const hi = quantileSorted(sorted, 1 - tail);
  const verdict = ratio >= 1 + rule.effect && lo > 1 ? 'regression' : ratio <= 1 / (1 + rule.effect) && hi < 1 ? 'improved' : 'pass';
  return { ratio, lo, hi, verdict };
}

/** Per-process ratios a[i] / b[i] (two tasks measured in the same processes). */
export function perProcessRatio(a: number[], b: number[]): number[] {
  const n = Math.min(a.length, b.length);
  return Array.from({ length: n }, (_, i) => a[i]! / b[i]!);
}
