/**
 * Lag prediction estimate, SP 800-90B §6.3.8.
 *
 * 128 subpredictors each predict the symbol seen d = 1..128 samples ago; a
 * scoreboard picks the one with the most correct predictions so far (ties to
 * the larger lag among those just updated). C correct predictions out of
 * N = L - 1 and the longest run feed ./predictor.ts.
 *
 * As in the reference (an approach it credits to David Oksner), each symbol
 * keeps a ring of its positions within the last 128 samples, so a step only
 * touches the lags that score.
 *
 * Worked example (ea_non_iid 1.1.7 on data.pi.bin): C = 662,836,
 * N = 1,165,665, r = 22, P_global' = 0.56981495344368849,
 * H = 0.81143461261488992.
 */
import { predictionEstimate } from './predictor.ts';
import type { PredictorEstimate } from '../types.ts';

const D = 128;
const MASK = D - 1;

export function lagEstimate(symbols: Uint8Array, k: number): PredictorEstimate {
  const S = symbols;
  const L = S.length;
  const K = Math.max(k, 2);
  if (L < 3) {
    return { ...predictionEstimate('Lag', '6.3.8', 0, 1, 0, K), hMin: null, note: 'needs at least 3 samples' };
  }
  if (K === 2) return binaryLag(S);
  const scoreboard = new Float64Array(D);
  const ring = new Int32Array(K * D);
  // start/end count modulo 256 so a full ring (128 entries) differs from an empty one.
  const start = new Uint8Array(K);
  const end = new Uint8Array(K);
  let winner = 0;
  let highScore = 0;
  let C = 0;
  let run = 0;
  let maxRun = 0;
  ring[S[0]! * D] = 0;
  end[S[0]!] = 1;
  for (let i = 1; i < L; i++) {
    const s = S[i]!;
    if (s === S[i - winner - 1]) {
      C++;
      if (++run > maxRun) maxRun = run;
    } else run = 0;
    const base = s * D;
    if (start[s] !== end[s]) {
      let idx = end[s]!;
      const cutoff = i >= D ? i - D : 0;
      do {
        idx = (idx - 1) & 0xff;
        const p = ring[base + (idx & MASK)]!;
        if (p >= cutoff) {
          const off = i - p - 1;
          const sc = ++scoreboard[off]!;
          if (sc >= highScore) {
            winner = off;
            highScore = sc;
          }
        } else {
          start[s] = (idx + 1) & 0xff;
          break;
        }
      } while (idx !== start[s]);
    }
    if (((end[s]! - start[s]!) & 0xff) === D) start[s] = (start[s]! + 1) & 0xff;
    ring[base + (end[s]! & MASK)] = i;
    end[s] = (end[s]! + 1) & 0xff;
  }
  return predictionEstimate('Lag', '6.3.8', C, L - 1, maxRun, K);
}

/**
 * The same predictor for bits. A step scores every lag d whose bit equals the
 * current one, visiting lags in increasing order as the reference's ring walk
 * does; the history is kept as four 32-bit words so matching lags are found a
 * word at a time.
 */
function binaryLag(S: Uint8Array): PredictorEstimate {
  const L = S.length;
  const scoreboard = new Float64Array(D);
  // hist word w bit b (LSB first) = the bit at lag 32w + b + 1 (lag 1 = previous bit).
  const hist = new Int32Array(4);
  let winner = 0;
  let highScore = 0;
  let C = 0;
  let run = 0;
  let maxRun = 0;
  // Only lags with a position >= 0 are valid: before i = 128 mask off the rest.
  for (let i = 1; i < L; i++) {
    const s = S[i]!;
    // Shift in S[i-1] as lag 1.
    hist[3] = (hist[3]! << 1) | (hist[2]! >>> 31);
    hist[2] = (hist[2]! << 1) | (hist[1]! >>> 31);
    hist[1] = (hist[1]! << 1) | (hist[0]! >>> 31);
    hist[0] = (hist[0]! << 1) | S[i - 1]!;
    if (s === S[i - winner - 1]) {
      C++;
      if (++run > maxRun) maxRun = run;
    } else run = 0;
    const valid = i; // lags 1..i exist
    const flip = s ? 0 : -1;
    for (let w = 0; w < 4; w++) {
      let m = hist[w]! ^ flip; // bits equal to s
      const firstLag = 32 * w + 1;
      if (firstLag > valid) break;
      const avail = valid - firstLag + 1;
      if (avail < 32) m &= (1 << avail) - 1;
      while (m !== 0) {
        const b = 31 - Math.clz32(m & -m);
        m &= m - 1;
        const off = 32 * w + b; // lag - 1
        const sc = ++scoreboard[off]!;
        if (sc >= highScore) {
          winner = off;
          highScore = sc;
        }
      }
    }
  }
  return predictionEstimate('Lag', '6.3.8', C, L - 1, maxRun, 2);
}
