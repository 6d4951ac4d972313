/**
 * Test for the longest run of ones in a block, SP 800-22 Rev 1a §2.4.
 *
 * The block length M and the classes come from n exactly as in sts-2.1.2 (and
 * the table of §2.4.2): n < 6272 → M = 8, classes ≤1, 2, 3, ≥4;
 * n < 750,000 → M = 128, classes ≤4..≥9; otherwise M = 10^4, classes ≤10..≥16,
 * with the reference's 4-digit class probabilities 0.0882, 0.2092, 0.2483,
 * 0.1933, 0.1208, 0.0675, 0.0727 (README behaviour 3; more exact values change
 * P slightly, e.g. data.e 0.718945 → 0.718366, so the reference's are kept).
 * χ² = Σ(ν_i − Nπ_i)²/(Nπ_i), P = igamc(K/2, χ²/2).
 *
 * Blocks are byte-aligned (M is a multiple of 8), so the longest run is found a
 * byte at a time from 256-entry tables (leading ones, trailing ones, longest
 * inner run). Minimum n: 128 (§2.4.7).
 *
 * @example the 128-bit ε of §2.4.8 → ν = (4, 9, 3, 0), χ² = 4.882457, P = 0.180609
 */
import type { BitSequence } from '../bits/bit-sequence.ts';
import { igamc } from '../special/igamc.ts';
import { notApplicable, type TestResult } from './types.ts';

export const LONGEST_RUN_SECTION = 'SP 800-22 Rev 1a §2.4';
export const LONGEST_RUN_MIN_N = 128;

export interface LongestRunParams {
  strict?: boolean;
}

interface Table {
  M: number;
  K: number;
  /** V[0]..V[K]: run lengths of the classes (first is "≤", last "≥"). */
  V: number[];
  pi: number[];
}

/** The reference's tables (sts-2.1.2 longestRunOfOnes.c, SP 800-22 §2.4.4 / §3.4). */
export function longestRunTable(n: number): Table {
  if (n < 6272) return { M: 8, K: 3, V: [1, 2, 3, 4], pi: [0.21484375, 0.3671875, 0.23046875, 0.1875] };
  if (n < 750000) {
    return {
      M: 128,
      K: 5,
      V: [4, 5, 6, 7, 8, 9],
      pi: [0.1174035788, 0.242955959, 0.249363483, 0.17517706, 0.102701071, 0.112398847],
    };
  }
  return { M: 10000, K: 6, V: [10, 11, 12, 13, 14, 15, 16], pi: [0.0882, 0.2092, 0.2483, 0.1933, 0.1208, 0.0675, 0.0727] };
}

const LEAD = new Uint8Array(256);
const TRAIL = new Uint8Array(256);
const INNER = new Uint8Array(256);
for (let b = 0; b < 256; b++) {
  let lead = 0;
  while (lead < 8 && (b >>> (7 - lead)) & 1) lead++;
  let trail = 0;
  while (trail < 8 && (b >>> trail) & 1) trail++;
  let best = 0;
  let run = 0;
  for (let j = 7; j >= 0; j--) {
    run = (b >>> j) & 1 ? run + 1 : 0;
    if (run > best) best = run;
  }
  LEAD[b] = lead;
  TRAIL[b] = trail;
  INNER[b] = best;
}

export function longestRun(bits: BitSequence, params: LongestRunParams = {}): TestResult {
  const n = bits.length;
  const strict = params.strict ?? true;
  const used: TestResult['params'] = { strict };
  if (n < LONGEST_RUN_MIN_N) {
    return notApplicable('LongestRun', LONGEST_RUN_SECTION, n, used, `n = ${n} bits, the test needs n ≥ ${LONGEST_RUN_MIN_N} (§2.4.7)`);
  }
  const { M, K, V, pi } = longestRunTable(n);
  used.M = M;
  const N = Math.floor(n / M);
  const bytesPerBlock = M >>> 3;
  const words = bits.words;
  const nu = new Array<number>(K + 1).fill(0);
  for (let i = 0; i < N; i++) {
    let best = 0;
    let cur = 0; // ones ending at the current byte boundary
    const b0 = i * bytesPerBlock;
    for (let j = b0; j < b0 + bytesPerBlock; j++) {
      const b = (words[j >>> 2]! >>> (24 - 8 * (j & 3))) & 0xff;
      if (b === 0xff) {
        cur += 8;
        if (cur > best) best = cur;
      } else {
        const joined = cur + LEAD[b]!;
        if (joined > best) best = joined;
        if (INNER[b]! > best) best = INNER[b]!;
        cur = TRAIL[b]!;
      }
    }
    const cls = best <= V[0]! ? 0 : best >= V[K]! ? K : best - V[0]!;
    nu[cls]!++;
  }
  let chi2 = 0;
  for (let i = 0; i <= K; i++) {
    const e = N * pi[i]!;
    chi2 += ((nu[i]! - e) * (nu[i]! - e)) / e;
  }
  return {
    test: 'LongestRun',
    section: LONGEST_RUN_SECTION,
    n,
    params: used,
    status: 'ok',
    pValues: [igamc(K / 2, chi2 / 2)],
    statistics: { M, K, N, nu, chi2 },
  };
}
