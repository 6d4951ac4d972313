/**
 * Multi Most Common in Window prediction estimate, SP 800-90B §6.3.7.
 *
 * Four subpredictors predict the most common symbol of the last w = 63, 255,
 * 1023, 4095 samples (ties go to the symbol seen most recently); a scoreboard
 * picks the subpredictor with the most correct predictions so far (ties to the
 * larger window). C correct predictions out of N = L - 63 and the longest run
 * feed ./predictor.ts. Needs at least 4096 samples.
 *
 * Instead of rescanning the whole alphabet when the most common symbol leaves
 * a window (as the reference does), this keeps a histogram of counts per
 * window and scans the window backwards for the most recent symbol with the
 * new maximum count: the same symbol the reference's (count, last position)
 * rule selects.
 *
 * Worked example (ea_non_iid 1.1.7 on data.pi.bin): C = 662,387, N = 1,165,603,
 * r = 23, P_global' = 0.56946013995367961, H = 0.81233323259173817.
 */
import { notApplicablePredictor, predictionEstimate } from './predictor.ts';
import type { PredictorEstimate } from '../types.ts';

const WINDOWS = [63, 255, 1023, 4095] as const;

export function multiMcwEstimate(symbols: Uint8Array, k: number): PredictorEstimate {
  const S = symbols;
  const len = S.length;
  const NW = WINDOWS.length;
  const wMax = WINDOWS[NW - 1]!;
  if (len < wMax + 1) {
    return notApplicablePredictor('MultiMCW', '6.3.7', `needs at least ${wMax + 1} samples`);
  }
  const K = Math.max(k, 2);
  const counts = WINDOWS.map(() => new Int32Array(K));
  const poses = WINDOWS.map(() => new Int32Array(K));
  const hist = WINDOWS.map((w) => {
    const h = new Int32Array(w + 2);
    h[0] = K;
    return h;
  });
  const maxCnt = new Int32Array(NW);
  const frequent = new Int32Array(NW);
  const score = new Float64Array(NW);

  for (let i = 0; i < wMax; i++) {
    const s = S[i]!;
    for (let j = 0; j < NW; j++) {
      if (i < WINDOWS[j]!) {
        const cnt = counts[j]!;
        const h = hist[j]!;
        const c = ++cnt[s]!;
        h[c - 1]!--;
        h[c]!++;
        if (maxCnt[j]! <= c) {
          maxCnt[j] = c;
          frequent[j] = s;
        }
        poses[j]![s] = i;
      }
    }
  }

  const N = len - WINDOWS[0];
  if (K === 2) return binaryPredictions(S, frequent, N);
  let winner = 0;
  let C = 0;
  let run = 0;
  let maxRun = 0;
  for (let i = WINDOWS[0]; i < len; i++) {
    const s = S[i]!;
    if (frequent[winner] === s) {
      C++;
      if (++run > maxRun) maxRun = run;
    } else run = 0;

    for (let j = 0; j < NW; j++) {
      if (i >= WINDOWS[j]! && frequent[j] === s) {
        if (++score[j]! >= score[winner]!) winner = j;
      }
    }

    for (let j = 0; j < NW; j++) {
      const w = WINDOWS[j]!;
      if (i < w) continue;
      const cnt = counts[j]!;
      const pos = poses[j]!;
      const h = hist[j]!;
      const old = S[i - w]!;
      const co = cnt[old]!--;
      h[co]!--;
      h[co - 1]!++;
      const cs = ++cnt[s]!;
      h[cs - 1]!--;
      h[cs]!++;
      pos[s] = i;
      if (old !== frequent[j]) {
        if (maxCnt[j]! <= cs) {
          maxCnt[j] = cs;
          frequent[j] = s;
        }
      } else {
        // The most common symbol lost one: the new one has the highest count,
        // ties going to the latest last occurrence.
        const M = maxCnt[j]!;
        if (cs >= M) {
          maxCnt[j] = cs;
          frequent[j] = s;
        } else {
          const target = h[M]! > 0 ? M : M - 1;
          for (let p = i; p > i - w; p--) {
            const x = S[p]!;
            if (cnt[x] === target && pos[x] === p) {
              frequent[j] = x;
              break;
            }
          }
          maxCnt[j] = target;
        }
      }
    }
  }
  return predictionEstimate('MultiMCW', '6.3.7', C, N, maxRun, K);
}

/**
 * Bits: once a window is full its size is odd, so its most common bit is the
 * strict majority and only the number of ones per window needs tracking.
 * `frequent` holds the subpredictors' state after the initial fill.
 */
function binaryPredictions(S: Uint8Array, frequentInit: Int32Array, N: number): PredictorEstimate {
  const len = S.length;
  const [w0, w1, w2, w3] = WINDOWS;
  let f0 = frequentInit[0]!;
  let f1 = frequentInit[1]!;
  let f2 = frequentInit[2]!;
  let f3 = frequentInit[3]!;
  // Ones in each window as of the initial fill (window j holds S[0 .. w_j - 1]).
  let o0 = 0;
  let o1 = 0;
  let o2 = 0;
  let o3 = 0;
  for (let i = 0; i < w3; i++) {
    const b = S[i]!;
    if (i < w0) o0 += b;
    if (i < w1) o1 += b;
    if (i < w2) o2 += b;
    o3 += b;
  }
  let s0 = 0;
  let s1 = 0;
  let s2 = 0;
  let s3 = 0;
  let winner = 0;
  let C = 0;
  let run = 0;
  let maxRun = 0;
  // Branch-free: on random bits every "predicted right?" is a coin toss, which a branch
  // would mispredict half the time. `best` is the winner's score (the winner always
  // holds the top score: it takes the lead only by reaching it).
  let best = 0;
  for (let i = w0; i < len; i++) {
    const s = S[i]!;
    const F = f0 | (f1 << 1) | (f2 << 2) | (f3 << 3);
    const right = ((F >>> winner) & 1) ^ s ^ 1;
    C += right;
    run = (run + 1) & -right;
    if (run > maxRun) maxRun = run;
    // Scoreboard, in window order (ties go to the later window).
    const h0 = f0 ^ s ^ 1;
    s0 += h0;
    let lead = h0 & +(s0 >= best);
    winner += (0 - winner) & -lead;
    best += (s0 - best) & -lead;
    o0 += s - S[i - w0]!;
    f0 = +(2 * o0 > w0);
    if (i >= w1) {
      const h1 = f1 ^ s ^ 1;
      s1 += h1;
      lead = h1 & +(s1 >= best);
      winner += (1 - winner) & -lead;
      best += (s1 - best) & -lead;
      o1 += s - S[i - w1]!;
      f1 = +(2 * o1 > w1);
    }
    if (i >= w2) {
      const h2 = f2 ^ s ^ 1;
      s2 += h2;
      lead = h2 & +(s2 >= best);
      winner += (2 - winner) & -lead;
      best += (s2 - best) & -lead;
      o2 += s - S[i - w2]!;
      f2 = +(2 * o2 > w2);
    }
    if (i >= w3) {
      const h3 = f3 ^ s ^ 1;
      s3 += h3;
      lead = h3 & +(s3 >= best);
      winner += (3 - winner) & -lead;
      best += (s3 - best) & -lead;
      o3 += s - S[i - w3]!;
      f3 = +(2 * o3 > w3);
    }
  }
  return predictionEstimate('MultiMCW', '6.3.7', C, N, maxRun, 2);
}
