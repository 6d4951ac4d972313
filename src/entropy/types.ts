/**
 * Result types of the SP 800-90B non-IID estimators (§6.3) and of their
 * combination (ea_non_iid 1.1.7). Library functions return these as data; only
 * src/cli/ and src/report/ turn them into text.
 */

/** Names as ea_non_iid prints them (and as its JSON results key them). */
export type EstimatorName =
  | 'MCV'
  | 'Collision'
  | 'Markov'
  | 'Compression'
  | 'tTuple'
  | 'LRS'
  | 'MultiMCW'
  | 'Lag'
  | 'MultiMMC'
  | 'LZ78Y';

export const ESTIMATOR_NAMES: readonly EstimatorName[] = [
  'MCV',
  'Collision',
  'Markov',
  'Compression',
  'tTuple',
  'LRS',
  'MultiMCW',
  'Lag',
  'MultiMMC',
  'LZ78Y',
];

/**
 * One estimator's result. `hMin` is min-entropy per symbol of the alphabet the
 * estimator saw (bits per sample on the original track, per bit on the
 * bitstring track), or `null` when the estimator cannot run on this input
 * (too few samples, no tuple repeated 35 times, ...); `note` then says why.
 * The remaining fields are the intermediate values the standard names
 * (p-hat, p_u, X-bar, sigma-hat, P_global, P_local, C, N, r, t, u, v, ...).
 */
export interface EntropyEstimate {
  name: EstimatorName;
  /** SP 800-90B section, e.g. '6.3.1'. */
  section: string;
  hMin: number | null;
  note?: string;
  [intermediate: string]: number | string | boolean | null | undefined;
}

/** Shared fields of the four predictors (§6.3.7 - §6.3.10). */
export interface PredictorEstimate extends EntropyEstimate {
  /** Correct predictions. */
  C: number;
  /** Predictions made. */
  N: number;
  /** 1 + the longest run of correct predictions. */
  r: number;
  pGlobal: number;
  pGlobalPrime: number;
  /** null when it cannot change the result (the reference skips it then). */
  pLocal: number | null;
}
