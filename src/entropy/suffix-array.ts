/**
 * Suffix array and LCP array for the t-Tuple (SP 800-90B §6.3.5) and LRS
 * (§6.3.6) estimators, which need the number of occurrences of every tuple.
 *
 * The estimators need only the tuple counts (`tupleStats`). When repeats are
 * short (noise), a binary text's come straight from counting its windows
 * (`binaryTupleStats`), and other texts' from the LCP array in suffix order by
 * a native sort of 58-bit suffix keys (`windowLcp`); otherwise the LCP array
 * comes from a suffix array built with SA-IS (Nong, Zhang &
 * Chan, "Two Efficient Algorithms for Linear Time Suffix Array Construction",
 * IEEE TC 2011: linear time, typed arrays only, no string comparisons) and the
 * LCP algorithm of Kasai et al. ("Linear-Time Longest-Common-Prefix Computation
 * in Suffix Arrays and Its Applications", CPM 2001), as the reference
 * (cpp/shared/lrs_test.h) does.
 */

import { packSampleBits, window32 } from './samples.ts';

type IntText = Uint8Array | Int32Array;

/**
 * Suffix array of `text` whose values are in 0..upper: sa[r] is the start of
 * the r-th smallest suffix (a proper prefix sorts before its extensions).
 */
export function suffixArray(text: IntText, upper?: number): Int32Array {
  let up = upper ?? 0;
  if (upper === undefined) for (let i = 0; i < text.length; i++) if (text[i]! > up) up = text[i]!;
  // One element type in the recursion keeps V8's property accesses monomorphic.
  return saIs(text instanceof Int32Array ? text : Int32Array.from(text), up);
}

function saIs(s: Int32Array, upper: number): Int32Array {
  const n = s.length;
  const sa = new Int32Array(n);
  if (n === 0) return sa;
  if (n === 1) return sa;
  if (n === 2) {
    if (s[0]! < s[1]!) {
      sa[0] = 0;
      sa[1] = 1;
    } else {
      sa[0] = 1;
      sa[1] = 0;
    }
    return sa;
  }
  // Type of each suffix: 1 = S-type (smaller than its successor), 0 = L-type;
  // counted per symbol on the way for the bucket boundaries.
  const ls = new Uint8Array(n);
  const sumL = new Int32Array(upper + 2);
  const sumS = new Int32Array(upper + 2);
  sumS[s[n - 1]!]!++; // the last suffix is L-type
  for (let i = n - 2; i >= 0; i--) {
    const c = s[i]!;
    const t = c === s[i + 1] ? ls[i + 1]! : c < s[i + 1]! ? 1 : 0;
    ls[i] = t;
    if (t) sumL[c + 1]!++;
    else sumS[c]!++;
  }
  // Bucket boundaries: sumL[c] = start of bucket c (its L part), sumS[c] = start of c's S part.
  for (let c = 0; c <= upper; c++) {
    sumS[c]! += sumL[c]!;
    if (c < upper) sumL[c + 1]! += sumS[c]!;
  }
  const buf = new Int32Array(upper + 2);

  // Induced sorting from a given order of the LMS suffixes.
  const induce = (lms: Int32Array): void => {
    sa.fill(-1);
    buf.set(sumS);
    for (let j = 0; j < lms.length; j++) {
      const d = lms[j]!;
      if (d === n) continue;
      sa[buf[s[d]!]!++] = d;
    }
    buf.set(sumL);
    sa[buf[s[n - 1]!]!++] = n - 1;
    for (let i = 0; i < n; i++) {
      const v = sa[i]!;
      if (v >= 1 && !ls[v - 1]) sa[buf[s[v - 1]!]!++] = v - 1;
    }
    buf.set(sumL);
    for (let i = n - 1; i >= 0; i--) {
      const v = sa[i]!;
      if (v >= 1 && ls[v - 1]) sa[--buf[s[v - 1]! + 1]!] = v - 1;
    }
  };

  // LMS positions (S-type preceded by L-type), numbered in text order.
  const lmsMap = new Int32Array(n + 1).fill(-1);
  const lmsAll = new Int32Array((n >> 1) + 1); // LMS positions are never adjacent
  let m = 0;
  for (let i = 1; i < n; i++) {
    if (ls[i] && !ls[i - 1]) {
      lmsMap[i] = m;
      lmsAll[m++] = i;
    }
  }
  const lms = lmsAll.subarray(0, m);
  induce(lms);

  if (m > 0) {
    const sortedLms = new Int32Array(m);
    for (let i = 0, j = 0; i < n; i++) {
      const v = sa[i]!;
      if (lmsMap[v] !== -1) sortedLms[j++] = v;
    }
    // Name the LMS substrings; equal substrings get equal names.
    const recS = new Int32Array(m);
    let recUpper = 0;
    recS[lmsMap[sortedLms[0]!]!] = 0;
    for (let i = 1; i < m; i++) {
      let l = sortedLms[i - 1]!;
      let r = sortedLms[i]!;
      const endL = lmsMap[l]! + 1 < m ? lms[lmsMap[l]! + 1]! : n;
      const endR = lmsMap[r]! + 1 < m ? lms[lmsMap[r]! + 1]! : n;
      let same = true;
      if (endL - l !== endR - r) same = false;
      else {
        while (l < endL) {
          if (s[l] !== s[r]) break;
          l++;
          r++;
        }
        if (l === n || s[l] !== s[r]) same = false;
      }
      if (!same) recUpper++;
      recS[lmsMap[sortedLms[i]!]!] = recUpper;
    }
    const recSa = saIs(recS, recUpper);
    for (let i = 0; i < m; i++) sortedLms[i] = lms[recSa[i]!]!;
    induce(sortedLms);
  }
  return sa;
}

/**
 * Kasai's LCP array: lcp[r] = length of the longest common prefix of the
 * suffixes sa[r-1] and sa[r]; lcp[0] = 0.
 */
export function lcpArray(text: IntText, sa: Int32Array): Int32Array {
  const n = text.length;
  const rank = new Int32Array(n);
  for (let r = 0; r < n; r++) rank[sa[r]!] = r;
  const lcp = new Int32Array(n);
  let h = 0;
  for (let i = 0; i < n; i++) {
    const r = rank[i]!;
    if (r > 0) {
      const j = sa[r - 1]!;
      while (i + h < n && j + h < n && text[i + h] === text[j + h]) h++;
      lcp[r] = h;
      if (h > 0) h--;
    } else {
      h = 0;
    }
  }
  return lcp;
}

/**
 * Tuple statistics from one bottom-up pass over the LCP intervals
 * (Abouelhoda, Kurtz & Ohlebusch 2004): every interval of lcp value l, size c
 * and parent lcp p stands for one t-tuple occurring c times for each t in
 * (p, l]. This is what the reference computes with Kaufer's algorithm.
 *
 * - `maxCount[t]` (t = 1..v) = the most occurrences of any t-tuple (Q[t] of
 *   §6.3.5), at least 1;
 * - `pairSum[t]` (t = 1..v) = sum over distinct t-tuples of C(count, 2)
 *   (the numerator of P_W in §6.3.6);
 * - `v` = the length of the longest repeated substring (max LCP).
 */
export interface TupleStats {
  n: number;
  v: number;
  maxCount: Float64Array;
  pairSum: Float64Array;
}

export function tupleStats(text: IntText, upper?: number): TupleStats {
  let up = upper ?? 0;
  if (upper === undefined) for (let i = 0; i < text.length; i++) if (text[i]! > up) up = text[i]!;
  if (up === 1 && text.length >= 64) {
    const direct = binaryTupleStats(text);
    if (direct !== null) return direct;
  } else {
    const fast = text.length >= 2 && up < 256 ? windowLcp(text, up) : null;
    if (fast !== null) return tupleStatsFromLcp(text.length, fast);
  }
  const sa = suffixArray(text, up);
  return tupleStatsFromLcp(text.length, lcpArray(text, sa));
}

/**
 * The LCP array in suffix order without a suffix array, for texts whose
 * repeats are mostly short (the usual case for noise: the bitstring of 10^6
 * random bytes has its longest repeat near 45 bits). Each suffix is keyed by
 * its first w symbols packed into the top 58 bits of a 64-bit integer
 * (zero-padded at the end of the text) plus its length (capped at w) in the
 * low 6 bits, so that a suffix sorts before the longer ones it is a prefix of.
 * A native sort of the keys gives the suffix order up to ties between suffixes
 * that share w symbols; the adjacent common prefixes are then the LCP array.
 * Each group of tied keys is ordered by comparing its suffixes 32 bits at a
 * time and its LCPs computed exactly. The tuple statistics need only the LCP
 * array, not the positions. Returns null when ties cover more than 1/16 of the
 * text (long periodic stretches); the caller then builds the suffix array.
 */
function windowLcp(text: IntText, upper: number): Int32Array | null {
  const n = text.length;
  let b = 1;
  while (1 << b <= upper) b++;
  const w = Math.floor(58 / b); // symbols per key
  const D = w * b; // data bits per key
  // Inside a run of more than w equal symbols, neighbouring suffixes tie on their
  // keys: when such runs cover more than 1/16 of the text, go straight to the suffix array.
  let runLen = 1;
  let inLongRuns = 0;
  for (let i = 1; i < n; i++) {
    if (text[i] === text[i - 1]) {
      if (++runLen > w) inLongRuns++;
    } else runLen = 1;
  }
  if (inLongRuns > n / 16) return null;
  // The text as a bit stream, b bits per symbol, MSB first, with zero padding.
  const nw = Math.ceil((n * b) / 32) + 4;
  const W = new Int32Array(nw);
  if (b === 1) {
    for (let i = 0; i < n; i++) if (text[i]! & 1) W[i >> 5]! |= 1 << (31 - (i & 31));
  } else {
    // Each symbol's b bits moved to the top of a word, then into the word(s) they fall in.
    for (let i = 0, p = 0; i < n; i++, p += b) {
      const v = text[i]! << (32 - b);
      const r = p & 31;
      W[p >> 5]! |= v >>> r;
      if (r + b > 32) W[(p >> 5) + 1]! |= v << (32 - r);
    }
  }
  const window32 = (p: number): number => {
    const q = p >> 5;
    const r = p & 31;
    return r === 0 ? W[q]! : (W[q]! << r) | (W[q + 1]! >>> (32 - r));
  };
  const hiMask = D >= 32 ? -1 : ~(-1 >>> D);
  const loMask = D > 32 ? ~(-1 >>> (D - 32)) : 0;
  const keyHi = (i: number): number => (window32(i * b) & hiMask) >>> 0;
  const keyLo = (i: number): number => ((window32(i * b + 32) & loMask) | (n - i < w ? n - i : w)) >>> 0;
  const keys = new BigUint64Array(n);
  const k32 = new Uint32Array(keys.buffer); // little-endian: [2e] = low word, [2e+1] = high word
  for (let i = 0; i < n; i++) {
    k32[2 * i + 1] = keyHi(i);
    k32[2 * i] = keyLo(i);
  }
  keys.sort();
  const lcp = new Int32Array(n);
  let tied = 0;
  let prevHi = k32[1]!;
  let prevLo = k32[0]!;
  for (let e = 1; e < n; e++) {
    const hi = k32[2 * e + 1]!;
    const lo = k32[2 * e]!;
    let common: number;
    const xh = hi ^ prevHi;
    if (xh !== 0) common = Math.clz32(xh);
    else {
      const xl = (lo ^ prevLo) & ~63;
      common = xl === 0 ? 64 : 32 + Math.clz32(xl);
    }
    let l = Math.floor(Math.min(common, D) / b);
    const la = lo & 63;
    const lb = prevLo & 63;
    if (la < l) l = la;
    if (lb < l) l = lb;
    if (l >= w) tied++;
    lcp[e] = l;
    prevHi = hi;
    prevLo = lo;
  }
  if (tied === 0) return lcp;
  if (tied > n / 16) return null;

  // Tie groups: runs of equal keys in sorted order (lcp == w inside a run).
  const groupStart: number[] = [];
  const groupSize: number[] = [];
  const groupHi: number[] = [];
  const groupLo: number[] = [];
  for (let e = 1; e < n; e++) {
    if (lcp[e]! >= w && (e === 1 || lcp[e - 1]! < w)) {
      groupStart.push(e - 1);
      groupHi.push(k32[2 * e + 1]!);
      groupLo.push(k32[2 * e]!);
      let f = e;
      while (f < n && lcp[f]! >= w) f++;
      groupSize.push(f - (e - 1));
    }
  }
  // Positions of each group, found by recomputing the keys and looking them up
  // in a small open-addressing table of the tied keys.
  const G = groupStart.length;
  let bits = 1;
  while (1 << bits < 2 * G) bits++;
  const slots = new Int32Array(1 << bits).fill(-1);
  const mix = (hi: number, lo: number): number => Math.imul(hi ^ Math.imul(lo, 0x85ebca6b), 0x9e3779b1) >>> (32 - bits);
  for (let g = 0; g < G; g++) {
    let h = mix(groupHi[g]!, groupLo[g]!);
    while (slots[h] !== -1) h = (h + 1) & ((1 << bits) - 1);
    slots[h] = g;
  }
  const members: number[][] = groupStart.map(() => []);
  for (let i = 0; i < n; i++) {
    const hi = keyHi(i);
    const lo = keyLo(i);
    let h = mix(hi, lo);
    for (;;) {
      const g = slots[h]!;
      if (g === -1) break;
      if (groupHi[g] === hi && groupLo[g] === lo) {
        members[g]!.push(i);
        break;
      }
      h = (h + 1) & ((1 << bits) - 1);
    }
  }
  // Common prefix (in symbols) of suffixes i and j, known to share `from` symbols; sign of the order.
  let order = 0;
  const commonPrefix = (i: number, j: number, from: number): number => {
    const len = Math.min(n - i, n - j);
    const bits = len * b;
    let c = from * b;
    while (c < bits) {
      let x = window32(i * b + c) ^ window32(j * b + c);
      const left = bits - c;
      if (left < 32) x &= ~(-1 >>> left);
      if (x !== 0) {
        const at = c + Math.clz32(x);
        order = ((window32(i * b + at) >>> 31) & 1) - ((window32(j * b + at) >>> 31) & 1);
        return Math.floor(at / b);
      }
      c += 32;
    }
    order = j - i; // one is a prefix of the other: the shorter (later) suffix first
    return len;
  };
  for (let g = 0; g < members.length; g++) {
    const list = members[g]!;
    list.sort((i, j) => {
      commonPrefix(i, j, w);
      return order;
    });
    const base = groupStart[g]!;
    for (let t = 1; t < list.length; t++) lcp[base + t] = commonPrefix(list[t - 1]!, list[t]!, w);
    if (list.length !== groupSize[g]) throw new Error('tuple statistics: tie group size mismatch');
  }
  return lcp;
}

/**
 * The tuple statistics of a binary text whose repeats are short (a noise bit
 * stream) without sorting its suffixes. K is the first width with 2^K > n (20
 * at 10^6 bits, 23 at 8·10^6), so a K-bit window occurs about once.
 *
 * - t ≤ K: every t-tuple's count, directly. Positions are split by their first
 *   P bits (P = 8: 256 bins, one cache-friendly pass); the P-bit counts give
 *   t ≤ P, and within each bin the next K − P bits are counted in a table that
 *   stays in cache (4 K entries at 10^6 bits, 32 K at 8·10^6); folding a table
 *   in pairs gives the counts one bit shorter (a t-tuple's (t−1)-prefix). A
 *   position whose suffix is shorter than K bits counts only for the shorter t.
 *   Q[t] is the largest count, the pair sum Σ C(count, 2).
 * - t > K: positions share a t-tuple only within a K-bit group, about one
 *   position in two on noise. Each group holding two or more is ordered by
 *   comparing its suffixes 32 bits at a time from bit K on, and its adjacent
 *   common prefixes, taken as an LCP array with K at both ends, give the
 *   intervals of lcp above K and their sizes, as tupleStatsFromLcp does for the
 *   whole text.
 *
 * The numbers are those of the suffix array: the same tuples counted in two
 * parts. Returns null when the groups are too uneven for this to be fast (long
 * runs, strong bias, long repeats); the caller then builds the suffix array.
 */
function binaryTupleStats(text: IntText): TupleStats | null {
  const n = text.length;
  let K = 8;
  while (K < 24 && 1 << K <= n) K++;
  const P = Math.min(8, K >> 1);
  const R = K - P;
  const W = packSampleBits(text, 6);
  const m = n - K + 1; // positions with a whole K-bit window
  // The P-bit bins: counts, then positions (in text order within a bin).
  const binCount = new Int32Array(1 << P);
  countBins(W, 0, m, 32 - P, binCount);
  const binStart = new Int32Array((1 << P) + 1);
  let biggest = 0;
  for (let k = 0; k < 1 << P; k++) {
    binStart[k + 1] = binStart[k]! + binCount[k]!;
    if (binCount[k]! > biggest) biggest = binCount[k]!;
  }
  // Each position with the rest of its K-bit window (R ≤ 16 bits), so that the bins are
  // read in order afterwards, not through the packed bits at scattered positions.
  const pos = new Int32Array(m);
  const rest = new Uint16Array(m);
  const fill = binStart.slice();
  const shiftK = 32 - K;
  const rMask = (1 << R) - 1;
  scatterToBins(W, m, P, shiftK, rMask, fill, pos, rest);
  // t ≤ P: the bins' counts plus the positions n−K+1 .. n−P, whose suffixes are shorter than K.
  const maxLow = new Float64Array(K + 1);
  const pairsLow = new Float64Array(K + 1);
  // The bins' counts are not needed any more: they become the P-bit counts of all positions.
  const low = binCount;
  countBins(W, m, n - P + 1, 32 - P, low);
  levelStats(low, 1 << P, P, maxLow, pairsLow);
  for (let t = P - 1; t >= 1; t--) {
    foldCounts(low, 1 << t);
    low[window32(W, n - t) >>> (32 - t)]!++; // position n − t: its suffix is exactly t bits
    levelStats(low, 1 << t, t, maxLow, pairsLow);
  }
  // P < t ≤ K within each bin, and the groups of equal K-bit windows for t > K.
  equalWordBudget = 8 * n;
  const bins: Bins = {
    W, n, K, P, R, binStart, pos, rest, maxLow, pairsLow, squares: 0,
    hi: new LongTuples(),
    cnt: new Int32Array(1 << R),
    start: new Int32Array((1 << R) + 1),
    group: new Int32Array(biggest),
    pairLengths: new Float64Array(K + 64),
  };
  // One call per bin, each loop in a function of its own: V8 optimizes them as functions,
  // where loops in one long function were compiled on the stack and thrown away in turn.
  for (let b = 0; b < 1 << P; b++) if (!binTuples(bins, b)) return null;
  const { hi, pairLengths } = bins;
  if (equalWordBudget < 0) return null;
  for (let l = K + 1; l < pairLengths.length; l++) if (pairLengths[l]! > 0) hi.add(l, K, 2, pairLengths[l]!);
  let v = hi.v;
  if (v === 0) for (let t = K; t >= 1 && v === 0; t--) if (maxLow[t]! >= 2) v = t;
  const maxCount = new Float64Array(v + 2).fill(1);
  const pairSum = new Float64Array(v + 1);
  for (let t = v; t > K; t--) maxCount[t] = Math.max(hi.maxAt[t]!, maxCount[t + 1]!);
  let acc = 0;
  for (let t = K + 1; t <= v; t++) {
    acc += hi.diff[t]!;
    pairSum[t] = acc;
  }
  for (let t = 1; t <= Math.min(v, K); t++) {
    maxCount[t] = Math.max(1, maxLow[t]!);
    pairSum[t] = pairsLow[t]!;
  }
  return { n, v, maxCount, pairSum };
}

/** bin[first 32 − shift bits of position i]++ for positions from .. to−1. */
function countBins(W: Int32Array, from: number, to: number, shift: number, bin: Int32Array): void {
  for (let i = from; i < to; i++) bin[window32(W, i) >>> shift]!++;
}

/** What binaryTupleStats' bins share: the packed bits, the bins, the per-level results. */
interface Bins {
  W: Int32Array;
  n: number;
  K: number;
  P: number;
  R: number;
  binStart: Int32Array;
  pos: Int32Array;
  rest: Uint16Array;
  maxLow: Float64Array;
  pairsLow: Float64Array;
  /** Σ c² over the groups of equal K-bit windows so far. */
  squares: number;
  hi: LongTuples;
  cnt: Int32Array;
  start: Int32Array;
  group: Int32Array;
  pairLengths: Float64Array;
}

/**
 * Bin b: P < t ≤ K from its counts, folded; t > K from its groups of equal K-bit windows.
 * False when the groups are too big (the caller gives up).
 */
function binTuples(x: Bins, b: number): boolean {
  const { W, n, K, P, R, cnt, start, group } = x;
  const lo = x.binStart[b]!;
  const size = x.binStart[b + 1]! - lo;
  countRests(x.rest, lo, size, cnt);
  // The bin's positions ordered by their K-bit window (a counting sort): each group is contiguous.
  x.squares += groupStarts(cnt, start);
  if (x.squares > 16 * n) return false; // big groups: insertion sorts would be slow
  scatterGroups(x.rest, x.pos, lo, size, start, group);
  if (!groupTuples(W, n, K, cnt, start, group, x.hi, x.pairLengths)) return false;
  // A position n − t (its suffix exactly t bits) of this bin counts at t.
  levelStats(cnt, 1 << R, K, x.maxLow, x.pairsLow);
  for (let t = K - 1; t > P; t--) {
    foldCounts(cnt, 1 << (t - P));
    const w = window32(W, n - t);
    if (w >>> (32 - P) === b) cnt[(w >>> (32 - t)) & ((1 << (t - P)) - 1)]!++;
    levelStats(cnt, 1 << (t - P), t, x.maxLow, x.pairsLow);
  }
  return true;
}

/** The bin's positions into their groups (start[k]: group k's next slot; its end afterwards). */
function scatterGroups(rest: Uint16Array, pos: Int32Array, lo: number, size: number, start: Int32Array, group: Int32Array): void {
  for (let r = lo; r < lo + size; r++) group[start[rest[r]!]!++] = pos[r]!;
}

/**
 * The bin's groups of two or more (group k ends at start[k]): a pair, most of them on noise,
 * only needs its common prefix, counted per length (added to `hi` at the end); bigger ones
 * go to longTuples. False when one is too big.
 */
function groupTuples(
  W: Int32Array, n: number, K: number, cnt: Int32Array, start: Int32Array, group: Int32Array, hi: LongTuples, pairLengths: Float64Array,
): boolean {
  for (let k = 0; k < cnt.length; k++) {
    const c = cnt[k]!;
    if (c < 2) continue;
    if (c === 2) {
      const l = commonBits(W, n, group[start[k]! - 2]!, group[start[k]! - 1]!, K);
      if (l < pairLengths.length) pairLengths[l]!++;
      else hi.add(l, K, 2);
    } else if (!longTuples(W, n, K, group, start[k]! - c, c, hi)) return false;
  }
  return true;
}

/** cnt[k] = how many of rest[lo .. lo+size) are k (cnt zeroed first). */
function countRests(rest: Uint16Array, lo: number, size: number, cnt: Int32Array): void {
  cnt.fill(0);
  for (let r = lo; r < lo + size; r++) cnt[rest[r]!]!++;
}

/** start[k] = where group k begins (the counts' prefix sums); returns Σ c². */
function groupStarts(cnt: Int32Array, start: Int32Array): number {
  let squares = 0;
  start[0] = 0;
  for (let k = 0; k < cnt.length; k++) {
    const c = cnt[k]!;
    start[k + 1] = start[k]! + c;
    squares += c * c;
  }
  return squares;
}

/** Scatters positions 0 .. m−1 to their P-bit bins (`fill`: each bin's next slot), with the low R bits of their K-bit windows. */
function scatterToBins(
  W: Int32Array, m: number, P: number, shiftK: number, rMask: number, fill: Int32Array, pos: Int32Array, rest: Uint16Array,
): void {
  for (let i = 0; i < m; i++) {
    const w = window32(W, i);
    const at = fill[w >>> (32 - P)]!++;
    pos[at] = i;
    rest[at] = (w >>> shiftK) & rMask;
  }
}

/** Adds a table of t-tuple counts (`size` entries) to level t's largest count and pair sum. */
function levelStats(cnt: Int32Array, size: number, t: number, maxLow: Float64Array, pairsLow: Float64Array): void {
  let max = maxLow[t]!;
  let pairs = 0;
  for (let k = 0; k < size; k++) {
    const c = cnt[k]!;
    if (c > max) max = c;
    pairs += (c * (c - 1)) / 2;
  }
  maxLow[t] = max;
  pairsLow[t]! += pairs;
}

/** The (t−1)-bit counts from the t-bit ones (2·size of them), in place. */
function foldCounts(cnt: Int32Array, size: number): void {
  for (let k = 0; k < size; k++) cnt[k] = cnt[2 * k]! + cnt[2 * k + 1]!;
}

/** The intervals of lcp above K: their pair-sum differences, largest size per lcp, and the largest lcp. */
class LongTuples {
  v = 0;
  diff = new Float64Array(64);
  maxAt = new Float64Array(64);
  // Scratch for one group: its positions ordered, adjacent LCPs, the interval stack.
  readonly ord = new Int32Array(MAX_GROUP);
  readonly lcp = new Int32Array(MAX_GROUP);
  readonly stLcp = new Int32Array(MAX_GROUP + 2);
  readonly stLb = new Int32Array(MAX_GROUP + 2);

  /** `times` intervals of lcp l (> K) and size c whose parent interval has lcp p (≥ K). */
  add(l: number, p: number, c: number, times = 1): void {
    if (l + 2 > this.diff.length) {
      const grow = (a: Float64Array): Float64Array<ArrayBuffer> => {
        const b = new Float64Array(2 * (l + 2));
        b.set(a);
        return b;
      };
      this.diff = grow(this.diff);
      this.maxAt = grow(this.maxAt);
    }
    const pairs = times * ((c * (c - 1)) / 2);
    this.diff[p + 1]! += pairs;
    this.diff[l + 1]! -= pairs;
    if (c > this.maxAt[l]!) this.maxAt[l] = c;
    if (l > this.v) this.v = l;
  }
}

/** Largest group of equal K-bit windows ordered by insertion sort; a bigger one goes to the suffix array. */
const MAX_GROUP = 64;

/**
 * One group of c ≥ 3 positions with equal K-bit windows (group[from .. from+c)):
 * ordered, its intervals of lcp above K added to `hi`. False when the group is too
 * big or the comparisons exceed their budget (long repeats).
 */
function longTuples(W: Int32Array, n: number, K: number, group: Int32Array, from: number, c: number, hi: LongTuples): boolean {
  if (c > MAX_GROUP) return false;
  const { ord, lcp, stLcp, stLb } = hi;
  // Insertion sort by suffix (a group holds a few positions), then the adjacent LCPs.
  for (let r = 0; r < c; r++) {
    const x = group[from + r]!;
    let q = r - 1;
    while (q >= 0 && suffixLess(W, n, x, ord[q]!, K)) {
      ord[q + 1] = ord[q]!;
      q--;
    }
    ord[q + 1] = x;
  }
  for (let r = 1; r < c; r++) lcp[r] = commonBits(W, n, ord[r - 1]!, ord[r]!, K);
  // The intervals, as tupleStatsFromLcp, with lcp K at both ends of the group.
  let top = 0;
  stLcp[0] = K;
  stLb[0] = 0;
  for (let r = 1; r <= c; r++) {
    const cur = r < c ? lcp[r]! : K;
    let lb = r - 1;
    while (cur < stLcp[top]!) {
      const l = stLcp[top]!;
      lb = stLb[top]!;
      top--;
      hi.add(l, cur > stLcp[top]! ? cur : stLcp[top]!, r - lb);
    }
    if (cur > stLcp[top]!) {
      top++;
      stLcp[top] = cur;
      stLb[top] = lb;
    }
  }
  return equalWordBudget >= 0;
}

/** Equal 32-bit words binaryTupleStats may still compare before it gives up. */
let equalWordBudget = 0;

/** Common prefix (in bits) of suffixes i and j of the packed n-bit text, known to share their first `from` bits. */
function commonBits(W: Int32Array, n: number, i: number, j: number, from: number): number {
  const len = n - (i > j ? i : j);
  for (let c = from; c < len; c += 32) {
    const x = window32(W, i + c) ^ window32(W, j + c);
    if (x !== 0) {
      const at = c + Math.clz32(x);
      return at < len ? at : len;
    }
    if (--equalWordBudget < 0) return len < c ? len : c; // the caller sees the budget and gives up
  }
  return len;
}

/** Suffix i sorts before suffix j (a proper prefix, i.e. the later and shorter suffix, first). */
function suffixLess(W: Int32Array, n: number, i: number, j: number, from: number): boolean {
  const l = commonBits(W, n, i, j, from);
  if (l === n - (i > j ? i : j)) return i > j;
  return window32(W, i + l) >= 0; // the first differing bit of suffix i is 0
}

export function tupleStatsFromLcp(n: number, lcp: Int32Array): TupleStats {
  let v = 0;
  for (let i = 0; i < n; i++) if (lcp[i]! > v) v = lcp[i]!;
  const maxCount = new Float64Array(v + 2).fill(1);
  const diff = new Float64Array(v + 2);
  // Stack of open intervals: (lcp value, left bound).
  const stLcp = new Int32Array(v + 2);
  const stLb = new Int32Array(v + 2);
  let top = 0;
  stLcp[0] = 0;
  stLb[0] = 0;
  for (let i = 1; i <= n; i++) {
    const cur = i < n ? lcp[i]! : 0;
    let lb = i - 1;
    while (cur < stLcp[top]!) {
      const l = stLcp[top]!;
      lb = stLb[top]!;
      top--;
      const size = i - lb; // suffixes lb .. i-1
      const parent = cur > stLcp[top]! ? cur : stLcp[top]!;
      if (size > maxCount[l]!) maxCount[l] = size;
      const pairs = (size * (size - 1)) / 2;
      diff[parent + 1]! += pairs;
      diff[l + 1]! -= pairs;
    }
    if (cur > stLcp[top]!) {
      top++;
      stLcp[top] = cur;
      stLb[top] = lb;
    }
  }
  // A t-tuple occurring c times has a (t-1)-prefix occurring at least c times.
  for (let t = v - 1; t >= 1; t--) if (maxCount[t + 1]! > maxCount[t]!) maxCount[t] = maxCount[t + 1]!;
  const pairSum = new Float64Array(v + 1);
  let acc = 0;
  for (let t = 1; t <= v; t++) {
    acc += diff[t]!;
    pairSum[t] = acc;
  }
  return { n, v, maxCount, pairSum };
}

