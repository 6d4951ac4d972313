/**
 * Linear Complexity test, SP 800-22 Rev 1a §2.10 (sts-2.1.2
 * `LinearComplexity`).
 *
 * The sequence is cut into N = ⌊n/M⌋ blocks of M bits (default 500); L_i is
 * the linear complexity of block i (Berlekamp–Massey). With
 * μ = M/2 + (9 + (−1)^{M+1})/36 − (M/3 + 2/9)/2^M and
 * T_i = (−1)^M (L_i − μ) + 2/9, the T_i are binned at ±0.5, ±1.5, ±2.5 into
 * K + 1 = 7 classes; χ² = Σ (ν_i − Nπ_i)²/(Nπ_i), P = igamc(K/2, χ²/2).
 *
 * Reference behaviours kept by default (README of ../shared/data/nist-sts):
 * π_0 is typed 0.01047 instead of 1/96 (and π_6 = 0.020833), so the class
 * probabilities sum to 1.000053; and the sign in μ is flipped (10/36 for even
 * M), which only shifts T by 1/18 and never crosses a bin edge. With
 * `corrected: true` the exact π = (1/96, 1/32, 1/8, 1/2, 1/4, 1/16, 1/48) and
 * the document's μ are used (data.e: 0.826335 → 0.826202).
 *
 * Minimum n: 10^6 recommended, 500 ≤ M ≤ 5000, N ≥ 200 (§2.10.7); like the
 * reference we only require one block.
 *
 * Speed: Berlekamp–Massey is bit-parallel. The block is stored bit-reversed,
 * so the discrepancy d = Σ c_i s_{N−i} is the parity of the AND of the
 * connection polynomial's words with a word-aligned read of the reversed
 * block, and the update C += x^{N−m}·B is a shifted XOR of words; only the
 * ⌈(L+1)/32⌉ words that can be non-zero are touched.
 *
 * Worked example (§2.10.4): the 13-bit block 1101011110001 has L = 4.
 */
import { InputError } from '../errors.ts';
import type { BitSequence } from '../bits/bit-sequence.ts';
import { igamc } from '../special/igamc.ts';
import { notApplicable, type TestResult } from './types.ts';

const SECTION = 'SP 800-22 Rev 1a §2.10';

/** Class probabilities exactly as typed in sts-2.1.2. */
export const REFERENCE_PI: readonly number[] = [0.01047, 0.03125, 0.125, 0.5, 0.25, 0.0625, 0.020833];
/** The exact class probabilities (§3.10). */
export const EXACT_PI: readonly number[] = [1 / 96, 1 / 32, 1 / 8, 1 / 2, 1 / 4, 1 / 16, 1 / 48];

export interface LinearComplexityParams {
  /** Block length M (default 500). */
  M?: number;
  /** Exact π and the document's μ instead of the reference's (default false). */
  corrected?: boolean;
}

function bitrev32(x: number): number {
  x = ((x >>> 1) & 0x55555555) | ((x & 0x55555555) << 1);
  x = ((x >>> 2) & 0x33333333) | ((x & 0x33333333) << 2);
  x = ((x >>> 4) & 0x0f0f0f0f) | ((x & 0x0f0f0f0f) << 4);
  x = ((x >>> 8) & 0x00ff00ff) | ((x & 0x00ff00ff) << 8);
  return ((x >>> 16) | (x << 16)) >>> 0;
}

/**
 * Reusable Berlekamp–Massey over GF(2) for blocks of M bits taken from a word
 * array (MSB first). `complexity(words, start)` returns the linear complexity
 * of bits [start, start + M); `words` must have one readable word past the
 * last block word.
 */
export class BerlekampMassey {
  private readonly M: number;
  private readonly fw: number; // words per forward block
  private readonly pad: number; // zero bits before the reversed block
  private readonly R: Uint32Array;
  private readonly RS: Uint32Array;
  private readonly pool: Uint32Array;
  private readonly regionWords: number;

  constructor(M: number) {
    this.M = M;
    this.fw = (M + 31) >>> 5;
    this.pad = this.fw * 32 - M;
    this.R = new Uint32Array(this.fw + 1);
    this.RS = new Uint32Array(32 * (this.fw + 1));
    const cw = ((M + 1 + 31) >>> 5) + 2;
    this.regionWords = cw;
    this.pool = new Uint32Array(3 * cw);
  }

  complexity(words: Uint32Array, start: number): number {
    const { M, fw, pad, R, RS } = this;
    // Reversed block: R bit (pad + j) = block bit M − 1 − j.
    for (let w = 0; w < fw; w++) {
      const p = start + 32 * w;
      const k = p >>> 5;
      const sh = p & 31;
      const f = ((words[k]! << sh) | ((words[k + 1]! >>> 1) >>> (31 - sh))) >>> 0;
      R[fw - 1 - w] = bitrev32(f);
    }
    // RS[sh·(fw+1) + k] = the 32 bits of R from bit 32k + sh: every alignment the
    // discrepancy needs becomes one load.
    const stride = fw + 1;
    for (let sh = 0; sh < 32; sh++) {
      const b = sh * stride;
      for (let k = 0; k < fw; k++) RS[b + k] = (R[k]! << sh) | ((R[k + 1]! >>> 1) >>> (31 - sh));
    }
    // C, B and a spare region T live in one pool at rotating offsets, so "B ← old C" on
    // growth is a change of offsets, not a copy.
    const P = this.pool;
    const W = this.regionWords;
    P.fill(0);
    let c = 0;
    let bo = W;
    let t = 2 * W;
    P[c] = 0x80000000; // c_0 = 1
    P[bo] = 0x80000000;
    let L = 0;
    let m = -1;
    let LB = 0; // degree bound of B
    for (let N = 0; N < M; N++) {
      // d = Σ_{i=0..L} c_i s_{N−i} = Σ c_i R[pad + M − 1 − N + i]
      const o = pad + M - 1 - N;
      const base = (o & 31) * stride + (o >>> 5);
      const nw = (L + 32) >>> 5; // ⌈(L+1)/32⌉
      let acc = 0;
      for (let w = 0; w < nw; w++) acc ^= P[c + w]! & RS[base + w]!;
      acc ^= acc >>> 16;
      acc ^= acc >>> 8;
      acc ^= acc >>> 4;
      if (((0x6996 >>> (acc & 15)) & 1) === 0) continue;
      // d = 1. g = −1 when L grows (L ≤ N/2), else 0; selects below avoid a branch on it.
      const g = ~(((N >>> 1) - L) >> 31);
      const dst = c + ((t - c) & g); // new C goes to T on growth (old C stays as the new B), else in place
      // dst ← C + B · x^{N−m}
      const shift = N - m;
      const ws = shift >>> 5;
      const bs = shift & 31;
      const cs = 31 - bs; // (v << 1) << cs = v << (32 − bs), and 0 when bs = 0
      const nb = (LB + 32) >>> 5;
      for (let w = 0; w < ws; w++) P[dst + w] = P[c + w]!;
      let carry = 0;
      for (let j = 0; j < nb; j++) {
        const v = P[bo + j]!;
        P[dst + ws + j] = P[c + ws + j]! ^ ((v >>> bs) | carry);
        carry = (v << 1) << cs;
      }
      P[dst + ws + nb] = P[c + ws + nb]! ^ carry;
      for (let w = ws + nb + 1; w < nw; w++) P[dst + w] = P[c + w]!;
      // Rotate on growth: (C, B, T) ← (T, C, B).
      const c2 = dst;
      const b2 = bo + ((c - bo) & g);
      const t2 = t + ((bo - t) & g);
      c = c2;
      bo = b2;
      t = t2;
      LB = LB + ((L - LB) & g);
      const Lg = N + 1 - L;
      L = L + ((Lg - L) & g);
      m = m + ((N - m) & g);
    }
    return L;
  }
}

export function linearComplexity(bits: BitSequence, params: LinearComplexityParams = {}): TestResult {
  const M = params.M ?? 500;
  const corrected = params.corrected ?? false;
  if (!Number.isInteger(M) || M < 1) throw new InputError(`LinearComplexity M = ${M}: expected a positive integer`);
  const K = 6;
  const n = bits.length;
  const N = Math.floor(n / M);
  const used = { M, N, K, corrected };
  if (N < 1) return notApplicable('LinearComplexity', SECTION, n, used, `n = ${n} is shorter than one block of M = ${M} bits`);

  const pi = corrected ? EXACT_PI : REFERENCE_PI;
  // μ and the sign of T as in the reference (see module comment) or as in §2.10.4.
  const signMu = corrected ? ((M + 1) % 2 === 0 ? 1 : -1) : (M + 1) % 2 === 0 ? -1 : 1;
  const mean = M / 2.0 + (9.0 + signMu) / 36.0 - (1.0 / Math.pow(2, M)) * (M / 3.0 + 2.0 / 9.0);
  const signT = M % 2 === 0 ? 1 : -1;

  const words = new Uint32Array(bits.words.length + 2);
  words.set(bits.words);
  const bm = new BerlekampMassey(M);
  const nu = new Array<number>(K + 1).fill(0);
  for (let i = 0; i < N; i++) {
    const L = bm.complexity(words, i * M);
    const t = signT * (L - mean) + 2.0 / 9.0;
    if (t <= -2.5) nu[0]!++;
    else if (t <= -1.5) nu[1]!++;
    else if (t <= -0.5) nu[2]!++;
    else if (t <= 0.5) nu[3]!++;
    else if (t <= 1.5) nu[4]!++;
    else if (t <= 2.5) nu[5]!++;
    else nu[6]!++;
  }
  let chi2 = 0.0;
  for (let i = 0; i < K + 1; i++) {
    const e = N * pi[i]!;
    chi2 += Math.pow(nu[i]! - e, 2) / e;
  }
  return {
    test: 'LinearComplexity',
    section: SECTION,
    n,
    params: used,
    status: 'ok',
    pValues: [igamc(K / 2.0, chi2 / 2.0)],
    statistics: { chiSquared: chi2, nu, mean },
  };
}
