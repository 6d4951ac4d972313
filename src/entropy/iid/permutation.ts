/**
 * The permutation tests of SP 800-90B §5.1, as NIST's ea_iid 1.1.7 runs them
 * (cpp/iid/permutation_tests.h): 11 tests giving 19 statistics, computed on the data and on
 * up to 10,000 shuffles of it.
 *
 * Statistics (§5.1.1 – §5.1.11; "raw" = the masked sample values, "symbols" = the values
 * renumbered 0..k−1; binary data (k = 2) goes through Conversion I (ones per 8-bit block)
 * or Conversion II (8-bit blocks as numbers) where the standard says so):
 *  0 excursion                 max |Σ_{j≤i} raw_j − i·mean|                          (raw)
 *  1 numDirectionalRuns        runs in the sequence of ±1 (x_i > x_{i+1} → −1)       (symbols / Conv. I)
 *  2 lenDirectionalRuns        longest such run                                       (symbols / Conv. I)
 *  3 numIncreasesDecreases     max(#+1, #−1)                                          (symbols / Conv. I)
 *  4 numRunsMedian             runs of (x < median → −1, else +1); median 0.5 if binary (symbols)
 *  5 lenRunsMedian             longest such run                                       (symbols)
 *  6 avgCollision              mean distance to the first repeat of a value           (symbols / Conv. II)
 *  7 maxCollision              the largest such distance                              (symbols / Conv. II)
 *  8–12 periodicity(p)         #{i : x_i = x_{i+p}}, p = 1, 2, 8, 16, 32              (symbols / Conv. I)
 *  13–17 covariance(p)         Σ x_i·x_{i+p}, p = 1, 2, 8, 16, 32                     (raw / Conv. I)
 *  18 compression              bzip2 length of the values as decimal text            (raw)
 *
 * Ranking (§5.1): for each shuffle, a statistic larger than the original counts in C0,
 * equal in C1, smaller in C2. A statistic is settled (and no longer computed, the
 * reference's early stop) once C0 + C1 > 5 and C1 + C2 > 5; the data fails the IID
 * assumption if any statistic ends with C0 + C1 ≤ 5 or C1 + C2 ≤ 5 (the original is in the
 * top or bottom 0.05 % of the shuffles).
 *
 * Worked example (ea_iid -vv on rand8_short.bin): excursion = 6638.536 (…5999999970954),
 * numDirectionalRuns = 6727, lenDirectionalRuns = 6, numIncreasesDecreases = 5006,
 * numRunsMedian = 4938, lenRunsMedian = 13, avgCollision = 20.304878048780488,
 * maxCollision = 67, periodicity(1) = 34, covariance(1) = 163045111, compression = 10987.
 */
import { LAGS, lagSumsSimd } from '../../kernels/lag-sums-simd.ts';
import { DecimalBzip2 } from './bzip2-decimal.ts';
import { bzip2Length, decimalText, loadBzip2, RankedBzip2Length } from './compression.ts';

export const PERMUTATION_STATISTICS = [
  'excursion',
  'numDirectionalRuns',
  'lenDirectionalRuns',
  'numIncreasesDecreases',
  'numRunsMedian',
  'lenRunsMedian',
  'avgCollision',
  'maxCollision',
  'periodicity(1)',
  'periodicity(2)',
  'periodicity(8)',
  'periodicity(16)',
  'periodicity(32)',
  'covariance(1)',
  'covariance(2)',
  'covariance(8)',
  'covariance(16)',
  'covariance(32)',
  'compression',
] as const;
export type PermutationStatistic = (typeof PERMUTATION_STATISTICS)[number];
export const NUM_STATISTICS = PERMUTATION_STATISTICS.length;
/** Index of the compression statistic (§5.1.11), the costly one (a bzip2 run per round). */
export const COMPRESSION = PERMUTATION_STATISTICS.indexOf('compression');

/** What the statistics need besides the (shuffled) symbol order. */
export interface PermutationInput {
  /** Symbols renumbered 0..k−1, in their original order. */
  symbols: Uint8Array;
  /** values[s] = the masked sample value of symbol s. */
  values: number[];
  k: number;
  /** Mean of the masked values. */
  rawMean: number;
  /** Median of the symbols (0.5 when k = 2), as ea_iid's calc_stats. */
  median: number;
}

/** Mean of the masked values and median of the symbols, as ea_iid's calc_stats. */
export function baselineStatistics(symbols: Uint8Array, values: number[], k: number): { rawMean: number; median: number } {
  const n = symbols.length;
  const counts = new Float64Array(k);
  let sum = 0;
  for (let i = 0; i < n; i++) {
    counts[symbols[i]!]!++;
    sum += values[symbols[i]!]!;
  }
  const rawMean = sum / n;
  if (k === 2) return { rawMean, median: 0.5 };
  // The sorted symbol at a rank, from the counts.
  const at = (rank: number): number => {
    let acc = 0;
    for (let s = 0; s < k; s++) {
      acc += counts[s]!;
      if (rank < acc) return s;
    }
    return k - 1;
  };
  const half = Math.floor(n / 2);
  const median = n % 2 === 1 ? at(half) : (at(half) + at(half - 1)) / 2;
  return { rawMean, median };
}

/** Conversion I (§5.1): number of ones in each 8-bit block (last block may be short). */
function conversion1(bits: Uint8Array, out: Uint8Array): Uint8Array {
  const m = Math.ceil(bits.length / 8);
  const r = out.subarray(0, m);
  r.fill(0);
  for (let i = 0; i < bits.length; i++) r[i >> 3]! += bits[i]!;
  return r;
}

/** Conversion II (§5.1): each 8-bit block as a number, first bit most significant. */
function conversion2(bits: Uint8Array, out: Uint8Array): Uint8Array {
  const m = Math.ceil(bits.length / 8);
  const r = out.subarray(0, m);
  r.fill(0);
  for (let i = 0; i < bits.length; i++) r[i >> 3]! += bits[i]! << (7 - (i & 7));
  return r;
}

/** Statistics 1–3 over the ±1 sequence x_i > x_{i+1} → −1, else +1. */
function directional(seq: Uint8Array, out: Float64Array, need: Uint8Array): void {
  const m = seq.length - 1;
  if (m <= 0) {
    out[1] = 0;
    out[2] = 0;
    out[3] = 0;
    return;
  }
  // Branch-free (a shuffle makes every step's direction a coin toss): the longest run is
  // the largest value the current run's length takes.
  let runs = 1;
  let run = 1;
  let longest = 1;
  let up = +(seq[0]! <= seq[1]!);
  let ups = up;
  for (let i = 1; i < m; i++) {
    const u = +(seq[i]! <= seq[i + 1]!);
    const change = u ^ up;
    ups += u;
    runs += change;
    run = ((run + 1) & (change - 1)) + change; // 1 at a change, else one longer
    if (run > longest) longest = run;
    up = u;
  }
  if (need[1]) out[1] = runs;
  if (need[2]) out[2] = longest;
  if (need[3]) out[3] = Math.max(ups, m - ups);
}

/** Statistics 4–5 over x_i < median → −1, else +1. */
function medianRuns(seq: Uint8Array, median: number, out: Float64Array): void {
  const n = seq.length;
  if (n === 0) {
    out[4] = 0;
    out[5] = 0;
    return;
  }
  // Branch-free, as directional().
  let runs = 1;
  let run = 1;
  let longest = 1;
  let prev = +(seq[0]! < median);
  for (let i = 1; i < n; i++) {
    const cur = +(seq[i]! < median);
    const change = cur ^ prev;
    runs += change;
    run = ((run + 1) & (change - 1)) + change;
    if (run > longest) longest = run;
    prev = cur;
  }
  out[4] = runs;
  out[5] = longest;
}

/**
 * Statistics 6–7: from the start, the number of samples up to and including the first
 * value seen twice; the next window starts after it.
 */
function collisions(seq: Uint8Array, stamp: Int32Array, out: Float64Array): void {
  const n = seq.length;
  // A generation counter instead of clearing the table per window; restarted well before
  // it could overflow the Int32Array (a call adds at most n/2 generations).
  if (stamp[256]! > 1 << 29) stamp.fill(0);
  let gen = stamp[256]! + 1;
  let count = 0;
  let sum = 0;
  let max = 0;
  let start = 0;
  let i = 0;
  while (i < n) {
    const v = seq[i]!;
    if (stamp[v] === gen) {
      const len = i - start + 1;
      count++;
      sum += len;
      if (len > max) max = len;
      gen++;
      start = i + 1;
    } else {
      stamp[v] = gen;
    }
    i++;
  }
  stamp[256] = gen;
  out[6] = count > 0 ? sum / count : 0;
  out[7] = max;
}

/** Statistic 8 + li: the number of i ≥ from with seq[i] = seq[i + p] (branch-free: on noise a coin toss). */
function periodicityCount(seq: Uint8Array, p: number, from = 0): number {
  let t = 0;
  for (let i = from; i + p < seq.length; i++) t += +(seq[i] === seq[i + p]);
  return t;
}

/** Statistic 13 + li: Σ seq[i]·seq[i + p] over i ≥ from. */
function covarianceSum(seq: Uint8Array, p: number, from = 0): number {
  let t = 0;
  for (let i = from; i + p < seq.length; i++) t += seq[i]! * seq[i + p]!;
  return t;
}

/**
 * Statistics 8–17 (periodicity and covariance at the five lags) in one pass over the
 * sequence instead of ten, with the same sums. Used when three or
 * more of them are still open: on data the tests reject, all ten stay open for all
 * 10,000 rounds.
 */
function lagSums(pseq: Uint8Array, cseq: Uint8Array, out: Float64Array): void {
  const m = pseq.length;
  let p1 = 0;
  let p2 = 0;
  let p8 = 0;
  let p16 = 0;
  let p32 = 0;
  let c1 = 0;
  let c2 = 0;
  let c8 = 0;
  let c16 = 0;
  let c32 = 0;
  const end = Math.max(0, m - 32); // below it every lag's partner is in range
  for (let i = 0; i < end; i++) {
    const a = pseq[i]!;
    const x = cseq[i]!;
    p1 += +(a === pseq[i + 1]);
    p2 += +(a === pseq[i + 2]);
    p8 += +(a === pseq[i + 8]);
    p16 += +(a === pseq[i + 16]);
    p32 += +(a === pseq[i + 32]);
    c1 += x * cseq[i + 1]!;
    c2 += x * cseq[i + 2]!;
    c8 += x * cseq[i + 8]!;
    c16 += x * cseq[i + 16]!;
    c32 += x * cseq[i + 32]!;
  }
  // The last 32 positions (or all, for a short sequence): each lag while its partner exists.
  // The sums are of integers below 2^53, so adding the tail apart changes no bit.
  p1 += periodicityCount(pseq, 1, end);
  p2 += periodicityCount(pseq, 2, end);
  p8 += periodicityCount(pseq, 8, end);
  p16 += periodicityCount(pseq, 16, end);
  p32 += periodicityCount(pseq, 32, end);
  c1 += covarianceSum(cseq, 1, end);
  c2 += covarianceSum(cseq, 2, end);
  c8 += covarianceSum(cseq, 8, end);
  c16 += covarianceSum(cseq, 16, end);
  c32 += covarianceSum(cseq, 32, end);
  out[8] = p1;
  out[9] = p2;
  out[10] = p8;
  out[11] = p16;
  out[12] = p32;
  out[13] = c1;
  out[14] = c2;
  out[15] = c8;
  out[16] = c16;
  out[17] = c32;
}

/** Reusable buffers and the loaded compressor for one input. */
export interface StatisticsComputer {
  readonly input: PermutationInput;
  /** Computes the statistics flagged in `need` for the symbol order `data` into `out`. */
  compute(data: Uint8Array, need: Uint8Array, out: Float64Array): void;
  /**
   * From now on `compute` serves the ranking against the original's compression statistic
   * `original`: a shuffle's statistic 18 may then be a lower bound of its length that is
   * already larger than `original` (same ranking, see RankedBzip2Length).
   */
  rankAgainst(original: number): void;
}

/** Text length (bytes) from which the compression statistic is computed rather than compressed: one bzip2 block. */
const COMPUTED_FROM = 500_000;

/**
 * Buffers and the compressor for `input`; `portable` computes statistics 8–17 in TypeScript
 * even where the WebAssembly SIMD sums (../../kernels/lag-sums-simd.ts) run, for the tests
 * that compare the two.
 */
export async function createStatisticsComputer(input: PermutationInput, portable = false): Promise<StatisticsComputer> {
  const bz = await loadBzip2();
  const decimal = new DecimalBzip2();
  const { values, rawMean, median, k } = input;
  const n = input.symbols.length;
  const binary = k === 2;
  const conv = new Uint8Array(Math.ceil(n / 8) + 1);
  const raw = new Uint8Array(n);
  const stamp = new Int32Array(257);
  // Room for the longest decimal text: "255 " per sample, and decimalText's 3 bytes of slack.
  const textBuf = new Uint8Array(n * 4 + 3);
  const rawTable = Uint8Array.from(values);
  const valueList = values.slice();

  const compute = (data: Uint8Array, need: Uint8Array, out: Float64Array): void => {
    // Masked values in this order, when a statistic reads them (excursion, covariance of
    // non-binary data): late rounds often have only a run statistic still open.
    let covariance = false;
    for (let j = 13; j <= 17; j++) if (need[j]) covariance = true;
    if (need[0] || (covariance && !binary)) for (let i = 0; i < n; i++) raw[i] = rawTable[data[i]!]!;
    if (need[0]) {
      let sum = 0;
      let max = 0;
      for (let i = 0; i < n; i++) {
        sum += raw[i]!;
        const d = Math.abs(sum - (i + 1) * rawMean);
        if (d > max) max = d;
      }
      out[0] = max;
    }
    if (need[1] || need[2] || need[3]) directional(binary ? conversion1(data, conv) : data, out, need);
    if (need[4] || need[5]) medianRuns(data, binary ? 0.5 : median, out);
    if (need[6] || need[7]) collisions(binary ? conversion2(data, conv) : data, stamp, out);
    let anyPeriod = false;
    for (let j = 8; j <= 17; j++) if (need[j]) anyPeriod = true;
    if (anyPeriod) {
      const c1 = binary ? conversion1(data, conv) : null;
      const pseq = c1 ?? data;
      const cseq = c1 ?? raw;
      // All ten in WebAssembly SIMD (cheaper than even one of them here); with no covariance
      // open, the masked values were not made this round, and out[13..17] are not read.
      const done = portable ? -1 : lagSumsSimd(pseq, covariance || binary ? cseq : pseq, out);
      if (done >= 0) {
        for (let li = 0; li < LAGS.length; li++) {
          out[8 + li]! += periodicityCount(pseq, LAGS[li]!, done);
          if (covariance || binary) out[13 + li]! += covarianceSum(cseq, LAGS[li]!, done);
        }
      } else {
        let open = 0;
        for (let j = 8; j <= 17; j++) open += need[j]!;
        if (open >= 3) lagSums(pseq, cseq, out);
        else {
          for (let li = 0; li < LAGS.length; li++) {
            if (need[8 + li]) out[8 + li] = periodicityCount(pseq, LAGS[li]!);
            if (need[13 + li]) out[13 + li] = covarianceSum(cseq, LAGS[li]!);
          }
        }
      }
    }
    if (need[COMPRESSION]) {
      const text = decimalText(data, valueList, textBuf);
      // libbzip2's length computed without compressing (./bzip2-decimal.ts, 1.6–1.9× faster
      // once V8 has optimised it), or libbzip2 itself: for a text that computation does not
      // cover, and below one block (~140,000 samples), where the few calls are cheap either
      // way and the computation would run mostly unoptimised (one pair of runs on 10^4 samples:
      // 0.72 against 0.61 s CPU).
      const fast = text.length >= COMPUTED_FROM ? decimal.length(text, 5, ranked?.above ?? Infinity) : -1;
      out[COMPRESSION] = fast >= 0 ? fast : ranked ? ranked.length(text) : bzip2Length(bz, text);
    }
  };
  let ranked: RankedBzip2Length | undefined;
  const rankAgainst = (original: number): void => {
    ranked = new RankedBzip2Length(bz, original);
  };
  return { input, compute, rankAgainst };
}

export interface PermutationStatisticResult {
  name: PermutationStatistic;
  /** The statistic on the data as given. */
  original: number;
  /** Shuffles that gave a larger, equal, smaller statistic (counted until it settled). */
  C0: number;
  C1: number;
  C2: number;
  pass: boolean;
}

/** A statistic is settled (and passes) once C0 + C1 > SETTLE_COUNT and C1 + C2 > SETTLE_COUNT. */
const SETTLE_COUNT = 5;

/**
 * Rounds every statistic needs before it can settle: with all ties (C1 alone) it takes
 * SETTLE_COUNT + 1 counted shuffles, any other way more, so these rounds are always counted
 * and may be computed before anything is known about the ranking.
 */
export const MIN_SETTLE_ROUNDS = SETTLE_COUNT + 1;

/** Counters of the ranking rule, fed round by round in round order. */
export class PermutationRanking {
  readonly C = new Int32Array(NUM_STATISTICS * 3);
  /** 1 while the statistic still needs shuffles. */
  readonly open = new Uint8Array(NUM_STATISTICS).fill(1);
  rounds = 0;

  constructor(readonly original: Float64Array) {}

  /** Counts one shuffle's statistics (only the still-open ones are read). */
  add(tp: ArrayLike<number>): void {
    const C = this.C;
    for (let j = 0; j < NUM_STATISTICS; j++) {
      if (!this.open[j]) continue;
      const v = tp[j]!;
      const t = this.original[j]!;
      if (v > t) C[3 * j]!++;
      else if (v === t) C[3 * j + 1]!++;
      else C[3 * j + 2]!++;
      if (C[3 * j]! + C[3 * j + 1]! > SETTLE_COUNT && C[3 * j + 1]! + C[3 * j + 2]! > SETTLE_COUNT) this.open[j] = 0;
    }
    this.rounds++;
  }

  get settled(): boolean {
    return this.open.every((o) => o === 0);
  }

  results(): PermutationStatisticResult[] {
    return PERMUTATION_STATISTICS.map((name, j) => {
      const C0 = this.C[3 * j]!;
      const C1 = this.C[3 * j + 1]!;
      const C2 = this.C[3 * j + 2]!;
      return { name, original: this.original[j]!, C0, C1, C2, pass: C0 + C1 > SETTLE_COUNT && C1 + C2 > SETTLE_COUNT };
    });
  }
}
