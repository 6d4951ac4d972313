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
import { InputError } from '../errors.ts';
import { inputName, readInput } from '../io/input.ts';
import { BitSequence } from './bit-sequence.ts';
import { BitDecoder, detectFormat } from './decoder.ts';

export { detectFormat } from './decoder.ts';
export { readInput } from '../io/input.ts';

export type BitFormat = 'binary' | 'ascii' | 'hex' | 'auto';
export const BIT_FORMATS: readonly BitFormat[] = ['binary', 'ascii', 'hex', 'auto'];

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
  const perChar = fmt === 'ascii' ? 1 : 4;
  const cap = Math.min(bytes.length * perChar, maxBits ?? Number.POSITIVE_INFINITY);
  const words = new Uint32Array(Math.ceil(cap / 32));
  const { bits: n } = new BitDecoder(fmt, source).decode(bytes, 0, bytes.length, words, 0, cap);
  return new BitSequence(words.length * 32 - n >= 32 ? words.slice(0, Math.ceil(n / 32)) : words, n);
}

/** Reads and parses a file (or `-` for stdin); an empty input is an error. */
export function readBits(path: string, format: BitFormat = 'auto', maxBits?: number): BitSequence {
  const bytes = readInput(path);
  const source = inputName(path);
  if (bytes.length === 0) throw new InputError(`${source}: empty input, expected a bit sequence`);
  return parseBits(bytes, format, source, maxBits);
}
