/**
 * The in-place FFT's radix-2, -4 and -5 stages (./fft.ts, `inPlace2/4/5`) in
 * WebAssembly SIMD, two butterflies at a time: k and k + 1 in the two lanes of
 * an f64x2. Each lane does the scalar code's operations in the scalar code's
 * order (WebAssembly's f64x2 add, sub and mul round as JavaScript's do, and
 * nothing is fused), so the result is bit for bit that of the TypeScript stages,
 * which stay the fallback and the reference the tests compare against.
 *
 * Why: the spectral test's FFT of 10^6 points is more than half of the SP 800-22
 * battery's time, and most of the FFT is these butterflies.
 *
 * stage(p, re, im, l, sp, tw, k0, count) → 1, or 0 for a radix it does not do:
 * for blocks b < sp and k = k0 .. k0 + count − 1, the butterfly on elements
 * b·p·l + k + q·l (q < p) of the arrays at byte addresses re and im. Twiddles at
 * byte address tw, per pair of k: for q = 1..p−1 the pair's two cos then its two
 * sin (32 bytes per q). An odd count ends with one k on its own (lane 0 stored).
 *
 * gather(table, n, p, sp, k0, count, out): the twiddles of a stage too big for a table of its
 * own, for k0 ≤ k < k0 + count, in the layout above, from the doubles at byte address table:
 * cos and sin of 2πm/n at 2m, 2m + 1 for m ≤ n/2 (fft.ts `reflectedTable`). W_n^idx for
 * idx = q·k·sp is (cos, sin) at m = min(idx, n − idx), sin negated when 2·idx > n: what
 * `copyStageTwiddles` and then `pairTwiddles` do in TypeScript, the same doubles, without
 * the two passes in JavaScript per chunk (1.5 ms a transform at n = 500,000).
 */
import { I32, V128, countedLoop, op, SimdKernel, type KernelFunction, type KernelInstance } from './wasm-encoder.ts';

type Code = number[];

// Parameters.
const [P, RE, IM, L, SP, TW, K0, COUNT] = [0, 1, 2, 3, 4, 5, 6, 7];
// i32 locals.
const [B, X, T, KK, D, L8] = [8, 9, 10, 11, 12, 13];
const AR = [14, 15, 16, 17, 18]; // byte address of element q's real part
const I32_LOCALS = 19 - 8;
// v128 locals, from 19.
let nextV = 19;
const v = (): number => nextV++;
const XR = [v(), v(), v(), v(), v()];
const XI = [v(), v(), v(), v(), v()];
const WR = [-1, v(), v(), v(), v()];
const WI = [-1, v(), v(), v(), v()];
const ARE = [v(), v(), v(), v(), v()];
const AIM = [v(), v(), v(), v(), v()];
const TR = [v(), v(), v(), v()];
const TI = [v(), v(), v(), v()];
const [M1R, M1I, M2R, M2I, N1R, N1I, N2R, N2I] = [v(), v(), v(), v(), v(), v(), v(), v()];
const [C1, C2, S1, S2] = [v(), v(), v(), v()];
const V128_LOCALS = nextV - 19;

const g = (l: number): Code => op.get(l);
const mul = (a: Code, b: Code): Code => [...a, ...b, ...op.f64x2Mul];
const add = (a: Code, b: Code): Code => [...a, ...b, ...op.f64x2Add];
const sub = (a: Code, b: Code): Code => [...a, ...b, ...op.f64x2Sub];
const set = (l: number, e: Code): Code => [...e, ...op.set(l)];
const i32 = (...parts: Code[]): Code => parts.flat();

/** The butterfly of radix p on the pair (both lanes stored) or on one k (lane 0 stored). */
function butterfly(p: number, pair: boolean): Code {
  const store = (addr: number, imag: boolean, e: Code): Code => [
    ...g(addr), ...(imag ? i32(g(D), op.i32Add) : []), ...e, ...(pair ? op.v128StoreAt(0) : op.v128Store64Lane0At(0)),
  ];
  const code: Code[] = [];
  // Addresses of the p elements, their values and twiddles.
  code.push(i32(g(X), op.set(AR[0]!)));
  for (let q = 1; q < p; q++) code.push(i32(g(AR[q - 1]!), g(L8), op.i32Add, op.set(AR[q]!)));
  code.push(set(ARE[0]!, i32(g(AR[0]!), op.v128LoadAt(0))));
  code.push(set(AIM[0]!, i32(g(AR[0]!), g(D), op.i32Add, op.v128LoadAt(0))));
  for (let q = 1; q < p; q++) {
    code.push(set(XR[q]!, i32(g(AR[q]!), op.v128LoadAt(0))));
    code.push(set(XI[q]!, i32(g(AR[q]!), g(D), op.i32Add, op.v128LoadAt(0))));
    code.push(set(WR[q]!, i32(g(T), op.v128LoadAt(32 * (q - 1)))));
    code.push(set(WI[q]!, i32(g(T), op.v128LoadAt(32 * (q - 1) + 16))));
    // a_q = x_q·w_q as the scalar code: xr·wr + xi·wi, xi·wr − xr·wi.
    code.push(set(ARE[q]!, add(mul(g(XR[q]!), g(WR[q]!)), mul(g(XI[q]!), g(WI[q]!)))));
    code.push(set(AIM[q]!, sub(mul(g(XI[q]!), g(WR[q]!)), mul(g(XR[q]!), g(WI[q]!)))));
  }
  const [a0r, a0i, a1r, a1i, a2r, a2i] = [g(ARE[0]!), g(AIM[0]!), g(ARE[1]!), g(AIM[1]!), p > 2 ? g(ARE[2]!) : [], p > 2 ? g(AIM[2]!) : []];
  if (p === 2) {
    code.push(store(AR[0]!, false, add(a0r, a1r)), store(AR[0]!, true, add(a0i, a1i)));
    code.push(store(AR[1]!, false, sub(a0r, a1r)), store(AR[1]!, true, sub(a0i, a1i)));
  } else if (p === 4) {
    const [a3r, a3i] = [g(ARE[3]!), g(AIM[3]!)];
    code.push(set(TR[0]!, add(a0r, a2r)), set(TI[0]!, add(a0i, a2i)));
    code.push(set(TR[1]!, sub(a0r, a2r)), set(TI[1]!, sub(a0i, a2i)));
    code.push(set(TR[2]!, add(a1r, a3r)), set(TI[2]!, add(a1i, a3i)));
    code.push(set(TR[3]!, sub(a1r, a3r)), set(TI[3]!, sub(a1i, a3i)));
    const [t0r, t0i, t1r, t1i, t2r, t2i, t3r, t3i] = [0, 1, 2, 3].flatMap((k) => [g(TR[k]!), g(TI[k]!)]);
    code.push(store(AR[0]!, false, add(t0r!, t2r!)), store(AR[0]!, true, add(t0i!, t2i!)));
    code.push(store(AR[1]!, false, add(t1r!, t3i!)), store(AR[1]!, true, sub(t1i!, t3r!)));
    code.push(store(AR[2]!, false, sub(t0r!, t2r!)), store(AR[2]!, true, sub(t0i!, t2i!)));
    code.push(store(AR[3]!, false, sub(t1r!, t3i!)), store(AR[3]!, true, add(t1i!, t3r!)));
  } else {
    const [a3r, a3i, a4r, a4i] = [g(ARE[3]!), g(AIM[3]!), g(ARE[4]!), g(AIM[4]!)];
    // t1 = a1 + a4, t2 = a2 + a3, t3 = a1 − a4, t4 = a2 − a3 (TR/TI 0..3).
    code.push(set(TR[0]!, add(a1r, a4r)), set(TI[0]!, add(a1i, a4i)));
    code.push(set(TR[1]!, add(a2r, a3r)), set(TI[1]!, add(a2i, a3i)));
    code.push(set(TR[2]!, sub(a1r, a4r)), set(TI[2]!, sub(a1i, a4i)));
    code.push(set(TR[3]!, sub(a2r, a3r)), set(TI[3]!, sub(a2i, a3i)));
    const [t1r, t1i, t2r, t2i, t3r, t3i, t4r, t4i] = [0, 1, 2, 3].flatMap((k) => [g(TR[k]!), g(TI[k]!)]) as Code[];
    const [c1, c2, s1, s2] = [g(C1), g(C2), g(S1), g(S2)];
    // m1 = a0 + C1·t1 + C2·t2, m2 = a0 + C2·t1 + C1·t2, n1 = S1·t3 + S2·t4, n2 = S2·t3 − S1·t4.
    code.push(set(M1R, add(add(a0r, mul(c1, t1r!)), mul(c2, t2r!))), set(M1I, add(add(a0i, mul(c1, t1i!)), mul(c2, t2i!))));
    code.push(set(M2R, add(add(a0r, mul(c2, t1r!)), mul(c1, t2r!))), set(M2I, add(add(a0i, mul(c2, t1i!)), mul(c1, t2i!))));
    code.push(set(N1R, add(mul(s1, t3r!), mul(s2, t4r!))), set(N1I, add(mul(s1, t3i!), mul(s2, t4i!))));
    code.push(set(N2R, sub(mul(s2, t3r!), mul(s1, t4r!))), set(N2I, sub(mul(s2, t3i!), mul(s1, t4i!))));
    code.push(store(AR[0]!, false, add(add(a0r, t1r!), t2r!)), store(AR[0]!, true, add(add(a0i, t1i!), t2i!)));
    code.push(store(AR[1]!, false, add(g(M1R), g(N1I))), store(AR[1]!, true, sub(g(M1I), g(N1R))));
    code.push(store(AR[4]!, false, sub(g(M1R), g(N1I))), store(AR[4]!, true, add(g(M1I), g(N1R))));
    code.push(store(AR[2]!, false, add(g(M2R), g(N2I))), store(AR[2]!, true, sub(g(M2I), g(N2R))));
    code.push(store(AR[3]!, false, sub(g(M2R), g(N2I))), store(AR[3]!, true, add(g(M2I), g(N2R))));
  }
  return code.flat();
}

/** The loops over blocks and pairs of k for radix p. */
function stageLoops(p: number): Code {
  const twStep = 32 * (p - 1);
  return i32(
    op.i32(0), op.set(B),
    op.block,
    op.loop,
    g(B), g(SP), op.i32GeS, op.brIf(1),
    // X = re + 8·(b·p·l + k0); T = tw.
    g(B), op.i32(p), op.i32Mul, g(L), op.i32Mul, g(K0), op.i32Add, op.i32(3), op.i32Shl, g(RE), op.i32Add, op.set(X),
    g(TW), op.set(T),
    op.i32(0), op.set(KK),
    op.block,
    op.loop,
    g(KK), op.i32(2), op.i32Add, g(COUNT), op.i32GtS, op.brIf(1),
    butterfly(p, true),
    g(X), op.i32(16), op.i32Add, op.set(X),
    g(T), op.i32(twStep), op.i32Add, op.set(T),
    g(KK), op.i32(2), op.i32Add, op.set(KK),
    op.br(0),
    op.end,
    op.end,
    // An odd count: the last k alone.
    g(KK), g(COUNT), op.i32LtS,
    op.if,
    butterfly(p, false),
    op.end,
    g(B), op.i32(1), op.i32Add, op.set(B),
    op.br(0),
    op.end,
    op.end,
  );
}

function body(): Code {
  const splat = (local: number, value: number): Code => i32(op.f64(value), op.f64x2Splat, op.set(local));
  return i32(
    // The radix-5 constants, computed as inPlace5 computes them.
    splat(C1, Math.cos((2 * Math.PI) / 5)),
    splat(C2, Math.cos((4 * Math.PI) / 5)),
    splat(S1, Math.sin((2 * Math.PI) / 5)),
    splat(S2, Math.sin((4 * Math.PI) / 5)),
    g(IM), g(RE), op.i32Sub, op.set(D),
    g(L), op.i32(3), op.i32Shl, op.set(L8),
    ...[2, 4, 5].map((p) => i32(g(P), op.i32(p), op.i32Eq, op.if, stageLoops(p), op.i32(1), op.return, op.end)),
    op.i32(0),
  );
}

function kernel(): KernelFunction {
  return {
    name: 'stage',
    params: [I32, I32, I32, I32, I32, I32, I32, I32],
    results: [I32],
    locals: [[I32_LOCALS, I32], [V128_LOCALS, V128]],
    body: body(),
  };
}

// gather's parameters and locals.
const [G_TABLE, G_N, G_P, G_SP, G_K0, G_COUNT, G_OUT] = [0, 1, 2, 3, 4, 5, 6];
const [G_PAIR, G_Q, G_KA, G_KB, G_IA, G_IB] = [7, 8, 9, 10, 11, 12];

/** The byte address of W_n^idx's cos in the table (local `idx` holds idx), and its sin's sign as ±1.0. */
function twiddleAt(idx: number): { addr: Code; sign: Code } {
  const m = i32(g(idx), g(G_N), g(idx), op.i32Sub, g(idx), g(G_N), g(idx), op.i32Sub, op.i32LtS, op.select);
  // 2·idx > n: −1, else +1 (a multiplication by ±1 is exact, and branch-free).
  const sign = i32(op.i32(1), g(idx), op.i32(1), op.i32Shl, g(G_N), op.i32GtS, op.i32(1), op.i32Shl, op.i32Sub, op.f64ConvertI32S);
  return { addr: i32(m, op.i32(4), op.i32Shl, g(G_TABLE), op.i32Add), sign };
}

function gatherBody(): Code {
  const a = twiddleAt(G_IA);
  const b = twiddleAt(G_IB);
  const twiddle = i32(
    g(G_Q), g(G_KA), op.i32Mul, g(G_SP), op.i32Mul, op.set(G_IA),
    g(G_Q), g(G_KB), op.i32Mul, g(G_SP), op.i32Mul, op.set(G_IB),
    g(G_OUT), a.addr, op.f64LoadAt(0), op.f64StoreAt(0),
    g(G_OUT), b.addr, op.f64LoadAt(0), op.f64StoreAt(8),
    g(G_OUT), a.addr, op.f64LoadAt(8), a.sign, op.f64Mul, op.f64StoreAt(16),
    g(G_OUT), b.addr, op.f64LoadAt(8), b.sign, op.f64Mul, op.f64StoreAt(24),
    g(G_OUT), op.i32(32), op.i32Add, op.set(G_OUT),
  );
  const pair = i32(
    g(G_K0), g(G_PAIR), op.i32Add, op.set(G_KA),
    // The second lane: k + 1, or k again for an odd count's last k.
    g(G_KA), op.i32(1), op.i32Add, g(G_KA), g(G_PAIR), op.i32(1), op.i32Add, g(G_COUNT), op.i32LtS, op.select, op.set(G_KB),
    op.i32(1), op.set(G_Q),
    countedLoop(G_Q, g(G_P), 1, twiddle),
  );
  return i32(op.i32(0), op.set(G_PAIR), countedLoop(G_PAIR, g(G_COUNT), 2, pair));
}

function gatherKernel(): KernelFunction {
  return { name: 'gather', params: [I32, I32, I32, I32, I32, I32, I32], results: [], locals: [[6, I32]], body: gatherBody() };
}

export type GatherFunction = (table: number, n: number, p: number, sp: number, k0: number, count: number, out: number) => void;

const gatherTwiddles = new SimdKernel<GatherFunction>(gatherKernel);

/** The twiddle gather over the memory of a stage kernel's instance (`fftStagesSimd`), or undefined without WebAssembly SIMD. */
export function fftTwiddleGather(memory: { buffer: ArrayBuffer }): GatherFunction | undefined {
  return gatherTwiddles.on(memory);
}

export type StageFunction = (p: number, re: number, im: number, l: number, sp: number, tw: number, k0: number, count: number) => number;

const stageKernel = new SimdKernel<StageFunction>(kernel);

/** A memory of its own with the stage function, or undefined without WebAssembly SIMD. */
export function fftStagesSimd(bytes: number): KernelInstance<StageFunction> | undefined {
  return stageKernel.own(Math.ceil(bytes / 65536));
}

/**
 * Twiddles in the kernel's layout: from `tw` in the TypeScript stages' layout
 * (per k from k0: for q = 1..p−1 its cos and sin) for `count` k, into `out` from
 * double index `at`, per pair of k: for each q the two cos, then the two sin.
 * Returns the doubles written.
 */
export function pairTwiddles(tw: Float64Array, p: number, count: number, out: Float64Array, at: number): number {
  const per = 2 * (p - 1);
  let o = at;
  for (let k = 0; k < count; k += 2) {
    const a = k * per;
    const b = k + 1 < count ? a + per : a; // one k alone: its own values in both lanes
    for (let q = 0; q < p - 1; q++, o += 4) {
      out[o] = tw[a + 2 * q]!;
      out[o + 1] = tw[b + 2 * q]!;
      out[o + 2] = tw[a + 2 * q + 1]!;
      out[o + 3] = tw[b + 2 * q + 1]!;
    }
  }
  return o - at;
}
