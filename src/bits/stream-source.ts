/**
 * Where the battery's streams come from (SP 800-22 §4 / sts-2.1.2's "number of
 * bitstreams": K consecutive n-bit sequences of one input).
 *
 * Why not one BitSequence of the whole input: 100 streams of 10^6 bits are
 * 12.5 MB packed, and reading a file whole holds the bytes as well (25 MB) for
 * the whole run. A binary file is instead read one stream at a time (n/8
 * bytes at its offset) into a buffer that is reused, so memory does not grow
 * with K. Standard input, pipes and the text formats (ascii, hex) are
 * decoded front to back as the streams are asked for (sequentialSource): only
 * the stream being read is held, so an endless pipe runs in bounded memory.
 * `openStreamSource` picks between them for a path or standard input.
 */
import { closeSync, fstatSync, openSync, readSync } from 'node:fs';
import { packWords, type BitSequence } from './bit-sequence.ts';
import { BitDecoder, DETECT_BYTES, detectFormat } from './decoder.ts';
import type { BitFormat } from './read.ts';
import { InputError } from '../errors.ts';
import { openInput, readChunk, type InputFile } from '../io/input.ts';

/** A source of bits read by position. */
export interface StreamSource {
  /** Bits available. */
  readonly length: number;
  /**
   * Copies bits [start, start + n) into `into` (exactly ⌈n/32⌉ words), packed
   * MSB-first as BitSequence does, with the bits past n zero.
   */
  read(start: number, n: number, into: Uint32Array): void;
  /** Releases the file, if any. */
  close(): void;
}

/** Copies bits [start, start + n) of `words` into `into`, MSB-first, tail zeroed (as BitSequence.slice). */
export function copyBits(words: Uint32Array, start: number, n: number, into: Uint32Array): void {
  const count = (n + 31) >>> 5;
  if (into.length !== count) throw new RangeError(`copyBits: ${n} bits need ${count} words, got ${into.length}`);
  const shift = start & 31;
  const first = start >>> 5;
  if (shift === 0) {
    into.set(words.subarray(first, first + count));
  } else {
    for (let w = 0; w < count; w++) {
      const hi = words[first + w] ?? 0;
      const lo = words[first + w + 1] ?? 0;
      into[w] = ((hi << shift) | (lo >>> (32 - shift))) >>> 0;
    }
  }
  const tail = n & 31;
  if (tail !== 0) into[count - 1]! &= (0xffffffff << (32 - tail)) >>> 0;
}

/** Serves streams from a sequence already in memory. */
export function memorySource(bits: BitSequence): StreamSource {
  return {
    length: bits.length,
    read(start, n, into) {
      if (start < 0 || n < 0 || start + n > bits.length) throw new RangeError(`memorySource: bits ${start}..${start + n} outside 0..${bits.length}`);
      copyBits(bits.words, start, n, into);
    },
    close() {},
  };
}

/**
 * Reads a raw binary file (8 bits a byte, first bit = most significant bit of
 * the first byte) one stream at a time. `maxBits` caps the length as readBits
 * does. Errors name the file.
 */
export function binaryFileSource(path: string, maxBits?: number): StreamSource {
  let fd: number;
  try {
    fd = openSync(path, 'r');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') throw new InputError(`${path}: no such file`);
    if (code === 'EACCES') throw new InputError(`${path}: permission denied`);
    throw new InputError(`${path}: cannot read (${code ?? String(e)})`);
  }
  const size = fstatSync(fd).size;
  const length = Math.min(size * 8, maxBits ?? Infinity);
  // Scratch: the bytes of one stream (plus one for a bit offset) and their packed words.
  let bytes = new Uint8Array(0);
  let packed = new Uint32Array(0);
  let open = true;
  return {
    length,
    read(start, n, into) {
      if (!open) throw new Error(`binaryFileSource(${path}): read after close`);
      if (start < 0 || n < 0 || start + n > length) throw new RangeError(`binaryFileSource: bits ${start}..${start + n} outside 0..${length}`);
      const firstByte = Math.floor(start / 8);
      const bitShift = start - firstByte * 8;
      const nBytes = Math.ceil((bitShift + n) / 8);
      if (bytes.length < nBytes + 3) bytes = new Uint8Array(nBytes + 3);
      let got = 0;
      while (got < nBytes) {
        const r = readSync(fd, bytes, got, nBytes - got, firstByte + got);
        if (r === 0) throw new InputError(`${path}: ended at byte ${firstByte + got}, expected ${nBytes - got} more bytes (was it truncated while reading?)`);
        got += r;
      }
      bytes.fill(0, nBytes, nBytes + 3);
      const words = (nBytes + 3) >>> 2;
      if (bitShift === 0) {
        // A stream on a byte boundary (every stream of n a multiple of 8): its words are `into`.
        packWords(bytes, words, into);
        const tail = n & 31;
        if (tail !== 0) into[words - 1]! &= (0xffffffff << (32 - tail)) >>> 0;
        return;
      }
      if (packed.length < words + 1) packed = new Uint32Array(words + 1);
      packWords(bytes, words, packed);
      packed[words] = 0;
      copyBits(packed, bitShift, n, into);
    },
    close() {
      if (open) closeSync(fd);
      open = false;
    },
  };
}

/** A StreamSource that is read front to back; `length` is exact only once `ended`. */
export interface SequentialSource extends StreamSource {
  /**
   * Reads ahead until `bits` bits are buffered or the input ends; returns the
   * bits available (all of them when `ended`).
   */
  prefetch(bits: number): number;
  /** True once the input has ended (then `length` is the exact number of bits). */
  readonly ended: boolean;
  /** Bits decoded so far. */
  readonly decoded: number;
}

const CHUNK_BYTES = 1 << 16;

/**
 * Decodes `input` (any format, 'auto' deciding on the first 4 KiB) as the
 * battery asks for streams, which it does in increasing order; bits before the
 * requested start are dropped, so memory holds about one stream whatever the
 * number of streams. Until the input ends, `length` is `claimed` (the bits the
 * run needs); a request past the real end throws an InputError saying how many
 * bits there were. `maxBits` caps what is read, as readBits does.
 */
export function sequentialSource(input: InputFile, format: BitFormat, claimed: number, maxBits = Infinity): SequentialSource {
  const name = input.name;
  const bytes = new Uint8Array(CHUNK_BYTES);
  let byteStart = 0; // next undecoded byte in `bytes`
  let byteEnd = 0;
  let eof = false;
  let decoder: BitDecoder | undefined;
  // Buffered bits [base, base + count) in `words` (zero beyond count).
  let words = new Uint32Array(0);
  let base = 0;
  let count = 0;

  const fill = (): boolean => {
    if (byteStart < byteEnd) return true;
    if (eof) return false;
    byteStart = 0;
    byteEnd = readChunk(input, bytes);
    if (byteEnd === 0) eof = true;
    return byteEnd > 0;
  };
  const chooseFormat = (): BitDecoder => {
    if (format !== 'auto') return new BitDecoder(format, name);
    // Gather the head 'auto' looks at without losing it.
    while (byteEnd < DETECT_BYTES && !eof) {
      const r = readChunk(input, bytes, byteEnd, CHUNK_BYTES - byteEnd);
      if (r === 0) eof = true;
      byteEnd += r;
    }
    return new BitDecoder(detectFormat(bytes.subarray(0, byteEnd)), name);
  };
  /** Makes room for `need` bits from `base` on, dropping bits before `keepFrom`. */
  const reserve = (keepFrom: number, need: number): void => {
    const drop = Math.max(0, Math.min(keepFrom - base, count));
    const keep = count - drop;
    const wordsNeeded = ((keep + Math.max(0, need) + 31) >>> 5) + 1;
    if (drop === 0 && words.length >= wordsNeeded) return;
    // Compacting in place is safe: copyBits reads each word at or ahead of the one it writes.
    const target = words.length >= wordsNeeded ? words : new Uint32Array(wordsNeeded);
    const keepWords = (keep + 31) >>> 5;
    if (keep > 0) copyBits(words, drop, keep, target.subarray(0, keepWords));
    target.fill(0, keepWords);
    words = target;
    base += drop;
    count = keep;
  };
  /** Decodes until bit `upTo` (absolute) is buffered or the input ends. */
  const pull = (upTo: number): void => {
    decoder ??= chooseFormat();
    const target = Math.min(upTo, maxBits);
    while (base + count < target && (fill() || decoder.hasPending)) {
      const want = target - (base + count);
      const got = decoder.decode(bytes, byteStart, byteEnd, words, count, want);
      byteStart += got.bytes;
      count += got.bits;
    }
  };
  const source: SequentialSource = {
    get length() {
      return source.ended ? base + count : claimed;
    },
    get ended() {
      return (eof && byteStart >= byteEnd && !decoder?.hasPending) || base + count >= maxBits;
    },
    get decoded() {
      return base + count;
    },
    prefetch(bits) {
      reserve(base, bits - count);
      pull(base + bits);
      return base + count;
    },
    read(start, n, into) {
      if (start < base) throw new Error(`sequentialSource(${name}): bits from ${start} were requested after bits from ${base} (reads must go forward)`);
      reserve(start, start + n - (base + count));
      pull(start + n);
      if (base + count < start + n) {
        const total = base + count;
        if (total === 0) throw new InputError(`${name}: empty input, expected a bit sequence`);
        throw new InputError(`${name}: ended after ${total} bits, but ${claimed} bits are needed (bits ${start}..${start + n} were asked for)`);
      }
      copyBits(words, start - base, n, into);
    },
    close() {
      input.close();
    },
  };
  return source;
}

/**
 * Bits a non-seekable or text input is read ahead before the run starts: all
 * of a run that needs no more (so a short input is reported before any work,
 * with its exact length), else one stream (a longer input is checked as it is
 * read, and memory stays bounded on an endless pipe).
 */
const READ_AHEAD_BITS = 1 << 26;

/**
 * The input as a StreamSource: a regular binary file (or one that 'auto'
 * detects as binary) is read one stream at a time at its offset; standard
 * input, pipes, devices and the text formats are decoded front to back as the
 * streams are needed (sequentialSource), so memory does not grow with the
 * number of streams. `file` is a path or '-' (standard input); `want` is the
 * bits the run needs (K·n: more are not read), `perStream` one stream's n.
 */
export function openStreamSource(file: string, format: BitFormat, want: number, perStream: number): StreamSource {
  const input = openInput(file);
  try {
    // Standard input is read front to back even when it is a regular file (`< file`): it has no path to reopen.
    if (file !== '-' && input.size !== undefined && input.size > 0 && format !== 'ascii' && format !== 'hex') {
      const head = new Uint8Array(Math.min(input.size, DETECT_BYTES));
      let got = 0;
      while (got < head.length) {
        const r = readChunk(input, head, got);
        if (r === 0) break;
        got += r;
      }
      if (format === 'binary' || detectFormat(head.subarray(0, got)) === 'binary') {
        input.close();
        return binaryFileSource(file, want);
      }
      input.close();
      return prefetched(sequentialSource(openInput(file), format, want, want), want, perStream, input.name);
    }
    return prefetched(sequentialSource(input, format, want, want), want, perStream, input.name);
  } catch (e) {
    input.close();
    throw e;
  }
}

function prefetched(src: SequentialSource, want: number, perStream: number, name: string): SequentialSource {
  try {
    const got = src.prefetch(want <= READ_AHEAD_BITS ? want : perStream);
    if (got === 0 && src.ended) throw new InputError(`${name}: empty input, expected a bit sequence`);
    return src;
  } catch (e) {
    src.close();
    throw e;
  }
}
