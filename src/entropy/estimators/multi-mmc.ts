/**
 * Multi Markov Model with Counting prediction estimate, SP 800-90B §6.3.9.
 *
 * Sixteen subpredictors of order d = 1..16 each predict the symbol that most
 * often followed the last d symbols (ties to the larger symbol value); each
 * order keeps at most 100,000 (prefix, next-symbol) entries. A scoreboard picks
 * the subpredictor with the most correct predictions (ties to the higher order
 * among those just scored). C correct predictions out of N = L - 2 and the
 * longest run feed ./predictor.ts. Follows ea_non_iid 1.1.7 step for step,
 * including its order of dictionary updates and its binary fast path.
 *
 * Prefixes live in a trie keyed (node of the prefix without its oldest
 * symbol, oldest symbol) in flat hash tables, so a step costs at most 16
 * child look-ups and 16 count updates.
 *
 * Worked example (ea_non_iid 1.1.7 on data.pi.bin): C = 662,951,
 * N = 1,165,664, r = 23, P_global' = 0.56991406518340781,
 * H = 0.81118369680348135.
 */
import { IntMap } from './int-map.ts';
import { notApplicablePredictor, predictionEstimate } from './predictor.ts';
import type { PredictorEstimate } from '../types.ts';

const D = 16;
const MAX_ENTRIES = 100000;

export function multiMmcEstimate(symbols: Uint8Array, k: number): PredictorEstimate {
  const K = Math.max(k, 2);
  const len = symbols.length;
  if (len < 3) {
    return notApplicablePredictor('MultiMMC', '6.3.9', 'needs at least 3 samples');
  }
  if (K === 2 && len > D + 1) return binaryMultiMmc(symbols);
  return generalMultiMmc(symbols, K);
}

function generalMultiMmc(S: Uint8Array, K: number): PredictorEstimate {
  const len = S.length;
  const N = len - 2;
  // Node ids: 0 = the empty prefix, 1..K = one-symbol prefixes, K+1..K+K^2 =
  // two-symbol prefixes (computed, no look-up), then longer prefixes from a
  // hash table keyed parent*K + oldest symbol.
  const level1 = 1 + K;
  const firstHashed = level1 + K * K;
  // Sized up front for the most entries the input can make (each order gains at
  // most one entry per step and stops at 100,000): rehashing a table of millions
  // of entries costs more than zeroing it.
  const maxEntries = D * Math.min(MAX_ENTRIES, len) + D * D;
  const log2Cap = Math.max(10, Math.ceil(Math.log2(2 * maxEntries + 1)));
  const children = new IntMap(log2Cap);
  const counts = new IntMap(log2Cap); // node*K + next symbol -> count (nodes >= K+1)
  const counts0 = new Int32Array(K * K); // one-symbol prefixes: (sym)*K + next
  // meta[2n] = best follower count (0 = prefix not in the dictionary), meta[2n+1] = that follower.
  let meta = new Int32Array(2 * (firstHashed + maxEntries + 1));
  let nodes = firstHashed;
  const entries = new Int32Array(D);

  const child = (parent: number, sym: number): number => {
    if (parent === 0) return 1 + sym;
    if (parent <= K) return level1 + (parent - 1) * K + sym;
    return children.get(parent * K + sym);
  };
  const childOrCreate = (parent: number, sym: number): number => {
    if (parent <= K) return child(parent, sym);
    const key = parent * K + sym;
    const slot = children.find(key);
    if (slot >= 0) return children.table[2 * slot + 1]!;
    const node = nodes++;
    if (2 * nodes > meta.length) {
      const grown = new Int32Array(meta.length * 2);
      grown.set(meta);
      meta = grown;
    }
    children.insert(key, node);
    return node;
  };
  /** PostfixDictionary::incrementPostfix: true when a new (prefix, y) entry was made. */
  const incrementPostfix = (node: number, y: number, makeNew: boolean): boolean => {
    let c: number;
    let made = false;
    if (node <= K) {
      const at = (node - 1) * K + y;
      c = counts0[at]!;
      if (c === 0 && !makeNew) return false;
      made = c === 0;
      counts0[at] = ++c;
    } else {
      const key = node * K + y;
      const slot = counts.find(key);
      if (slot >= 0) c = ++counts.table[2 * slot + 1]!;
      else if (makeNew) {
        counts.insert(key, 1);
        c = 1;
        made = true;
      } else return false;
    }
    const b = meta[2 * node]!;
    if (c > b || (c === b && y > meta[2 * node + 1]!)) {
      meta[2 * node] = c;
      meta[2 * node + 1] = y;
    }
    return made;
  };
  /** Node of the prefix S[i-d-1 .. i-1], creating the path. */
  const pathTo = (i: number, d: number): number => {
    let n = 0;
    for (let p = i - 1; p >= i - d - 1; p--) n = childOrCreate(n, S[p]!);
    return n;
  };

  // Initial entries ((S[0..d]), S[d+1]) for every order (step 4 for the first prefix).
  for (let d = 0; d < D; d++) {
    if (d < N) {
      incrementPostfix(pathTo(d + 1, d), S[d + 1]!, true);
      entries[d] = 1;
    }
  }

  const score = new Int32Array(D);
  let winner = 0;
  let C = 0;
  let run = 0;
  let maxRun = 0;
  for (let i = 2; i < len; i++) {
    const y = S[i]!;
    const curWinner = winner;
    let found = false;
    let parent = 0;
    const dMax = i - 2 < D - 1 ? i - 2 : D - 1;
    for (let d = 0; d <= dMax; d++) {
      const sym = S[i - d - 1]!;
      let node = -1;
      if (d === 0 || found) {
        node = parent >= 0 ? child(parent, sym) : -1;
        found = node >= 0 && meta[2 * node]! > 0;
      }
      if (found) {
        if (meta[2 * node + 1] === y) {
          if (++score[d]! >= score[winner]!) winner = d;
          if (d === curWinner) {
            C++;
            if (++run > maxRun) maxRun = run;
          }
        } else if (d === curWinner) run = 0;
        if (incrementPostfix(node, y, entries[d]! < MAX_ENTRIES)) entries[d]!++;
      } else if (entries[d]! < MAX_ENTRIES) {
        // M[d][x].incrementPostfix(y, true): creates the prefix when absent.
        if (node < 0) node = parent >= 0 ? childOrCreate(parent, sym) : pathTo(i, d);
        incrementPostfix(node, y, true);
        entries[d]!++;
      }
      parent = node;
    }
  }
  return predictionEstimate('MultiMMC', '6.3.9', C, N, maxRun, K);
}

/**
 * The reference's binary version: a prefix of d+1 bits indexes a pair of
 * counts directly (order d's table at offset 2^(d+2) - 4 of one flat array).
 *
 * The sixteen orders are independent of each other except through the
 * scoreboard, so they run one order at a time over chunks of CHUNK steps, each
 * order a tight loop over its own table, recording per step whether it
 * predicted (`found`) and whether it predicted right, 32 steps per word. The
 * scoreboard then replays the chunk 32 steps at a time as ./lag.ts does: the
 * winner always holds the top score H (it takes the lead only by reaching it),
 * so an order more than 32 below H at the start of 32 steps cannot take the
 * lead inside them; its score is brought up to date by a popcount, and only the
 * orders near the top are followed step by step, in increasing order as the
 * reference updates them.
 *
 * Why the orders can run apart: order d's prefix of d+1 bits is in its table
 * exactly when it occurred before (orders 0..14 have at most 2^(d+2) <= 65,536
 * entries, below the 100,000 cap; order 15's table only misses what order 14's
 * has), so a longer prefix is found only when every shorter one is, and the
 * reference's "look up the next order only after a hit" gives the same answers
 * as looking every order up.
 */
const CHUNK = 4096; // steps per chunk, a multiple of 32
const CHUNK_WORDS = CHUNK / 32;

function binaryMultiMmc(S: Uint8Array): PredictorEstimate {
  const L = S.length;
  const dict = new Int32Array((1 << (D + 2)) - 4);
  let pattern = 0;
  for (let d = 0; d < D; d++) {
    pattern = (pattern << 1) | (S[d]! & 1);
    const loc = (1 << (d + 2)) - 4 + ((pattern & ((1 << (d + 1)) - 1)) << 1);
    dict[loc + (S[d + 1]! & 1)] = 1;
  }
  // Entries of order 15, the only order that can reach the cap (one initial entry).
  const elems15 = Int32Array.of(1);
  const uncounted = new Int32Array(1); // the other orders' entries (never near the cap)
  // Per chunk and order: bit 31 - (i & 31) of word (i mod CHUNK) >> 5 is step i.
  const hit = new Int32Array(D * CHUNK_WORDS); // found and right
  const found = new Int32Array(D * CHUNK_WORDS);
  const score = new Int32Array(D);
  const cand = new Int32Array(D);
  // C, run, maxRun, winner carried across chunks.
  const state = new Float64Array(4);
  for (let a = 0; a < L; a += CHUNK) {
    const b = Math.min(L, a + CHUNK);
    // The first 32 steps one order at a time (order d starts at step d + 2), then four
    // orders per loop: four independent chains of table updates run side by side.
    const start = a === 0 ? Math.min(32, b) : a;
    if (a === 0) {
      for (let d = 0; d < D; d++) {
        const from = d + 2;
        if (from >= start) {
          hit.fill(0, d * CHUNK_WORDS, (d + 1) * CHUNK_WORDS);
          found.fill(0, d * CHUNK_WORDS, (d + 1) * CHUNK_WORDS);
        } else if (d === D - 1) orderSteps(S, dict, d, from, start, hit, found, MAX_ENTRIES, elems15);
        else orderSteps(S, dict, d, from, start, hit, found, 0x7fffffff, uncounted);
      }
    }
    if (start < b) for (let d0 = 0; d0 < D; d0 += 4) fourOrderSteps(S, dict, d0, a, start, b, hit, found, elems15);
    scoreChunk(a, Math.max(a, 2), b, hit, found, score, cand, state);
  }
  return predictionEstimate('MultiMMC', '6.3.9', state[0]!, L - 2, state[2]!, 2);
}

/** Order d's prefix (its d+1 bits, S[i-1] in bit 0) just before step `from` adds S[from-1]. */
function prefixBefore(S: Uint8Array, d: number, from: number): number {
  let ctx = 0;
  for (let p = from - 1 - d; p <= from - 2; p++) ctx = (ctx << 1) | (S[p]! & 1);
  return ctx;
}

/**
 * Steps from .. b-1 (from a multiple of 32, at least 32) of orders d0 .. d0+3, as
 * orderSteps; order 15 (the last of the last four) stops taking new entries at
 * 100,000 (branch-free: which step makes a new entry is unpredictable).
 */
function fourOrderSteps(
  S: Uint8Array, dict: Int32Array, d0: number, a: number, from: number, b: number, hit: Int32Array, found: Int32Array,
  elems15: Int32Array,
): void {
  const mA = (2 << d0) - 1;
  const mB = (4 << d0) - 1;
  const mC = (8 << d0) - 1;
  const mD = (16 << d0) - 1;
  const bA = (1 << (d0 + 2)) - 4;
  const bB = (1 << (d0 + 3)) - 4;
  const bC = (1 << (d0 + 4)) - 4;
  const bD = (1 << (d0 + 5)) - 4;
  const oA = d0 * CHUNK_WORDS - (a >> 5);
  const oB = oA + CHUNK_WORDS;
  const oC = oB + CHUNK_WORDS;
  const oD = oC + CHUNK_WORDS;
  // Only order 15 has a cap; the others never reach one.
  const limit = d0 + 3 === D - 1 ? MAX_ENTRIES : 0x7fffffff;
  let n = elems15[0]!;
  // The last 16 bits before step `from`, S[from-1] in bit 0 (added at the step).
  let hist = prefixBefore(S, 15, from);
  let hA = 0;
  let hB = 0;
  let hC = 0;
  let hD = 0;
  let fA = 0;
  let fB = 0;
  let fC = 0;
  let fD = 0;
  for (let i = from; i < b; i++) {
    hist = (hist << 1) | (S[i - 1]! & 1);
    const y = S[i]! & 1;
    const ny = -y;
    const lA = bA + ((hist & mA) << 1);
    const lB = bB + ((hist & mB) << 1);
    const lC = bC + ((hist & mC) << 1);
    const lD = bD + ((hist & mD) << 1);
    const a0 = dict[lA]!;
    const a1 = dict[lA + 1]!;
    const b0 = dict[lB]!;
    const b1 = dict[lB + 1]!;
    const c0 = dict[lC]!;
    const c1 = dict[lC + 1]!;
    const e0 = dict[lD]!;
    const e1 = dict[lD + 1]!;
    const fa = +((a0 | a1) !== 0);
    const fb = +((b0 | b1) !== 0);
    const fc = +((c0 | c1) !== 0);
    const fd = +((e0 | e1) !== 0);
    hA = (hA << 1) | ((((a1 - a0) >>> 31) ^ y) & fa);
    hB = (hB << 1) | ((((b1 - b0) >>> 31) ^ y) & fb);
    hC = (hC << 1) | ((((c1 - c0) >>> 31) ^ y) & fc);
    hD = (hD << 1) | ((((e1 - e0) >>> 31) ^ y) & fd);
    fA = (fA << 1) | fa;
    fB = (fB << 1) | fb;
    fC = (fC << 1) | fc;
    fD = (fD << 1) | fd;
    dict[lA + y] = a0 + ((a1 - a0) & ny) + 1;
    dict[lB + y] = b0 + ((b1 - b0) & ny) + 1;
    dict[lC + y] = c0 + ((c1 - c0) & ny) + 1;
    const e = e0 + ((e1 - e0) & ny);
    // A count goes up; an absent entry is made only below the cap.
    const inc = +(e !== 0) | +(n < limit);
    dict[lD + y] = e + inc;
    n += inc & +(e === 0);
    if ((i & 31) === 31) {
      const w = i >> 5;
      hit[oA + w] = hA;
      hit[oB + w] = hB;
      hit[oC + w] = hC;
      hit[oD + w] = hD;
      found[oA + w] = fA;
      found[oB + w] = fB;
      found[oC + w] = fC;
      found[oD + w] = fD;
    }
  }
  const r = b & 31;
  if (r !== 0) {
    const w = b >> 5;
    hit[oA + w] = hA << (32 - r);
    hit[oB + w] = hB << (32 - r);
    hit[oC + w] = hC << (32 - r);
    hit[oD + w] = hD << (32 - r);
    found[oA + w] = fA << (32 - r);
    found[oB + w] = fB << (32 - r);
    found[oC + w] = fC << (32 - r);
    found[oD + w] = fD << (32 - r);
  }
  if (limit === MAX_ENTRIES) elems15[0] = n;
}

/**
 * Steps from .. b-1 (b <= 32) of order d, one at a time: look up the prefix, record
 * found/right, count the next bit (a new entry only while the order has fewer than
 * `limit`; `elems` holds order 15's count).
 */
function orderSteps(
  S: Uint8Array, dict: Int32Array, d: number, from: number, b: number, hit: Int32Array, found: Int32Array,
  limit: number, elems: Int32Array,
): void {
  const mask = (2 << d) - 1;
  const base = (1 << (d + 2)) - 4;
  let ctx = prefixBefore(S, d, from);
  let h = 0;
  let f = 0;
  for (let i = from; i < b; i++) {
    ctx = ((ctx << 1) | (S[i - 1]! & 1)) & mask;
    const loc = base + (ctx << 1);
    const c0 = dict[loc]!;
    const c1 = dict[loc + 1]!;
    const y = S[i]! & 1;
    const isFound = +((c0 | c1) !== 0);
    // The prediction is 1 unless c0 > c1 (ties predict the larger symbol, as the reference).
    h |= ((((c1 - c0) >>> 31) ^ y) & isFound) << (31 - i);
    f |= isFound << (31 - i);
    const e = y === 0 ? c0 : c1;
    if (e !== 0) dict[loc + y] = e + 1;
    else if (elems[0]! < limit) {
      dict[loc + y] = 1;
      elems[0]!++;
    }
  }
  hit[d * CHUNK_WORDS] = h;
  found[d * CHUNK_WORDS] = f;
}

/**
 * The scoreboard over steps from .. b-1 of the chunk starting at a, 32 steps at a
 * time: counts the winner's right predictions and runs, moves the winner.
 */
function scoreChunk(
  a: number, from: number, b: number, hit: Int32Array, found: Int32Array, score: Int32Array, cand: Int32Array,
  state: Float64Array,
): void {
  let C = state[0]!;
  let run = state[1]!;
  let maxRun = state[2]!;
  let winner = state[3]!;
  for (let t0 = from & ~31; t0 < b; t0 += 32) {
    const w = (t0 - a) >> 5;
    // Orders that may take the lead in these 32 steps; the others just score.
    const top = score[winner]!;
    let nc = 0;
    for (let d = 0; d < D; d++) {
      if (top - score[d]! <= 32) cand[nc++] = d;
      else score[d]! += popcount32(hit[d * CHUNK_WORDS + w]!);
    }
    const kEnd = Math.min(32, b - t0);
    for (let k = Math.max(0, from - t0); k < kEnd; k++) {
      const sh = 31 - k;
      const cur = winner;
      if ((found[cur * CHUNK_WORDS + w]! >>> sh) & 1) {
        if ((hit[cur * CHUNK_WORDS + w]! >>> sh) & 1) {
          C++;
          if (++run > maxRun) maxRun = run;
        } else run = 0;
      }
      for (let c = 0; c < nc; c++) {
        const d = cand[c]!;
        if ((hit[d * CHUNK_WORDS + w]! >>> sh) & 1) {
          const sc = score[d]! + 1;
          score[d] = sc;
          if (score[winner]! <= sc) winner = d;
        }
      }
    }
  }
  state[0] = C;
  state[1] = run;
  state[2] = maxRun;
  state[3] = winner;
}

function popcount32(x: number): number {
  x -= (x >>> 1) & 0x55555555;
  x = (x & 0x33333333) + ((x >>> 2) & 0x33333333);
  x = (x + (x >>> 4)) & 0x0f0f0f0f;
  return Math.imul(x, 0x01010101) >>> 24;
}
