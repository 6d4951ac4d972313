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
import { predictionEstimate } from './predictor.ts';
import type { PredictorEstimate } from '../types.ts';

const WINDOWS = [63, 255, 1023, 4095] as const;

export function multiMcwEstimate(symbols: Uint8Array, k: number): PredictorEstimate {
  const S = symbols;
  const len = S.length;
  const NW = WINDOWS.length;
  const wMax = WINDOWS[NW - 1]!;
  if (len < wMax + 1) {
    return {
      ...predictionEstimate('MultiMCW', '6.3.7', 0, 1, 0, Math.max(k, 2)),
      hMin: null,
      note: `needs at least ${wMax + 1} samples`,
    };
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
