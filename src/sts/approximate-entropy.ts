/**
 * Approximate Entropy test, SP 800-22 Rev 1a §2.12 (sts-2.1.2
 * `ApproximateEntropy`).
 *
 * For block sizes m and m+1 the overlapping patterns are counted over the n
 * circular windows (the sequence wrapped around), φ(m) = Σ_i (C_i/n)·ln(C_i/n)
 * over the patterns that occur, ApEn(m) = φ(m) − φ(m+1),
 * χ² = 2n(ln 2 − ApEn), P = igamc(2^{m−1}, χ²/2).
 *
 * Minimum n: §2.12.7 asks m < ⌊log2 n⌋ − 5 (m = 10 at n = 10^6, the
 * reference's default); the reference only prints a note, so do we (in the
 * statistics). n ≥ m + 1 is required.
 *
 * Speed: one pass over packed words counts the (m+1)-bit windows; the m-bit
 * counts are sums of pairs (see `foldPatternCounts`).
 *
 * Worked example (§2.12.4): ε = 0100110101, m = 3: φ(3) = −1.643418,
 * φ(4) = −1.834372, ApEn = 0.190954, P = 0.261961.
 */
import { InputError } from '../errors.ts';
import type { BitSequence } from '../bits/bit-sequence.ts';
import { igamc } from '../special/igamc.ts';
import { circularPatternCounts, foldPatternCounts, MAX_PATTERN_BITS } from './serial.ts';
import { notApplicable, type TestResult } from './types.ts';

const SECTION = 'SP 800-22 Rev 1a §2.12';

/** ApproximateEntropy's default block length m, the reference's. */
export const APEN_DEFAULT_M = 10;

export interface ApproximateEntropyParams {
  /** Block length m (default 10). */
  m?: number;
}

/** φ(m) with the reference's summation order (patterns in increasing value). */
function phi(counts: Uint32Array, n: number): number {
  let sum = 0.0;
  for (let i = 0; i < counts.length; i++) {
    const c = counts[i]!;
    if (c > 0) sum += c * Math.log(c / n);
  }
  return sum / n;
}

export function approximateEntropy(bits: BitSequence, params: ApproximateEntropyParams = {}): TestResult {
  const m = params.m ?? APEN_DEFAULT_M;
  if (!Number.isInteger(m) || m < 1 || m + 1 > MAX_PATTERN_BITS) {
    throw new InputError(`ApproximateEntropy m = ${m}: expected an integer in 1..${MAX_PATTERN_BITS - 1}`);
  }
  const n = bits.length;
  if (n < m + 1) return notApplicable('ApproximateEntropy', SECTION, n, { m }, `n = ${n} is shorter than m + 1 = ${m + 1}`);
  // The fold overwrites the (m+1)-bit counts, so φ^(m+1) is taken first.
  const cHi = circularPatternCounts(bits, m + 1);
  const phiM1 = phi(cHi, n);
  const phiM = phi(foldPatternCounts(cHi), n);
  const apen = phiM - phiM1;
  const chi2 = 2.0 * n * (Math.log(2) - apen);
  // χ² can come out slightly negative on short or degenerate input (ApEn > ln 2 by
  // rounding); like the reference's Cephes igamc (x ≤ 0 → 1) that is P = 1.
  const p = igamc(Math.pow(2, m - 1), Math.max(0, chi2 / 2.0));
  const statistics: TestResult['statistics'] = { phiM, phiM1, apen, chiSquared: chi2 };
  const limit = Math.floor(Math.log2(n)) - 5;
  if (m >= limit) statistics.note = `m = ${m} is not below ⌊log2 n⌋ − 5 = ${limit} (§2.12.7)`;
  return { test: 'ApproximateEntropy', section: SECTION, n, params: { m }, status: 'ok', pValues: [p], statistics };
}
