/**
 * The common end of the four predictor estimators (SP 800-90B §6.3.7 -
 * §6.3.10, step "compute P_global', P_local and the min-entropy"), as
 * ea_non_iid 1.1.7 computes it (cpp/shared/utils.h predictionEstimate):
 *
 * P_global = C/N; P_global' = min(1, P_global + 2.576 sqrt(P_global(1-P_global)/(N-1))),
 * or 1 - 0.01^(1/N) when C = 0. P_local is the p solving
 * 0.99 = (1 - p x)/((r + 1 - r x) q) / x^(N+1) (q = 1 - p, x the fixed point of
 * x = 1 + q p^r x^(r+1)), found by binary search; the reference only searches
 * when P_local could exceed max(1/k, P_global'). H = -log2 max(1/k, P_global', P_local).
 */
import { ZALPHA, negLog2, searchDecreasing } from './common.ts';
import type { EstimatorName, PredictorEstimate } from '../types.ts';

const LOG_099 = Math.log(0.99);

/** log of the probability that the longest run of successes is < r in N trials with success probability p. */
export function runProbabilityLog(p: number, r: number, n: number): number {
  const q = 1 - p;
  let x = 1;
  let xLast = 0;
  for (let i = 0; i <= 65 && x - xLast > Number.EPSILON * x; i++) {
    xLast = x;
    x = 1 + q * Math.pow(p, r) * Math.pow(x, r + 1);
  }
  return Math.log(1 - p * x) - Math.log((r + 1 - r * x) * q) - (n + 1) * Math.log(x);
}

/** Binary search for P_local (reference calc_p_local); `r` is 1 + the longest run. */
export function pLocalSearch(r: number, n: number, lDomain: number): number {
  return searchDecreasing((p) => runProbabilityLog(p, r, n), LOG_099, lDomain, 1, 1);
}

/**
 * Builds a predictor's result from C correct predictions out of N, the longest
 * run of correct predictions and the alphabet size k.
 */
export function predictionEstimate(
  name: EstimatorName,
  section: string,
  C: number,
  N: number,
  longestRun: number,
  k: number,
): PredictorEstimate {
  const r = longestRun + 1;
  if (N < 2) {
    // P_global' needs N - 1 > 0: too few predictions to say anything.
    return {
      name, section, hMin: null, note: `only ${N} prediction${N === 1 ? '' : 's'}, need at least 2`,
      C, N, r, pGlobal: 0, pGlobalPrime: 0, pLocal: null,
    };
  }
  const pGlobal = C / N;
  const pGlobalPrime =
    pGlobal > 0
      ? Math.min(1, pGlobal + ZALPHA * Math.sqrt((pGlobal * (1 - pGlobal)) / (N - 1)))
      : 1 - Math.pow(0.01, 1 / N);
  let curMax = Math.max(1 / k, pGlobalPrime);
  let pLocal: number | null = null;
  if (curMax < 1 && runProbabilityLog(curMax, r, N) > LOG_099) {
    pLocal = pLocalSearch(r, N, curMax);
    curMax = Math.max(curMax, pLocal);
  }
  return { name, section, hMin: negLog2(curMax), C, N, r, pGlobal, pGlobalPrime, pLocal };
}

/** The result of a predictor that cannot run on this input. */
export function notApplicablePredictor(name: EstimatorName, section: string, note: string): PredictorEstimate {
  return { name, section, hMin: null, note, C: 0, N: 0, r: 0, pGlobal: 0, pGlobalPrime: 0, pLocal: null };
}
