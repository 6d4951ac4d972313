/**
 * Incremental decoding of the input formats (src/bits/read.ts) into packed
 * bits: bytes arrive in chunks of any size (a pipe, a file read piece by
 * piece) and the bits are appended, MSB first, to a word buffer. Errors name
 * the input and the byte offset counted from the start of the input, not of
 * the chunk, so a bad character deep in a streamed file is reported exactly
 * as in a whole-file read.
 */
import { InputError } from '../errors.ts';

export type ConcreteFormat = 'binary' | 'ascii' | 'hex';

function isSpace(c: number): boolean {
  return c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09 || c === 0x0b || c === 0x0c;
}

function hexValue(c: number): number {
  if (c >= 0x30 && c <= 0x39) return c - 0x30;
  if (c >= 0x61 && c <= 0x66) return c - 0x61 + 10;
  if (c >= 0x41 && c <= 0x46) return c - 0x41 + 10;
  return -1;
}

function describeByte(c: number): string {
  return c >= 0x21 && c < 0x7f ? `'${String.fromCharCode(c)}'` : `0x${c.toString(16).padStart(2, '0')}`;
}

/** Number of bytes 'auto' inspects to choose between ascii and binary. */
export const DETECT_BYTES = 4096;

/** 'ascii' when every byte of the first 4 KiB is '0', '1' or whitespace, else 'binary' (empty: binary). */
export function detectFormat(bytes: Uint8Array): 'ascii' | 'binary' {
  const end = Math.min(bytes.length, DETECT_BYTES);
  if (end === 0) return 'binary';
  for (let i = 0; i < end; i++) {
    const c = bytes[i]!;
    if (c !== 0x30 && c !== 0x31 && !isSpace(c)) return 'binary';
  }
  return 'ascii';
}

/** Appends decoded bits to `words` (zero beyond `bit`, MSB first). */
export class BitDecoder {
  /** Bytes of the input consumed so far (the offset of the next byte). */
  offset = 0;
  /** Bits of a byte or hex digit cut by `maxBits`, waiting for the next call (low `pendingBits` bits of `pending`). */
  private pending = 0;
  private pendingBits = 0;

  constructor(
    readonly format: ConcreteFormat,
    /** The input's name in error messages. */
    readonly source: string,
  ) {}

  /**
   * Decodes bytes[from, to) into `words` starting at bit `bit`, writing at most
   * `maxBits` bits. Returns the bytes consumed (fewer than to − from only when
   * `maxBits` was reached) and the bits written. A byte or hex digit cut by
   * `maxBits` is consumed; its remaining bits come first in the next call.
   * `words` must be zero from bit `bit` on and hold bit + maxBits bits.
   */
  decode(bytes: Uint8Array, from: number, to: number, words: Uint32Array, bit: number, maxBits: number): { bytes: number; bits: number } {
    let n = bit;
    const limit = bit + maxBits;
    n = this.emit(words, n, limit);
    let i = from;
    if (this.format === 'binary') {
      for (; i < to && n + 8 <= limit; i++, n += 8) {
        const b = bytes[i]!;
        const w = n >>> 5;
        const sh = n & 31;
        words[w]! |= (b << 24) >>> sh;
        if (sh > 24) words[w + 1]! |= (b << (56 - sh)) >>> 0;
      }
      // A byte cut by the limit: its leading bits now, the rest in the next call.
      if (i < to && n < limit) {
        this.pending = bytes[i]!;
        this.pendingBits = 8;
        n = this.emit(words, n, limit);
        i++;
      }
    } else if (this.format === 'ascii') {
      for (; i < to && n < limit; i++) {
        const c = bytes[i]!;
        if (c === 0x31) words[n >>> 5]! |= 1 << (31 - (n & 31));
        else if (c !== 0x30) {
          if (isSpace(c)) continue;
          throw new InputError(`${this.source}: byte offset ${this.offset + (i - from)} is ${describeByte(c)}, expected '0', '1' or whitespace (ascii format)`);
        }
        n++;
      }
    } else {
      for (; i < to && n < limit; i++) {
        const c = bytes[i]!;
        const v = hexValue(c);
        if (v < 0) {
          if (isSpace(c)) continue;
          throw new InputError(`${this.source}: byte offset ${this.offset + (i - from)} is ${describeByte(c)}, expected a hex digit or whitespace (hex format)`);
        }
        this.pending = v;
        this.pendingBits = 4;
        n = this.emit(words, n, limit);
      }
    }
    this.offset += i - from;
    return { bytes: i - from, bits: n - bit };
  }

  /** True while bits of a cut byte or digit wait for the next call. */
  get hasPending(): boolean {
    return this.pendingBits > 0;
  }

  /** Writes the pending bits (most significant first) that fit below `limit`; returns the new bit position. */
  private emit(words: Uint32Array, n: number, limit: number): number {
    for (; this.pendingBits > 0 && n < limit; n++) {
      this.pendingBits--;
      if ((this.pending >>> this.pendingBits) & 1) words[n >>> 5]! |= 1 << (31 - (n & 31));
    }
    return n;
  }
}
