/**
 * Readers that turn files (or stdin) into a BitSequence.
 *
 * Formats:
 * - `binary`: raw bytes, 8 bits per byte, most significant bit first (how
 *   sts-2.1.2 reads binary input such as `data.sha1`).
 * - `ascii`: the characters '0' and '1'; whitespace is ignored (the format of
 *   `data.e`, `data.pi`, ...). Any other byte is an error naming its offset.
 * - `hex`: hexadecimal digits, high nibble first; whitespace ignored.
 * - `auto`: ascii when every byte of the first 4 KiB is '0', '1' or whitespace,
 *   else binary.
 */
import { readFileSync } from 'node:fs';
import { InputError } from '../errors.ts';
import { BitSequence } from './bit-sequence.ts';

export type BitFormat = 'binary' | 'ascii' | 'hex' | 'auto';
export const BIT_FORMATS: readonly BitFormat[] = ['binary', 'ascii', 'hex', 'auto'];

/** Reads a whole file, or stdin when `path` is `-`; errors name the path. */
export function readInput(path: string): Uint8Array {
  let data: Buffer;
  try {
    data = readFileSync(path === '-' ? 0 : path);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    const what = path === '-' ? 'standard input' : path;
    if (code === 'ENOENT') throw new InputError(`${what}: no such file`);
    if (code === 'EISDIR') throw new InputError(`${what}: is a directory, expected a file`);
    if (code === 'EACCES') throw new InputError(`${what}: permission denied`);
    throw new InputError(`${what}: cannot read (${code ?? String(e)})`);
  }
  return new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
}

function isSpace(c: number): boolean {
  return c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09 || c === 0x0b || c === 0x0c;
}

/** Guesses ascii vs binary from the first 4 KiB (see module comment). */
export function detectFormat(bytes: Uint8Array): 'ascii' | 'binary' {
  const end = Math.min(bytes.length, 4096);
  if (end === 0) return 'binary';
  for (let i = 0; i < end; i++) {
    const c = bytes[i]!;
    if (c !== 0x30 && c !== 0x31 && !isSpace(c)) return 'binary';
  }
  return 'ascii';
}

/**
 * Parses `bytes` in `format`, keeping at most `maxBits` bits (all when
 * undefined). `source` names the input in error messages.
 */
export function parseBits(bytes: Uint8Array, format: BitFormat, source: string, maxBits?: number): BitSequence {
  const fmt = format === 'auto' ? detectFormat(bytes) : format;
  if (fmt === 'binary') {
    const avail = bytes.length * 8;
    return BitSequence.fromBytes(bytes, maxBits === undefined ? avail : Math.min(maxBits, avail));
  }
  const limit = maxBits ?? Number.POSITIVE_INFINITY;
  const perChar = fmt === 'ascii' ? 1 : 4;
  const cap = Math.min(bytes.length * perChar, limit);
  const words = new Uint32Array(Math.ceil(cap / 32));
  let n = 0;
  for (let i = 0; i < bytes.length && n < limit; i++) {
    const c = bytes[i]!;
    if (isSpace(c)) continue;
    if (fmt === 'ascii') {
      if (c === 0x31) words[n >>> 5]! |= 1 << (31 - (n & 31));
      else if (c !== 0x30) throw new InputError(`${source}: byte offset ${i} is ${describeByte(c)}, expected '0', '1' or whitespace (ascii format)`);
      n++;
    } else {
      const v = hexValue(c);
      if (v < 0) throw new InputError(`${source}: byte offset ${i} is ${describeByte(c)}, expected a hex digit or whitespace (hex format)`);
      for (let k = 3; k >= 0 && n < limit; k--, n++) {
        if ((v >>> k) & 1) words[n >>> 5]! |= 1 << (31 - (n & 31));
      }
    }
  }
  return new BitSequence(words.length * 32 - n >= 32 ? words.slice(0, Math.ceil(n / 32)) : words, n);
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

/** Reads and parses a file (or `-` for stdin); an empty input is an error. */
export function readBits(path: string, format: BitFormat = 'auto', maxBits?: number): BitSequence {
  const bytes = readInput(path);
  const source = path === '-' ? 'standard input' : path;
  if (bytes.length === 0) throw new InputError(`${source}: empty input, expected a bit sequence`);
  return parseBits(bytes, format, source, maxBits);
}
