/**
 * Length of the Longest Repeated Substring test, SP 800-90B §5.2.3 (IID track), as NIST's
 * ea_iid 1.1.7 computes it (cpp/shared/lrs_test.h, len_LRS_test).
 *
 * W = the length of the longest substring that occurs at least twice (from the suffix and
 * LCP arrays); p_col = Σ p_i², the probability that two IID samples collide;
 * N = C(L − W + 1, 2) pairs of W-substrings; Pr(X ≥ 1) = 1 − (1 − p_col^W)^N. The test
 * passes when Pr(X ≥ 1) ≥ 0.001 (the longest repeat is not too long for IID data). The
 * reference decides in log space: log(0.999) ≥ N·log1p(−p_col^W); so do we.
 *
 * Worked example (ea_iid -vv on rand8_short.bin): P_col = 0.0040083, W = 3,
 * Pr(X ≥ 1) = 0.95997902865914 (passes).
 */
import { lcpArray, suffixArray } from '../suffix-array.ts';
import { referenceProportions } from './chi-square.ts';

export interface LrsTestResult {
  pCol: number;
  /** Length of the longest repeated substring. */
  W: number;
  prAtLeastOne: number;
  pass: boolean;
}

/** Longest repeated substring length (max LCP) of `symbols` (values 0..k−1). */
export function longestRepeatedSubstring(symbols: Uint8Array, k: number): number {
  if (symbols.length < 2) return 0;
  const sa = suffixArray(symbols, k - 1);
  const lcp = lcpArray(symbols, sa);
  let w = 0;
  for (let i = 0; i < lcp.length; i++) if (lcp[i]! > w) w = lcp[i]!;
  return w;
}

export function lrsTest(symbols: Uint8Array, k: number): LrsTestResult {
  const L = symbols.length;
  const p = referenceProportions(symbols, k);
  let pCol = 0;
  for (let i = 0; i < k; i++) pCol += p[i]! * p[i]!;
  // A single-symbol sequence collides everywhere: Pr = 1 (the reference's special case).
  if (pCol > 1 - Number.EPSILON) return { pCol: Math.min(1, pCol), W: Math.max(0, L - 1), prAtLeastOne: 1, pass: true };
  const W = longestRepeatedSubstring(symbols, k);
  const n = L - W + 1;
  const N = (n * (n - 1)) / 2;
  // log P(no W-collision in one pair) = log1p(−p_col^W); when p_col^W underflows, use −p_col^W
  // from its logarithm so that the product with N stays meaningful.
  const logPow = W * Math.log(pCol);
  const x = Math.exp(logPow);
  const logNoCol = x > 1e-300 ? Math.log1p(-x) : -Math.exp(logPow);
  const logProbNone = N * logNoCol; // log Pr(X = 0)
  const prAtLeastOne = x > 1e-300 ? -Math.expm1(logProbNone) : -Math.expm1(-Math.exp(Math.log(N) + logPow));
  return { pCol, W, prAtLeastOne, pass: Math.log(0.999) >= logProbNone };
}
