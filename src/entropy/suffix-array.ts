/**
 * Suffix array and LCP array for the t-Tuple (SP 800-90B §6.3.5) and LRS
 * (§6.3.6) estimators, which need the number of occurrences of every tuple.
 *
 * The estimators need only the LCP array in suffix order (`tupleStats`). When
 * repeats are short (noise), it comes from a radix sort of 20-bit prefixes for
 * binary text (`binaryLcp`) or a native sort of 58-bit suffix keys
 * (`windowLcp`); otherwise from a suffix array built with SA-IS (Nong, Zhang &
 * Chan, "Two Efficient Algorithms for Linear Time Suffix Array Construction",
 * IEEE TC 2011: linear time, typed arrays only, no string comparisons) and the
 * LCP algorithm of Kasai et al. ("Linear-Time Longest-Common-Prefix Computation
 * in Suffix Arrays and Its Applications", CPM 2001), as the reference
 * (cpp/shared/lrs_test.h) does.
 */

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
  const fast = up === 1 && text.length >= 64 ? binaryLcp(text) : text.length >= 2 && up < 256 ? windowLcp(text, up) : null;
  if (fast !== null) return tupleStatsFromLcp(text.length, fast);
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
    for (let i = 0, pos = 0; i < n; i++, pos += b) {
      const v = text[i]!;
      for (let j = b - 1, p = pos; j >= 0; j--, p++) if ((v >> j) & 1) W[p >> 5]! |= 1 << (31 - (p & 31));
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
 * The LCP array in suffix order of a binary text whose repeats are short (a
 * noise bit stream), without 64-bit keys: the suffixes are sorted by their
 * first B bits (B = 20 at 10^6 bits, 23 at 8 x 10^6; zero-padded at the end)
 * with a two-pass LSD radix sort (small digit tables, so the passes stay in
 * cache; keys are recomputed from the packed bits rather than stored), each group
 * of equal keys (about one suffix on average) is ordered by comparing its
 * suffixes 32 bits at a time (a suffix before the longer ones it is a prefix
 * of), and the adjacent common prefixes are the LCP array. The order of all
 * suffixes is unique, so the result is the same array the suffix array gives.
 * Returns null when the groups are too uneven for this to be fast (long runs,
 * strong bias); the caller then takes the general path.
 */
function binaryLcp(text: IntText): Int32Array | null {
  const n = text.length;
  let B = 8;
  while (B < 24 && 1 << B <= n) B++;
  // One loop per function below: V8 then optimizes each loop once, on its first run.
  const W = packBits(text);
  const shift = 32 - B;
  // Long runs of one bit make big groups of equal keys: leave them to the general path
  // before allocating anything large.
  if (constantWindows(W, n, shift) > n / 16) return null;
  const sa = new Int32Array(n);
  const tmp = new Int32Array(n);
  radixByPrefix(W, n, B, sa, tmp);
  // Long repeats (periodic stretches) make word-by-word comparisons quadratic:
  // past 8 equal words per suffix on average, the general path is faster.
  equalWordBudget = 8 * n;
  if (!sortGroups(W, n, sa, shift)) return null;
  const lcp = tmp; // reused
  if (!adjacentLcp(W, n, sa, lcp)) return null;
  return lcp;
}

/** The bits MSB first in 32-bit words, with zero words of padding for windows past the end. */
function packBits(text: IntText): Int32Array {
  const n = text.length;
  const W = new Int32Array((n >> 5) + 6);
  for (let i = 0; i < n; i++) if (text[i]! & 1) W[i >> 5]! |= 1 << (31 - (i & 31));
  return W;
}

/** Bits p .. p+31 of the packed text. */
function window32(W: Int32Array, p: number): number {
  const q = p >> 5;
  const r = p & 31;
  return r === 0 ? W[q]! : (W[q]! << r) | (W[q + 1]! >>> (32 - r));
}

/** Positions whose first 32 - shift bits are all zeros or all ones. */
function constantWindows(W: Int32Array, n: number, shift: number): number {
  const ones = -1 >>> shift;
  let c = 0;
  for (let i = 0; i < n; i++) {
    const k = window32(W, i) >>> shift;
    if (k === 0 || k === ones) c++;
  }
  return c;
}

/** Sorts the positions by their first B bits (stable, LSD radix in two digits of at most 12 bits: small tables). */
function radixByPrefix(W: Int32Array, n: number, B: number, sa: Int32Array, tmp: Int32Array): void {
  const loBits = B >> 1;
  const cLo = new Int32Array((1 << loBits) + 1);
  const cHi = new Int32Array((1 << (B - loBits)) + 1);
  const shift = 32 - B;
  digitCounts(W, n, shift, loBits, cLo, cHi);
  prefixSums(cLo);
  prefixSums(cHi);
  // Pass 1 by the low digit (positions in text order), pass 2 by the high digit.
  scatterLow(W, n, shift, (1 << loBits) - 1, cLo, tmp);
  scatterHigh(W, tmp, n, shift + loBits, cHi, sa);
}

function digitCounts(W: Int32Array, n: number, shift: number, loBits: number, cLo: Int32Array, cHi: Int32Array): void {
  const loMask = (1 << loBits) - 1;
  for (let i = 0; i < n; i++) {
    const k = window32(W, i) >>> shift;
    cLo[(k & loMask) + 1]!++;
    cHi[(k >>> loBits) + 1]!++;
  }
}

function scatterLow(W: Int32Array, n: number, shift: number, loMask: number, cLo: Int32Array, tmp: Int32Array): void {
  for (let i = 0; i < n; i++) tmp[cLo[(window32(W, i) >>> shift) & loMask]!++] = i;
}

function scatterHigh(W: Int32Array, tmp: Int32Array, n: number, hiShift: number, cHi: Int32Array, sa: Int32Array): void {
  for (let r = 0; r < n; r++) {
    const i = tmp[r]!;
    sa[cHi[window32(W, i) >>> hiShift]!++] = i;
  }
}

function prefixSums(c: Int32Array): void {
  for (let d = 1; d < c.length; d++) c[d]! += c[d - 1]!;
}

/** Equal 32-bit words binaryLcp may still compare before it gives up. */
let equalWordBudget = 0;

/** Common prefix (in bits) of suffixes i and j of the packed n-bit text. */
function commonBits(W: Int32Array, n: number, i: number, j: number): number {
  const len = n - (i > j ? i : j);
  for (let c = 0; c < len; c += 32) {
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
function suffixLess(W: Int32Array, n: number, i: number, j: number): boolean {
  const l = commonBits(W, n, i, j);
  if (l === n - (i > j ? i : j)) return i > j;
  return window32(W, i + l) >= 0; // the first differing bit of suffix i is 0
}

/**
 * Orders each group of equal keys by insertion sort (groups hold about one
 * suffix each). Returns false, leaving the order unfinished, when the sum of
 * squared group sizes (which bounds the work) grows far above n.
 */
function sortGroups(W: Int32Array, n: number, sa: Int32Array, shift: number): boolean {
  let lo = 0;
  let key = window32(W, sa[0]!) >>> shift;
  let work = 0;
  while (lo < n) {
    let hi = lo + 1;
    let next = -1;
    while (hi < n) {
      next = window32(W, sa[hi]!) >>> shift;
      if (next !== key) break;
      hi++;
    }
    work += (hi - lo) * (hi - lo);
    if (work > 16 * n || equalWordBudget < 0) return false;
    for (let r = lo + 1; r < hi; r++) {
      const v = sa[r]!;
      let q = r - 1;
      while (q >= lo && suffixLess(W, n, v, sa[q]!)) {
        sa[q + 1] = sa[q]!;
        q--;
      }
      sa[q + 1] = v;
    }
    lo = hi;
    key = next;
  }
  return equalWordBudget >= 0;
}

function adjacentLcp(W: Int32Array, n: number, sa: Int32Array, lcp: Int32Array): boolean {
  lcp[0] = 0;
  for (let r = 1; r < n; r++) lcp[r] = commonBits(W, n, sa[r - 1]!, sa[r]!);
  return equalWordBudget >= 0;
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

