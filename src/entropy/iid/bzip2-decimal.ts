/**
 * The exact length libbzip2 (1.0.6, the version `libbzip2-wasm` is built from, and 1.0.8, whose
 * compressor is the same) gives a text of decimal numbers separated by single spaces, the text
 * of the SP 800-90B §5.1.11 compression statistic (./compression.ts), computed without
 * producing the compressed stream. Measured on the text of 10^6 random bytes (3.57 MB, 8
 * blocks): 137 ms against libbzip2-wasm's 256 ms; `estimate --iid` on those bytes went from
 * 5.6 to 3.8 s, and a shuffle of a 10^6-sample random walk (two blocks compressed before it
 * ranks) from 118 to 78 ms.
 *
 * What bzip2 does to a block, and what is computed here instead:
 *
 * 1. Run-length stage: runs of 4..255 equal bytes are shortened. A text whose words have at
 *    most 3 digits has no run of 4, so blocks are slices of the text, each ending at the first
 *    run end past 100,000·blockSize100k − 19 bytes (compression.ts bzip2BlockEnds). Anything
 *    else (another byte, a run of 4, two spaces, a word over 7 bytes) returns −1 and
 *    the caller asks libbzip2.
 * 2. Burrows–Wheeler transform: the rotations of the block are sorted and the byte before each
 *    is kept (L). The block is a cyclic sequence of words "digits + space" (the last, partial
 *    word joins the first where the block wraps around). Such words are prefix-free, so
 *    comparing two concatenations byte by byte is comparing their word sequences word by word.
 *    The cyclic word sequence (~140,000 words a block) is sorted by its first three words (two
 *    counting passes), ties by comparing on word by word when they are few (noise), else by
 *    prefix doubling on word ranks (Manber & Myers, "Suffix arrays: a new method for on-line
 *    string searches", SIAM J. Comput. 22(5), 1993, over cyclic shifts). A rotation that starts
 *    inside word i sorts by the rest of that word (itself "digits + space") and then by the
 *    word rotation starting at word i + 1. The ~500,000 rotations come out in order by one
 *    counting pass. Equal rotations have equal preceding bytes, so L does not depend on how
 *    ties are broken (bzip2's own sort breaks them by position; `origPtr` is 24 bits either
 *    way).
 * 3. Move-to-front and zero-run coding (compress.c generateMTFValues), as bzip2 does it.
 * 4. Huffman coding (compress.c sendMTFValues, huffman.c BZ2_hbMakeCodeLengths): the number of
 *    tables from the symbol count, the initial partition of the alphabet, four rounds of
 *    choosing a table per 50 symbols (the first cheapest) and rebuilding the code lengths
 *    (limit 17) with bzip2's heap and its tie order. Only sizes are needed: a group's cost
 *    under each table comes from the group's symbol histogram, made once, and the coded data
 *    is Σ (symbols coded with table t) × length, which the last round's frequencies give.
 *
 * The stream: 32-bit header; per block 48-bit magic, 32-bit CRC, 1 bit, 24-bit origPtr, the
 * symbol map (16 bits + 16 per range of 16 bytes in use), 3 + 15 bits, the selectors in unary
 * after move-to-front, each table's lengths as 5 bits and 2 bits per step + 1 per symbol, the
 * data; 80-bit trailer; padded to a byte. Blocks are not byte-aligned.
 *
 * Checked against libbzip2 on random, binary, three-valued, constant, periodic, repeated and
 * random-walk texts of 100 to 10^6 samples, one to three blocks
 * (test/entropy/iid/bzip2-decimal.test.ts).
 */

const SPACE = 0x20;
const ZERO = 0x30;
/** Longest word handled ("digits + space"); the wrap word joins two partial words. */
const MAX_WORD = 7;
/** More distinct words than this in a block: not the statistic's text, use libbzip2. */
const MAX_DISTINCT = 2048;
const HASH_SIZE = 8192;
/** 11^(MAX_WORD − len): pads a word's base-11 key (space 0, digits 1..10) so keys order as strings. */
const PAD = Array.from({ length: MAX_WORD + 1 }, (_, len) => 11 ** (MAX_WORD - len));

const N_GROUPS = 6;
const G_SIZE = 50;
const N_ITERS = 4;
const MAX_CODE_LEN = 17;
const LESSER_ICOST = 0;
const GREATER_ICOST = 15;

/**
 * Code lengths as BZ2_hbMakeCodeLengths (huffman.c) computes them: a binary heap of weights
 * (frequency << 8 | depth, a zero frequency counted as 1) merged two at a time; lengths over
 * `maxLen` halve the frequencies and start again.
 */
export function bzip2CodeLengths(freq: ArrayLike<number>, alphaSize: number, maxLen: number, len: Uint8Array): void {
  const heap = new Int32Array(alphaSize + 2);
  const weight = new Int32Array(alphaSize * 2);
  const parent = new Int32Array(alphaSize * 2);
  for (let i = 0; i < alphaSize; i++) weight[i + 1] = (freq[i] === 0 ? 1 : freq[i]!) << 8;
  for (;;) {
    let nNodes = alphaSize;
    let nHeap = 0;
    heap[0] = 0;
    weight[0] = 0;
    parent[0] = -2;
    const up = (z: number): void => {
      let zz = z;
      const tmp = heap[zz]!;
      while (weight[tmp]! < weight[heap[zz >> 1]!]!) {
        heap[zz] = heap[zz >> 1]!;
        zz >>= 1;
      }
      heap[zz] = tmp;
    };
    const down = (z: number): void => {
      let zz = z;
      const tmp = heap[zz]!;
      for (;;) {
        let yy = zz << 1;
        if (yy > nHeap) break;
        if (yy < nHeap && weight[heap[yy + 1]!]! < weight[heap[yy]!]!) yy++;
        if (weight[tmp]! < weight[heap[yy]!]!) break;
        heap[zz] = heap[yy]!;
        zz = yy;
      }
      heap[zz] = tmp;
    };
    for (let i = 1; i <= alphaSize; i++) {
      parent[i] = -1;
      heap[++nHeap] = i;
      up(nHeap);
    }
    while (nHeap > 1) {
      const n1 = heap[1]!;
      heap[1] = heap[nHeap--]!;
      down(1);
      const n2 = heap[1]!;
      heap[1] = heap[nHeap--]!;
      down(1);
      nNodes++;
      parent[n1] = parent[n2] = nNodes;
      const w1 = weight[n1]!;
      const w2 = weight[n2]!;
      weight[nNodes] = ((w1 & ~0xff) + (w2 & ~0xff)) | (1 + Math.max(w1 & 0xff, w2 & 0xff));
      parent[nNodes] = -1;
      heap[++nHeap] = nNodes;
      up(nHeap);
    }
    let tooLong = false;
    for (let i = 1; i <= alphaSize; i++) {
      let j = 0;
      for (let k = i; parent[k]! >= 0; k = parent[k]!) j++;
      len[i - 1] = j;
      if (j > maxLen) tooLong = true;
    }
    if (!tooLong) return;
    for (let i = 1; i <= alphaSize; i++) weight[i] = (1 + Math.floor((weight[i]! >> 8) / 2)) << 8;
  }
}

/**
 * bzip2HuffmanBits's group histograms (about 1 MB a 900 kB block), grown when needed and
 * reused: allocated per block, they were a megabyte of fresh pages per block, and with two
 * worker threads computing rounds (`estimate --iid --jobs 2`) each thread's rounds ran 1.2–1.3×
 * slower than alone, where two processes side by side ran at full speed.
 */
let histBuf = new Int32Array(0);

/** Bits of sendMTFValues' output (map, selectors, tables, data) for symbols `mtfv[0..nMTF)` over `alphaSize`. */
export function bzip2HuffmanBits(mtfv: Uint16Array, nMTF: number, mtfFreq: Int32Array, alphaSize: number): number {
  const nGroups = nMTF < 200 ? 2 : nMTF < 600 ? 3 : nMTF < 1200 ? 4 : nMTF < 2400 ? 5 : 6;
  // len[t·alphaSize + v]: table t's code length of symbol v.
  const len = new Uint8Array(N_GROUPS * alphaSize).fill(GREATER_ICOST);
  // Initial tables: the alphabet cut into nGroups ranges of about equal frequency.
  {
    let nPart = nGroups;
    let remF = nMTF;
    let gs = 0;
    while (nPart > 0) {
      const tFreq = Math.floor(remF / nPart);
      let ge = gs - 1;
      let aFreq = 0;
      while (aFreq < tFreq && ge < alphaSize - 1) aFreq += mtfFreq[++ge]!;
      if (ge > gs && nPart !== nGroups && nPart !== 1 && (nGroups - nPart) % 2 === 1) aFreq -= mtfFreq[ge--]!;
      const base = (nPart - 1) * alphaSize;
      for (let v = 0; v < alphaSize; v++) len[base + v] = v >= gs && v <= ge ? LESSER_ICOST : GREATER_ICOST;
      nPart--;
      gs = ge + 1;
      remF -= aFreq;
    }
  }
  // Each group's histogram, once: its cost under a table is Σ count × length.
  const nSelectors = Math.ceil(nMTF / G_SIZE);
  if (histBuf.length < nSelectors * alphaSize) histBuf = new Int32Array(nSelectors * alphaSize);
  const hist = histBuf.subarray(0, nSelectors * alphaSize);
  hist.fill(0);
  for (let g = 0, i = 0; g < nSelectors; g++) {
    const end = Math.min(nMTF, i + G_SIZE);
    const base = g * alphaSize;
    for (; i < end; i++) hist[base + mtfv[i]!]!++;
  }
  const selector = new Uint8Array(nSelectors);
  const rfreq = new Int32Array(N_GROUPS * alphaSize);
  const A = alphaSize;
  // Two tables' lengths per word (table 2k in the low 16 bits): a group's costs, at most
  // 50 × 17, add up without carrying into the other half, as in bzip2's own fast path.
  const pack = new Int32Array(3 * A);
  for (let iter = 0; iter < N_ITERS; iter++) {
    rfreq.fill(0);
    for (let v = 0; v < A; v++) {
      pack[3 * v] = (len[A + v]! << 16) | len[v]!;
      pack[3 * v + 1] = (len[3 * A + v]! << 16) | len[2 * A + v]!;
      pack[3 * v + 2] = (len[5 * A + v]! << 16) | len[4 * A + v]!;
    }
    for (let g = 0; g < nSelectors; g++) {
      const base = g * A;
      let c01 = 0;
      let c23 = 0;
      let c45 = 0;
      for (let v = 0; v < A; v++) {
        const c = hist[base + v]!;
        c01 += c * pack[3 * v]!;
        c23 += c * pack[3 * v + 1]!;
        c45 += c * pack[3 * v + 2]!;
      }
      // The first cheapest of the tables in use (tables past nGroups are never chosen).
      let bt = 0;
      let bc = c01 & 0xffff;
      const c1 = c01 >>> 16;
      if (c1 < bc) (bc = c1), (bt = 1);
      if (nGroups > 2 && (c23 & 0xffff) < bc) (bc = c23 & 0xffff), (bt = 2);
      if (nGroups > 3 && c23 >>> 16 < bc) (bc = c23 >>> 16), (bt = 3);
      if (nGroups > 4 && (c45 & 0xffff) < bc) (bc = c45 & 0xffff), (bt = 4);
      if (nGroups > 5 && c45 >>> 16 < bc) (bc = c45 >>> 16), (bt = 5);
      selector[g] = bt;
      const rb = bt * A;
      for (let v = 0; v < A; v++) rfreq[rb + v] += hist[base + v]!;
    }
    for (let t = 0; t < nGroups; t++) bzip2CodeLengths(rfreq.subarray(t * A, (t + 1) * A), A, MAX_CODE_LEN, len.subarray(t * A, (t + 1) * A));
  }
  let bits = 3 + 15;
  // Selectors: move-to-front positions in unary.
  const pos = Array.from({ length: nGroups }, (_, i) => i);
  for (let i = 0; i < nSelectors; i++) {
    const s = selector[i]!;
    let j = 0;
    while (pos[j] !== s) j++;
    for (let k = j; k > 0; k--) pos[k] = pos[k - 1]!;
    pos[0] = s;
    bits += j + 1;
  }
  for (let t = 0; t < nGroups; t++) {
    const base = t * A;
    bits += 5;
    let curr = len[base]!;
    for (let v = 0; v < A; v++) {
      const l = len[base + v]!;
      bits += 2 * Math.abs(l - curr) + 1 + rfreq[base + v]! * l;
      curr = l;
    }
  }
  return bits;
}

/**
 * A run of `run` zeros (the front symbol repeated) as generateMTFValues codes it: `run` in
 * bijective base 2, least significant digit first, digit 1 as symbol RUNA (0) and digit 2 as
 * RUNB (1), so 1 → A, 2 → B, 3 → AA, 4 → BA. Writes at mtfv[wr..], counts the symbols,
 * returns the new wr.
 */
function zeroRun(run: number, mtfv: Uint16Array, wr: number, mtfFreq: Int32Array): number {
  let z = run - 1;
  for (;;) {
    const sym = z & 1;
    mtfv[wr++] = sym;
    mtfFreq[sym]!++;
    if (z < 2) return wr;
    z = (z - 2) >> 1;
  }
}

/** Reusable buffers and the per-block computation. */
export class DecimalBzip2 {
  private cap = 0;
  private W = new Int32Array(0);
  private sa = new Int32Array(0);
  private sa2 = new Int32Array(0);
  private rank = new Int32Array(0);
  private tmp = new Int32Array(0);
  private L = new Uint8Array(0);
  private mtfv = new Uint16Array(0);
  private starts = new Int32Array(0);
  private readonly hashKey = new Int32Array(HASH_SIZE);
  private readonly hashIdx = new Int32Array(HASH_SIZE);

  /**
   * Compressed length in bytes that libbzip2 gives `text` at `blockSize100k`, or a number
   * larger than `above` that is at most that length once the blocks so far exceed it (ranking
   * only). −1 when the text is not decimal words as the statistic writes them (a byte other
   * than a digit or a space, a run of 4 equal bytes, a longer word or too many distinct words
   * in a block): then only libbzip2 itself can say.
   */
  length(text: Uint8Array, blockSize100k = 5, above = Infinity): number {
    if (text.length === 0) return 14; // header and trailer only
    const nblockMax = 100000 * blockSize100k - 19;
    let bits = 32 + 80;
    for (let start = 0; start < text.length; ) {
      // bzip2BlockEnds for a text without runs of 4 (the block checks that): a block ends at
      // the first run end at or past nblockMax bytes, unless fewer than 2 bytes would follow.
      let end = start + nblockMax;
      while (end < text.length && text[end] === text[end - 1]) end++;
      if (text.length - end < 2) end = text.length;
      const blockBits = this.blockBits(text.subarray(start, end));
      if (blockBits < 0) return -1;
      bits += blockBits;
      start = end;
      if (start < text.length && Math.ceil(bits / 8) > above) return Math.ceil(bits / 8);
    }
    return Math.ceil(bits / 8);
  }

  private ensure(n: number): void {
    if (n <= this.cap) return;
    this.cap = n;
    this.W = new Int32Array(n);
    this.sa = new Int32Array(n);
    this.sa2 = new Int32Array(n);
    this.rank = new Int32Array(n);
    this.tmp = new Int32Array(n);
    this.L = new Uint8Array(n);
    this.mtfv = new Uint16Array(n + 1);
  }

  /** Bits of one block (header to data), or −1 when the block is not decimal words. */
  private blockBits(block: Uint8Array): number {
    const n = block.length;
    this.ensure(n);
    const first = block.indexOf(SPACE);
    if (first < 0) return -1;
    // Words of the cyclic block, from the one after its first space; each word's distinct index.
    const W = this.W;
    const hashKey = this.hashKey.fill(-1);
    const hashIdx = this.hashIdx;
    const keys: number[] = [];
    const starts: number[] = []; // where each distinct word first occurs (as a cyclic offset)
    const lens: number[] = [];
    let m = 0;
    let key = 0;
    let wlen = 0;
    let wstart = first + 1;
    // Two passes, from the first space to the end and from the start to it: the cyclic block.
    for (let pass = 0; pass < 2; pass++) {
      const from = pass === 0 ? first + 1 : 0;
      const to = pass === 0 ? n : first + 1;
      for (let p = from; p < to; p++) {
        const c = block[p]!;
        wlen++;
        if (c !== SPACE) {
          const digit = c - ZERO;
          if (digit >>> 0 > 9) return -1;
          key = key * 11 + digit + 1;
          continue;
        }
        if (wlen > MAX_WORD) return -1; // too long to key
        // Two spaces in a row only where the block wraps around; in the text they could make a
        // run of 4, which bzip2's first stage would shorten.
        if (wlen === 1 && p !== 0) return -1;
        // A word of 4 digits or more may hold a run of 4, which bzip2's first stage would shorten.
        if (wlen > 4 && this.hasRun(block, wstart, wlen)) return -1;
        key = key * 11 * PAD[wlen]!;
        let h = Math.imul(key, 0x9e3779b1) >>> 19;
        let idx: number;
        for (;;) {
          const kk = hashKey[h]!;
          if (kk === key) {
            idx = hashIdx[h]!;
            break;
          }
          if (kk === -1) {
            if (keys.length >= MAX_DISTINCT) return -1;
            idx = keys.length;
            hashKey[h] = key;
            hashIdx[h] = idx;
            keys.push(key);
            starts.push(wstart);
            lens.push(wlen);
            break;
          }
          h = (h + 1) & (HASH_SIZE - 1);
        }
        W[m++] = idx;
        key = 0;
        wlen = 0;
        wstart = p + 1 >= n ? 0 : p + 1;
      }
    }
    // Ranks of the distinct words in string order; W holds ranks from here on.
    const a = keys.length;
    const order = Array.from({ length: a }, (_, i) => i).sort((x, y) => keys[x]! - keys[y]!);
    const rankOf = new Int32Array(a);
    order.forEach((d, r) => (rankOf[d] = r));
    for (let i = 0; i < m; i++) W[i] = rankOf[W[i]!]!;
    const wordAt = order.map((d) => ({ start: starts[d]!, len: lens[d]! }));

    const sa = this.sortWordRotations(m, a);

    // Rotations starting inside a word sort by the rest of the word, then by the rotation at the
    // next word. The rests of every distinct word, in string order, are the classes.
    const restKeys = new Map<number, number>();
    const rest: { cls: number; before: number }[][] = wordAt.map(({ start, len }) => {
      const out: { cls: number; before: number }[] = [];
      for (let o = 0; o < len; o++) {
        let rk = 0;
        for (let q = o; q < len; q++) {
          let p = start + q;
          if (p >= n) p -= n;
          const c = block[p]!;
          rk = rk * 11 + (c === SPACE ? 0 : c - ZERO + 1);
        }
        rk *= PAD[len - o]!;
        restKeys.set(rk, 0);
        let pb = start + o - 1;
        if (pb < 0) pb += n;
        if (pb >= n) pb -= n;
        out.push({ cls: rk, before: block[pb]! });
      }
      return out;
    });
    // The bytes in use: every byte of the block is in one of its words.
    const inUse = new Uint8Array(256);
    for (const { start, len } of wordAt) for (let q = 0; q < len; q++) inUse[block[(start + q) % n]!] = 1;
    const sortedRest = [...restKeys.keys()].sort((x, y) => x - y);
    sortedRest.forEach((k, i) => restKeys.set(k, i));
    const count = new Int32Array(sortedRest.length + 1);
    const wordCount = new Int32Array(a);
    for (let i = 0; i < m; i++) wordCount[W[i]!]!++;
    // Per word rank r, at r·MAX_WORD + o: the class of its rest from o, the byte before it.
    const wordLen = new Int32Array(a);
    const cls = new Int32Array(a * MAX_WORD);
    const before = new Uint8Array(a * MAX_WORD);
    rest.forEach((rs, r) => {
      wordLen[r] = rs.length;
      rs.forEach((x, o) => {
        const c = restKeys.get(x.cls)!;
        cls[r * MAX_WORD + o] = c;
        before[r * MAX_WORD + o] = x.before;
        count[c + 1] += wordCount[r]!;
      });
    });
    for (let c = 1; c < count.length; c++) count[c] += count[c - 1]!;
    const L = this.L;
    for (let r = 0; r < m; r++) {
      let i = sa[r]! - 1;
      if (i < 0) i += m;
      const w = W[i]!;
      const base = w * MAX_WORD;
      const end = base + wordLen[w]!;
      for (let q = base; q < end; q++) L[count[cls[q]!]!++] = before[q]!;
    }
    return this.codedBits(L.subarray(0, n), inUse);
  }

  /**
   * True when the word of `len` bytes at cyclic offset `start` has 4 equal bytes in a row in
   * the text. Where the word wraps around the block (offset 0) its two parts are not adjacent
   * in the text, so a run does not continue across.
   */
  private hasRun(block: Uint8Array, start: number, len: number): boolean {
    const n = block.length;
    let run = 0;
    let prev = -1;
    for (let q = 0; q < len; q++) {
      const p = (start + q) % n;
      const c = block[p]!;
      run = c === prev && p !== 0 ? run + 1 : 1;
      prev = c;
      if (run >= 4) return true;
    }
    return false;
  }

  /**
   * Order of the m rotations of the cyclic word sequence W (ranks < a): by their first three
   * words, then ties compared word by word when few, else prefix doubling.
   */
  private sortWordRotations(m: number, a: number): Int32Array {
    const W = this.W;
    const sa = this.sa;
    const sa2 = this.sa2;
    let rank = this.rank;
    let tmp = this.tmp;
    // The first three words as one key (a³ < 2^31), sorted by two counting passes of half the
    // key's bits each (least significant first).
    const span = m > 3 && a <= 1290 ? 3 : 1;
    const K = tmp;
    if (span === 3) {
      for (let i = 0; i + 2 < m; i++) K[i] = (W[i]! * a + W[i + 1]!) * a + W[i + 2]!;
      K[m - 2] = (W[m - 2]! * a + W[m - 1]!) * a + W[0]!;
      K[m - 1] = (W[m - 1]! * a + W[0]!) * a + W[1]!;
    } else {
      for (let i = 0; i < m; i++) K[i] = W[i]!;
    }
    const keyBits = Math.max(1, Math.ceil(Math.log2(span === 3 ? a * a * a : a)));
    const lowBits = keyBits >> 1;
    const lowMask = (1 << lowBits) - 1;
    const head = new Int32Array((1 << Math.max(lowBits, keyBits - lowBits)) + 1);
    const radixPass = (from: Int32Array | null, to: Int32Array, shift: number, mask: number): void => {
      head.fill(0);
      for (let i = 0; i < m; i++) head[((K[i]! >>> shift) & mask) + 1]!++;
      for (let c = 1; c < head.length; c++) head[c] += head[c - 1]!;
      for (let r = 0; r < m; r++) {
        const i = from === null ? r : from[r]!;
        to[head[(K[i]! >>> shift) & mask]!++] = i;
      }
    };
    radixPass(null, sa2, 0, lowMask);
    radixPass(sa2, sa, lowBits, (1 << (keyBits - lowBits)) - 1);
    // Rotations that share their first `span` words: few in noise. Then each such group is
    // sorted by comparing on, word by word; many (long repeats): prefix doubling from `span`.
    let tied = 0;
    for (let r = 1; r < m; r++) if (K[sa[r]!] === K[sa[r - 1]!]) tied++;
    if (span === 3 && tied <= m >> 5) {
      const compare = (x: number, y: number): number => {
        for (let q = 3, px = x + 3, py = y + 3; q < m; q++, px++, py++) {
          if (px >= m) px -= m;
          if (py >= m) py -= m;
          const d = W[px]! - W[py]!;
          if (d !== 0) return d;
        }
        return 0; // equal rotations: either order gives the same bytes
      };
      for (let r = 1; r < m; ) {
        if (K[sa[r]!] !== K[sa[r - 1]!]) {
          r++;
          continue;
        }
        let g = r + 1;
        while (g < m && K[sa[g]!] === K[sa[r - 1]!]) g++;
        sa.subarray(r - 1, g).sort(compare);
        r = g + 1;
      }
      return sa;
    }
    // Dense ranks of the first `span` words.
    let classes = 1;
    rank[sa[0]!] = 0;
    for (let r = 1; r < m; r++) {
      if (K[sa[r]!] !== K[sa[r - 1]!]) classes++;
      rank[sa[r]!] = classes - 1;
    }
    // Grow-only, like the arrays above: a fresh megabyte per block cost page faults, and with
    // worker threads each thread slowed the other (see histBuf).
    if (this.starts.length < m + 1) this.starts = new Int32Array(m + 1);
    let starts = this.starts;
    for (let h = span; classes < m && h < m; h *= 2) {
      // Class starts in the current order (sa is sorted by rank).
      if (starts.length < classes + 1) starts = new Int32Array(classes + 1);
      starts[0] = 0;
      for (let r = 1; r < m; r++) if (rank[sa[r]!] !== rank[sa[r - 1]!]) starts[rank[sa[r]!]!] = r;
      // Second key: the rank of i + h; positions i = j − h in the order of j.
      for (let r = 0; r < m; r++) {
        const j = sa[r]! - h;
        sa2[r] = j < 0 ? j + m : j;
      }
      for (let r = 0; r < m; r++) {
        const i = sa2[r]!;
        sa[starts[rank[i]!]!++] = i;
      }
      tmp[sa[0]!] = 0;
      let c = 0;
      for (let r = 1; r < m; r++) {
        const x = sa[r]!;
        const y = sa[r - 1]!;
        let xh = x + h;
        if (xh >= m) xh -= m;
        let yh = y + h;
        if (yh >= m) yh -= m;
        if (rank[x] !== rank[y] || rank[xh] !== rank[yh]) c++;
        tmp[x] = c;
      }
      const t = rank;
      rank = tmp;
      tmp = t;
      classes = c + 1;
    }
    this.rank = rank;
    this.tmp = tmp;
    return sa;
  }

  /** Bits of a block whose BWT output is L (bytes `inUse`): header, then generateMTFValues and sendMTFValues. */
  private codedBits(L: Uint8Array, inUse: Uint8Array): number {
    const unseqToSeq = new Uint8Array(256);
    let nInUse = 0;
    let ranges = 0;
    for (let i = 0; i < 256; i++) if (inUse[i]) unseqToSeq[i] = nInUse++;
    for (let r = 0; r < 16; r++) if (inUse.subarray(16 * r, 16 * r + 16).some((u) => u === 1)) ranges++;
    const EOB = nInUse + 1;
    const alphaSize = nInUse + 2;
    const mtfFreq = new Int32Array(alphaSize);
    const mtfv = this.mtfv;
    if (nInUse > 15) return -1; // not decimal text (the list below holds 15 symbols)
    // The move-to-front list as 4-bit symbols, positions 0..7 in lo and 8..14 in hi (unused
    // positions hold 15, never looked for). zPend counts a run of the front symbol (zeroRun).
    let lo = 0;
    let hi = 0;
    for (let pos = 14; pos >= 0; pos--) {
      const sym = pos < nInUse ? pos : 15;
      if (pos >= 8) hi = (hi << 4) | sym;
      else lo = (lo << 4) | sym;
    }
    hi |= 15 << 28;
    let wr = 0;
    let zPend = 0;
    for (let i = 0; i < L.length; i++) {
      const ll = unseqToSeq[L[i]!]!;
      if ((lo & 15) === ll) {
        zPend++;
        continue;
      }
      if (zPend > 0) {
        wr = zeroRun(zPend, mtfv, wr, mtfFreq);
        zPend = 0;
      }
      // Lowest nibble of lo (or hi) equal to ll: the lowest set bit of the zero-nibble test.
      const spread = ll * 0x11111111;
      let x = lo ^ spread;
      let z = (x - 0x11111111) & ~x & 0x88888888;
      let j: number;
      if (z !== 0) {
        j = (31 - Math.clz32(z & -z)) >> 2;
        // Positions 0..j−1 move up one; ll goes to the front.
        const low = (1 << (4 * j)) - 1;
        lo = (lo & ~((low << 4) | 15)) | ((lo & low) << 4) | ll;
      } else {
        x = hi ^ spread;
        z = (x - 0x11111111) & ~x & 0x88888888;
        const k = (31 - Math.clz32(z & -z)) >> 2;
        j = 8 + k;
        const low = (1 << (4 * k)) - 1;
        hi = (hi & ~((low << 4) | 15)) | ((hi & low) << 4) | (lo >>> 28);
        lo = (lo << 4) | ll;
      }
      mtfv[wr++] = j + 1;
      mtfFreq[j + 1]!++;
    }
    if (zPend > 0) wr = zeroRun(zPend, mtfv, wr, mtfFreq);
    mtfv[wr++] = EOB;
    mtfFreq[EOB]!++;
    return 48 + 32 + 1 + 24 + 16 + 16 * ranges + bzip2HuffmanBits(mtfv, wr, mtfFreq, alphaSize);
  }
}
