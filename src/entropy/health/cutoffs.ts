/**
 * Cutoff values of the SP 800-90B §4.4 continuous health tests.
 *
 * - Repetition Count Test (§4.4.1): C = 1 + ⌈−log2(α) / H⌉.
 * - Adaptive Proportion Test (§4.4.2): C = 1 + CRITBINOM(W, 2^−H, 1 − α), where
 *   CRITBINOM(n, p, q) (the spreadsheet function the standard names) is the smallest k
 *   with P(X ≤ k) ≥ q for X ~ Binomial(n, p).
 *
 * α = 2^−alphaExponent; the standard recommends α between 2^−40 and 2^−20 and uses
 * 2^−20 in its tables, which is our default.
 *
 * @example
 * rctCutoff(1)            // 21   (SP 800-90B §4.4.1: H = 1, α = 2^−20)
 * aptCutoff(1, 1024)      // 589  (binary source)
 * aptCutoff(1, 512)       // 311  (non-binary source)
 */
import gammaln from '@stdlib/math-base-special-gammaln';
import { InputError } from '../../errors.ts';

/** Default false-alarm exponent: α = 2^−20 (SP 800-90B §4.4). */
export const DEFAULT_ALPHA_EXPONENT = 20;
/** APT window for binary sources (SP 800-90B §4.4.2). */
export const APT_WINDOW_BINARY = 1024;
/** APT window for all other sources (SP 800-90B §4.4.2). */
export const APT_WINDOW_NON_BINARY = 512;

/** Throws InputError unless H is a usable min-entropy per sample. */
export function checkEntropyPerSample(h: number, field = 'entropyPerSample'): void {
  if (!Number.isFinite(h) || h <= 0 || h > 32) {
    throw new InputError(`${field}: expected a min-entropy per sample in (0, 32] bits, got ${String(h)}`);
  }
}

/** Throws InputError unless the exponent of α = 2^−e is usable. */
export function checkAlphaExponent(e: number, field = 'alphaExponent'): void {
  if (!Number.isFinite(e) || e < 1 || e > 256) {
    throw new InputError(`${field}: expected an exponent e in [1, 256] (α = 2^−e), got ${String(e)}`);
  }
}

/**
 * RCT cutoff C = 1 + ⌈alphaExponent / H⌉ (SP 800-90B §4.4.1). A value repeated C times
 * in a row raises an alarm; for an ideal source that happens with probability ≤ α.
 */
export function rctCutoff(entropyPerSample: number, alphaExponent: number = DEFAULT_ALPHA_EXPONENT): number {
  checkEntropyPerSample(entropyPerSample);
  checkAlphaExponent(alphaExponent);
  const q = alphaExponent / entropyPerSample;
  // Guard the ceiling against a quotient that floating point puts a hair above an integer
  // (e.g. 20 / 0.2 must give 100, not 100.00000000000001 → 101).
  const r = Math.round(q);
  const c = Math.abs(q - r) <= 1e-9 * Math.max(1, r) ? r : Math.ceil(q);
  return 1 + c;
}

/** log(exp(a) + exp(b)) without overflow or underflow. */
function logAddExp(a: number, b: number): number {
  if (a === -Infinity) return b;
  if (b === -Infinity) return a;
  const m = Math.max(a, b);
  return m + Math.log1p(Math.exp(-Math.abs(a - b)));
}

/**
 * CRITBINOM(n, p, 1 − α): the smallest k with P(X ≤ k) ≥ 1 − α, X ~ Bin(n, p), given
 * log α. Works on the upper tail P(X > k) = Σ_{j>k} pmf(j), summed from j = n down in
 * log space, so that α = 2^−40 (where 1 − α is not representable apart from 1 to
 * enough digits) and large n (pmf underflows to 0 in linear space) stay exact.
 * `log1mp` = log(1 − p) is passed separately so that p close to 1 keeps its precision.
 */
export function critBinomUpper(n: number, logP: number, log1mP: number, logAlpha: number): number {
  if (!Number.isInteger(n) || n < 1) throw new RangeError(`critBinom: n must be a positive integer, got ${n}`);
  const lnN1 = gammaln(n + 1);
  const logPmf = (j: number): number => lnN1 - gammaln(j + 1) - gammaln(n - j + 1) + j * logP + (n - j) * log1mP;
  // tail = log P(X > k); start at k = n (empty tail) and lower k while the tail stays ≤ α.
  let tail = -Infinity;
  let k = n;
  while (k > 0) {
    const next = logAddExp(tail, logPmf(k)); // log P(X > k − 1)
    if (next > logAlpha) break;
    tail = next;
    k--;
  }
  return k;
}

/**
 * APT cutoff C = 1 + CRITBINOM(W, 2^−H, 1 − α) (SP 800-90B §4.4.2): the count of the
 * window's first value (itself included) at which the test alarms. C can be W + 1 for a
 * very low H, in which case the test can never alarm (the standard's formula, kept as is).
 */
export function aptCutoff(
  entropyPerSample: number,
  window: number,
  alphaExponent: number = DEFAULT_ALPHA_EXPONENT,
): number {
  checkEntropyPerSample(entropyPerSample);
  checkAlphaExponent(alphaExponent);
  if (!Number.isInteger(window) || window < 2 || window > 1 << 24) {
    throw new InputError(`window: expected an integer in [2, 2^24], got ${String(window)}`);
  }
  const logP = -entropyPerSample * Math.LN2; // log 2^−H
  const log1mP = Math.log(-Math.expm1(logP)); // log(1 − 2^−H), accurate for H near 0
  return 1 + critBinomUpper(window, logP, log1mP, -alphaExponent * Math.LN2);
}
