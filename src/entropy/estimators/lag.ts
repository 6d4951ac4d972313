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

/**
 * The same predictor for bits, computed lazily. Let H be the top score. At a
 * step only lags whose score is H or H - 1 can become the winner: the winner is
 * the largest matching lag at H (and H grows by one), else the largest
 * matching lag at H - 1, else it stays (the reference's ">=" walk in increasing
 * lag order reduces to exactly this). A lag with deficit d = H - score >= 2
 * cannot reach H - 1 within d - 1 steps, so it sleeps until then and its score
 * is brought up to date in one go: the number of agreeing bit pairs over the
 * skipped steps, counted 32 at a time with popcount on the packed bits. Only
 * the few lags near the top are touched at each step.
 */
function binaryLag(S: Uint8Array): PredictorEstimate {
  const L = S.length;
  // Bits packed MSB first, with a zero word of padding for 32-bit windows at the end.
  const W = new Int32Array((L >> 5) + 2);
  for (let t = 0; t < L; t++) if (S[t]! & 1) W[t >> 5]! |= 1 << (31 - (t & 31));
  const window32 = (t: number): number => {
    const q = t >> 5;
    const r = t & 31;
    return r === 0 ? W[q]! : (W[q]! << r) | (W[q + 1]! >>> (32 - r));
  };
  /** Steps t in [a, b] with S[t] == S[t - lag]. */
  const agreements = (lag: number, a: number, b: number): number => {
    let n = b - a + 1;
    let t = a;
    // The lagged stream is misaligned by a fixed amount: shift once per word.
    for (; t + 32 <= b + 1; t += 32) {
      const x = window32(t) ^ window32(t - lag);
      n -= popcount32(x);
    }
    const rest = b - t + 1;
    if (rest > 0) n -= popcount32((window32(t) ^ window32(t - lag)) >>> (32 - rest));
    return n;
  };

  const score = new Int32Array(D);
  const last = new Int32Array(D); // score[off] counts steps up to last[off]
  const active = new Int32Array(D);
  let nActive = 0;
  // Min-heap of sleeping lags by wake-up step.
  const heap = new Int32Array(D);
  const wake = new Int32Array(D);
  let nHeap = 0;
  const push = (off: number, at: number): void => {
    wake[off] = at;
    let c = nHeap++;
    while (c > 0) {
      const p = (c - 1) >> 1;
      if (wake[heap[p]!]! <= at) break;
      heap[c] = heap[p]!;
      c = p;
    }
    heap[c] = off;
  };
  const pop = (): number => {
    const top = heap[0]!;
    const x = heap[--nHeap]!;
    let c = 0;
    for (;;) {
      let m = 2 * c + 1;
      if (m >= nHeap) break;
      if (m + 1 < nHeap && wake[heap[m + 1]!]! < wake[heap[m]!]!) m++;
      if (wake[heap[m]!]! >= wake[x]!) break;
      heap[c] = heap[m]!;
      c = m;
    }
    heap[c] = x;
    return top;
  };
  // Lag off+1 first predicts at step off+1.
  for (let off = 0; off < D; off++) {
    last[off] = off;
    push(off, off + 1);
  }

  let H = 0;
  let winner = 0;
  let C = 0;
  let run = 0;
  let maxRun = 0;
  for (let i = 1; i < L; i++) {
    const s = S[i]!;
    if (s === S[i - winner - 1]) {
      C++;
      if (++run > maxRun) maxRun = run;
    } else run = 0;
    // Wake the lags due now and bring their scores up to step i-1.
    while (nHeap > 0 && wake[heap[0]!]! <= i) {
      const off = pop();
      if (last[off]! < i - 1) score[off]! += agreements(off + 1, last[off]! + 1, i - 1);
      last[off] = i - 1;
      const d = H - score[off]!;
      if (d <= 1) active[nActive++] = off;
      else push(off, i - 1 + d);
    }
    let atTop = -1;
    let belowTop = -1;
    for (let a = 0; a < nActive; a++) {
      const off = active[a]!;
      if (S[i - off - 1] === s) {
        const old = score[off]!;
        if (old === H) {
          if (off > atTop) atTop = off;
        } else if (old === H - 1) {
          if (off > belowTop) belowTop = off;
        }
        score[off] = old + 1;
      }
      last[off] = i;
    }
    if (atTop >= 0) {
      winner = atTop;
      H++;
    } else if (belowTop >= 0) winner = belowTop;
    // Lags that fell two behind go to sleep.
    let kept = 0;
    for (let a = 0; a < nActive; a++) {
      const off = active[a]!;
      const d = H - score[off]!;
      if (d <= 1) active[kept++] = off;
      else push(off, i + d);
    }
    nActive = kept;
  }
  return predictionEstimate('Lag', '6.3.8', C, L - 1, maxRun, 2);
}

function popcount32(x: number): number {
  x -= (x >>> 1) & 0x55555555;
  x = (x & 0x33333333) + ((x >>> 2) & 0x33333333);
  x = (x + (x >>> 4)) & 0x0f0f0f0f;
  return Math.imul(x, 0x01010101) >>> 24;
}
