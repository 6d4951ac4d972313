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
import { laggedAgreement, type LaggedAgreement } from '../../kernels/lagged-agreement.ts';
import { packSampleBits, window32 } from '../samples.ts';
import { notApplicablePredictor, predictionEstimate } from './predictor.ts';
import type { PredictorEstimate } from '../types.ts';

const D = 128;
const MASK = D - 1;

export function lagEstimate(symbols: Uint8Array, k: number): PredictorEstimate {
  const S = symbols;
  const L = S.length;
  const K = Math.max(k, 2);
  if (L < 3) {
    return notApplicablePredictor('Lag', '6.3.8', 'needs at least 3 samples');
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

/** The binary path without WebAssembly (the fallback where it is missing), for the tests that check both paths agree. */
export function binaryLagPortable(symbols: Uint8Array): PredictorEstimate {
  return binaryLag(symbols, true);
}

/**
 * The same predictor for bits, 32 steps at a time. Let H be the top score. At
 * a step only lags whose score is H or H - 1 can become the winner: the winner
 * is the largest matching lag at H (and H grows by one), else the largest
 * matching lag at H - 1, else it stays (the reference's ">=" walk in
 * increasing lag order reduces to exactly this). A lag more than 32 behind H
 * at the start of a block of 32 steps cannot get within one of H inside it,
 * so only the few lags near the top are followed step by step; every other
 * score is brought up to date once per block, by a popcount of the agreeing
 * bits (the packed stream against itself shifted by the lag).
 */
function binaryLag(S: Uint8Array, portable = false): PredictorEstimate {
  const L = S.length;
  const score = new Int32Array(D);
  // The first 128 steps (not every lag predicts yet) as the reference walks them.
  const first = Math.min(L, D);
  let H = 0;
  let winner = 0;
  let C = 0;
  let run = 0;
  let maxRun = 0;
  for (let i = 1; i < first; i++) {
    const s = S[i]!;
    if (s === S[i - winner - 1]) {
      C++;
      if (++run > maxRun) maxRun = run;
    } else run = 0;
    for (let d = 0; d < i; d++) {
      if (S[i - d - 1] === s) {
        const sc = ++score[d]!;
        if (sc >= H) {
          winner = d;
          H = sc;
        }
      }
    }
  }
  if (L <= D) return predictionEstimate('Lag', '6.3.8', C, L - 1, maxRun, 2);
  const W = packSampleBits(S, 3);
  // C, run, maxRun, H, winner carried across blocks.
  const state = Float64Array.of(C, run, maxRun, H, winner);
  // The per-block pass over the 128 lags in WebAssembly (one popcount instruction per lag),
  // else in TypeScript. Two drivers, so that each call site sees one kind of pass.
  const wasm = portable ? undefined : laggedAgreement(W.length);
  if (wasm) wasmBlocks(S, W, wasm, score, state);
  else portableBlocks(S, W, score, state);
  return predictionEstimate('Lag', '6.3.8', state[0]!, L - 1, state[2]!, 2);
}

/** The blocks from step 128 on, each block's pass over the lags in WebAssembly; the scores live where the pass reads them. */
function wasmBlocks(S: Uint8Array, W: Int32Array, k: LaggedAgreement, score: Int32Array, state: Float64Array): void {
  k.words.set(W);
  k.score.set(score);
  const { pick, cand, agree } = k;
  const L = S.length;
  for (let t0 = D; t0 < L; t0 += 32) {
    const n = Math.min(32, L - t0);
    lagBlock(S, t0, n, cand, agree, pick(t0, n, state[3]!), k.score, state);
  }
}

/** The same blocks with the pass in TypeScript (pickCandidates). */
function portableBlocks(S: Uint8Array, W: Int32Array, score: Int32Array, state: Float64Array): void {
  const cand = new Int32Array(D);
  const agree = new Int32Array(D);
  const L = S.length;
  for (let t0 = D; t0 < L; t0 += 32) {
    const n = Math.min(32, L - t0);
    lagBlock(S, t0, n, cand, agree, pickCandidates(W, t0, n, score, state[3]!, cand, agree), score, state);
  }
}

/**
 * Lags within 32 of the top score H at step t0 (t0 a multiple of 32), in
 * increasing lag order, with their agreement bits over the block of n steps
 * (MSB = step t0). The other lags cannot matter to the winner in this block:
 * their scores are brought to the end of the block here.
 */
function pickCandidates(
  W: Int32Array, t0: number, n: number, score: Int32Array, H: number, cand: Int32Array, agree: Int32Array,
): number {
  const cur = W[t0 >> 5]!;
  const blockMask = n === 32 ? -1 : ~(-1 >>> n);
  let nc = 0;
  for (let d = 0; d < D; d++) {
    const a = ~(cur ^ window32(W, t0 - d - 1)) & blockMask;
    if (H - score[d]! <= 32) {
      cand[nc] = d;
      agree[nc] = a;
      nc++;
    } else score[d]! += popcount32(a);
  }
  return nc;
}

/** Steps t0 .. t0+n-1 with the candidate lags: counts correct predictions, moves the winner and the candidates' scores. */
function lagBlock(
  S: Uint8Array, t0: number, n: number, cand: Int32Array, agree: Int32Array, nc: number,
  score: Int32Array, state: Float64Array,
): void {
  let C = state[0]!;
  let run = state[1]!;
  let maxRun = state[2]!;
  let H = state[3]!;
  let winner = state[4]!;
  for (let k = 0; k < n; k++) {
    const i = t0 + k;
    if (S[i] === S[i - winner - 1]) {
      C++;
      if (++run > maxRun) maxRun = run;
    } else run = 0;
    let atTop = -1;
    let belowTop = -1;
    const sh = 31 - k;
    for (let c = 0; c < nc; c++) {
      if ((agree[c]! >>> sh) & 1) {
        const d = cand[c]!;
        const old = score[d]!;
        if (old === H) atTop = d;
        else if (old === H - 1) belowTop = d;
        score[d] = old + 1;
      }
    }
    if (atTop >= 0) {
      winner = atTop;
      H++;
    } else if (belowTop >= 0) winner = belowTop;
  }
  state[0] = C;
  state[1] = run;
  state[2] = maxRun;
  state[3] = H;
  state[4] = winner;
}

function popcount32(x: number): number {
  x -= (x >>> 1) & 0x55555555;
  x = (x & 0x33333333) + ((x >>> 2) & 0x33333333);
  x = (x + (x >>> 4)) & 0x0f0f0f0f;
  return Math.imul(x, 0x01010101) >>> 24;
}
