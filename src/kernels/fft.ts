/**
 * Double-precision FFTs for the Discrete Fourier Transform (spectral) test,
 * SP 800-22 Rev 1a §2.6.
 *
 * Why our own: the test counts |X_k| below a threshold, and sts-2.1.2 computes X
 * with a double-precision mixed-radix real FFT (FFTPACK's rfftf) for any n; the
 * default n = 10^6 = 2^6·5^6 is not a power of two. Float32 FFTs change that
 * count on ~1.5 % of random inputs (ECOSYSTEM.md), so they are not faithful.
 *
 * Method: a self-sorting (Stockham) decimation-in-time complex FFT with radix
 * 4, 2, 3 and 5 butterflies and a direct O(p²) butterfly for other primes
 * p ≤ 61; lengths with a larger prime factor go through Bluestein's chirp-z
 * algorithm on a 5-smooth length ≥ 2n − 1. A real FFT of even length n runs a
 * complex FFT of length n/2 on (x[2j], x[2j+1]) and untangles the halves.
 * Twiddles are cos/sin(2πj/n) computed directly (no recurrences), so the
 * error stays ~1e-16·log n relative to ‖x‖·√n.
 *
 * Memory (the spectral test runs at n = 10^6 and `sts` must stay small): a real
 * FFT of even length whose half length is 5-smooth runs in place on its one
 * pair of input arrays, loaded in digit-reversed order (no second work buffer),
 * and keeps a twiddle table only for the stages where it is small; the largest
 * stages read theirs from one table of cos/sin(2πm/n), m ≤ n/2, with the same
 * expressions, so the result is bit-for-bit the one of the out-of-place
 * (Stockham) path: 8 MB of arrays at n = 10^6 instead of 28 MB. With WebAssembly
 * the untangling's twiddles are kept too (4 MB at n = 10^6, ./fft-real-simd.ts):
 * computing their 5·10^5 cos and sin per stream took as long as the loader, the
 * untangling and the count together take now.
 *
 * Sign convention: forward, unnormalized, X_k = Σ_j x_j e^(−2πi jk/n).
 */

import type { KernelInstance } from './wasm-encoder.ts';
import { fftStagesSimd, fftTwiddleGather, pairTwiddles, type GatherFunction, type StageFunction } from './fft-stages-simd.ts';
import { fftRealSimd, untanglePairs, untangleTwiddles, type LoadBitsFunction, type UntangleFunction } from './fft-real-simd.ts';

const MAX_DIRECT_PRIME = 61;

/** Largest per-stage twiddle table (doubles) the in-place path keeps; larger stages compute theirs per call. */
const STAGE_TABLE_LIMIT = 1 << 16;
/**
 * Elements (complex, 16 bytes each) of the blocks the in-place path's first stages run on
 * one at a time: 512 KB, within a core's L2 cache here (2 MB; 256 KB–1 MB is common).
 */
const CACHE_BLOCK = 1 << 15;
/** Twiddles computed per chunk of this many k in the stages without a table. */
const TWIDDLE_CHUNK = 2048;
/** Doubles of one chunk's twiddles in the SIMD stages' layout (radix ≤ 5: 4 per q and pair of k). */
const SIMD_CHUNK_DOUBLES = 4 * 4 * Math.ceil(TWIDDLE_CHUNK / 2);
/** Positions per digitReversedChunk call of the in-place path's loaders. */
const REVERSAL_CHUNK = 4096;
/** Largest group of positions the WebAssembly bit loader reads through one base (./fft-real-simd.ts). */
const LOAD_GROUP = 64;

/**
 * cos and sin of the stage twiddle W_n^idx (idx < n), reflected about π to halve
 * the angle's rounding error. Both FFT paths get every twiddle from here, so
 * they compute identical values.
 */
function stageTwiddle(n: number, idx: number, out: Float64Array, o: number): void {
  const ang = (2 * Math.PI * Math.min(idx, n - idx)) / n;
  out[o] = Math.cos(ang);
  out[o + 1] = 2 * idx <= n ? Math.sin(ang) : -Math.sin(ang);
}

/**
 * cos and sin of 2πm/n for m = 0..⌊n/2⌋ (at 2m, 2m + 1): what stageTwiddle computes for
 * idx = m and, sin negated, for idx = n − m, so a twiddle read from here is bit for bit
 * the one computed there.
 */
function reflectedTable(n: number, t = new Float64Array(reflectedDoubles(n))): Float64Array {
  const half = Math.floor(n / 2);
  for (let m = 0; m <= half; m++) {
    const ang = (2 * Math.PI * m) / n;
    t[2 * m] = Math.cos(ang);
    t[2 * m + 1] = Math.sin(ang);
  }
  return t;
}

const reflectedDoubles = (n: number): number => 2 * (Math.floor(n / 2) + 1);

/** fillStageTwiddles from a reflectedTable(n): the same values, without a cos and a sin per twiddle. */
function copyStageTwiddles(n: number, p: number, sp: number, k0: number, k1: number, table: Float64Array, out: Float64Array): void {
  // q·k·sp < p·l·sp = n for k < l, so the reduction mod n of fillStageTwiddles is the identity.
  for (let k = k0, o = 0; k < k1; k++) {
    const step = k * sp;
    for (let q = 1, idx = step; q < p; q++, o += 2, idx += step) {
      const m = idx < n - idx ? idx : n - idx;
      out[o] = table[2 * m]!;
      out[o + 1] = 2 * idx <= n ? table[2 * m + 1]! : -table[2 * m + 1]!;
    }
  }
}

/** Fills out[(k − k0)·2(p−1) + 2(q−1)] with W_n^(q·k·sp) for k in [k0, k1), q = 1..p−1. */
function fillStageTwiddles(n: number, p: number, sp: number, k0: number, k1: number, out: Float64Array): void {
  for (let k = k0, o = 0; k < k1; k++) {
    for (let q = 1; q < p; q++, o += 2) stageTwiddle(n, (q * k * sp) % n, out, o);
  }
}

function factorize(n: number): number[] {
  const f: number[] = [];
  let m = n;
  while (m % 4 === 0) {
    f.push(4);
    m /= 4;
  }
  for (const p of [2, 3, 5]) {
    while (m % p === 0) {
      f.push(p);
      m /= p;
    }
  }
  for (let p = 7; p * p <= m; p += 2) {
    while (m % p === 0) {
      f.push(p);
      m /= p;
    }
  }
  if (m > 1) f.push(m);
  return f;
}

/** Smallest 2^a·3^b·5^c ≥ n. */
function smoothAtLeast(n: number): number {
  let best = Infinity;
  for (let p5 = 1; p5 < 2 * n; p5 *= 5) {
    for (let p35 = p5; p35 < 2 * n; p35 *= 3) {
      let v = p35;
      while (v < n) v *= 2;
      if (v < best) best = v;
    }
  }
  return best;
}

/** cos and sin of 2πj/n for j in [0, n), reflected about π to halve the angle error. */
function twiddleTable(n: number): { cos: Float64Array; sin: Float64Array } {
  const cos = new Float64Array(n);
  const sin = new Float64Array(n);
  const w = (2 * Math.PI) / n;
  for (let j = 0; j < n; j++) {
    if (2 * j <= n) {
      cos[j] = Math.cos(w * j);
      sin[j] = Math.sin(w * j);
    } else {
      cos[j] = Math.cos(w * (n - j));
      sin[j] = -Math.sin(w * (n - j));
    }
  }
  return { cos, sin };
}

/** A forward, unnormalized complex FFT plan of one length. */
export class ComplexFFT {
  readonly n: number;
  private readonly factors: number[];
  /**
   * True when every factor is 2, 3, 4 or 5 (and n > 1): `transformInPlace` is
   * available. Other lengths use the out-of-place path only.
   */
  readonly inPlace: boolean;
  // Out-of-place (Stockham) path, built on first use: full per-stage tables and a second buffer.
  private cos: Float64Array = new Float64Array(0);
  private sin: Float64Array = new Float64Array(0);
  /** Per stage: W_n^(q·k·s') for k < l, q = 1..p−1, as (cos, sin) pairs in k-major order. */
  private stageTw: Float64Array[] = [];
  private bufRe: Float64Array = new Float64Array(0);
  private bufIm: Float64Array = new Float64Array(0);
  // In-place path, built on first use: the stage tables within STAGE_TABLE_LIMIT (null: computed per call).
  private ipTw?: (Float64Array | null)[];
  /** The WebAssembly SIMD stages, their memory and where the twiddles are in it (attachSimd). */
  private simd?: {
    kernel: KernelInstance<StageFunction>;
    mem: Float64Array;
    tableByte: number[];
    chunkByte: number;
    /** The chunks' twiddles gathered in WebAssembly from the reflected table, at reflectedByte in the memory. */
    gather?: GatherFunction;
    reflectedByte: number;
  };
  private chunkTw?: Float64Array;
  /**
   * reflectedTable(n), for the in-place stages without a table of their own (4 MB at n = 500,000),
   * built on first use; in the SIMD kernel's memory once attached.
   */
  private reflected?: Float64Array;
  /** True when some in-place stage has no table of its own (inPlaceTables). */
  private chunked = false;
  /** digitReversedChunk's: the weight of pos's digit i in j, and the digits of the last position. */
  private jWeight?: Int32Array;
  private readonly digits: Int32Array;
  private readonly bluestein?: {
    m: number;
    sub: ComplexFFT;
    chirpRe: Float64Array;
    chirpIm: Float64Array;
    bRe: Float64Array;
    bIm: Float64Array;
    aRe: Float64Array;
    aIm: Float64Array;
  };

  constructor(n: number) {
    if (!Number.isInteger(n) || n < 1) throw new RangeError(`ComplexFFT: length must be a positive integer, got ${n}`);
    this.n = n;
    this.factors = factorize(n);
    this.inPlace = n > 1 && this.factors.every((p) => p <= 5);
    this.digits = new Int32Array(this.factors.length);
    const largest = this.factors.length ? Math.max(...this.factors) : 1;
    if (largest > MAX_DIRECT_PRIME) {
      // Bluestein: X_k = w_k · Σ_j (x_j w_j) conj(w_{k−j}), w_k = e^(−iπk²/n), a circular
      // convolution of length m ≥ 2n − 1 done with a smooth-length FFT.
      const m = smoothAtLeast(2 * n - 1);
      const sub = new ComplexFFT(m);
      const chirpRe = new Float64Array(n);
      const chirpIm = new Float64Array(n);
      let k2 = 0; // k² mod 2n, kept exact
      for (let k = 0; k < n; k++) {
        const ang = (Math.PI * k2) / n;
        chirpRe[k] = Math.cos(ang);
        chirpIm[k] = -Math.sin(ang);
        k2 = (k2 + 2 * k + 1) % (2 * n);
      }
      const bRe = new Float64Array(m);
      const bIm = new Float64Array(m);
      for (let k = 0; k < n; k++) {
        bRe[k] = chirpRe[k]!;
        bIm[k] = -chirpIm[k]!;
        if (k > 0) {
          bRe[m - k] = chirpRe[k]!;
          bIm[m - k] = -chirpIm[k]!;
        }
      }
      sub.transform(bRe, bIm);
      this.bluestein = { m, sub, chirpRe, chirpIm, bRe, bIm, aRe: new Float64Array(m), aIm: new Float64Array(m) };
    }
  }

  /** Builds the out-of-place path's tables and buffer once. */
  private stockham(): void {
    const n = this.n;
    if (this.bufRe.length === n) return;
    // The full table is only needed by the generic (p > 5) butterfly; the radix 2/3/4/5
    // stages read their own contiguous tables built below.
    if (this.factors.some((p) => p > 5)) ({ cos: this.cos, sin: this.sin } = twiddleTable(n));
    this.bufRe = new Float64Array(n);
    this.bufIm = new Float64Array(n);
    // Contiguous per-stage twiddles: late stages read them sequentially instead of
    // striding through the n-entry table (the FFT is memory-bound at n = 10^6).
    let l = 1;
    for (const p of this.factors) {
      const sp = n / (l * p);
      const tw = new Float64Array(2 * l * (p - 1));
      fillStageTwiddles(n, p, sp, 0, l, tw);
      this.stageTw.push(tw);
      l *= p;
    }
  }

  /** Replaces (re, im) by their forward DFT. */
  transform(re: Float64Array, im: Float64Array): void {
    const [r, i] = this.transformAny(re, im);
    if (r !== re) {
      re.set(r.subarray(0, this.n));
      im.set(i.subarray(0, this.n));
    }
  }

  /**
   * Calls `visit(j, pos)` for pos = 0..n−1 in order, pos being where the in-place
   * path wants input element j (the mixed-radix digit reversal of j over the
   * factors: j's most significant digit becomes pos's least significant).
   */
  digitReversal(visit: (j: number, pos: number) => void): void {
    const js = new Int32Array(Math.min(this.n, REVERSAL_CHUNK));
    for (let pos0 = 0; pos0 < this.n; pos0 += js.length) {
      const count = Math.min(js.length, this.n - pos0);
      this.digitReversedChunk(pos0, count, js);
      for (let c = 0; c < count; c++) visit(js[c]!, pos0 + c);
    }
  }

  /**
   * js[c] = the input element that position pos0 + c wants (c < count), as digitReversal.
   * In position order, a chunk at a time into a small array, so that a caller's load loop
   * writes its (large) arrays in order, and scatters only its reads, without a call per
   * element: for the spectral test the reads fall on 10^6 bits packed in 125 KB (in cache),
   * the writes on 8 MB (not).
   */
  digitReversedChunk(pos0: number, count: number, js: Int32Array): void {
    this.digitReversedGroups(0, pos0, count, js);
  }

  /**
   * The most leading factors g whose product G is at most `limit`, and G: positions
   * t·G .. t·G + G − 1 then want digitReversedGroups' base for t plus a fixed offset each.
   */
  groupDigits(limit: number): { g: number; size: number } {
    let g = 0;
    let size = 1;
    for (; g < this.factors.length && size * this.factors[g]! <= limit; g++) size *= this.factors[g]!;
    return { g, size };
  }

  /**
   * out[t] = the input element that position (group0 + t)·G wants, for t < count, with
   * G = f_0···f_(g−1) (g = 0: every position, as digitReversedChunk). The position's first g
   * digits are zero; the rest are counted as digitReversedChunk counts them, from digit g.
   */
  digitReversedGroups(g: number, group0: number, count: number, out: Int32Array): void {
    const f = this.factors;
    const m = f.length;
    let weight = this.jWeight;
    if (!weight) {
      weight = new Int32Array(m); // weight of digit i in j: f_(i+1)···f_(m−1)
      for (let i = m - 1, w = 1; i >= 0; w *= f[i]!, i--) weight[i] = w;
      this.jWeight = weight;
    }
    const digit = this.digits;
    let j = 0;
    for (let i = g, rest = group0; i < m; i++) {
      const d = rest % f[i]!;
      rest = (rest - d) / f[i]!;
      digit[i] = d;
      j += d * weight[i]!;
    }
    for (let t = 0; t < count; t++) {
      out[t] = j;
      // Increment digit g (radix f_g) with carries.
      for (let i = g; i < m; i++) {
        j += weight[i]!;
        if (++digit[i]! < f[i]!) break;
        j -= f[i]! * weight[i]!;
        digit[i] = 0;
      }
    }
  }

  /**
   * Forward DFT in place (inPlace lengths only): (re, im) hold the input in
   * digit-reversed order (`digitReversal`) and receive the DFT in natural order.
   * Decimation in time with the butterflies and twiddles of `transformAny`: the
   * same operations on the same values, only stored elsewhere, so the result is
   * bit-for-bit that of `transform`.
   */
  transformInPlace(re: Float64Array, im: Float64Array): void {
    const n = this.n;
    if (!this.inPlace) throw new Error(`ComplexFFT(${n}): no in-place transform for this length`);
    if (re.length < n || im.length < n) throw new RangeError(`ComplexFFT(${n}): arrays shorter than ${n}`);
    const ipTw = this.inPlaceTables();
    // Before a stage of radix p, block b (of sp = n/(l·p)) holds at b·l·p + q·l + k element k of
    // the length-l transforms of the p residue classes its butterflies combine; the stage
    // leaves element k + l·t of their length-l·p transform at b·l·p + t·l + k.
    //
    // Stage st works on blocks of l·p elements, each made of whole blocks of the stages
    // before it. So the first stages, up to a block of CACHE_BLOCK elements, run block by
    // block (all of them on one block while it is in cache, then the next block) instead of
    // each sweeping the whole array: the same butterflies on the same values, in another
    // order, and three sweeps of the arrays at n = 500,000 instead of nine.
    let l = 1;
    let st = 0;
    let block = 1;
    while (st < this.factors.length && block * this.factors[st]! <= CACHE_BLOCK && ipTw[st]) block *= this.factors[st++]!;
    if (st > 1) {
      for (let off = 0; off < n; off += block) {
        const r = re.subarray(off, off + block);
        const i = im.subarray(off, off + block);
        for (let s = 0, ls = 1; s < st; ls *= this.factors[s++]!) {
          const p = this.factors[s]!;
          this.runStage(p, r, i, ls, block / (ls * p), ipTw[s]!, 0, ls, s);
        }
      }
      l = block;
    } else {
      st = 0;
    }
    for (; st < this.factors.length; st++) {
      const p = this.factors[st]!;
      const sp = n / (l * p);
      const tw = ipTw[st]!;
      if (tw) this.runStage(p, re, im, l, sp, tw, 0, l, st);
      else {
        const chunk = this.chunkTw!;
        for (let k0 = 0; k0 < l; k0 += TWIDDLE_CHUNK) {
          const k1 = Math.min(l, k0 + TWIDDLE_CHUNK);
          if (this.gatheredStage(p, re, im, l, sp, k0, k1)) continue;
          this.reflected ??= reflectedTable(n);
          copyStageTwiddles(n, p, sp, k0, k1, this.reflected, chunk);
          this.runStage(p, re, im, l, sp, chunk, k0, k1, -1);
        }
      }
      l *= p;
    }
  }

  /** The in-place stages' twiddle tables (null: a stage whose table would be too big), built on first use. */
  private inPlaceTables(): (Float64Array | null)[] {
    if (this.ipTw) return this.ipTw;
    const n = this.n;
    const tables: (Float64Array | null)[] = [];
    let l = 1;
    for (const p of this.factors) {
      const size = 2 * l * (p - 1);
      let tw: Float64Array | null = null;
      if (size <= STAGE_TABLE_LIMIT) {
        tw = new Float64Array(size);
        fillStageTwiddles(n, p, n / (l * p), 0, l, tw);
      } else {
        this.chunkTw ??= new Float64Array(2 * TWIDDLE_CHUNK * 4);
        this.chunked = true;
      }
      tables.push(tw);
      l *= p;
    }
    this.ipTw = tables;
    return tables;
  }

  /**
   * Doubles the SIMD stages (./fft-stages-simd.ts) need for their twiddles: each stage
   * table in their layout, one chunk, and the reflected table when a stage has none.
   */
  simdTwiddleDoubles(): number {
    const tables = this.inPlaceTables();
    let total = SIMD_CHUNK_DOUBLES + (this.chunked ? reflectedDoubles(this.n) : 0);
    let l = 1;
    this.factors.forEach((p, st) => {
      if (tables[st]) total += 4 * (p - 1) * Math.ceil(l / 2);
      l *= p;
    });
    return total;
  }

  /**
   * Runs the radix-2/4/5 stages in WebAssembly SIMD when transformInPlace's arrays are views
   * of `kernel`'s memory: the twiddles go in that memory from byte `twiddleByte` on
   * (simdTwiddleDoubles of them).
   */
  attachSimd(kernel: KernelInstance<StageFunction>, twiddleByte: number): void {
    const tables = this.inPlaceTables();
    const mem = new Float64Array(kernel.memory.buffer);
    const at: number[] = [];
    let o = twiddleByte / 8;
    this.factors.forEach((p, st) => {
      const tw = tables[st];
      at.push(8 * o);
      if (tw) o += pairTwiddles(tw, p, tw.length / (2 * (p - 1)), mem, o);
    });
    const chunkByte = 8 * o;
    o += SIMD_CHUNK_DOUBLES;
    const reflectedByte = 8 * o;
    if (this.chunked) this.reflected = reflectedTable(this.n, mem.subarray(o, o + reflectedDoubles(this.n)));
    this.simd = { kernel, mem, tableByte: at, chunkByte, gather: fftTwiddleGather(kernel.memory), reflectedByte };
  }

  /**
   * A chunk k0 ≤ k < k1 of a stage without a table, twiddles gathered and butterflies run in
   * WebAssembly; false when the arrays are not in its memory or it does not do radix p.
   */
  private gatheredStage(p: number, re: Float64Array, im: Float64Array, l: number, sp: number, k0: number, k1: number): boolean {
    const simd = this.simd;
    if (!simd?.gather || re.buffer !== simd.mem.buffer || im.buffer !== simd.mem.buffer) return false;
    simd.gather(simd.reflectedByte, this.n, p, sp, k0, k1 - k0, simd.chunkByte);
    return simd.kernel.fn(p, re.byteOffset, im.byteOffset, l, sp, simd.chunkByte, k0, k1 - k0) === 1;
  }

  /**
   * Stage butterflies over blocks b < sp and k0 ≤ k < k1 with twiddles tw (stage table st,
   * or −1: a chunk of a stage without one), in WebAssembly when the arrays are in its memory.
   */
  private runStage(p: number, re: Float64Array, im: Float64Array, l: number, sp: number, tw: Float64Array, k0: number, k1: number, st: number): void {
    const simd = this.simd;
    if (simd && re.buffer === simd.mem.buffer && im.buffer === simd.mem.buffer) {
      const twByte = st >= 0 ? simd.tableByte[st]! : simd.chunkByte;
      if (st < 0) pairTwiddles(tw, p, k1 - k0, simd.mem, simd.chunkByte / 8);
      if (simd.kernel.fn(p, re.byteOffset, im.byteOffset, l, sp, twByte, k0, k1 - k0) === 1) return;
    }
    inPlaceStage(p, re, im, l, sp, tw, k0, k1);
  }

  /**
   * Forward DFT of (re, im), which are overwritten; returns the arrays holding the
   * result: (re, im) or the plan's own buffers (valid until the next call). Saves
   * the final copy of `transform` when the number of stages is odd.
   */
  transformAny(re: Float64Array, im: Float64Array): [Float64Array, Float64Array] {
    const n = this.n;
    if (re.length < n || im.length < n) throw new RangeError(`ComplexFFT(${n}): arrays shorter than ${n}`);
    if (this.bluestein) {
      this.transformBluestein(re, im);
      return [re, im];
    }
    this.stockham();
    let inRe = re;
    let inIm = im;
    let outRe = this.bufRe;
    let outIm = this.bufIm;
    let l = 1;
    let s = n;
    for (let st = 0; st < this.factors.length; st++) {
      const p = this.factors[st]!;
      const tw = this.stageTw[st]!;
      const sp = s / p;
      if (p === 4) radix4(inRe, inIm, outRe, outIm, l, s, sp, tw);
      else if (p === 2) radix2(inRe, inIm, outRe, outIm, l, s, sp, tw);
      else if (p === 3) radix3(inRe, inIm, outRe, outIm, l, s, sp, tw);
      else if (p === 5) radix5(inRe, inIm, outRe, outIm, l, s, sp, tw);
      else this.radixGeneric(inRe, inIm, outRe, outIm, l, s, sp, p);
      const tr = inRe;
      const ti = inIm;
      inRe = outRe;
      inIm = outIm;
      outRe = tr;
      outIm = ti;
      l *= p;
      s = sp;
    }
    return [inRe, inIm];
  }
  // Stage layout (Stockham DIT): before a stage of radix p, element k of the length-l
  // transform of residue class r (stride s = n/l) is at k·s + r. Butterfly (k, r) reads
  // the p classes r + q·s' (s' = s/p), twiddles them by W_{l·p}^{q·k} = W_n^{q·k·s'}, and
  // writes element k + l·t of class r at (k + l·t)·s' + r.









  private radixGeneric(
    xr: Float64Array,
    xi: Float64Array,
    yr: Float64Array,
    yi: Float64Array,
    l: number,
    s: number,
    sp: number,
    p: number,
  ): void {
    const c = this.cos;
    const sn = this.sin;
    const n = this.n;
    const ostride = l * sp;
    const ar = new Float64Array(p);
    const ai = new Float64Array(p);
    const step = n / p; // W_p^j = W_n^(j·n/p)
    for (let k = 0; k < l; k++) {
      const ib = k * s;
      const ob = k * sp;
      for (let r = 0; r < sp; r++) {
        const i0 = ib + r;
        for (let q = 0; q < p; q++) {
          const t = (q * k * sp) % n;
          const vr = xr[i0 + q * sp]!;
          const vi = xi[i0 + q * sp]!;
          ar[q] = vr * c[t]! + vi * sn[t]!;
          ai[q] = vi * c[t]! - vr * sn[t]!;
        }
        for (let u = 0; u < p; u++) {
          let sr = 0;
          let si = 0;
          for (let q = 0; q < p; q++) {
            const t = ((q * u) % p) * step;
            sr += ar[q]! * c[t]! + ai[q]! * sn[t]!;
            si += ai[q]! * c[t]! - ar[q]! * sn[t]!;
          }
          yr[ob + r + u * ostride] = sr;
          yi[ob + r + u * ostride] = si;
        }
      }
    }
  }

  private transformBluestein(re: Float64Array, im: Float64Array): void {
    const b = this.bluestein!;
    const n = this.n;
    const { m, chirpRe, chirpIm, aRe, aIm } = b;
    aRe.fill(0);
    aIm.fill(0);
    for (let k = 0; k < n; k++) {
      const xr = re[k]!;
      const xi = im[k]!;
      aRe[k] = xr * chirpRe[k]! - xi * chirpIm[k]!;
      aIm[k] = xr * chirpIm[k]! + xi * chirpRe[k]!;
    }
    b.sub.transform(aRe, aIm);
    // Pointwise product, conjugated so the forward FFT computes the inverse.
    for (let k = 0; k < m; k++) {
      const xr = aRe[k]!;
      const xi = aIm[k]!;
      const yr = b.bRe[k]!;
      const yi = b.bIm[k]!;
      aRe[k] = xr * yr - xi * yi;
      aIm[k] = -(xr * yi + xi * yr);
    }
    b.sub.transform(aRe, aIm);
    for (let k = 0; k < n; k++) {
      const cr = aRe[k]! / m;
      const ci = -aIm[k]! / m;
      re[k] = cr * chirpRe[k]! - ci * chirpIm[k]!;
      im[k] = cr * chirpIm[k]! + ci * chirpRe[k]!;
    }
  }
}

/**
 * Forward DFT of a real sequence of any length n ≥ 1: `transform` writes bins
 * 0..⌊n/2⌋ (the rest are their conjugates).
 */
export class RealFFT {
  readonly n: number;
  /** Number of bins written: ⌊n/2⌋ + 1. */
  readonly bins: number;
  private readonly half?: ComplexFFT;
  private readonly full?: ComplexFFT;
  private readonly zr: Float64Array;
  private readonly zi: Float64Array;
  /** The loaders' chunk of digit-reversed indices. */
  private readonly js = new Int32Array(REVERSAL_CHUNK);
  /**
   * The bit loader and the untangling in WebAssembly (./fft-real-simd.ts), on the stages'
   * memory: where the untangling's twiddles, the packed bits and the index chunk are in it.
   */
  private readonly real?: {
    untangle: UntangleFunction;
    loadBits: LoadBitsFunction;
    pairs: number;
    twByte: number;
    words: Uint32Array;
    /** The loader's groups: g leading digits, G positions each, their offsets, then a chunk of bases. */
    g: number;
    size: number;
    offsetsByte: number;
    bases: Int32Array;
  };

  /** True when the transform's in-place stages run in WebAssembly SIMD (./fft-stages-simd.ts). */
  readonly simd: boolean;

  /** `simd: false` keeps the TypeScript stages (for tests against the WebAssembly ones). */
  constructor(n: number, opts: { simd?: boolean } = {}) {
    if (!Number.isInteger(n) || n < 1) throw new RangeError(`RealFFT: length must be a positive integer, got ${n}`);
    this.n = n;
    this.bins = Math.floor(n / 2) + 1;
    if (n % 2 === 0) {
      const h = n / 2;
      this.half = new ComplexFFT(h);
      // The in-place stages run in WebAssembly SIMD on z in its memory (re, im, the twiddles,
      // and 16 bytes the last butterfly's unused lane may read past them).
      // After them: the untangling's twiddles, the packed input bits and the loader's index chunk
      // (./fft-real-simd.ts).
      const stagesEnd = 16 * h + 8 * this.half.simdTwiddleDoubles() + 16;
      const pairs = untanglePairs(h);
      const wordsByte = stagesEnd + 32 * pairs;
      const nWords = Math.ceil(n / 32);
      const { g, size } = this.half.groupDigits(LOAD_GROUP);
      const offsetsByte = wordsByte + 4 * nWords;
      const jsByte = offsetsByte + 4 * size;
      const kernel = this.half.inPlace && opts.simd !== false ? fftStagesSimd(jsByte + 4 * REVERSAL_CHUNK) : undefined;
      const real = kernel ? fftRealSimd(kernel.memory) : undefined;
      if (kernel) {
        this.zr = new Float64Array(kernel.memory.buffer, 0, h);
        this.zi = new Float64Array(kernel.memory.buffer, 8 * h, h);
        this.half.attachSimd(kernel, 16 * h);
        this.simd = true;
      } else {
        this.zr = new Float64Array(h);
        this.zi = new Float64Array(h);
        this.simd = false;
      }
      if (kernel && real) {
        untangleTwiddles(n, pairs, new Float64Array(kernel.memory.buffer), stagesEnd / 8);
        this.half.digitReversedChunk(0, size, new Int32Array(kernel.memory.buffer, offsetsByte, size));
        const words = new Uint32Array(kernel.memory.buffer, wordsByte, nWords);
        const bases = new Int32Array(kernel.memory.buffer, jsByte, Math.floor(REVERSAL_CHUNK / size));
        this.real = { ...real, pairs, twByte: stagesEnd, words, g, size, offsetsByte, bases };
      }
    } else {
      this.simd = false;
      this.full = new ComplexFFT(n);
      this.zr = new Float64Array(n);
      this.zi = new Float64Array(n);
    }
  }

  /**
   * DFT of x (length n) into outRe/outIm (length ≥ ⌊n/2⌋ + 1).
   */
  transform(x: ArrayLike<number>, outRe: Float64Array, outIm: Float64Array): void {
    const n = this.n;
    const zr = this.zr;
    const zi = this.zi;
    if (this.full) {
      for (let j = 0; j < n; j++) zr[j] = x[j]!;
      zi.fill(0);
      this.full.transform(zr, zi);
      for (let k = 0; k < this.bins; k++) {
        outRe[k] = zr[k]!;
        outIm[k] = zi[k]!;
      }
      return;
    }
    const { re, im, nyquist } = this.halfSpectrum(x);
    const h = n / 2;
    for (let k = 0; k < h; k++) {
      outRe[k] = re[k]!;
      outIm[k] = im[k]!;
    }
    outRe[h] = nyquist;
    outIm[h] = 0;
  }

  /**
   * Even n only: bins 0..n/2 − 1 of the DFT of x (n values), computed
   * in place in arrays the plan owns (valid until the next call), plus the real
   * Nyquist bin X_{n/2}. No output allocation and no copy: what the DFT test
   * needs at n = 10^6.
   */
  halfSpectrum(x: ArrayLike<number>): { re: Float64Array; im: Float64Array; nyquist: number } {
    const half = this.evenHalf();
    const zr = this.zr;
    const zi = this.zi;
    this.loadChunks(half, (pos0, count, js) => {
      for (let c = 0; c < count; c++) {
        const j = js[c]!;
        zr[pos0 + c] = x[2 * j]!;
        zi[pos0 + c] = x[2 * j + 1]!;
      }
    });
    return this.untangle(half);
  }

  /**
   * halfSpectrum of x_i = 2ε_i − 1 for the bits ε (bit i at 31 − (i mod 32) of word
   * i/32), read straight from the packed words: what the spectral test transforms. With t2,
   * `below` is the number of bins k < n/2 with re² + im² < t2 (the test's N1), counted as
   * they are untangled; without, −1.
   */
  halfSpectrumOfBits(words: Uint32Array, t2?: number): { re: Float64Array; im: Float64Array; nyquist: number; below: number } {
    const half = this.evenHalf();
    const zr = this.zr;
    const zi = this.zi;
    const real = this.real;
    if (real) {
      real.words.set(words.subarray(0, real.words.length));
      const { g, size, bases } = real;
      const groups = half.n / size;
      for (let t0 = 0; t0 < groups; t0 += bases.length) {
        const count = Math.min(bases.length, groups - t0);
        half.digitReversedGroups(g, t0, count, bases);
        const e = 8 * t0 * size;
        real.loadBits(real.words.byteOffset, bases.byteOffset, count, real.offsetsByte, size, zr.byteOffset + e, zi.byteOffset + e);
      }
      return this.untangle(half, t2);
    }
    this.loadChunks(half, (pos0, count, js) => {
      for (let c = 0; c < count; c++) {
        // Bits 2j and 2j + 1 are in the same word (31 − (2j mod 32) and the bit below it).
        const i = 2 * js[c]!;
        const w = words[i >>> 5]! >>> (30 - (i & 31));
        zr[pos0 + c] = ((w >>> 1) & 1) * 2 - 1;
        zi[pos0 + c] = (w & 1) * 2 - 1;
      }
    });
    return this.untangle(half, t2);
  }

  /**
   * Loading z_j = x_2j + i·x_(2j+1) where the transform wants it: calls fill(pos0, count, js)
   * for chunks of positions, js[c] being the j that position pos0 + c holds (j = position for
   * the out-of-place transform, which takes its input in natural order).
   */
  private loadChunks(half: ComplexFFT, fill: (pos0: number, count: number, js: Int32Array) => void): void {
    const js = this.js;
    for (let pos0 = 0; pos0 < half.n; pos0 += js.length) {
      const count = Math.min(js.length, half.n - pos0);
      if (half.inPlace) half.digitReversedChunk(pos0, count, js);
      else for (let c = 0; c < count; c++) js[c] = pos0 + c;
      fill(pos0, count, js);
    }
  }

  private evenHalf(): ComplexFFT {
    if (!this.half) throw new Error('RealFFT.halfSpectrum(): only for even lengths');
    return this.half;
  }

  /** Transforms the loaded z (zr, zi) and untangles the half spectrum in place. */
  private untangle(half: ComplexFFT, t2?: number): { re: Float64Array; im: Float64Array; nyquist: number; below: number } {
    const h = half.n;
    let Zr = this.zr;
    let Zi = this.zi;
    if (half.inPlace) half.transformInPlace(Zr, Zi);
    else [Zr, Zi] = half.transformAny(Zr, Zi);
    // With Z = FFT(x_even + i·x_odd): E_k = (Z_k + conj Z_{h−k})/2, O_k = (Z_k − conj Z_{h−k})/(2i),
    // X_k = E_k + W_n^k·O_k for k < h, and X_h = E_0 − O_0. X_k and X_{h−k} depend only on
    // Z_k and Z_{h−k}, so each pair is untangled in place. W_n^k is computed here (k ≤ h/2;
    // W_n^(h−k) = −conj(W_n^k) gives the rest) rather than kept in an h-entry table.
    const w = (2 * Math.PI) / this.n;
    const z0r = Zr[0]!;
    const z0i = Zi[0]!;
    Zr[0] = z0r + z0i;
    Zi[0] = 0;
    // The pairs of bins whose mirrors lie above them in WebAssembly (with their count), the
    // few left in the middle here.
    const real = this.real && Zr === this.zr ? this.real : undefined;
    let first = 1;
    let below = t2 === undefined ? -1 : 0;
    if (real) {
      const counted = real.untangle(Zr.byteOffset, Zi.byteOffset, real.twByte, h, 1, real.pairs, t2 ?? 0);
      if (t2 !== undefined) below = counted;
      first = 1 + 2 * real.pairs;
    }
    for (let k = first; 2 * k <= h; k++) {
      const j = h - k;
      const a = Zr[k]!;
      const b = Zi[k]!;
      const cc = Zr[j]!;
      const d = Zi[j]!;
      const ck = Math.cos(w * k);
      const sk = Math.sin(w * k);
      // Bin k from (Z_k, Z_j).
      let er = 0.5 * (a + cc);
      let ei = 0.5 * (b - d);
      let or = 0.5 * (b + d);
      let oi = -0.5 * (a - cc);
      let wr = ck;
      let wi = -sk;
      const xkr = er + wr * or - wi * oi;
      const xki = ei + wr * oi + wi * or;
      // Bin j from (Z_j, Z_k).
      er = 0.5 * (cc + a);
      ei = 0.5 * (d - b);
      or = 0.5 * (d + b);
      oi = -0.5 * (cc - a);
      wr = -ck; // W_n^j = −conj(W_n^k) for j = h − k
      wi = -sk;
      Zr[j] = er + wr * or - wi * oi;
      Zi[j] = ei + wr * oi + wi * or;
      Zr[k] = xkr;
      Zi[k] = xki;
    }
    if (t2 !== undefined) {
      // Bin 0 and the bins first .. h − first, untangled here (all of them without the kernel).
      if (Zr[0]! * Zr[0]! + Zi[0]! * Zi[0]! < t2) below++;
      for (let k = first; k <= h - first; k++) if (Zr[k]! * Zr[k]! + Zi[k]! * Zi[k]! < t2) below++;
    }
    return { re: Zr, im: Zi, nyquist: z0r - z0i, below };
  }
}

const plans = new Map<number, RealFFT>();

/** A cached RealFFT plan (the last few lengths are kept; plans hold O(n) buffers). */
export function realFFTPlan(n: number): RealFFT {
  let p = plans.get(n);
  if (!p) {
    p = new RealFFT(n);
    if (plans.size >= 3) plans.delete(plans.keys().next().value!);
    plans.set(n, p);
  }
  return p;
}

/** Convenience: bins 0..⌊n/2⌋ of the DFT of a real sequence. */
export function realFFT(x: ArrayLike<number>): { re: Float64Array; im: Float64Array } {
  const plan = realFFTPlan(x.length);
  const re = new Float64Array(plan.bins);
  const im = new Float64Array(plan.bins);
  plan.transform(x, re, im);
  return { re, im };
}

/** One in-place stage of radix p over k in [k0, k1), twiddles tw[(k − k0)·2(p−1) + 2(q−1)]. */
function inPlaceStage(p: number, xr: Float64Array, xi: Float64Array, l: number, sp: number, tw: Float64Array, k0: number, k1: number): void {
  if (p === 4) inPlace4(xr, xi, l, sp, tw, k0, k1);
  else if (p === 2) inPlace2(xr, xi, l, sp, tw, k0, k1);
  else if (p === 3) inPlace3(xr, xi, l, sp, tw, k0, k1);
  else inPlace5(xr, xi, l, sp, tw, k0, k1);
}

// The in-place butterflies repeat the arithmetic of radix2..radix5 below expression for
// expression (the bit-identity of the two paths rests on it); only the indices differ.

function inPlace2(xr: Float64Array, xi: Float64Array, l: number, sp: number, tw: Float64Array, k0: number, k1: number): void {
  for (let b = 0; b < sp; b++) {
    const base = b * 2 * l;
    for (let k = k0; k < k1; k++) {
      const tb = (k - k0) * 2;
      const w1r = tw[tb + 0]!;
      const w1i = tw[tb + 1]!;
      const i0 = base + k;
      const i1 = i0 + l;
      const a0r = xr[i0]!;
      const a0i = xi[i0]!;
      const x1r = xr[i1]!;
      const x1i = xi[i1]!;
      const a1r = x1r * w1r + x1i * w1i;
      const a1i = x1i * w1r - x1r * w1i;
      xr[i0] = a0r + a1r;
      xi[i0] = a0i + a1i;
      xr[i1] = a0r - a1r;
      xi[i1] = a0i - a1i;
    }
  }
}

function inPlace4(xr: Float64Array, xi: Float64Array, l: number, sp: number, tw: Float64Array, k0: number, k1: number): void {
  for (let b = 0; b < sp; b++) {
    const base = b * 4 * l;
    for (let k = k0; k < k1; k++) {
      const tb = (k - k0) * 6;
      const w1r = tw[tb + 0]!;
      const w1i = tw[tb + 1]!;
      const w2r = tw[tb + 2]!;
      const w2i = tw[tb + 3]!;
      const w3r = tw[tb + 4]!;
      const w3i = tw[tb + 5]!;
      const i0 = base + k;
      const i1 = i0 + l;
      const i2 = i1 + l;
      const i3 = i2 + l;
      const a0r = xr[i0]!;
      const a0i = xi[i0]!;
      let xr_ = xr[i1]!;
      let xi_ = xi[i1]!;
      const a1r = xr_ * w1r + xi_ * w1i;
      const a1i = xi_ * w1r - xr_ * w1i;
      xr_ = xr[i2]!;
      xi_ = xi[i2]!;
      const a2r = xr_ * w2r + xi_ * w2i;
      const a2i = xi_ * w2r - xr_ * w2i;
      xr_ = xr[i3]!;
      xi_ = xi[i3]!;
      const a3r = xr_ * w3r + xi_ * w3i;
      const a3i = xi_ * w3r - xr_ * w3i;
      const t0r = a0r + a2r;
      const t0i = a0i + a2i;
      const t1r = a0r - a2r;
      const t1i = a0i - a2i;
      const t2r = a1r + a3r;
      const t2i = a1i + a3i;
      const t3r = a1r - a3r;
      const t3i = a1i - a3i;
      xr[i0] = t0r + t2r;
      xi[i0] = t0i + t2i;
      xr[i1] = t1r + t3i;
      xi[i1] = t1i - t3r;
      xr[i2] = t0r - t2r;
      xi[i2] = t0i - t2i;
      xr[i3] = t1r - t3i;
      xi[i3] = t1i + t3r;
    }
  }
}

function inPlace3(xr: Float64Array, xi: Float64Array, l: number, sp: number, tw: Float64Array, k0: number, k1: number): void {
  const S3 = Math.sqrt(3) / 2;
  for (let b = 0; b < sp; b++) {
    const base = b * 3 * l;
    for (let k = k0; k < k1; k++) {
      const tb = (k - k0) * 4;
      const w1r = tw[tb + 0]!;
      const w1i = tw[tb + 1]!;
      const w2r = tw[tb + 2]!;
      const w2i = tw[tb + 3]!;
      const i0 = base + k;
      const i1 = i0 + l;
      const i2 = i1 + l;
      const a0r = xr[i0]!;
      const a0i = xi[i0]!;
      let xr_ = xr[i1]!;
      let xi_ = xi[i1]!;
      const a1r = xr_ * w1r + xi_ * w1i;
      const a1i = xi_ * w1r - xr_ * w1i;
      xr_ = xr[i2]!;
      xi_ = xi[i2]!;
      const a2r = xr_ * w2r + xi_ * w2i;
      const a2i = xi_ * w2r - xr_ * w2i;
      const sr = a1r + a2r;
      const si = a1i + a2i;
      const mr = a0r - 0.5 * sr;
      const mi = a0i - 0.5 * si;
      const dr = S3 * (a1r - a2r);
      const di = S3 * (a1i - a2i);
      xr[i0] = a0r + sr;
      xi[i0] = a0i + si;
      xr[i1] = mr + di;
      xi[i1] = mi - dr;
      xr[i2] = mr - di;
      xi[i2] = mi + dr;
    }
  }
}

function inPlace5(xr: Float64Array, xi: Float64Array, l: number, sp: number, tw: Float64Array, k0: number, k1: number): void {
  const C1 = Math.cos((2 * Math.PI) / 5);
  const C2 = Math.cos((4 * Math.PI) / 5);
  const S1 = Math.sin((2 * Math.PI) / 5);
  const S2 = Math.sin((4 * Math.PI) / 5);
  for (let b = 0; b < sp; b++) {
    const base = b * 5 * l;
    for (let k = k0; k < k1; k++) {
      const tb = (k - k0) * 8;
      const w1r = tw[tb + 0]!;
      const w1i = tw[tb + 1]!;
      const w2r = tw[tb + 2]!;
      const w2i = tw[tb + 3]!;
      const w3r = tw[tb + 4]!;
      const w3i = tw[tb + 5]!;
      const w4r = tw[tb + 6]!;
      const w4i = tw[tb + 7]!;
      const i0 = base + k;
      const i1 = i0 + l;
      const i2 = i1 + l;
      const i3 = i2 + l;
      const i4 = i3 + l;
      const a0r = xr[i0]!;
      const a0i = xi[i0]!;
      let xr_ = xr[i1]!;
      let xi_ = xi[i1]!;
      const a1r = xr_ * w1r + xi_ * w1i;
      const a1i = xi_ * w1r - xr_ * w1i;
      xr_ = xr[i2]!;
      xi_ = xi[i2]!;
      const a2r = xr_ * w2r + xi_ * w2i;
      const a2i = xi_ * w2r - xr_ * w2i;
      xr_ = xr[i3]!;
      xi_ = xi[i3]!;
      const a3r = xr_ * w3r + xi_ * w3i;
      const a3i = xi_ * w3r - xr_ * w3i;
      xr_ = xr[i4]!;
      xi_ = xi[i4]!;
      const a4r = xr_ * w4r + xi_ * w4i;
      const a4i = xi_ * w4r - xr_ * w4i;
      const t1r = a1r + a4r;
      const t1i = a1i + a4i;
      const t2r = a2r + a3r;
      const t2i = a2i + a3i;
      const t3r = a1r - a4r;
      const t3i = a1i - a4i;
      const t4r = a2r - a3r;
      const t4i = a2i - a3i;
      const m1r = a0r + C1 * t1r + C2 * t2r;
      const m1i = a0i + C1 * t1i + C2 * t2i;
      const m2r = a0r + C2 * t1r + C1 * t2r;
      const m2i = a0i + C2 * t1i + C1 * t2i;
      const n1r = S1 * t3r + S2 * t4r;
      const n1i = S1 * t3i + S2 * t4i;
      const n2r = S2 * t3r - S1 * t4r;
      const n2i = S2 * t3i - S1 * t4i;
      xr[i0] = a0r + t1r + t2r;
      xi[i0] = a0i + t1i + t2i;
      xr[i1] = m1r + n1i;
      xi[i1] = m1i - n1r;
      xr[i4] = m1r - n1i;
      xi[i4] = m1i + n1r;
      xr[i2] = m2r + n2i;
      xi[i2] = m2i - n2r;
      xr[i3] = m2r - n2i;
      xi[i3] = m2i + n2r;
    }
  }
}

function radix2(xr: Float64Array, xi: Float64Array, yr: Float64Array, yi: Float64Array, l: number, s: number, sp: number, tw: Float64Array): void {
  const ostride = l * sp;
  for (let k = 0; k < l; k++) {
    const tb = k * 2;
    const w1r = tw[tb + 0]!;
    const w1i = tw[tb + 1]!;
    const ib = k * s;
    const ob = k * sp;
    for (let r = 0; r < sp; r++) {
      const i0 = ib + r;
      const i1 = i0 + sp;
      const a0r = xr[i0]!;
      const a0i = xi[i0]!;
      const x1r = xr[i1]!;
      const x1i = xi[i1]!;
      const a1r = x1r * w1r + x1i * w1i;
      const a1i = x1i * w1r - x1r * w1i;
      const o = ob + r;
      yr[o] = a0r + a1r;
      yi[o] = a0i + a1i;
      yr[o + ostride] = a0r - a1r;
      yi[o + ostride] = a0i - a1i;
    }
  }
}

function radix4(xr: Float64Array, xi: Float64Array, yr: Float64Array, yi: Float64Array, l: number, s: number, sp: number, tw: Float64Array): void {
  const ostride = l * sp;
  for (let k = 0; k < l; k++) {
    const tb = k * 6;
    const w1r = tw[tb + 0]!;
    const w1i = tw[tb + 1]!;
    const w2r = tw[tb + 2]!;
    const w2i = tw[tb + 3]!;
    const w3r = tw[tb + 4]!;
    const w3i = tw[tb + 5]!;
    const ib = k * s;
    const ob = k * sp;
    for (let r = 0; r < sp; r++) {
      const i0 = ib + r;
      const a0r = xr[i0]!;
      const a0i = xi[i0]!;
      let xr_ = xr[i0 + sp]!;
      let xi_ = xi[i0 + sp]!;
      const a1r = xr_ * w1r + xi_ * w1i;
      const a1i = xi_ * w1r - xr_ * w1i;
      xr_ = xr[i0 + 2 * sp]!;
      xi_ = xi[i0 + 2 * sp]!;
      const a2r = xr_ * w2r + xi_ * w2i;
      const a2i = xi_ * w2r - xr_ * w2i;
      xr_ = xr[i0 + 3 * sp]!;
      xi_ = xi[i0 + 3 * sp]!;
      const a3r = xr_ * w3r + xi_ * w3i;
      const a3i = xi_ * w3r - xr_ * w3i;
      const t0r = a0r + a2r;
      const t0i = a0i + a2i;
      const t1r = a0r - a2r;
      const t1i = a0i - a2i;
      const t2r = a1r + a3r;
      const t2i = a1i + a3i;
      const t3r = a1r - a3r;
      const t3i = a1i - a3i;
      const o = ob + r;
      yr[o] = t0r + t2r;
      yi[o] = t0i + t2i;
      // b1 = t1 − i·t3, b3 = t1 + i·t3 (W_4 = −i)
      yr[o + ostride] = t1r + t3i;
      yi[o + ostride] = t1i - t3r;
      yr[o + 2 * ostride] = t0r - t2r;
      yi[o + 2 * ostride] = t0i - t2i;
      yr[o + 3 * ostride] = t1r - t3i;
      yi[o + 3 * ostride] = t1i + t3r;
    }
  }
}

function radix3(xr: Float64Array, xi: Float64Array, yr: Float64Array, yi: Float64Array, l: number, s: number, sp: number, tw: Float64Array): void {
  const ostride = l * sp;
  const S3 = Math.sqrt(3) / 2;
  for (let k = 0; k < l; k++) {
    const tb = k * 4;
    const w1r = tw[tb + 0]!;
    const w1i = tw[tb + 1]!;
    const w2r = tw[tb + 2]!;
    const w2i = tw[tb + 3]!;
    const ib = k * s;
    const ob = k * sp;
    for (let r = 0; r < sp; r++) {
      const i0 = ib + r;
      const a0r = xr[i0]!;
      const a0i = xi[i0]!;
      let xr_ = xr[i0 + sp]!;
      let xi_ = xi[i0 + sp]!;
      const a1r = xr_ * w1r + xi_ * w1i;
      const a1i = xi_ * w1r - xr_ * w1i;
      xr_ = xr[i0 + 2 * sp]!;
      xi_ = xi[i0 + 2 * sp]!;
      const a2r = xr_ * w2r + xi_ * w2i;
      const a2i = xi_ * w2r - xr_ * w2i;
      const sr = a1r + a2r;
      const si = a1i + a2i;
      const mr = a0r - 0.5 * sr;
      const mi = a0i - 0.5 * si;
      const dr = S3 * (a1r - a2r);
      const di = S3 * (a1i - a2i);
      const o = ob + r;
      yr[o] = a0r + sr;
      yi[o] = a0i + si;
      // b1 = m − i·d, b2 = m + i·d
      yr[o + ostride] = mr + di;
      yi[o + ostride] = mi - dr;
      yr[o + 2 * ostride] = mr - di;
      yi[o + 2 * ostride] = mi + dr;
    }
  }
}

function radix5(xr: Float64Array, xi: Float64Array, yr: Float64Array, yi: Float64Array, l: number, s: number, sp: number, tw: Float64Array): void {
  const ostride = l * sp;
  const C1 = Math.cos((2 * Math.PI) / 5);
  const C2 = Math.cos((4 * Math.PI) / 5);
  const S1 = Math.sin((2 * Math.PI) / 5);
  const S2 = Math.sin((4 * Math.PI) / 5);
  for (let k = 0; k < l; k++) {
    const tb = k * 8;
    const w1r = tw[tb + 0]!;
    const w1i = tw[tb + 1]!;
    const w2r = tw[tb + 2]!;
    const w2i = tw[tb + 3]!;
    const w3r = tw[tb + 4]!;
    const w3i = tw[tb + 5]!;
    const w4r = tw[tb + 6]!;
    const w4i = tw[tb + 7]!;
    const ib = k * s;
    const ob = k * sp;
    for (let r = 0; r < sp; r++) {
      const i0 = ib + r;
      const a0r = xr[i0]!;
      const a0i = xi[i0]!;
      let xr_ = xr[i0 + sp]!;
      let xi_ = xi[i0 + sp]!;
      const a1r = xr_ * w1r + xi_ * w1i;
      const a1i = xi_ * w1r - xr_ * w1i;
      xr_ = xr[i0 + 2 * sp]!;
      xi_ = xi[i0 + 2 * sp]!;
      const a2r = xr_ * w2r + xi_ * w2i;
      const a2i = xi_ * w2r - xr_ * w2i;
      xr_ = xr[i0 + 3 * sp]!;
      xi_ = xi[i0 + 3 * sp]!;
      const a3r = xr_ * w3r + xi_ * w3i;
      const a3i = xi_ * w3r - xr_ * w3i;
      xr_ = xr[i0 + 4 * sp]!;
      xi_ = xi[i0 + 4 * sp]!;
      const a4r = xr_ * w4r + xi_ * w4i;
      const a4i = xi_ * w4r - xr_ * w4i;
      const t1r = a1r + a4r;
      const t1i = a1i + a4i;
      const t2r = a2r + a3r;
      const t2i = a2i + a3i;
      const t3r = a1r - a4r;
      const t3i = a1i - a4i;
      const t4r = a2r - a3r;
      const t4i = a2i - a3i;
      const m1r = a0r + C1 * t1r + C2 * t2r;
      const m1i = a0i + C1 * t1i + C2 * t2i;
      const m2r = a0r + C2 * t1r + C1 * t2r;
      const m2i = a0i + C2 * t1i + C1 * t2i;
      const n1r = S1 * t3r + S2 * t4r;
      const n1i = S1 * t3i + S2 * t4i;
      const n2r = S2 * t3r - S1 * t4r;
      const n2i = S2 * t3i - S1 * t4i;
      const o = ob + r;
      yr[o] = a0r + t1r + t2r;
      yi[o] = a0i + t1i + t2i;
      // b1 = m1 − i·n1, b4 = m1 + i·n1, b2 = m2 − i·n2, b3 = m2 + i·n2
      yr[o + ostride] = m1r + n1i;
      yi[o + ostride] = m1i - n1r;
      yr[o + 4 * ostride] = m1r - n1i;
      yi[o + 4 * ostride] = m1i + n1r;
      yr[o + 2 * ostride] = m2r + n2i;
      yi[o + 2 * ostride] = m2i - n2r;
      yr[o + 3 * ostride] = m2r - n2i;
      yi[o + 3 * ostride] = m2i + n2r;
    }
  }
}
