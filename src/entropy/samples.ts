/**
 * Turning raw sample bytes into the symbol sequences SP 800-90B's estimators
 * read, exactly as NIST's ea_non_iid 1.1.7 does (cpp/shared/utils.h
 * read_file_subset):
 *
 * - one sample per byte; the symbol is its low `bitsPerSymbol` bits. With no
 *   width given the width is the position of the highest bit set in any byte;
 *   a byte with a bit above a declared width is an input error;
 * - the distinct values present are renumbered 0..k-1 in increasing order, so
 *   the alphabet size k the estimators use is the number of values seen;
 * - the bitstring is built from the masked (not renumbered) values,
 *   `bitsPerSymbol` bits per sample, most significant bit first.
 */
import { InputError } from '../errors.ts';

/** Symbols ready for the estimators. */
export interface PreparedSamples {
  bitsPerSymbol: number;
  /** Masked sample values (0 .. 2^bits - 1). */
  masked: Uint8Array;
  /** Renumbered symbols 0 .. k-1. */
  symbols: Uint8Array;
  /** Distinct values present (the alphabet size the estimators use). */
  k: number;
  /** symbolValue[j] = the masked value renumbered to j. */
  symbolValue: number[];
}

/** Width (1..8) of the widest byte: the position of the highest bit set anywhere; 0 for all-zero data. */
export function inferBitsPerSymbol(data: Uint8Array): number {
  let or = 0;
  // Stop as soon as the top bit has been seen (at once for most 8-bit data), and OR
  // 1 KiB at a time between checks.
  for (let i = 0; i < data.length && or < 0x80; ) {
    const end = Math.min(data.length, i + 1024);
    for (; i < end; i++) or |= data[i]!;
  }
  let w = 0;
  while (or >> w) w++;
  return w;
}

/**
 * Checks that every byte fits in `bitsPerSymbol` bits (the reference refuses
 * such data: "Data does not fit within described bit width").
 * @throws InputError naming the first offending byte offset and its value.
 */
export function checkWidth(data: Uint8Array, bitsPerSymbol: number, source = 'input', offset = 0): void {
  if (!Number.isInteger(bitsPerSymbol) || bitsPerSymbol < 1 || bitsPerSymbol > 8) {
    throw new InputError(`${source}: bits per symbol is ${bitsPerSymbol}, expected an integer 1..8`);
  }
  if (bitsPerSymbol === 8) return; // every byte fits
  const limit = 1 << bitsPerSymbol;
  // The bits of all bytes ORed together four at a time: a whole-data check at one
  // operation per word (`health` reads 10^8 samples in well under a second); only a
  // failing check looks for the first offending byte.
  const head = Math.min(data.length, (4 - (data.byteOffset & 3)) & 3);
  let or = 0;
  for (let i = 0; i < head; i++) or |= data[i]!;
  const nWords = (data.length - head) >> 2;
  if (nWords > 0) {
    const words = new Int32Array(data.buffer, data.byteOffset + head, nWords);
    for (let w = 0; w < nWords; w++) or |= words[w]!;
  }
  for (let i = head + 4 * nWords; i < data.length; i++) or |= data[i]!;
  if ((or & Math.imul(0x100 - limit, 0x01010101)) === 0) return;
  for (let i = 0; i < data.length; i++) {
    if (data[i]! >= limit) {
      throw new InputError(
        `${source}: byte ${offset + i} is ${data[i]} (0x${data[i]!.toString(16).padStart(2, '0')}), ` +
          `expected a value below ${limit} for ${bitsPerSymbol}-bit samples`,
      );
    }
  }
}

/** Masks to `bitsPerSymbol` bits and renumbers the distinct values 0..k-1 in increasing order. */
export function prepareSamples(data: Uint8Array, bitsPerSymbol: number): PreparedSamples {
  const mask = (1 << bitsPerSymbol) - 1;
  const masked = new Uint8Array(data.length);
  const seen = new Uint8Array(256);
  for (let i = 0; i < data.length; i++) {
    const v = data[i]! & mask;
    masked[i] = v;
    seen[v] = 1;
  }
  const map = new Uint8Array(256);
  const symbolValue: number[] = [];
  for (let v = 0; v <= mask; v++) {
    if (seen[v]) {
      map[v] = symbolValue.length;
      symbolValue.push(v);
    }
  }
  // Values 0..k−1 all present (noise, 1-bit sources) renumber to themselves: a copy.
  const identity = symbolValue[symbolValue.length - 1] === symbolValue.length - 1;
  let symbols: Uint8Array;
  if (identity) symbols = masked.slice();
  else {
    symbols = new Uint8Array(data.length);
    for (let i = 0; i < data.length; i++) symbols[i] = map[masked[i]!]!;
  }
  return { bitsPerSymbol, masked, symbols, k: symbolValue.length, symbolValue };
}

/**
 * The bitstring of SP 800-90B §6.3 / ea_non_iid: each masked value as
 * `bitsPerSymbol` bits, most significant first, one bit per byte; only the
 * first `maxBits` bits when given (the reference's truncate mode keeps 10^6).
 */
export function toBitstring(masked: Uint8Array, bitsPerSymbol: number, maxBits = Infinity): Uint8Array {
  const total = Math.min(masked.length * bitsPerSymbol, maxBits);
  const bits = new Uint8Array(total);
  let o = 0;
  for (let i = 0; i < masked.length && o < total; i++) {
    const v = masked[i]!;
    for (let b = bitsPerSymbol - 1; b >= 0 && o < total; b--) bits[o++] = (v >> b) & 1;
  }
  return bits;
}

/** Unpacks bytes holding bits MSB-first into one bit per byte (a 1-bit source stored packed). */
export function unpackBits(packed: Uint8Array): Uint8Array {
  const out = new Uint8Array(packed.length * 8);
  for (let i = 0; i < packed.length; i++) {
    const v = packed[i]!;
    for (let b = 0; b < 8; b++) out[i * 8 + b] = (v >> (7 - b)) & 1;
  }
  return out;
}

/**
 * The low bits of one-bit samples packed 32 to a word, the first sample in the most significant
 * bit, then zero words up to (length >> 5) + `padWords` words in all (room for a 32-bit window
 * starting at any sample, which reads the word after its own). Branch-free: on noise a branch
 * per bit is a coin toss.
 */
export function packSampleBits(S: ArrayLike<number>, padWords: number): Int32Array {
  const n = S.length;
  const W = new Int32Array((n >> 5) + padWords);
  let w = 0;
  for (let i = 0; i < n; i++) {
    w = (w << 1) | (S[i]! & 1);
    if ((i & 31) === 31) W[i >> 5] = w;
  }
  if (n & 31) W[n >> 5] = w << (32 - (n & 31));
  return W;
}

/** Samples p .. p+31 of packSampleBits' words, the first in the most significant bit. */
export function window32(W: Int32Array, p: number): number {
  const q = p >> 5;
  const r = p & 31;
  return r === 0 ? W[q]! : (W[q]! << r) | (W[q + 1]! >>> (32 - r));
}
