/**
 * The bit-sequence type every statistical layer consumes.
 *
 * Bits are packed 32 to a word in a Uint32Array, most significant bit first:
 * bit i lives in `words[i >>> 5]` at bit position `31 - (i & 31)`. That is the
 * order of a byte stream read MSB first (SP 800-22 reads binary files that way,
 * as `data.sha1` shows), so a window of m consecutive bits is a shift and a mask,
 * and popcount over words counts ones 32 at a time.
 *
 * Bits beyond `length` in the last word are always zero, so whole-word
 * operations (popcount, XOR) need no tail masking.
 */
import { LITTLE_ENDIAN_HOST } from '../kernels/wasm-encoder.ts';

export class BitSequence {
  /** Number of bits. */
  readonly length: number;
  /** Packed bits, MSB first; ceil(length / 32) words, tail bits zero. */
  readonly words: Uint32Array;

  constructor(words: Uint32Array, length: number) {
    if (!Number.isInteger(length) || length < 0 || length > words.length * 32) {
      throw new RangeError(`BitSequence: length ${length} does not fit ${words.length} words`);
    }
    this.length = length;
    this.words = words;
  }

  /** Bit i (0 or 1). No bounds check: the hot loops of the tests call this. */
  bit(i: number): number {
    return (this.words[i >>> 5]! >>> (31 - (i & 31))) & 1;
  }

  /**
   * Bits as one byte per bit (0/1). Costs n bytes: for tests whose reference
   * algorithm is inherently per-bit (e.g. building an FFT input); prefer words.
   */
  unpack(): Uint8Array {
    const out = new Uint8Array(this.length);
    for (let i = 0; i < this.length; i++) out[i] = this.bit(i);
    return out;
  }

  /** A copy of bits [start, start + n) as a new, word-aligned sequence. */
  slice(start: number, n: number): BitSequence {
    if (start < 0 || n < 0 || start + n > this.length) {
      throw new RangeError(`BitSequence.slice(${start}, ${n}) outside 0..${this.length}`);
    }
    const words = new Uint32Array((n + 31) >>> 5);
    const shift = start & 31;
    const first = start >>> 5;
    for (let w = 0; w < words.length; w++) {
      const hi = this.words[first + w] ?? 0;
      const lo = this.words[first + w + 1] ?? 0;
      words[w] = shift === 0 ? hi : ((hi << shift) | (lo >>> (32 - shift))) >>> 0;
    }
    const tail = n & 31;
    if (tail !== 0) words[words.length - 1]! &= (0xffffffff << (32 - tail)) >>> 0;
    return new BitSequence(words, n);
  }

  /** Number of ones, 32 bits at a time. */
  popcount(): number {
    let ones = 0;
    const w = this.words;
    for (let i = 0; i < w.length; i++) ones += popcount32(w[i]!);
    return ones;
  }

  /** Packs bytes MSB first; `nBits` (default all) may cut the last byte short. */
  static fromBytes(bytes: Uint8Array, nBits: number = bytes.length * 8): BitSequence {
    if (nBits > bytes.length * 8) throw new RangeError(`fromBytes: ${nBits} bits requested from ${bytes.length} bytes`);
    const nWords = (nBits + 31) >>> 5;
    const words = new Uint32Array(nWords);
    const fullWords = Math.min(nWords, bytes.length >>> 2);
    packWords(bytes, fullWords, words);
    for (let w = fullWords; w < nWords; w++) {
      let v = 0;
      for (let k = 0; k < 4; k++) v = (v << 8) | (bytes[(w << 2) + k] ?? 0);
      words[w] = v >>> 0;
    }
    const tail = nBits & 31;
    if (tail !== 0) words[nWords - 1]! &= (0xffffffff << (32 - tail)) >>> 0;
    return new BitSequence(words, nBits);
  }

  /** Packs one-byte-per-bit values (anything non-zero is a one). */
  static fromBitArray(bits: ArrayLike<number>): BitSequence {
    const n = bits.length;
    const words = new Uint32Array((n + 31) >>> 5);
    for (let i = 0; i < n; i++) if (bits[i]) words[i >>> 5]! |= 1 << (31 - (i & 31));
    return new BitSequence(words, n);
  }

  /** The packed bits as bytes, MSB first (the last byte zero-padded). */
  toBytes(): Uint8Array {
    const out = new Uint8Array((this.length + 7) >>> 3);
    for (let i = 0; i < out.length; i++) out[i] = (this.words[i >>> 2]! >>> (24 - 8 * (i & 3))) & 0xff;
    return out;
  }
}

/**
 * Packs the first 4·count bytes into count words, MSB first (byte 4w in bits 31..24 of
 * word w), as the battery's bit order wants. On a little-endian host with `bytes` on a
 * 4-byte boundary it reads each word once and swaps its bytes: a quarter of the loads of
 * the byte-by-byte loop, which was most of the cost of reading a stream from a file.
 */
export function packWords(bytes: Uint8Array, count: number, out: Uint32Array): void {
  if (LITTLE_ENDIAN_HOST && bytes.byteOffset % 4 === 0) {
    const le = new Uint32Array(bytes.buffer, bytes.byteOffset, count);
    for (let w = 0; w < count; w++) {
      const x = le[w]!;
      out[w] = ((x << 24) | ((x & 0xff00) << 8) | ((x >>> 8) & 0xff00) | (x >>> 24)) >>> 0;
    }
    return;
  }
  for (let w = 0; w < count; w++) {
    const b = w << 2;
    out[w] = ((bytes[b]! << 24) | (bytes[b + 1]! << 16) | (bytes[b + 2]! << 8) | bytes[b + 3]!) >>> 0;
  }
}

/** Population count of a 32-bit word (SWAR). */
export function popcount32(x: number): number {
  x = x - ((x >>> 1) & 0x55555555);
  x = (x & 0x33333333) + ((x >>> 2) & 0x33333333);
  x = (x + (x >>> 4)) & 0x0f0f0f0f;
  return Math.imul(x, 0x01010101) >>> 24;
}
