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
 * Reference behaviours kept by default (sts-2.1.2, see test/fixtures/README.md):
 * π_0 is typed 0.01047 instead of 1/96 (and π_6 = 0.020833), so the class
 * probabilities sum to 1.000053; and the sign in μ is flipped (10/36 for even
 * M), which only shifts T by 1/18 and never crosses a bin edge. With
 * `corrected: true` the exact π = (1/96, 1/32, 1/8, 1/2, 1/4, 1/16, 1/48) and
 * the document's μ are used (data.e: 0.826335 → 0.826202).
 *
 * Minimum n: 10^6 recommended, 500 ≤ M ≤ 5000, N ≥ 200 (§2.10.7); like the
 * reference we only require one block.
 *
 * Speed: Berlekamp–Massey runs bit-sliced: 128 blocks at once in WebAssembly
 * SIMD (../kernels/berlekamp-massey-simd.ts), else 32 at once in TypeScript
 * (`blockComplexities`): one word per polynomial coefficient, lane-wise masks
 * instead of branches (the discrepancy is a coin flip per step, so a
 * per-block branch on it mispredicts half the time). `BerlekampMassey` is the
 * one-block, word-parallel form (the block bit-reversed so the discrepancy is
 * an AND of words and a parity), used for single blocks and as a cross-check.
 *
 * Worked example (§2.10.4): the 13-bit block 1101011110001 has L = 4.
 */
import { paddedWords } from './scratch.ts';
import { InputError } from '../errors.ts';
import type { BitSequence } from '../bits/bit-sequence.ts';
import { igamc } from '../special/igamc.ts';
import { blockComplexitiesSimd } from '../kernels/berlekamp-massey-simd.ts';
import { gatherTransposed } from '../kernels/bit-transpose.ts';
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

/**
 * Berlekamp–Massey on 32 blocks at once, bit-sliced: bit 31 − lane of every
 * word belongs to block `lane`. S[j] holds bit j of the 32 blocks, C[k] the
 * coefficient c_k of the 32 connection polynomials. B is kept pre-shifted,
 * B' = x^{N−m}·B, so every lane shifts it by one position per step (a change
 * of offset, q0) and the update is lane-wise masks: C ← C + d·B',
 * B' ← x·(g ? C_old : B') with d = lanes whose discrepancy is 1 and g = lanes
 * among them with L ≤ N/2. No branch depends on the data of a single block.
 * `out` receives the 32 linear complexities.
 */
function complexities32(S: Uint32Array, M: number, out: Int32Array, C: Uint32Array, Q: Uint32Array): void {
  // S[j]: bit j of each of the 32 blocks. C[k]: coefficient k of each lane's C.
  // Q[q0 + k]: coefficient k of B' = x^{N−m}·B (pre-shifted so all lanes shift alike).
  const L = out; // per-lane linear complexity, updated in place
  L.fill(0);
  C.fill(0);
  Q.fill(0);
  C[0] = 0xffffffff;
  let q0 = M + 1;
  Q[q0 + 1] = 0xffffffff; // B' = x·1 at N = 0
  let Lmax = 0;
  let Lmin = 0;
  // Discrepancies of step 0: d = c_0·s_0.
  let d = S[0]!;
  for (let N = 0; N < M; N++) {
    // g: lanes with d = 1 and L ≤ N/2 (their L grows to N + 1 − L).
    let g = 0;
    const half = N >>> 1;
    let lmax = 0;
    let lmin = 0x7fffffff;
    for (let lane = 0; lane < 32; lane++) {
      const l = L[lane]!;
      const bit = (d >>> (31 - lane)) & 1 & (((half - l) >>> 31) ^ 1);
      const nl = bit ? N + 1 - l : l;
      L[lane] = nl;
      g |= bit << (31 - lane);
      if (nl > lmax) lmax = nl;
      if (nl < lmin) lmin = nl;
    }
    // Degrees before the update: C ≤ L, B' ≤ N + 1 − L in every lane; after it C ≤ new L,
    // which stays within the same bound. One pass updates C and B' and already
    // accumulates the next step's discrepancies Σ c_k s_{N+1−k}.
    const kmax = Math.max(Lmax, N + 1 - Lmin);
    let dn = 0;
    for (let k = 0; k <= kmax; k++) {
      const c = C[k]!;
      const b = Q[q0 + k]!;
      const cn = c ^ (b & d);
      C[k] = cn;
      Q[q0 + k] = b ^ ((b ^ c) & g);
      dn ^= cn & S[N + 1 - k]!;
    }
    d = dn;
    Lmax = lmax;
    Lmin = lmin;
    q0--;
    Q[q0] = 0;
  }
}

/**
 * Linear complexity of each of the `nBlocks` consecutive M-bit blocks of
 * `words` (MSB first; at least one readable word past the last block bit),
 * 32 blocks at a time: the blocks are transposed 32×32 bits at a time into
 * bit-sliced form and run through `complexities32`.
 */
export function blockComplexities(words: Uint32Array, nBlocks: number, M: number): Int32Array {
  const res = new Int32Array(nBlocks);
  const S = new Uint32Array(((M + 31) >>> 5) * 32 + 32); // S[M] is read (as 0) by the last step
  const C = new Uint32Array(M + 2);
  const Q = new Uint32Array(2 * M + 6);
  const A = new Uint32Array(32);
  const out = new Int32Array(32);
  for (let g = 0; g * 32 < nBlocks; g++) {
    for (let j0 = 0; j0 < M; j0 += 32) {
      gatherTransposed(A, words, g * 32, nBlocks, M, j0);
      S.set(A, j0);
    }
    complexities32(S, M, out, C, Q);
    for (let lane = 0; lane < 32 && g * 32 + lane < nBlocks; lane++) res[g * 32 + lane] = out[lane]!;
  }
  return res;
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

  const words = paddedWords(bits.words, 2);
  const Ls = blockComplexitiesSimd(words, N, M) ?? blockComplexities(words, N, M);
  const nu = new Array<number>(K + 1).fill(0);
  for (let i = 0; i < N; i++) {
    const L = Ls[i]!;
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
