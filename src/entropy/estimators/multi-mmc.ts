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
import { MMC_CHUNK, MMC_CHUNK_WORDS, mmcLeadOrders } from '../../kernels/mmc-lead-orders.ts';
import { notApplicablePredictor, predictionEstimate } from './predictor.ts';
import type { PredictorEstimate } from '../types.ts';

const D = 16;
const MAX_ENTRIES = 100000;
/** log2 of the most bits per order of generalMultiMmc's look-up filter (2^20 bits = 128 KB for ≤ 100,000 keys). */
const MAX_FILTER_BITS = 20;

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
  // two-symbol prefixes (computed, no look-up), then longer prefixes from hash
  // tables keyed parent*K + oldest symbol.
  const level1 = 1 + K;
  const firstHashed = level1 + K * K;
  // One table per order (children of order d: the nodes of d+1 symbols; counts of order d:
  // node*K + next symbol), each sized for one order's 100,000 entries: once the orders are
  // full a step looks up only the lowest orders, whose tables then stay in cache, where one
  // table for all orders (millions of entries) missed it at every look-up.
  const log2Cap = Math.max(10, Math.ceil(Math.log2(2 * Math.min(MAX_ENTRIES, len) + 1)));
  const children: IntMap[] = [];
  const counts: IntMap[] = [];
  for (let d = 0; d < D; d++) {
    children.push(new IntMap(d >= 2 ? log2Cap : 1));
    counts.push(new IntMap(d >= 1 ? log2Cap : 1));
  }
  // Per order, one bit per hash of its children's keys (set on insert): 2^filterBits bits each,
  // about 8 per key the order can hold (a short input needs a small filter, quickly zeroed).
  const filterBits = Math.min(MAX_FILTER_BITS, Math.max(10, Math.ceil(Math.log2(8 * Math.min(MAX_ENTRIES, len)))));
  const filter = new Int32Array(D << (filterBits - 5));
  const counts0 = new Int32Array(K * K); // one-symbol prefixes: (sym)*K + next
  // meta[2n] = best follower count (0 = prefix not in the dictionary), meta[2n+1] = that follower.
  let meta = new Int32Array(2 * (firstHashed + D * Math.min(MAX_ENTRIES, len) + D * D + 1));
  // multi[n] = 1 when node n's follower counts are in counts[d] (more than one follower seen).
  let multi = new Uint8Array(meta.length >> 1);
  let nodes = firstHashed;
  const entries = new Int32Array(D);

  /** The node of order d (d+1 symbols) below `parent`, or -1. */
  const child = (parent: number, sym: number, d: number): number => {
    if (parent === 0) return 1 + sym;
    if (parent <= K) return level1 + (parent - 1) * K + sym;
    const key = parent * K + sym;
    // Most look-ups miss (a longer prefix than any seen): a bit per hashed key, in cache, says so first.
    const h = Math.imul(key, 0x2c1b3c6d) >>> (32 - filterBits);
    if ((filter[(d << (filterBits - 5)) + (h >>> 5)]! & (1 << (h & 31))) === 0) return -1;
    return children[d]!.get(key);
  };
  const childOrCreate = (parent: number, sym: number, d: number): number => {
    if (parent <= K) return child(parent, sym, d);
    const table = children[d]!;
    const key = parent * K + sym;
    const slot = table.find(key);
    if (slot >= 0) return table.table[2 * slot + 1]!;
    const node = nodes++;
    if (2 * nodes > meta.length) {
      const grown = new Int32Array(meta.length * 2);
      grown.set(meta);
      meta = grown;
      const grownMulti = new Uint8Array(multi.length * 2);
      grownMulti.set(multi);
      multi = grownMulti;
    }
    table.insert(key, node);
    const h = Math.imul(key, 0x2c1b3c6d) >>> (32 - filterBits);
    filter[(d << (filterBits - 5)) + (h >>> 5)]! |= 1 << (h & 31);
    return node;
  };
  /**
   * PostfixDictionary::incrementPostfix for a node of order d: true when a new (prefix, y) entry was made.
   *
   * A prefix with a single follower keeps it in `meta` alone (its count is the best count,
   * its follower the best follower): most prefixes of a noisy source are seen once, and a
   * counts-table entry per new prefix was a second cache miss (the tables are megabytes)
   * at every step of every order until the orders fill. The follower counts move to the
   * table when a second follower comes; the (prefix, y) entries, and so the cap, are as in
   * the reference.
   */
  const incrementPostfix = (node: number, y: number, makeNew: boolean, d: number): boolean => {
    let c: number;
    let made = false;
    const b = meta[2 * node]!;
    if (node <= K) {
      const at = (node - 1) * K + y;
      c = counts0[at]!;
      if (c === 0 && !makeNew) return false;
      made = c === 0;
      counts0[at] = ++c;
    } else if (multi[node] === 0) {
      if (b === 0) {
        if (!makeNew) return false;
        meta[2 * node] = 1;
        meta[2 * node + 1] = y;
        return true;
      }
      const first = meta[2 * node + 1]!;
      if (first === y) {
        meta[2 * node] = b + 1;
        return false;
      }
      if (!makeNew) return false;
      const table = counts[d]!;
      table.insert(node * K + first, b);
      table.insert(node * K + y, 1);
      multi[node] = 1;
      c = 1;
      made = true;
    } else {
      const table = counts[d]!;
      const key = node * K + y;
      const slot = table.find(key);
      if (slot >= 0) c = ++table.table[2 * slot + 1]!;
      else if (makeNew) {
        table.insert(key, 1);
        c = 1;
        made = true;
      } else return false;
    }
    if (c > b || (c === b && y > meta[2 * node + 1]!)) {
      meta[2 * node] = c;
      meta[2 * node + 1] = y;
    }
    return made;
  };
  /** Node of the prefix S[i-d-1 .. i-1], creating the path. */
  const pathTo = (i: number, d: number): number => {
    let n = 0;
    for (let p = i - 1, k = 0; p >= i - d - 1; p--, k++) n = childOrCreate(n, S[p]!, k);
    return n;
  };

  // Initial entries ((S[0..d]), S[d+1]) for every order (step 4 for the first prefix).
  for (let d = 0; d < D; d++) {
    if (d < N) {
      incrementPostfix(pathTo(d + 1, d), S[d + 1]!, true, d);
      entries[d] = 1;
    }
  }

  const score = new Int32Array(D);
  let winner = 0;
  let C = 0;
  let run = 0;
  let maxRun = 0;
  // Orders fullFrom.. have all reached MAX_ENTRIES. Past an order whose prefix was not found,
  // a full order neither looks up nor adds anything, so a step stops there: on noise the
  // orders above 2 are full after ~10^5 steps and a step then visits 3 orders, not 16.
  let fullFrom = D;
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
        node = parent >= 0 ? child(parent, sym, d) : -1;
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
        if (incrementPostfix(node, y, entries[d]! < MAX_ENTRIES, d)) entries[d]!++;
      } else if (entries[d]! < MAX_ENTRIES) {
        // M[d][x].incrementPostfix(y, true): creates the prefix when absent.
        if (node < 0) node = parent >= 0 ? childOrCreate(parent, sym, d) : pathTo(i, d);
        incrementPostfix(node, y, true, d);
        entries[d]!++;
      }
      parent = node;
      if (!found && d + 1 >= fullFrom) break;
    }
    while (fullFrom > 0 && entries[fullFrom - 1]! >= MAX_ENTRIES) fullFrom--;
  }
  return predictionEstimate('MultiMMC', '6.3.9', C, N, maxRun, K);
}

/**
 * The reference's binary version: a prefix of d+1 bits indexes order d's table
 * directly.
 *
 * The sixteen orders are independent of each other except through the
 * scoreboard, so they run apart over chunks of CHUNK steps, each order's table
 * updates in a tight loop, recording per step whether it predicted (`found`)
 * and whether it predicted right, 32 steps per word. The scoreboard then
 * replays the chunk 32 steps at a time as ./lag.ts does: the winner always
 * holds the top score H (it takes the lead only by reaching it), so an order
 * more than 32 below H at the start of 32 steps cannot take the lead inside
 * them; its score is brought up to date by a popcount, and only the orders near
 * the top are followed step by step, in increasing order as the reference
 * updates them.
 *
 * Why the orders can run apart: order d's prefix of d+1 bits is in its table
 * exactly when it occurred before (orders 0..14 have at most 2^(d+2) <= 65,536
 * entries, below the 100,000 cap; order 15's table only misses what order 14's
 * has), so a longer prefix is found only when every shorter one is, and the
 * reference's "look up the next order only after a hit" gives the same answers
 * as looking every order up.
 *
 * Orders 0..14 never reach the cap, so a prefix needs only whether it was seen
 * and which follower leads: one word, 0 = not seen, else 2·(c1 − c0) + 1 (odd;
 * ≥ 1 exactly when 1 is predicted, ties going to the larger symbol). A step
 * reads and writes one word per order where the reference's pair of counts
 * takes two reads, and the table is half the size. Order 15 keeps the pair of
 * counts, since its cap counts (prefix, follower) entries.
 */
const CHUNK = MMC_CHUNK; // steps per chunk, a multiple of 32
const CHUNK_WORDS = MMC_CHUNK_WORDS;
const LAST = D - 1; // the capped order

/** Order d's slot for prefix p (d + 1 bits) in the one-word table of orders 0..14. */
const slot = (d: number, p: number): number => (2 << d) - 2 + p;

/** The TypeScript-only path (the one taken without WebAssembly), for tests against the kernel. */
export function binaryMultiMmcPortable(S: Uint8Array): PredictorEstimate {
  return binaryMultiMmc(S, true);
}

function binaryMultiMmc(S: Uint8Array, portable = false): PredictorEstimate {
  const L = S.length;
  // Orders 0..14: WebAssembly's tables and words (../../kernels/mmc-lead-orders.ts) when it runs here.
  const kernel = portable ? undefined : mmcLeadOrders(L);
  const lead = kernel ? kernel.table : new Int32Array(slot(LAST, 0));
  // Per chunk and order: bit 31 - (i & 31) of word (i mod CHUNK) >> 5 is step i.
  const hit = kernel ? kernel.hit : new Int32Array(D * CHUNK_WORDS); // found and right
  const found = kernel ? kernel.found : new Int32Array(D * CHUNK_WORDS);
  if (kernel) {
    lead.fill(0);
    kernel.samples.set(S);
  }
  const pairs = new Int32Array(4 << LAST); // order 15: (prefix, follower) counts at 2·prefix + follower
  // The initial entries ((S[0..d]), S[d+1]) (step 4 for the first prefix).
  let pattern = 0;
  for (let d = 0; d < LAST; d++) {
    pattern = (pattern << 1) | (S[d]! & 1);
    lead[slot(d, pattern & ((2 << d) - 1))] = 4 * (S[d + 1]! & 1) - 1;
  }
  pattern = (pattern << 1) | (S[LAST]! & 1);
  pairs[2 * (pattern & ((2 << LAST) - 1)) + (S[LAST + 1]! & 1)] = 1;
  // Entries of order 15 (one initial entry).
  const elems15 = Int32Array.of(1);
  const score = new Int32Array(D);
  const cand = new Int32Array(D);
  // C, run, maxRun, winner carried across chunks.
  const state = new Float64Array(4);
  for (let a = 0; a < L; a += CHUNK) {
    const b = Math.min(L, a + CHUNK);
    // Order d starts at step d + 2: the first 32 steps one order at a time, then three
    // orders per loop (three independent chains of table updates side by side).
    const start = a === 0 ? Math.min(32, b) : a;
    if (a === 0) {
      for (let d = 0; d < LAST; d++) {
        hit.fill(0, d * CHUNK_WORDS, (d + 1) * CHUNK_WORDS);
        found.fill(0, d * CHUNK_WORDS, (d + 1) * CHUNK_WORDS);
        for (let i = d + 2; i < start; i++) leadStep(S, lead, d, i, hit, found);
      }
      hit.fill(0, LAST * CHUNK_WORDS);
      found.fill(0, LAST * CHUNK_WORDS);
    }
    if (start < b) {
      if (kernel) {
        const hist = prefixBefore(S, LAST, start);
        for (let d0 = 0; d0 < LAST; d0 += 3) kernel.lead(a, start, b, d0, hist);
      } else for (let d0 = 0; d0 < LAST; d0 += 3) threeLeadOrders(S, lead, d0, a, start, b, hit, found);
    }
    pairSteps(S, pairs, a, Math.max(a, LAST + 2), b, hit, found, elems15);
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

/** Step i (< 32, in the first chunk) of order d < 15: look up, record found/right, count. */
function leadStep(S: Uint8Array, lead: Int32Array, d: number, i: number, hit: Int32Array, found: Int32Array): void {
  // The d + 1 bits S[i-d-1 .. i-1] (what prefixBefore gives one order up, one step on).
  const at = slot(d, prefixBefore(S, d + 1, i + 1));
  const v = lead[at]!;
  const y = S[i]! & 1;
  // Right when seen (v odd) and the prediction (1 iff v > 0) is y.
  hit[d * CHUNK_WORDS] |= ((v >>> 31) ^ y) & v & 1 ? 1 << (31 - i) : 0;
  found[d * CHUNK_WORDS] |= (v & 1) << (31 - i);
  lead[at] = (v | 1) + 4 * y - 2;
}

/**
 * Steps from .. b-1 (from a multiple of 32, at least 32) of orders d0 .. d0+2
 * (all below 15), as leadStep.
 */
function threeLeadOrders(
  S: Uint8Array, lead: Int32Array, d0: number, a: number, from: number, b: number, hit: Int32Array, found: Int32Array,
): void {
  const mA = (2 << d0) - 1;
  const mB = (4 << d0) - 1;
  const mC = (8 << d0) - 1;
  const bA = mA - 1;
  const bB = mB - 1;
  const bC = mC - 1;
  const oA = d0 * CHUNK_WORDS - (a >> 5);
  const oB = oA + CHUNK_WORDS;
  const oC = oB + CHUNK_WORDS;
  // The last 16 bits before step `from`, S[from-1] in bit 0 (added at the step).
  let hist = prefixBefore(S, LAST, from);
  let hA = 0;
  let hB = 0;
  let hC = 0;
  let fA = 0;
  let fB = 0;
  let fC = 0;
  for (let i = from; i < b; i++) {
    hist = (hist << 1) | (S[i - 1]! & 1);
    const y = S[i]! & 1;
    const inc = 4 * y - 2;
    const lA = bA + (hist & mA);
    const lB = bB + (hist & mB);
    const lC = bC + (hist & mC);
    const vA = lead[lA]!;
    const vB = lead[lB]!;
    const vC = lead[lC]!;
    hA = (hA << 1) | (((vA >>> 31) ^ y) & vA & 1);
    hB = (hB << 1) | (((vB >>> 31) ^ y) & vB & 1);
    hC = (hC << 1) | (((vC >>> 31) ^ y) & vC & 1);
    fA = (fA << 1) | (vA & 1);
    fB = (fB << 1) | (vB & 1);
    fC = (fC << 1) | (vC & 1);
    lead[lA] = (vA | 1) + inc;
    lead[lB] = (vB | 1) + inc;
    lead[lC] = (vC | 1) + inc;
    if ((i & 31) === 31) {
      const w = i >> 5;
      hit[oA + w] = hA;
      hit[oB + w] = hB;
      hit[oC + w] = hC;
      found[oA + w] = fA;
      found[oB + w] = fB;
      found[oC + w] = fC;
    }
  }
  const r = b & 31;
  if (r !== 0) {
    const w = b >> 5;
    hit[oA + w] = hA << (32 - r);
    hit[oB + w] = hB << (32 - r);
    hit[oC + w] = hC << (32 - r);
    found[oA + w] = fA << (32 - r);
    found[oB + w] = fB << (32 - r);
    found[oC + w] = fC << (32 - r);
  }
}

/**
 * Steps from .. b-1 of the chunk starting at a, for order 15: the pair of counts,
 * and no new (prefix, follower) entry once the order has 100,000 (`elems`).
 */
function pairSteps(
  S: Uint8Array, pairs: Int32Array, a: number, from: number, b: number, hit: Int32Array, found: Int32Array, elems: Int32Array,
): void {
  const mask = (2 << LAST) - 1;
  const o = LAST * CHUNK_WORDS - (a >> 5);
  let n = elems[0]!;
  let ctx = prefixBefore(S, LAST, from);
  let h = 0;
  let f = 0;
  for (let i = from; i < b; i++) {
    ctx = ((ctx << 1) | (S[i - 1]! & 1)) & mask;
    const loc = ctx << 1;
    const c0 = pairs[loc]!;
    const c1 = pairs[loc + 1]!;
    const y = S[i]! & 1;
    const isFound = +((c0 | c1) !== 0);
    // The prediction is 1 unless c0 > c1 (ties predict the larger symbol, as the reference).
    h = (h << 1) | ((((c1 - c0) >>> 31) ^ y) & isFound);
    f = (f << 1) | isFound;
    // A count goes up; an absent entry is made only below the cap (branch-free: which
    // step makes a new entry is unpredictable).
    const e = c0 + ((c1 - c0) & -y);
    const inc = +(e !== 0) | +(n < MAX_ENTRIES);
    pairs[loc + y] = e + inc;
    n += inc & +(e === 0);
    if ((i & 31) === 31) {
      hit[o + (i >> 5)] = h;
      found[o + (i >> 5)] = f;
    }
  }
  const r = b & 31;
  if (r !== 0) {
    // The chunk's last, partial word (steps before `from` in it are zero bits).
    hit[o + (b >> 5)] = h << (32 - r);
    found[o + (b >> 5)] = f << (32 - r);
  }
  elems[0] = n;
}

/**
 * The scoreboard over steps from .. b-1 of the chunk starting at a, 32 steps at a
 * time: counts the winner's right predictions and runs, moves the winner.
 */
function scoreChunk(
  a: number, from: number, b: number, hit: Int32Array, found: Int32Array, score: Int32Array, cand: Int32Array,
  state: Float64Array,
): void {
  const candHit = candWords;
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
    for (let c = 0; c < nc; c++) candHit[c] = hit[cand[c]! * CHUNK_WORDS + w]!;
    const kEnd = Math.min(32, b - t0);
    // Branch-free: on noise each "right?" is a coin toss, which a branch would mispredict.
    for (let k = Math.max(0, from - t0); k < kEnd; k++) {
      const sh = 31 - k;
      // The winner's prediction: counted when it predicted (found), the run broken when wrong.
      const f = (found[winner * CHUNK_WORDS + w]! >>> sh) & 1;
      const right = f & (hit[winner * CHUNK_WORDS + w]! >>> sh);
      C += right;
      run = (run + right) & ((f & (right ^ 1)) - 1);
      if (run > maxRun) maxRun = run;
      for (let c = 0; c < nc; c++) {
        const d = cand[c]!;
        const bit = (candHit[c]! >>> sh) & 1;
        const sc = score[d]! + bit;
        score[d] = sc;
        const lead = bit & +(score[winner]! <= sc);
        winner += (d - winner) & -lead;
      }
    }
  }
  state[0] = C;
  state[1] = run;
  state[2] = maxRun;
  state[3] = winner;
}

/** The candidates' right-prediction words of one 32-step block (scoreChunk). */
const candWords = new Int32Array(D);

function popcount32(x: number): number {
  x -= (x >>> 1) & 0x55555555;
  x = (x & 0x33333333) + ((x >>> 2) & 0x33333333);
  x = (x + (x >>> 4)) & 0x0f0f0f0f;
  return Math.imul(x, 0x01010101) >>> 24;
}
