/**
 * The SP 800-90B §5.1 permutation rounds' shuffle in WebAssembly: Fisher–Yates
 * (Durstenfeld) over bytes, drawing j ∈ [0, i] from xoshiro128** (Blackman & Vigna)
 * with Lemire's nearly divisionless bounded integers ("Fast Random Integer Generation
 * in an Interval", ACM TOMACS 29(1), 2019): j = ⌊r·(i+1) / 2^32⌋, redrawn only when
 * the low half of r·(i+1) falls below 2^32 mod (i+1), which keeps it unbiased.
 * ../entropy/iid/shuffle.ts holds the same shuffle in TypeScript and is tested draw
 * for draw against this one.
 *
 * Why: a round that only a cheap statistic still needs costs little more than its
 * shuffle, and a run whose ranking never settles does 10,000 of them. The TypeScript
 * loop takes 8.5–9 ms for 10^6 bytes (bounds checks on the two random accesses, the
 * generator in doubles); this one 2.0 ms.
 *
 * shuffle(p, n): shuffles the n bytes at p; the generator's four 32-bit words are read
 * from and written back to bytes 0..15 of the memory.
 */
import { I32, I64, op, SimdKernel, type KernelFunction } from './wasm-encoder.ts';

// Parameters, then i32 locals, then the i64 product.
const [P, N] = [0, 1];
const [S0, S1, S2, S3, I, S, R, T, LO, J, A, V] = [2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13];
const M = 14;

const loadState = (k: number, local: number): number[] => [...op.i32(4 * k), ...op.i32Load, ...op.set(local)];
const storeState = (k: number, local: number): number[] => [...op.i32(4 * k), ...op.get(local), ...op.i32Store];
const xorInto = (dst: number, src: number): number[] => [...op.get(dst), ...op.get(src), ...op.i32Xor, ...op.set(dst)];

function body(): number[] {
  return [
    ...loadState(0, S0), ...loadState(1, S1), ...loadState(2, S2), ...loadState(3, S3),
    ...op.get(N), ...op.i32(1), ...op.i32Sub, ...op.set(I),
    ...op.block,
    ...op.loop,
    ...op.get(I), ...op.i32(0), ...op.i32LeS, ...op.brIf(1),
    ...op.get(I), ...op.i32(1), ...op.i32Add, ...op.set(S),
    ...op.loop,
    // r = rotl(s1 · 5, 7) · 9, then the xoshiro128 state step.
    ...op.get(S1), ...op.i32(5), ...op.i32Mul, ...op.i32(7), ...op.i32Rotl, ...op.i32(9), ...op.i32Mul, ...op.set(R),
    ...op.get(S1), ...op.i32(9), ...op.i32Shl, ...op.set(T),
    ...xorInto(S2, S0), ...xorInto(S3, S1), ...xorInto(S1, S2), ...xorInto(S0, S3), ...xorInto(S2, T),
    ...op.get(S3), ...op.i32(11), ...op.i32Rotl, ...op.set(S3),
    // m = r · s (64 bits); redraw while its low half < (2^32 − s) mod s.
    ...op.get(R), ...op.i64ExtendI32U, ...op.get(S), ...op.i64ExtendI32U, ...op.i64Mul, ...op.set(M),
    ...op.get(M), ...op.i32WrapI64, ...op.set(LO),
    ...op.get(LO), ...op.get(S), ...op.i32LtU,
    ...op.if,
    ...op.get(LO), ...op.i32(0), ...op.get(S), ...op.i32Sub, ...op.get(S), ...op.i32RemU, ...op.i32LtU, ...op.brIf(1),
    ...op.end,
    ...op.end,
    // j = m >> 32; swap bytes i and j.
    ...op.get(M), ...op.i64(32), ...op.i64ShrU, ...op.i32WrapI64, ...op.get(P), ...op.i32Add, ...op.set(J),
    ...op.get(P), ...op.get(I), ...op.i32Add, ...op.tee(A), ...op.i32Load8U, ...op.set(V),
    ...op.get(A), ...op.get(J), ...op.i32Load8U, ...op.i32Store8,
    ...op.get(J), ...op.get(V), ...op.i32Store8,
    ...op.get(I), ...op.i32(1), ...op.i32Sub, ...op.set(I),
    ...op.br(0),
    ...op.end,
    ...op.end,
    ...storeState(0, S0), ...storeState(1, S1), ...storeState(2, S2), ...storeState(3, S3),
  ];
}

function kernel(): KernelFunction {
  return { name: 'shuffle', params: [I32, I32], results: [], locals: [[12, I32], [1, I64]], body: body() };
}

/** Where the bytes go in the kernel's memory (after the generator's 16 bytes). */
const DATA = 16;

interface ShuffleViews {
  words: Int32Array;
  bytes: Uint8Array;
  shuffle: (p: number, n: number) => void;
}

const shuffleKernel = new SimdKernel<(p: number, n: number) => void, ShuffleViews>(kernel, ({ memory, fn }) => ({
  words: new Int32Array(memory.buffer, 0, 4),
  bytes: new Uint8Array(memory.buffer),
  shuffle: fn,
}));

/**
 * Shuffles `data` in place with the generator state `state` (s0..s3, updated), or
 * returns false without WebAssembly (the caller shuffles in TypeScript).
 */
export function fisherYatesWasm(data: Uint8Array, state: Int32Array): boolean {
  const k = shuffleKernel.views(Math.ceil((DATA + data.length) / 65536));
  if (!k) return false;
  const n = data.length;
  k.words.set(state);
  k.bytes.set(data, DATA);
  k.shuffle(DATA, n);
  data.set(k.bytes.subarray(DATA, DATA + n));
  state.set(k.words);
  return true;
}
