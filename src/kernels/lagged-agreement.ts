/**
 * Agreement of a packed bit stream with its lagged copies, 32 steps at a time, in
 * WebAssembly: for the block of 32 steps from t0 (a multiple of 32) and every lag
 * d = 0..127, the bits where x_t = x_(t−d−1), one word per lag. A lag whose score is
 * within 32 of the top score H becomes a candidate (its lag and word are listed for
 * the caller to follow step by step); every other lag's score grows by the word's
 * popcount. This is the Lag predictor's (SP 800-90B §6.3.8) per-block pass over its
 * 128 lags, ../entropy/estimators/lag.ts, which drives it, follows the candidates
 * and keeps a TypeScript fallback.
 *
 * Why: the pass is 128 unaligned 32-bit windows, XORs and popcounts per 32 bits of
 * input; WebAssembly has a popcount instruction where JavaScript needs a dozen
 * operations for one, and no bounds checks.
 *
 * pick(t0, n, H) → the number of candidates. Memory: scores at bytes 0..511 (128
 * int32, read and written), candidate lags at 512.., their words at 1024.., the
 * stream's words (bit i at 31 − (i mod 32) of word i/32, zero words after the end)
 * from byte 1536. n (1..32) is the number of steps in the block; bits past it are 0.
 */
import { I32, op, SimdKernel, type KernelFunction } from './wasm-encoder.ts';

/** Lags of the Lag predictor (SP 800-90B §6.3.8: D = 128). */
export const LAGS = 128;
const SCORE = 0;
const CAND = 512;
const AGREE = 1024;
/** Byte offset of the stream's first word. */
export const LAGGED_WORDS = 1536;

// Parameters, then locals.
const [T0, NB, H] = [0, 1, 2];
const [CUR, MASK, D, NC, P, Q, R, WIN, A, SC] = [3, 4, 5, 6, 7, 8, 9, 10, 11, 12];

/** Pushes the byte address of word local `q` (+ `plus` words). */
const wordAddr = (q: number, plus = 0): number[] => [
  ...op.i32(LAGGED_WORDS + 4 * plus), ...op.get(q), ...op.i32(2), ...op.i32Shl, ...op.i32Add,
];
/** Pushes the byte address of int32 `index` (a local) in the table at `base`. */
const slotAddr = (base: number, index: number): number[] => [...op.get(index), ...op.i32(2), ...op.i32Shl, ...op.i32(base), ...op.i32Add];

function body(): number[] {
  return [
    // cur = W[t0 / 32]; mask = the block's n leading bits.
    ...op.get(T0), ...op.i32(5), ...op.i32ShrU, ...op.set(Q),
    ...wordAddr(Q), ...op.i32Load, ...op.set(CUR),
    ...op.i32(-1),
    ...op.i32(-1), ...op.get(NB), ...op.i32ShrU, ...op.i32(-1), ...op.i32Xor,
    ...op.get(NB), ...op.i32(32), ...op.i32Eq, ...op.select, ...op.set(MASK),
    ...op.block,
    ...op.loop,
    // p = t0 − d − 1; win = the 32 bits from p.
    ...op.get(T0), ...op.get(D), ...op.i32Sub, ...op.i32(1), ...op.i32Sub, ...op.tee(P),
    ...op.i32(5), ...op.i32ShrU, ...op.set(Q),
    ...op.get(P), ...op.i32(31), ...op.i32And, ...op.set(R),
    ...wordAddr(Q), ...op.i32Load,
    ...wordAddr(Q), ...op.i32Load, ...op.get(R), ...op.i32Shl,
    ...wordAddr(Q, 1), ...op.i32Load, ...op.i32(32), ...op.get(R), ...op.i32Sub, ...op.i32ShrU, ...op.i32Or,
    ...op.get(R), ...op.i32Eqz, ...op.select, ...op.set(WIN),
    // a = ~(cur ^ win) & mask: the steps where the lag predicted right.
    ...op.get(CUR), ...op.get(WIN), ...op.i32Xor, ...op.i32(-1), ...op.i32Xor, ...op.get(MASK), ...op.i32And, ...op.set(A),
    ...slotAddr(SCORE, D), ...op.i32Load, ...op.set(SC),
    ...op.get(H), ...op.get(SC), ...op.i32Sub, ...op.i32(32), ...op.i32LeS,
    ...op.if,
    ...slotAddr(CAND, NC), ...op.get(D), ...op.i32Store,
    ...slotAddr(AGREE, NC), ...op.get(A), ...op.i32Store,
    ...op.get(NC), ...op.i32(1), ...op.i32Add, ...op.set(NC),
    ...op.else,
    ...slotAddr(SCORE, D), ...op.get(SC), ...op.get(A), ...op.i32Popcnt, ...op.i32Add, ...op.i32Store,
    ...op.end,
    ...op.get(D), ...op.i32(1), ...op.i32Add, ...op.tee(D), ...op.i32(LAGS), ...op.i32LtS, ...op.brIf(0),
    ...op.end,
    ...op.end,
    ...op.get(NC),
  ];
}

function kernel(): KernelFunction {
  return { name: 'pick', params: [I32, I32, I32], results: [I32], locals: [[10, I32]], body: body() };
}

type PickFunction = (t0: number, n: number, H: number) => number;

/** The kernel over its memory and the views its caller reads and writes. */
export interface LaggedAgreement {
  pick: PickFunction;
  score: Int32Array;
  cand: Int32Array;
  agree: Int32Array;
  /** All of the memory's room for stream words (at least what was asked for); the caller writes its stream at its start. */
  words: Int32Array;
}

const pickKernel = new SimdKernel<PickFunction, LaggedAgreement>(kernel, ({ memory: { buffer }, fn }) => ({
  pick: fn,
  score: new Int32Array(buffer, SCORE, LAGS),
  cand: new Int32Array(buffer, CAND, LAGS),
  agree: new Int32Array(buffer, AGREE, LAGS),
  words: new Int32Array(buffer, LAGGED_WORDS, (buffer.byteLength - LAGGED_WORDS) >> 2),
}));

/** The kernel with room for `words` stream words, or undefined without WebAssembly. */
export function laggedAgreement(words: number): LaggedAgreement | undefined {
  return pickKernel.views(Math.ceil((LAGGED_WORDS + 4 * words) / 65536));
}
