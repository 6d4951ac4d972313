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
  // longer prefixes from a hash table keyed parent*K + oldest symbol. A node
  // is a dictionary entry when slotOf[node] >= 0.
  // Tables start small and double as needed (a large table costs its zeroing on every call).
  // A new prefix brings at most B nodes and there are at most 65,536 prefixes.
  const maxNodes = 1 + K + B * Math.min(MAX_DICTIONARY_SIZE, len);
  const children = new IntMap(Math.max(10, Math.ceil(Math.log2(2 * maxNodes + 1))));
  let slotOf = new Int32Array(1 << 14).fill(-1);
  let nodes = 1 + K;
  // Follower counts by dictionary slot; best[2s] = highest count, best[2s+1] = its follower.
  let slotCap = 1024;
  let counts = new Int32Array(slotCap * K);
  let best = new Int32Array(2 * slotCap);
  let slots = 0;
  let dictSize = 0;

  const child = (parent: number, sym: number): number =>
    parent === 0 ? 1 + sym : children.get(parent * K + sym);
  const childOrCreate = (parent: number, sym: number): number => {
    if (parent === 0) return 1 + sym;
    const key = parent * K + sym;
    const slot = children.find(key);
    if (slot >= 0) return children.table[2 * slot + 1]!;
    const node = nodes++;
    if (nodes > slotOf.length) {
      const grown = new Int32Array(slotOf.length * 2).fill(-1);
      grown.set(slotOf);
      slotOf = grown;
    }
    children.insert(key, node);
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
      di = slots++;
      slotOf[node] = di;
      if (slots > slotCap) {
        slotCap *= 2;
        const c = new Int32Array(slotCap * K);
        c.set(counts);
        counts = c;
        const b = new Int32Array(2 * slotCap);
        b.set(best);
        best = b;
      }
    }
    increment(di, y);
  };

  const path = new Int32Array(B + 1); // path[j] = node of S[i-j .. i-1], -1 when absent
  // Initial entries ((S[16-j .. 15]), S[16]) for j = 1..16.
  for (let j = 1; j <= B; j++) {
    let n = 0;
    for (let p = B - 1; p >= B - j; p--) n = childOrCreate(n, S[p]!);
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
    for (let j = 1; j <= B; j++) {
      const parent = path[j - 1]!;
      const n = parent >= 0 ? child(parent, S[i - j]!) : -1;
      path[j] = n;
      if (n >= 0) depth = j;
    }
    let havePrediction = false;
    let prediction = 0;
    let maxCount = 0;
    for (let j = B; j > 0; j--) {
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
          if (path[jj]! < 0) path[jj] = childOrCreate(path[jj - 1]!, S[i - jj]!);
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
  let C = 0;
  let run = 0;
  let maxRun = 0;
  // pattern holds S[i-16 .. i-1], S[i-1] in bit 0.
  pattern = 0;
  for (let p = 1; p <= B; p++) pattern = (pattern << 1) | (S[p]! & 1);
  for (let i = B + 1; i < L; i++) {
    const y = S[i]! & 1;
    let havePrediction = false;
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
    havePrediction = maxCount > 0;
    if (havePrediction && prediction === y) {
      C++;
      if (++run > maxRun) maxRun = run;
    } else run = 0;
    pattern = ((pattern << 1) | y) & 0xffff;
  }
  return predictionEstimate('LZ78Y', '6.3.10', C, L - B - 1, maxRun, 2);
}
