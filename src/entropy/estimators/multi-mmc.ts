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
 * counts directly. All sixteen tables live in one flat array (order d at
 * offset 2^(d+2) - 4) to keep the inner loop free of indirection.
 */
function binaryMultiMmc(S: Uint8Array): PredictorEstimate {
  const L = S.length;
  const dict = new Int32Array((1 << (D + 2)) - 4);
  const dictElems = new Int32Array(D);
  let pattern = 0;
  for (let d = 0; d < D; d++) {
    pattern = (pattern << 1) | (S[d]! & 1);
    const loc = (1 << (d + 2)) - 4 + ((pattern & ((1 << (d + 1)) - 1)) << 1);
    dict[loc + (S[d + 1]! & 1)] = 1;
    dictElems[d] = 1;
  }
  const score = new Int32Array(D);
  let winner = 0;
  let C = 0;
  let run = 0;
  let maxRun = 0;
  // history holds S[i-16 .. i-1], S[i-1] in bit 0: the order-d prefix is its low d+1 bits.
  let history = S[0]! & 1;
  for (let i = 2; i < L; i++) {
    history = ((history << 1) | (S[i - 1]! & 1)) & 0xffff;
    const y = S[i]! & 1;
    const curWinner = winner;
    let found = false;
    let winnerCorrect = -1; // the previous leader's outcome, when it predicted
    const dMax = i - 2 < D - 1 ? i - 2 : D - 1;
    for (let d = 0; d <= dMax; d++) {
      const loc = (2 << (d + 1)) - 4 + ((history & ((2 << d) - 1)) << 1);
      if (d === 0 || found) {
        const c0 = dict[loc]!;
        const c1 = dict[loc + 1]!;
        // Branch-free (counts are < 2^31): the prediction is 1 unless c0 > c1
        // (ties predict the larger symbol, as the reference).
        const zeroWins = (c1 - c0) >>> 31;
        found = (c0 | c1) !== 0;
        if (found) {
          const correct = zeroWins ^ y;
          // Scoreboard: a correct prediction scores, and takes the lead when
          // it reaches the leader's score (the reference's ">=").
          const sc = score[d]! + correct;
          score[d] = sc;
          const take = correct & ((score[winner]! - sc - 1) >>> 31);
          winner += (d - winner) & -take;
          winnerCorrect = d === curWinner ? correct : winnerCorrect;
          const e = y === 0 ? c0 : c1;
          if (e !== 0) dict[loc + y] = e + 1;
          else if (dictElems[d]! < MAX_ENTRIES) {
            dict[loc + y] = 1;
            dictElems[d]!++;
          }
          continue;
        }
      }
      if (dictElems[d]! < MAX_ENTRIES) {
        dict[loc + y] = 1;
        dictElems[d]!++;
      }
    }
    if (winnerCorrect === 1) {
      C++;
      if (++run > maxRun) maxRun = run;
    } else if (winnerCorrect === 0) run = 0;
  }
  return predictionEstimate('MultiMMC', '6.3.9', C, L - 2, maxRun, 2);
}
