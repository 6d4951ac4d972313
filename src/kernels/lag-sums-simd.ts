/**
 * The SP 800-90B §5.1 periodicity and covariance statistics (§5.1.9, §5.1.10) at the
 * five lags 1, 2, 8, 16, 32 in WebAssembly SIMD, 16 positions a step:
 *   periodicity(L) = #{i : p_i = p_{i+L}}   (i8x16.eq, bitmask, popcnt)
 *   covariance(L)  = Σ c_i · c_{i+L}        (bytes widened to 16 bits, i32x4.dot_i16x8_s)
 * ../entropy/iid/permutation.ts adds the last positions (where a lag's partner runs out)
 * in TypeScript and is tested equal to its all-TypeScript sums.
 *
 * Why: a permutation round on data the tests reject keeps all ten open for all 10,000
 * rounds; the TypeScript pass over 10^6 samples took 14.6 ms a round, this one with its
 * copies in and the masked values made 1.8 ms.
 *
 * Exactness: a dot lane adds two products ≤ 255² per step, so 4096 steps stay below
 * 2^31 in its i32 lane; every 4096 steps the lanes are added to i64 sums.
 *
 * lags(p, c, steps): positions 0 .. 16·steps − 1 of the sequences at p and c, whose
 * 16·steps + 32 bytes it reads (a position's partner at lag 32). Results: the five counts as i32 at bytes 0..19,
 * the five sums as i64 at bytes 24..63.
 */
import { I32, op, SimdKernel, V128, type KernelFunction } from './wasm-encoder.ts';

export const LAGS = [1, 2, 8, 16, 32] as const;
/** Steps between the i32 lanes' flushes into the i64 sums (4096 · 2 · 255² < 2^31). */
const FLUSH = 4096;

// Parameters; i32 locals: the byte offset, steps left in the run and in this chunk, the five counts.
const [P, C, STEPS] = [0, 1, 2];
const [I, REST, K] = [3, 4, 5];
const COUNT = [6, 7, 8, 9, 10];
// v128 locals: the step's p and c vectors, c's widened halves, a lagged c, and per lag its i32 lanes and i64 sums.
const [A, X, XL, XH, Y] = [11, 12, 13, 14, 15];
const LANES = [16, 17, 18, 19, 20];
const SUMS = [21, 22, 23, 24, 25];

const at = (base: number): number[] => [...op.get(base), ...op.get(I), ...op.i32Add];

function step(): number[] {
  const code = [
    ...at(P), ...op.v128LoadAt(0), ...op.set(A),
    ...at(C), ...op.v128LoadAt(0), ...op.tee(X), ...op.i16x8ExtendLowI8x16U, ...op.set(XL),
    ...op.get(X), ...op.i16x8ExtendHighI8x16U, ...op.set(XH),
  ];
  LAGS.forEach((L, l) => {
    code.push(
      ...op.get(COUNT[l]!), ...op.get(A), ...at(P), ...op.v128LoadAt(L), ...op.i8x16Eq, ...op.i8x16Bitmask, ...op.i32Popcnt, ...op.i32Add, ...op.set(COUNT[l]!),
      ...at(C), ...op.v128LoadAt(L), ...op.set(Y),
      ...op.get(LANES[l]!),
      ...op.get(XL), ...op.get(Y), ...op.i16x8ExtendLowI8x16U, ...op.i32x4DotI16x8S, ...op.i32x4Add,
      ...op.get(XH), ...op.get(Y), ...op.i16x8ExtendHighI8x16U, ...op.i32x4DotI16x8S, ...op.i32x4Add,
      ...op.set(LANES[l]!),
    );
  });
  return code;
}

function body(): number[] {
  const flush = LAGS.flatMap((_, l) => [
    ...op.get(SUMS[l]!), ...op.get(LANES[l]!), ...op.i64x2ExtendLowI32x4U, ...op.i64x2Add,
    ...op.get(LANES[l]!), ...op.i64x2ExtendHighI32x4U, ...op.i64x2Add, ...op.set(SUMS[l]!),
    ...op.v128Zero, ...op.set(LANES[l]!),
  ]);
  const store = LAGS.flatMap((_, l) => [
    ...op.i32(4 * l), ...op.get(COUNT[l]!), ...op.i32Store,
    ...op.i32(24 + 8 * l), ...op.get(SUMS[l]!), ...op.i64x2Extract(0), ...op.get(SUMS[l]!), ...op.i64x2Extract(1), ...op.i64Add, ...op.i64Store,
  ]);
  return [
    ...op.get(STEPS), ...op.set(REST),
    ...op.block,
    ...op.loop,
    // K = min(REST, FLUSH); stop when nothing is left.
    ...op.get(REST), ...op.i32Eqz, ...op.brIf(1),
    ...op.get(REST), ...op.i32(FLUSH), ...op.get(REST), ...op.i32(FLUSH), ...op.i32LtS, ...op.select, ...op.set(K),
    ...op.get(REST), ...op.get(K), ...op.i32Sub, ...op.set(REST),
    ...op.loop,
    ...step(),
    ...op.get(I), ...op.i32(16), ...op.i32Add, ...op.set(I),
    ...op.get(K), ...op.i32(1), ...op.i32Sub, ...op.tee(K), ...op.brIf(0),
    ...op.end,
    ...flush,
    ...op.br(0),
    ...op.end,
    ...op.end,
    ...store,
  ];
}

function kernel(): KernelFunction {
  return { name: 'lags', params: [I32, I32, I32], results: [], locals: [[8, I32], [15, V128]], body: body() };
}

interface LagViews {
  bytes: Uint8Array;
  counts: Int32Array;
  sums: BigInt64Array;
  lags: (p: number, c: number, steps: number) => void;
}

const lagKernel = new SimdKernel<(p: number, c: number, steps: number) => void, LagViews>(kernel, ({ memory, fn }) => ({
  bytes: new Uint8Array(memory.buffer),
  counts: new Int32Array(memory.buffer, 0, 5),
  sums: new BigInt64Array(memory.buffer, 24, 5),
  lags: fn,
}));

/** Where the sequences start in the kernel's memory (after the results). */
const DATA = 64;

/**
 * Periodicity counts into out[8..12] and covariance sums into out[13..17] over the
 * positions i < 16·⌊(n − 32)/16⌋ (every lag's partner in range) of `pseq` and `cseq` (same
 * length n); returns that bound, or −1 without WebAssembly SIMD (nothing written).
 */
export function lagSumsSimd(pseq: Uint8Array, cseq: Uint8Array, out: Float64Array): number {
  const n = pseq.length;
  const steps = Math.max(0, Math.floor((n - 32) / 16));
  // 16·steps + 32 ≤ n: the kernel reads nothing past either copy.
  const cAt = DATA + n;
  const k = lagKernel.views(Math.ceil((cAt + n) / 65536));
  if (!k) return -1;
  k.bytes.set(pseq, DATA);
  k.bytes.set(cseq, cAt);
  k.lags(DATA, cAt, steps);
  for (let l = 0; l < LAGS.length; l++) {
    out[8 + l] = k.counts[l]!;
    out[13 + l] = Number(k.sums[l]!);
  }
  return 16 * steps;
}
