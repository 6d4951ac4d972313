/**
 * The decision on a declared benchmark bar (a same-run ratio with `atLeast`, e.g.
 * "Hash_DRBG generate ≥ 0.8 of the node:crypto calls it must make").
 *
 * Each fresh measuring process gives one value of the ratio (bench/rounds.ts). Those
 * values scatter: on a loaded 2-core CI runner one run of unchanged code gave
 * Hash_DRBG 4 KiB values from 0.31 to 0.90 over 5 processes (median 0.60) against a
 * quiet-machine value of 0.87, so "median below the bar" failed CI on noise alone.
 * A bar is therefore judged like the gate's timings: it is **missed** only when the
 * processes show it, by a one-sided sign test — under "the ratio's median is at the
 * bar", each process lands below it with probability ½, and we reject when
 * P(Binomial(n, ½) ≥ k) ≤ α for k processes below (α = 0.05; with 5 processes that
 * takes all 5, with 10 it takes 9). A median below the bar without that evidence is
 * **short**: reported and marked, not a failure. A single process (no spread to judge)
 * is missed whenever it is below.
 */
export type BarVerdict = 'met' | 'short' | 'missed';

export interface BarDecision {
  verdict: BarVerdict;
  /** Processes whose value is below the bar. */
  below: number;
  /** Processes judged. */
  n: number;
  /** One-sided sign-test P-value of seeing ≥ `below` of `n` below if the median were at the bar. */
  p: number;
}

/** Significance level of the sign test. */
export const BAR_ALPHA = 0.05;

/**
 * P(Binomial(n, ½) ≥ k), exactly: Σ C(n, i) / 2^n with the binomial coefficients from
 * Pascal's rule in integers (exact for the few dozen processes a bench runs).
 * simple-statistics' binomialDistribution sums to 0.18750000000000044 for 6/32.
 */
function upperTail(n: number, k: number): number {
  if (k <= 0) return 1;
  let row = [1];
  for (let i = 0; i < n; i++) row = [1, ...row.slice(1).map((c, j) => c + row[j]!), 1];
  let count = 0;
  for (let i = k; i <= n; i++) count += row[i]!;
  return count / 2 ** n;
}

/**
 * Judges a bar from its median `value` and, when several processes measured it, their
 * `processValues`.
 *
 * @example
 * barDecision({ value: 0.6, atLeast: 0.8, processValues: [0.31, 0.5, 0.6, 0.85, 0.9] }).verdict; // 'short'
 * barDecision({ value: 0.6, atLeast: 0.8, processValues: [0.5, 0.55, 0.6, 0.65, 0.7] }).verdict; // 'missed'
 */
export function barDecision(r: { value: number; atLeast: number; processValues?: readonly number[] }): BarDecision {
  const values = r.processValues && r.processValues.length > 0 ? r.processValues : [r.value];
  const n = values.length;
  const below = values.filter((v) => v < r.atLeast).length;
  if (r.value >= r.atLeast) return { verdict: 'met', below, n, p: upperTail(n, below) };
  if (n === 1) return { verdict: 'missed', below, n, p: upperTail(1, below) };
  const p = upperTail(n, below);
  return { verdict: p <= BAR_ALPHA ? 'missed' : 'short', below, n, p };
}

/** One phrase for people: "met", "short (3 of 5 processes below; sign test P = 0.5)", … */
export function describeBar(d: BarDecision): string {
  if (d.verdict === 'met') return 'met';
  if (d.n === 1) return `${d.verdict} (one process: no spread to judge)`;
  const p = d.p < 0.001 ? d.p.toExponential(1) : d.p.toFixed(3);
  return `${d.verdict} (${d.below} of ${d.n} process${d.n === 1 ? '' : 'es'} below; sign test P = ${p}${d.verdict === 'short' ? `, not below at α = ${BAR_ALPHA}` : ''})`;
}
