/**
 * Overlapping Template Matching test, SP 800-22 Rev 1a §2.8 (sts-2.1.2
 * `OverlappingTemplateMatchings`).
 *
 * The template is m ones. The sequence is cut into N = ⌊n/M⌋ blocks of
 * M = 1032 bits; in each block the overlapping occurrences of the template are
 * counted (window advances by one bit after a match, unlike §2.7), and the
 * counts are binned as 0, 1, 2, 3, 4, ≥5 (K = 5). χ² = Σ (ν_i − Nπ_i)²/(Nπ_i),
 * P = igamc(K/2, χ²/2).
 *
 * Class probabilities π_i. By default the ones sts-2.1.2 really uses (and
 * Appendix B reflects): its source holds the corrected values of Rev 1a but
 * overwrites them with the old Poisson-type approximation
 * Pr(u, η) = Σ_{l=1..u} e^{−η} 2^{−u} η^l/l! · C(u−1, l−1), η = λ/2,
 * λ = (M−m+1)/2^m (for m = 9, M = 1032: 0.367879, 0.183940, 0.137955,
 * 0.099634, 0.069935, 0.140657). With `corrected: true` the exact
 * probabilities (Hamano & Kaneko 2007) are computed by a dynamic programme
 * over (run of trailing ones, occurrences so far) for the given m and M
 * (for m = 9, M = 1032: 0.364091, 0.185659, 0.139381, 0.100571, 0.070432,
 * 0.139865, as printed in Rev 1a §3.8).
 *
 * Minimum n: 10^6 recommended (§2.8.7: n ≥ 10^6, N·min π_i > 5); the test
 * needs at least one block (n ≥ M).
 *
 * Speed: 32 window positions at a time: from 64 bits, the ANDs of shifted copies
 * (doubling the run length each step) leave a one exactly where a window of m ones
 * starts; popcount adds them up.
 */
import { paddedWords } from './scratch.ts';
import { InputError } from '../errors.ts';
import { popcount32, type BitSequence } from '../bits/bit-sequence.ts';
import { igamc } from '../special/igamc.ts';
import gammaln from '@stdlib/math-base-special-gammaln';
import { notApplicable, type TestResult } from './types.ts';

const SECTION = 'SP 800-22 Rev 1a §2.8';

export interface OverlappingTemplateParams {
  /** Length of the all-ones template (default 9). */
  m?: number;
  /** Block length M (default 1032). */
  blockLength?: number;
  /** Use the exact class probabilities instead of the reference's approximation (default false). */
  corrected?: boolean;
}

/** The reference's `Pr(u, eta)`, written with the same terms. */
function prReference(u: number, eta: number): number {
  if (u === 0) return Math.exp(-eta);
  let sum = 0;
  for (let l = 1; l <= u; l++) {
    sum += Math.exp(
      -eta - u * Math.log(2) + l * Math.log(eta) - gammaln(l + 1) + gammaln(u) - gammaln(l) - gammaln(u - l + 1),
    );
  }
  return sum;
}

/**
 * Exact P(exactly u overlapping occurrences of 1^m in M random bits), u = 0..K−1,
 * and P(≥ K) last. State: length of the current run of ones (capped at m−1:
 * from there every further one is a match) and the count (capped at K).
 */
export function exactOverlappingProbabilities(m: number, M: number, K: number): number[] {
  // prob[r * (K + 1) + c]
  let cur = new Float64Array(m * (K + 1));
  let nxt = new Float64Array(m * (K + 1));
  cur[0] = 1;
  for (let step = 0; step < M; step++) {
    nxt.fill(0);
    for (let r = 0; r < m; r++) {
      for (let c = 0; c <= K; c++) {
        const p = cur[r * (K + 1) + c]!;
        if (p === 0) continue;
        const h = p / 2;
        nxt[c]! += h; // a zero resets the run
        if (r + 1 >= m) {
          const c2 = Math.min(K, c + 1); // a one completing (another) window of m ones
          nxt[(m - 1) * (K + 1) + c2]! += h;
        } else {
          nxt[(r + 1) * (K + 1) + c]! += h;
        }
      }
    }
    [cur, nxt] = [nxt, cur];
  }
  const out = new Array<number>(K + 1).fill(0);
  for (let r = 0; r < m; r++) for (let c = 0; c <= K; c++) out[c]! += cur[r * (K + 1) + c]!;
  return out;
}

export function overlappingTemplate(bits: BitSequence, params: OverlappingTemplateParams = {}): TestResult {
  const m = params.m ?? 9;
  const M = params.blockLength ?? 1032;
  const corrected = params.corrected ?? false;
  const K = 5;
  if (!Number.isInteger(m) || m < 1 || m > 31) throw new InputError(`OverlappingTemplate m = ${m}: expected an integer in 1..31`);
  // A block must be able to hold K = 5 overlapping matches (M ≥ m + 4), else the last
  // class has probability 0 and the χ² is undefined.
  if (!Number.isInteger(M) || M < m + 4) {
    throw new InputError(`OverlappingTemplate blockLength = ${M}: expected an integer ≥ m + 4 = ${m + 4}`);
  }
  const n = bits.length;
  const N = Math.floor(n / M);
  const used = { m, M, N, K, corrected };
  if (N < 1) return notApplicable('OverlappingTemplate', SECTION, n, used, `n = ${n} is shorter than one block of M = ${M} bits`);

  let pi: number[];
  if (corrected) {
    pi = exactOverlappingProbabilities(m, M, K);
  } else {
    const lambda = (M - m + 1) / Math.pow(2, m);
    const eta = lambda / 2.0;
    pi = [];
    let sum = 0;
    for (let i = 0; i < K; i++) {
      pi.push(prReference(i, eta));
      sum += pi[i]!;
    }
    pi.push(1 - sum);
  }

  const nu = new Array<number>(K + 1).fill(0);
  // Two spare words so the 64-bit window reads never leave the array.
  const words = paddedWords(bits.words, 2);
  for (let i = 0; i < N; i++) {
    // W = positions p in [start, start + M − m] whose m bits are all ones, 32 positions
    // at a time: bit t of z is set when bits p + t .. p + t + m − 1 are all ones.
    const start = i * M;
    const lastPos = start + M - m;
    let W = 0;
    for (let p = start; p <= lastPos; p += 32) {
      // hi = bits p .. p + 31, lo = the next 32: runs of ones grow by doubling (a window of
      // 2L ones starts where windows of L ones start at p and at p + L), then one last step
      // of m − L ≤ L covers the m bits. log2(m) + 1 steps instead of m shifted reads.
      const w = p >>> 5;
      const sh = p & 31;
      let hi = (words[w]! << sh) | ((words[w + 1]! >>> 1) >>> (31 - sh));
      let lo = (words[w + 1]! << sh) | ((words[w + 2]! >>> 1) >>> (31 - sh));
      let len = 1;
      for (; 2 * len <= m; len *= 2) {
        hi &= (hi << len) | (lo >>> (32 - len));
        lo &= lo << len;
      }
      if (len < m) hi &= (hi << (m - len)) | (lo >>> (32 - (m - len)));
      const cnt = lastPos - p + 1;
      if (cnt < 32) hi &= ~(0xffffffff >>> cnt);
      W += popcount32(hi);
    }
    nu[W <= K - 1 ? W : K]!++;
  }

  let chi2 = 0;
  for (let i = 0; i < K + 1; i++) {
    const e = N * pi[i]!;
    chi2 += Math.pow(nu[i]! - e, 2) / e;
  }
  return {
    test: 'OverlappingTemplate',
    section: SECTION,
    n,
    params: used,
    status: 'ok',
    pValues: [igamc(K / 2.0, chi2 / 2.0)],
    statistics: { chiSquared: chi2, nu, pi },
  };
}
