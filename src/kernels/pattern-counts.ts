/**
 * Counts of the m-bit windows starting at each bit of a packed stream, 32 starts per
 * step, in WebAssembly: the pass SP 800-22 §2.11 (Serial, ν counts) and §2.12
 * (ApproximateEntropy, C_i counts) both make over the stream. ../sts/serial.ts drives it
 * (it sets the circular wrap bits, counts the last partial word's starts and keeps the
 * TypeScript loop as the fallback), and so does §2.7 (NonOverlappingTemplate) per block, from
 * ../sts/non-overlapping-template.ts.
 *
 * Why: per start, the TypeScript loop takes two shifts and an or to assemble the window
 * from two 32-bit words; here one 64-bit load holds both words, so each start is one
 * constant shift, a mask and the counter's increment, and there are no bounds checks.
 *
 * count(first, words, m) counts the starts 32·first .. 32·(first + words) − 1. Memory: the 2^m counters (int32,
 * incremented, the caller zeroes them) at byte 0, room for 2^MAX_KERNEL_PATTERN_BITS; the
 * stream's words (bit i at 31 − (i mod 32) of word i/32, in the host's order, which must
 * be little-endian like WebAssembly's loads) from byte PATTERN_WORDS, followed by at
 * least one word: the window of the last start reads into it.
 */
import { countedLoop, I32, I64, LITTLE_ENDIAN_HOST, op, SimdKernel, type KernelFunction } from './wasm-encoder.ts';

/** Widest pattern the kernel counts (2^16 counters, 256 KiB: Serial's default m). */
export const MAX_KERNEL_PATTERN_BITS = 16;
/** Byte offset of the stream's first word. */
const PATTERN_WORDS = 4 << MAX_KERNEL_PATTERN_BITS;

// Parameters, then locals.
const [FIRST, NW, M] = [0, 1, 2];
const [K, END, MASK4, A] = [3, 4, 5, 6];
const [V, SHIFT] = [7, 8];

/** One start: counters[(V >>> (31 − sh)) & MASK4 / 4]++ (V holds the indices already times 4). */
const step = (sh: number): number[] => [
  ...op.get(V), ...op.i64(31 - sh), ...op.i64ShrU, ...op.i32WrapI64, ...op.get(MASK4), ...op.i32And, ...op.tee(A),
  ...op.get(A), ...op.i32Load, ...op.i32(1), ...op.i32Add, ...op.i32Store,
];

function body(): number[] {
  const starts: number[] = [];
  for (let sh = 0; sh < 32; sh++) starts.push(...step(sh));
  return [
    // MASK4 = (2^m − 1)·4; SHIFT = 33 − m.
    ...op.i32(1), ...op.get(M), ...op.i32Shl, ...op.i32(1), ...op.i32Sub, ...op.i32(2), ...op.i32Shl, ...op.set(MASK4),
    ...op.i32(33), ...op.get(M), ...op.i32Sub, ...op.i64ExtendI32U, ...op.set(SHIFT),
    ...op.get(FIRST), ...op.i32(2), ...op.i32Shl, ...op.i32(PATTERN_WORDS), ...op.i32Add, ...op.tee(K),
    ...op.get(NW), ...op.i32(2), ...op.i32Shl, ...op.i32Add, ...op.set(END),
    ...countedLoop(K, op.get(END), 4, [
      // V = ((word k << 32 | word k+1) >>> (33 − m)) << 2: the 31 + m bits the 32 windows
      // from 32k cover, at the bottom, times 4 (the counters' byte stride).
      ...op.get(K), ...op.i64Load, ...op.i64(32), ...op.i64Rotl,
      ...op.get(SHIFT), ...op.i64ShrU, ...op.i64(2), ...op.i64Shl, ...op.set(V),
      ...starts,
    ]),
  ];
}

function kernel(): KernelFunction {
  return { name: 'count', params: [I32, I32, I32], results: [], locals: [[4, I32], [2, I64]], body: body() };
}

type CountFunction = (first: number, words: number, m: number) => void;

/** The kernel over its memory and the views its caller reads and writes. */
export interface PatternCounter {
  count: CountFunction;
  /** Room for 2^MAX_KERNEL_PATTERN_BITS counters; the first 2^m are the ones counted. */
  counts: Uint32Array;
  /** All of the memory's room for stream words (at least what was asked for). */
  words: Uint32Array;
}

const countKernel = new SimdKernel<CountFunction, PatternCounter>(kernel, ({ memory: { buffer }, fn }) => ({
  count: fn,
  counts: new Uint32Array(buffer, 0, 1 << MAX_KERNEL_PATTERN_BITS),
  words: new Uint32Array(buffer, PATTERN_WORDS, (buffer.byteLength - PATTERN_WORDS) >> 2),
}));

/**
 * counts[window]++ for the m-bit window at each start p, from ≤ p < to, of the MSB-first words
 * (readable one word past the word of the last start): the same count in TypeScript, for the
 * starts outside the kernel's whole words and for hosts without WebAssembly. Each word pair is
 * read once per 32 starts.
 */
export function countWindowStarts(words: Uint32Array, from: number, to: number, m: number, counts: Uint32Array): void {
  const out = 32 - m;
  for (let p = from; p < to; ) {
    const k = p >>> 5;
    const x = words[k]!;
    const y = words[k + 1]! >>> 1; // y >>> (31 − sh) is the next word's lead, 0 for sh = 0
    const stop = Math.min(to, (k + 1) * 32);
    for (let sh = p & 31; p < stop; p++, sh++) counts[((x << sh) | (y >>> (31 - sh))) >>> out]!++;
  }
}

/**
 * The kernel with room for `words` stream words, or undefined without WebAssembly or on a
 * big-endian host (the caller then counts in TypeScript).
 */
export function patternCounter(words: number): PatternCounter | undefined {
  if (!LITTLE_ENDIAN_HOST) return undefined;
  return countKernel.views(Math.ceil((PATTERN_WORDS + 4 * words) / 65536));
}
