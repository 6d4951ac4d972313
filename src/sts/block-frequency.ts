/**
 * Frequency test within a block, SP 800-22 Rev 1a §2.2.
 *
 * N = ⌊n/M⌋ blocks of M bits; π_i = ones in block i / M;
 * χ² = 4M·Σ(π_i − ½)², P = igamc(N/2, χ²/2). The n mod M tail is discarded.
 * Ones per block are counted with word popcounts plus masked edge words.
 *
 * Parameters: M (default 128 as in sts-2.1.2). The standard recommends
 * M ≥ 20, M > 0.01·n and N < 100; sts-2.1.2 does not check that (README
 * behaviour 7: its default M = 128 gives N = 7812 at n = 10^6) and neither do we,
 * so that P-values match the reference. Minimum n: 100 (§2.2.7).
 *
 * @example blockFrequency(bitsOf('0110011010'), { M: 3, strict: false }) → P = 0.801252 (§2.2.4)
 * @example the 100-bit ε of §2.2.8 with M = 10 → P = 0.706438
 */
import type { BitSequence } from '../bits/bit-sequence.ts';
import { popcount32 } from '../bits/bit-sequence.ts';
import { igamc } from '../special/igamc.ts';
import { notApplicable, type TestResult } from './types.ts';

export const BLOCK_FREQUENCY_SECTION = 'SP 800-22 Rev 1a §2.2';
export const BLOCK_FREQUENCY_MIN_N = 100;

export interface BlockFrequencyParams {
  /** Block length M (default 128). */
  M?: number;
  strict?: boolean;
}

/** Number of ones in bits [start, start + len) of packed MSB-first words. */
export function countOnes(words: Uint32Array, start: number, len: number): number {
  if (len <= 0) return 0;
  const end = start + len; // exclusive
  const w0 = start >>> 5;
  const w1 = (end - 1) >>> 5;
  const headMask = 0xffffffff >>> (start & 31);
  const tailBits = ((end - 1) & 31) + 1;
  const tailMask = tailBits === 32 ? 0xffffffff : ~(0xffffffff >>> tailBits);
  if (w0 === w1) return popcount32(words[w0]! & headMask & tailMask);
  let c = popcount32(words[w0]! & headMask) + popcount32(words[w1]! & tailMask);
  for (let w = w0 + 1; w < w1; w++) c += popcount32(words[w]!);
  return c;
}

export function blockFrequency(bits: BitSequence, params: BlockFrequencyParams = {}): TestResult {
  const n = bits.length;
  const M = params.M ?? 128;
  const strict = params.strict ?? true;
  const used = { M, strict };
  if (!Number.isInteger(M) || M < 1) throw new RangeError(`BlockFrequency: M must be a positive integer, got ${M}`);
  if (n < (strict ? BLOCK_FREQUENCY_MIN_N : 1)) {
    return notApplicable('BlockFrequency', BLOCK_FREQUENCY_SECTION, n, used, `n = ${n} bits, the test needs n ≥ ${BLOCK_FREQUENCY_MIN_N} (§2.2.7)`);
  }
  const N = Math.floor(n / M);
  if (N < 1) return notApplicable('BlockFrequency', BLOCK_FREQUENCY_SECTION, n, used, `n = ${n} bits is shorter than one block of M = ${M}`);
  // Σ(π_i − ½)² = Σ(ones_i − M/2)²/M², so χ² = 4·Σ(ones_i − M/2)²/M; summed exactly in integers (×4).
  const words = bits.words;
  let sum4 = 0; // Σ(2·ones_i − M)²
  if ((M & 31) === 0) {
    const wpb = M >>> 5;
    for (let i = 0, w = 0; i < N; i++) {
      let c = 0;
      for (let k = 0; k < wpb; k++, w++) c += popcount32(words[w]!);
      const d = 2 * c - M;
      sum4 += d * d;
    }
  } else {
    for (let i = 0; i < N; i++) {
      const d = 2 * countOnes(words, i * M, M) - M;
      sum4 += d * d;
    }
  }
  const chi2 = sum4 / M;
  const p = igamc(N / 2, chi2 / 2);
  return {
    test: 'BlockFrequency',
    section: BLOCK_FREQUENCY_SECTION,
    n,
    params: used,
    status: 'ok',
    pValues: [p],
    statistics: { blocks: N, chi2, discarded: n - N * M },
  };
}
