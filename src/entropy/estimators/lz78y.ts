/**
 * LZ78Y prediction estimate, SP 800-90B §6.3.10.
 *
 * A dictionary of at most 65,536 prefixes of length 1..16 counts which symbol
 * followed each. Of the prefixes ending at the current position that are in
 * the dictionary, the one whose most frequent follower has the highest count
 * makes the prediction (the longer prefix wins ties; ties between followers go
 * to the larger symbol value). C correct predictions out of
 * N = L - 17 and the longest run feed ./predictor.ts. Follows ea_non_iid
 * 1.1.7 step for step, including its binary fast path.
 *
 * Prefixes live in a trie (flat hash table) and follower counts in a flat
 * array indexed by dictionary slot, so 10^6 samples over 256 symbols take
 * about 64 MB and no Map.
 *
 * Worked example (ea_non_iid 1.1.7 on data.pi.bin): C = 662,954,
 * N = 1,165,649, r = 23, P_global' = 0.56992396184264549,
 * H = 0.81115864436468677.
 */
import { IntMap } from './int-map.ts';
import { notApplicablePredictor, predictionEstimate } from './predictor.ts';
import type { PredictorEstimate } from '../types.ts';

const B = 16;
const MAX_DICTIONARY_SIZE = 65536;

export function lz78yEstimate(symbols: Uint8Array, k: number): PredictorEstimate {
  const K = Math.max(k, 2);
  const len = symbols.length;
  if (len < B + 2) {
    return notApplicablePredictor('LZ78Y', '6.3.10', `needs at least ${B + 2} samples`);
  }
  if (K === 2) return binaryLz78y(symbols);
  return generalLz78y(symbols, K);
}

function generalLz78y(S: Uint8Array, K: number): PredictorEstimate {
  const len = S.length;
  const N = len - B - 1;
  // Node ids: 0 = the empty prefix, 1..K = one-symbol prefixes (no look-up),
  // longer prefixes from hash tables keyed parent*K + oldest symbol, one per
  // prefix length (once the dictionary is full a step mostly looks up two-symbol
  // prefixes, whose table then stays in cache). A node is a dictionary entry
  // when slotOf[node] >= 0. The tables start small and double as needed.
  const children: IntMap[] = [];
  for (let j = 0; j <= B; j++) children.push(new IntMap(j >= 2 ? 12 : 1));
  let slotOf = new Int32Array(1 << 14).fill(-1);
  let nodes = 1 + K;
  // Follower counts by dictionary slot; best[2s] = highest count, best[2s+1] = its follower.
  // Slots 0..K-1 are the one-symbol prefixes' (counted at nearly every step: their rows stay
  // together in cache), the others are handed out in order. Sized once for every slot the
  // input can create (at most 65,536 entries, at most B per step): a large typed array is
  // mapped lazily, so rows never used cost nothing, where growing by doubling touched and
  // copied every row again (~0.3 s of the 8-bit estimate).
  const slotCap = K + Math.min(MAX_DICTIONARY_SIZE, B * (len - B));
  const counts = new Int32Array(slotCap * K);
  const best = new Int32Array(2 * slotCap);
  let slots = K;
  let dictSize = 0;

  /** The node of prefix length j below `parent`, or -1. */
  const child = (parent: number, sym: number, j: number): number =>
    parent === 0 ? 1 + sym : children[j]!.get(parent * K + sym);
  const childOrCreate = (parent: number, sym: number, j: number): number => {
    if (parent === 0) return 1 + sym;
    const table = children[j]!;
    const key = parent * K + sym;
    const slot = table.find(key);
    if (slot >= 0) return table.table[2 * slot + 1]!;
    const node = nodes++;
    if (nodes > slotOf.length) {
      const grown = new Int32Array(slotOf.length * 2).fill(-1);
      grown.set(slotOf);
      slotOf = grown;
    }
    table.insert(key, node);
    return node;
  };
  const increment = (di: number, y: number): void => {
    const c = ++counts[di * K + y]!;
    const b = best[2 * di]!;
    if (c > b || (c === b && y > best[2 * di + 1]!)) {
      best[2 * di] = c;
      best[2 * di + 1] = y;
    }
  };
  /** D[j-1][x].incrementPostfix(y, true) */
  const dictAdd = (node: number, y: number): void => {
    let di = slotOf[node]!;
    if (di < 0) {
      di = node <= K ? node - 1 : slots++;
      slotOf[node] = di;
    }
    increment(di, y);
  };

  const path = new Int32Array(B + 1); // path[j] = node of S[i-j .. i-1], -1 when absent
  // Initial entries ((S[16-j .. 15]), S[16]) for j = 1..16.
  for (let j = 1; j <= B; j++) {
    let n = 0;
    for (let p = B - 1, d = 1; p >= B - j; p--, d++) n = childOrCreate(n, S[p]!, d);
    dictAdd(n, S[B]!);
    dictSize++;
  }

  let C = 0;
  let run = 0;
  let maxRun = 0;
  for (let i = B + 1; i < len; i++) {
    const y = S[i]!;
    path[0] = 0;
    let depth = 0;
    // Once the dictionary is full nothing is added, and the second loop reads path[j] only for
    // j ≤ depth: both loops stop at the longest prefix present (on noise ~2 of the 16 lengths).
    const full = dictSize >= MAX_DICTIONARY_SIZE;
    for (let j = 1; j <= B; j++) {
      const parent = path[j - 1]!;
      const n = parent >= 0 ? child(parent, S[i - j]!, j) : -1;
      path[j] = n;
      if (n >= 0) depth = j;
      else if (full) break;
    }
    let havePrediction = false;
    let prediction = 0;
    let maxCount = 0;
    for (let j = full ? depth : B; j > 0; j--) {
      const node = j <= depth ? path[j]! : -1;
      const di = node >= 0 ? slotOf[node]! : -1;
      if (di >= 0) {
        const c = best[2 * di]!;
        if (c > maxCount) {
          maxCount = c;
          prediction = best[2 * di + 1]!;
          havePrediction = true;
        }
        increment(di, y);
      } else if (dictSize < MAX_DICTIONARY_SIZE) {
        for (let jj = 1; jj <= j; jj++) {
          if (path[jj]! < 0) path[jj] = childOrCreate(path[jj - 1]!, S[i - jj]!, jj);
        }
        if (j > depth) depth = j;
        dictAdd(path[j]!, y);
        dictSize++;
      }
    }
    if (havePrediction && prediction === y) {
      C++;
      if (++run > maxRun) maxRun = run;
    } else run = 0;
  }
  return predictionEstimate('LZ78Y', '6.3.10', C, N, maxRun, K);
}

/**
 * The reference's binary version: a prefix of j bits indexes a pair of counts
 * directly; the sixteen tables live in one flat array (length j at offset
 * 2^(j+1) - 4).
 *
 * Until the dictionary is full every step updates every table, as the
 * reference does. Once it is full no prefix is added any more, and the counts
 * obey a monotonicity the prediction can use: if a prefix and its shorter
 * suffix are both in the dictionary, the suffix was added no later (in the
 * step that added the longer one, the reference walks from long to short and
 * adds the shorter one too unless the dictionary filled in between, after
 * which it is never added), so every counted occurrence of the longer prefix
 * is counted for the shorter one and its largest count is at least as big.
 * The reference's choice (the highest count, the longer prefix on ties) is
 * then the longest prefix, among those present, whose count equals that of
 * the shortest present one: scanning from short to long can stop at the first
 * smaller count. Tables the scan does not reach are brought up to date only
 * when a later scan reaches them (one tight loop over the skipped steps); the
 * table that stops the scan is counted at once. On noise only the one- and
 * two-bit tables are touched at every step.
 */
function binaryLz78y(S: Uint8Array): PredictorEstimate {
  const L = S.length;
  const dict = new Int32Array((1 << (B + 2)) - 4);
  let dictElems = 0;
  let pattern = 0;
  for (let j = 0; j < B; j++) {
    pattern |= (S[B - j - 1]! & 1) << j;
    const loc = (1 << (j + 2)) - 4 + ((pattern & ((1 << (j + 1)) - 1)) << 1);
    dict[loc + (S[B]! & 1)] = 1;
    dictElems++;
  }
  // state: C, run, maxRun, next step, dictionary entries.
  const state = Float64Array.of(0, 0, 0, B + 1, dictElems);
  eagerLz78y(S, dict, state);
  if (state[3]! < L) lazyLz78y(S, dict, state);
  return predictionEstimate('LZ78Y', '6.3.10', state[0]!, L - B - 1, state[2]!, 2);
}

/** The reference's loop, every table at every step, until the dictionary is full (or the data ends). */
function eagerLz78y(S: Uint8Array, dict: Int32Array, state: Float64Array): void {
  const L = S.length;
  let C = state[0]!;
  let run = state[1]!;
  let maxRun = state[2]!;
  let dictElems = state[4]!;
  // pattern holds S[i-16 .. i-1], S[i-1] in bit 0.
  let pattern = 0;
  for (let p = 1; p <= B; p++) pattern = (pattern << 1) | (S[p]! & 1);
  let i = B + 1;
  for (; i < L && dictElems < MAX_DICTIONARY_SIZE; i++) {
    const y = S[i]! & 1;
    let prediction = 2;
    let maxCount = 0;
    for (let j = B; j > 0; j--) {
      const loc = (1 << (j + 1)) - 4 + ((pattern & ((1 << j) - 1)) << 1);
      const c0 = dict[loc]!;
      const c1 = dict[loc + 1]!;
      // Branch-free selection (counts are < 2^31): ties predict 1, the larger symbol, as the reference.
      const zeroWins = (c1 - c0) >>> 31; // 1 when c0 > c1
      const cnt = c1 + ((c0 - c1) & -zeroWins);
      const better = -((maxCount - cnt) >>> 31); // all ones when cnt > maxCount
      maxCount = (cnt & better) | (maxCount & ~better);
      prediction = ((zeroWins ^ 1) & better) | (prediction & ~better);
      // A known prefix counts the follower (branch-free: (-cnt) >>> 31 is 1 when cnt > 0).
      dict[loc + y]! += (-cnt) >>> 31;
      if (cnt === 0 && dictElems < MAX_DICTIONARY_SIZE) {
        dict[loc + y] = 1;
        dictElems++;
      }
    }
    if (maxCount > 0 && prediction === y) {
      C++;
      if (++run > maxRun) maxRun = run;
    } else run = 0;
    pattern = ((pattern << 1) | y) & 0xffff;
  }
  state[0] = C;
  state[1] = run;
  state[2] = maxRun;
  state[3] = i;
  state[4] = dictElems;
}

/** The remaining steps once the dictionary is full (see binaryLz78y). */
function lazyLz78y(S: Uint8Array, dict: Int32Array, state: Float64Array): void {
  const L = S.length;
  let C = state[0]!;
  let run = state[1]!;
  let maxRun = state[2]!;
  const start = state[3]!;
  // upTo[j] = the first step not yet counted in the table of j-bit prefixes.
  const upTo = new Int32Array(B + 1).fill(start);
  let pattern = 0;
  for (let p = start - B; p < start; p++) pattern = (pattern << 1) | (S[p]! & 1);
  for (let i = start; i < L; i++) {
    const y = S[i]! & 1;
    let maxCount = 0;
    let prediction = 2;
    for (let j = 1; j <= B; j++) {
      const loc = (1 << (j + 1)) - 4 + ((pattern & ((1 << j) - 1)) << 1);
      // Presence does not change any more, so stale counts tell it.
      if ((dict[loc]! | dict[loc + 1]!) === 0) continue;
      if (upTo[j]! < i) {
        catchUp(S, dict, j, upTo[j]!, i);
        upTo[j] = i;
      }
      const c0 = dict[loc]!;
      const c1 = dict[loc + 1]!;
      const cnt = c0 > c1 ? c0 : c1;
      if (cnt < maxCount) {
        // Counted now, not by the next step's catch-up (this table was reached, so it is up
        // to date): on noise the scan stops at the two-bit table every step.
        dict[loc + y]!++;
        upTo[j] = i + 1;
        break;
      }
      maxCount = cnt;
      prediction = c0 > c1 ? 0 : 1;
      dict[loc + y]!++;
      upTo[j] = i + 1;
    }
    if (maxCount > 0 && prediction === y) {
      C++;
      if (++run > maxRun) maxRun = run;
    } else run = 0;
    pattern = ((pattern << 1) | y) & 0xffff;
  }
  state[0] = C;
  state[1] = run;
  state[2] = maxRun;
}

/** Counts steps from .. to-1 into the table of j-bit prefixes (prefixes present only). */
function catchUp(S: Uint8Array, dict: Int32Array, j: number, from: number, to: number): void {
  const base = (1 << (j + 1)) - 4;
  const mask = (1 << j) - 1;
  let ctx = 0;
  for (let p = from - j; p < from; p++) ctx = (ctx << 1) | (S[p]! & 1);
  for (let t = from; t < to; t++) {
    const y = S[t]! & 1;
    const loc = base + (ctx << 1);
    if ((dict[loc]! | dict[loc + 1]!) !== 0) dict[loc + y]!++;
    ctx = ((ctx << 1) | y) & mask;
  }
}
