/**
 * The two ends of the spectral test's real FFT (./fft.ts, `RealFFT`) in WebAssembly: loading
 * x_j = 2ε_j − 1 from the packed bits in the transform's digit-reversed order, and untangling
 * the half-length complex transform into the real one's half spectrum while counting the bins
 * with |X_k|² below a threshold (SP 800-22 Rev 1a §2.6's N1). They work on the memory of the
 * FFT stages' kernel (./fft-stages-simd.ts), where the transform's arrays live.
 *
 * Why: after the stages went to WebAssembly SIMD, these two loops in JavaScript took as long
 * as the whole transform: the untangling computed a cos and a sin per bin pair for every
 * stream (2.5·10^5 of each at n = 10^6), and the loader and the count were per-element loops.
 * The untangling's twiddles are now computed once per plan, by the same expressions, into the
 * memory (4 MB at n = 10^6), and each lane does the TypeScript untangling's operations in its
 * order (f64x2 add, sub and mul round as JavaScript's do; nothing is fused), so the spectrum
 * and the count are bit for bit those of the TypeScript path, which stays the fallback.
 *
 * untangle(zr, zi, tw, h, k, pairs, t2) → count: for the pairs of bins (k, k + 1), (k + 2,
 * k + 3), … (`pairs` of them), with their mirrors h − k and h − k − 1, which must not meet
 * them: X_k from Z_k and Z_(h−k) as `RealFFT.untangle` computes it, stored in place, and the
 * number of the 4·pairs bins whose re² + im² < t2. Twiddles at byte address tw for the first
 * pair, 32 bytes per pair: cos(w·k), cos(w·(k+1)), sin(w·k), sin(w·(k+1)) (`untangleTwiddles`).
 *
 * loadBits(words, bases, groups, offsets, size, zr, zi): for t < groups and c < size, with
 * j = bases[t] + offsets[c] (i32 arrays at those byte addresses) and e = t·size + c:
 * zr[e] = 2ε_2j − 1 and zi[e] = 2ε_(2j+1) − 1, ε_i being bit 31 − (i mod 32) of the 32-bit
 * word i/32 at byte address words (little-endian, as a Uint32Array on this machine sees it).
 * The digit-reversed order is a base per group of `size` positions (the last digits of the
 * position, counted in JavaScript) plus a fixed offset per position in the group (its first
 * digits): counting every position's digits cost more than the loads themselves.
 */
import { F64, I32, V128, countedLoop, op, SimdKernel, type KernelFunction } from './wasm-encoder.ts';

type Code = number[];
const i32 = (...parts: Code[]): Code => parts.flat();
const g = (l: number): Code => op.get(l);

// --- untangle ---------------------------------------------------------------------------
const [ZR, ZI, TW, H, K, PAIRS, T2] = [0, 1, 2, 3, 4, 5, 6];
// i32 locals, then v128 locals.
const [AK, AJ, D, LEFT] = [7, 8, 9, 10];
let nextV = 11;
const v = (): number => nextV++;
const [A, B, CC, DD, CK, SK, ER, EI, OR, OI, WR, WI, XR, XI, HALF, MHALF, LIMIT, COUNT] = Array.from({ length: 18 }, v);
const UNTANGLE_V128 = nextV - 11;

const mul = (a: Code, b: Code): Code => [...a, ...b, ...op.f64x2Mul];
const add = (a: Code, b: Code): Code => [...a, ...b, ...op.f64x2Add];
const sub = (a: Code, b: Code): Code => [...a, ...b, ...op.f64x2Sub];
const neg = (a: Code): Code => [...a, ...op.f64x2Neg];
const set = (l: number, e: Code): Code => [...e, ...op.set(l)];
/** The two doubles of a v128 exchanged: the mirrors h − k − 1, h − k are loaded in that order. */
const swap = (e: Code): Code => [...e, ...op.v128Zero, ...op.i8x16Shuffle([8, 9, 10, 11, 12, 13, 14, 15, 0, 1, 2, 3, 4, 5, 6, 7])];

/** X = er + wr·or − wi·oi, er... as RealFFT.untangle: stores it at (AK or AJ) and counts it. */
function bin(addr: number, mirrored: boolean): Code {
  const re = sub(add(g(ER), mul(g(WR), g(OR))), mul(g(WI), g(OI)));
  const im = add(add(g(EI), mul(g(WR), g(OI))), mul(g(WI), g(OR)));
  const put = (imag: boolean, local: number): Code => i32(
    g(addr), ...(imag ? [g(D), op.i32Add] : []), mirrored ? swap(g(local)) : g(local), op.v128StoreAt(0),
  );
  return i32(
    set(XR, re), set(XI, im),
    put(false, XR), put(true, XI),
    // re·re + im·im < t2, per lane: all ones (−1) where below, subtracted from the count.
    set(COUNT, i32(g(COUNT), add(mul(g(XR), g(XR)), mul(g(XI), g(XI))), g(LIMIT), op.f64x2Lt, op.i64x2Sub)),
  );
}

function untangleBody(): Code {
  return i32(
    set(HALF, i32(op.f64(0.5), op.f64x2Splat)),
    set(MHALF, i32(op.f64(-0.5), op.f64x2Splat)),
    set(LIMIT, i32(g(T2), op.f64x2Splat)),
    set(COUNT, op.v128Zero),
    g(ZI), g(ZR), op.i32Sub, op.set(D),
    // AK = zr + 8k, AJ = zr + 8(h − k − 1).
    g(K), op.i32(3), op.i32Shl, g(ZR), op.i32Add, op.set(AK),
    g(H), g(K), op.i32Sub, op.i32(1), op.i32Sub, op.i32(3), op.i32Shl, g(ZR), op.i32Add, op.set(AJ),
    g(PAIRS), op.set(LEFT),
    op.block,
    op.loop,
    g(LEFT), op.i32Eqz, op.brIf(1),
    set(A, i32(g(AK), op.v128LoadAt(0))),
    set(B, i32(g(AK), g(D), op.i32Add, op.v128LoadAt(0))),
    set(CC, swap(i32(g(AJ), op.v128LoadAt(0)))),
    set(DD, swap(i32(g(AJ), g(D), op.i32Add, op.v128LoadAt(0)))),
    set(CK, i32(g(TW), op.v128LoadAt(0))),
    set(SK, i32(g(TW), op.v128LoadAt(16))),
    // Bin k from (Z_k, Z_j): er = 0.5(a + c), ei = 0.5(b − d), or = 0.5(b + d), oi = −0.5(a − c), w = (cos, −sin).
    set(ER, mul(g(HALF), add(g(A), g(CC)))),
    set(EI, mul(g(HALF), sub(g(B), g(DD)))),
    set(OR, mul(g(HALF), add(g(B), g(DD)))),
    set(OI, mul(g(MHALF), sub(g(A), g(CC)))),
    set(WR, g(CK)),
    set(WI, neg(g(SK))),
    bin(AK, false),
    // Bin j = h − k from (Z_j, Z_k), W_n^j = −conj(W_n^k): the same expressions with the roles exchanged.
    set(ER, mul(g(HALF), add(g(CC), g(A)))),
    set(EI, mul(g(HALF), sub(g(DD), g(B)))),
    set(OR, mul(g(HALF), add(g(DD), g(B)))),
    set(OI, mul(g(MHALF), sub(g(CC), g(A)))),
    set(WR, neg(g(CK))),
    bin(AJ, true),
    g(AK), op.i32(16), op.i32Add, op.set(AK),
    g(AJ), op.i32(16), op.i32Sub, op.set(AJ),
    g(TW), op.i32(32), op.i32Add, op.set(TW),
    g(LEFT), op.i32(1), op.i32Sub, op.set(LEFT),
    op.br(0),
    op.end,
    op.end,
    g(COUNT), op.i64x2Extract(0), g(COUNT), op.i64x2Extract(1), op.i64Add, op.i32WrapI64,
  );
}

function untangleKernel(): KernelFunction {
  return {
    name: 'untangle',
    params: [I32, I32, I32, I32, I32, I32, F64],
    results: [I32],
    locals: [[4, I32], [UNTANGLE_V128, V128]],
    body: untangleBody(),
  };
}

// --- loadBits ---------------------------------------------------------------------------
const [WORDS, BASES, GROUPS, OFFSETS, SIZE, LZR, LZI] = [0, 1, 2, 3, 4, 5, 6];
const [T, BASE, C, I, W, OUT] = [7, 8, 9, 10, 11, 12];

/**
 * ±1.0 from a bit (0 or 1): 2·bit − 1 converted, not a select, which V8 compiles to a branch
 * (on random bits, mispredicted half the time: 6 ms instead of 1 per 10^6 bits).
 */
const plusMinusOne = (bit: Code): Code => i32(bit, op.i32(1), op.i32Shl, op.i32(1), op.i32Sub, op.f64ConvertI32S);

function loadBody(): Code {
  const element = i32(
    // i = 2·(base + offsets[c]); w = words[i >> 5] >>> (30 − (i & 31)): bit 2j at 1, bit 2j + 1 at 0.
    g(C), op.i32(2), op.i32Shl, g(OFFSETS), op.i32Add, op.i32Load, g(BASE), op.i32Add, op.i32(1), op.i32Shl, op.set(I),
    g(I), op.i32(5), op.i32ShrU, op.i32(2), op.i32Shl, g(WORDS), op.i32Add, op.i32Load,
    op.i32(30), g(I), op.i32(31), op.i32And, op.i32Sub, op.i32ShrU, op.set(W),
    g(OUT), g(LZR), op.i32Add, plusMinusOne(i32(g(W), op.i32(1), op.i32ShrU, op.i32(1), op.i32And)), op.f64StoreAt(0),
    g(OUT), g(LZI), op.i32Add, plusMinusOne(i32(g(W), op.i32(1), op.i32And)), op.f64StoreAt(0),
    g(OUT), op.i32(8), op.i32Add, op.set(OUT),
  );
  const group = i32(
    g(T), op.i32(2), op.i32Shl, g(BASES), op.i32Add, op.i32Load, op.set(BASE),
    op.i32(0), op.set(C),
    countedLoop(C, g(SIZE), 1, element),
  );
  return i32(
    op.i32(0), op.set(T),
    op.i32(0), op.set(OUT), // byte offset of the element being written, from zr / zi
    countedLoop(T, g(GROUPS), 1, group),
  );
}

function loadKernel(): KernelFunction {
  return { name: 'loadBits', params: [I32, I32, I32, I32, I32, I32, I32], results: [], locals: [[6, I32]], body: loadBody() };
}

export type UntangleFunction = (zr: number, zi: number, tw: number, h: number, k: number, pairs: number, t2: number) => number;
export type LoadBitsFunction = (words: number, bases: number, groups: number, offsets: number, size: number, zr: number, zi: number) => void;

const untangle = new SimdKernel<UntangleFunction>(untangleKernel);
const loadBits = new SimdKernel<LoadBitsFunction>(loadKernel);

/** Both functions over `memory` (the FFT stages' kernel's), or undefined without WebAssembly SIMD. */
export function fftRealSimd(memory: { buffer: ArrayBuffer }): { untangle: UntangleFunction; loadBits: LoadBitsFunction } | undefined {
  const u = untangle.on(memory);
  const l = loadBits.on(memory);
  return u && l ? { untangle: u, loadBits: l } : undefined;
}

/**
 * Bin pairs the untangle kernel takes from k = 1 on for a half length h: those whose mirrors
 * h − k − 1, h − k lie above k + 1. The bins from 1 + 2·pairs to h/2 are left to the caller.
 */
export function untanglePairs(h: number): number {
  return Math.max(0, Math.floor((h - 1) / 4));
}

/**
 * The twiddles of those pairs in the kernel's layout, into `out` from double index `at`:
 * cos(w·k) and sin(w·k) with w = 2π/n, the expressions RealFFT.untangle evaluates.
 * Returns the doubles written.
 */
export function untangleTwiddles(n: number, pairs: number, out: Float64Array, at: number): number {
  const w = (2 * Math.PI) / n;
  for (let p = 0, k = 1, o = at; p < pairs; p++, k += 2, o += 4) {
    out[o] = Math.cos(w * k);
    out[o + 1] = Math.cos(w * (k + 1));
    out[o + 2] = Math.sin(w * k);
    out[o + 3] = Math.sin(w * (k + 1));
  }
  return 4 * pairs;
}
