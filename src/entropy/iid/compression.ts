/**
 * bzip2 (libbzip2 itself, compiled to WebAssembly by the `libbzip2-wasm` package) for the
 * compression statistic of SP 800-90B §5.1.11. ea_iid 1.1.7 writes the samples as decimal
 * numbers separated by single spaces and compresses that text with
 * BZ2_bzBuffToBuffCompress(blockSize100k = 5); the statistic is the compressed length in
 * bytes. Using libbzip2 rather than another compressor makes the statistic equal the
 * reference's byte for byte (rand8_short.bin: 10,987; biased-random-bits.bin: 30,608). The
 * permutation rounds ask ./bzip2-decimal.ts first, which computes the same length without
 * compressing, and come here for texts it does not cover.
 *
 * Memory: the binding allocates the output buffer with `new char[]` and never frees it (its
 * result object's destructor does not own the buffer, so `delete()` does not help); every call
 * therefore leaked about its input size (≈ 394 KB per call on a 400 kB text), and 10,000
 * shuffles of 10^6 samples ran the process out of memory. `bzip2Length` hands that buffer back
 * to the module's allocator with the exported `_free` (emscripten's `operator new[]` is
 * `malloc`), so each call returns the heap to where it was and the wasm memory stops growing
 * after the first call (test/entropy/iid/compression.test.ts runs it thousands of times).
 *
 * The Emscripten module installs process-wide `uncaughtException`/`unhandledRejection`
 * listeners when it loads; we remove exactly the ones it added so that loading it does not
 * change how this process reports errors.
 */
import { createRequire } from 'node:module';

interface Bz2Result {
  output: Uint8Array;
  error: number;
  errorMsg: string;
  delete?: () => void;
}
export interface Bz2Module {
  compressBZ2: (input: Uint8Array, blockSize100k: number, workFactor: number) => Bz2Result;
  /** The module's `free`; releases the output buffer the binding leaves allocated. */
  _free: (ptr: number) => void;
}

let modulePromise: Promise<Bz2Module> | null = null;

/** Loads libbzip2 once per thread. */
export function loadBzip2(): Promise<Bz2Module> {
  if (modulePromise) return modulePromise;
  modulePromise = new Promise<Bz2Module>((resolve, reject) => {
    const events = ['uncaughtException', 'unhandledRejection'];
    const before = events.map((e) => new Set<unknown>(process.listeners(e as 'uncaughtException')));
    try {
      const require = createRequire(import.meta.url);
      const factory = require('libbzip2-wasm') as () => { then: (f: (m: Bz2Module & { then?: unknown }) => void) => void };
      const inst = factory();
      events.forEach((e, i) => {
        for (const l of process.listeners(e as 'uncaughtException')) {
          if (!before[i]!.has(l)) process.removeListener(e, l as (...args: unknown[]) => void);
        }
      });
      // The module object is itself a "thenable"; resolve with it only after removing `then`,
      // or the promise machinery would keep unwrapping it.
      inst.then((m) => {
        delete m.then;
        resolve(m);
      });
    } catch (e) {
      reject(e instanceof Error ? e : new Error(String(e)));
    }
  });
  return modulePromise;
}

/** ASCII text of each byte value followed by a space ("0 ", "1 ", …, "255 "). */
const DIGITS: Uint8Array[] = Array.from({ length: 256 }, (_, v) => new TextEncoder().encode(`${v} `));

/**
 * The text ea_iid compresses: `values[symbols[i]]` in decimal, separated by single spaces,
 * no trailing space. `scratch` is reused when large enough.
 */
export function decimalText(symbols: Uint8Array, values: ArrayLike<number>, scratch?: Uint8Array): Uint8Array {
  // Every symbol writes four bytes and moves on by its text's length (2 to 4: "7 ", "255 "),
  // one store pattern for all (a round writes ~3.5 MB; a loop per digit mispredicted its end).
  const k = values.length;
  const bytes = new Uint8Array(4 * k);
  const lengths = new Uint8Array(k);
  let width = 2;
  for (let s = 0; s < k; s++) {
    const d = DIGITS[values[s]!]!;
    bytes.set(d, 4 * s);
    lengths[s] = d.length;
    if (d.length > width) width = d.length;
  }
  const need = symbols.length * width + 3;
  const buf = scratch && scratch.length >= need ? scratch : new Uint8Array(need);
  let o = 0;
  for (let i = 0; i < symbols.length; i++) {
    const s = symbols[i]!;
    buf[o] = bytes[4 * s]!;
    buf[o + 1] = bytes[4 * s + 1]!;
    buf[o + 2] = bytes[4 * s + 2]!;
    buf[o + 3] = bytes[4 * s + 3]!;
    o += lengths[s]!;
  }
  return buf.subarray(0, Math.max(0, o - 1));
}

/** Compressed length in bytes of `text` with bzip2 at block size 5 (×100 kB). */
export function bzip2Length(bz: Bz2Module, text: Uint8Array): number {
  const r = bz.compressBZ2(text, 5, 0);
  try {
    // On failure the binding leaves `output` unset, so there is no buffer we could free; the
    // output buffer is sized 1.01 × input + 600 bytes, which bzip2 never exceeds, so this is
    // an internal failure (out of wasm memory), not a property of the data.
    if (r.error !== 0) throw new Error(`bzip2 failed: ${r.errorMsg} (${r.error})`);
    const out = r.output;
    const length = out.length;
    // `output` is a view of the wasm heap at the buffer's address: give the buffer back.
    bz._free(out.byteOffset);
    return length;
  } finally {
    r.delete?.();
  }
}

/** The compressed stream itself (a copy), for checking the block structure the statistic relies on. */
export function bzip2Bytes(bz: Bz2Module, text: Uint8Array): Uint8Array {
  const r = bz.compressBZ2(text, 5, 0);
  try {
    if (r.error !== 0) throw new Error(`bzip2 failed: ${r.errorMsg} (${r.error})`);
    const copy = r.output.slice();
    bz._free(r.output.byteOffset);
    return copy;
  } finally {
    r.delete?.();
  }
}

/** Bytes of wasm memory the bzip2 module holds now (its heap only grows, never shrinks). */
export function bzip2HeapBytes(bz: Bz2Module): number {
  const r = bz.compressBZ2(new Uint8Array(0), 5, 0);
  try {
    const bytes = r.output.buffer.byteLength;
    bz._free(r.output.byteOffset);
    return bytes;
  } finally {
    r.delete?.();
  }
}

/**
 * Where bzip2 (blockSize100k = 5) ends each block but the last, as offsets into `text`:
 * libbzip2's block-filling rule replayed. Input bytes first go through its run-length stage
 * (runs of 4..255 equal bytes become 5 bytes); a run enters the block when the byte after it
 * arrives, and the block is full once it holds ≥ 100,000·5 − 19 bytes, the byte that flushed
 * the last run starting the next block, unless it is the very last input byte, which
 * libbzip2 then adds to the same, final block. Stops after `maxEnds` ends.
 */
export function bzip2BlockEnds(text: Uint8Array, blockSize100k = 5, maxEnds = Infinity): number[] {
  const nblockMax = 100000 * blockSize100k - 19;
  const ends: number[] = [];
  let nblock = 0;
  let i = 0;
  while (i < text.length && ends.length < maxEnds) {
    const c = text[i]!;
    let j = i + 1;
    while (j < text.length && text[j] === c && j - i < 255) j++;
    const r = j - i;
    nblock += r < 4 ? r : 5;
    if (nblock >= nblockMax && text.length - j >= 2) {
      ends.push(j);
      nblock = 0;
    }
    i = j;
  }
  return ends;
}

/**
 * The compression statistic of shuffles ranked against the original's length `above`
 * (ea_iid counts only whether a shuffle's length is larger than, equal to or smaller than
 * the original's). A bzip2 stream is a 32-bit header, its blocks, each coded from its own
 * bytes alone, and an 80-bit trailer, so a prefix of `text` ending where a block ends
 * compresses to those first blocks exactly and its length is a lower bound of the whole
 * text's. When such a prefix already compresses to more than `above` bytes, the shuffle
 * ranks "larger" whatever the rest is, and its length is returned instead of the whole
 * text's: the ranking is ea_iid's, for a fraction of the work. This is the case for every
 * shuffle of data whose original compresses far better than its shuffles (non-IID data,
 * where the statistic never settles and all 10,000 shuffles are compressed).
 *
 * How many blocks to try is estimated from the lengths seen so far (bytes per block); a
 * prefix that does not exceed `above` costs its compression on top of the whole text's.
 */
export class RankedBzip2Length {
  private bytesPerBlock = 0;
  /** Shuffles decided by a prefix, and those compressed whole (for the tests). */
  decidedByPrefix = 0;
  compressedWhole = 0;

  constructor(
    private readonly bz: Bz2Module,
    readonly above: number,
  ) {}

  /** The compressed length of `text`, or a lower bound of it that exceeds `above`. */
  length(text: Uint8Array): number {
    if (this.bytesPerBlock > 0) {
      // Fewest blocks expected to compress to 10 % more than `above`, if the text has more.
      const K = Math.floor((1.1 * this.above) / this.bytesPerBlock) + 1;
      // A block takes ~500 kB of text (at least 400 kB unless runs of 4 abound): skip the scan
      // when the text is unlikely to have K + 1 blocks (IID data, where the original ranks mid-field).
      const ends = K * 400_000 < text.length ? bzip2BlockEnds(text, 5, K) : [];
      if (ends.length === K) {
        const prefix = bzip2Length(this.bz, text.subarray(0, ends[K - 1]!));
        this.bytesPerBlock = prefix / K;
        if (prefix > this.above) {
          this.decidedByPrefix++;
          return prefix;
        }
      }
    }
    const whole = bzip2Length(this.bz, text);
    // An estimate only (blocks are ≤ 499,981 bytes after the run-length stage).
    this.bytesPerBlock = whole / Math.max(1, Math.round(text.length / 499_981));
    this.compressedWhole++;
    return whole;
  }
}

