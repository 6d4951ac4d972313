/**
 * The SP 800-22 §2.7 Non-overlapping Template Matching scan of one block in
 * WebAssembly: every m-bit window of the block indexes a table of template slots, and
 * each template counts a match when the window starts at or after its next allowed
 * position (a match moves that to the window's end). ../sts/non-overlapping-template.ts
 * has the same loop in TypeScript (its comments say why it is shaped so) and is tested
 * equal to this one.
 *
 * Why: 148 templates over a 10^6-bit stream take the TypeScript loop 3.6 ms once V8 has
 * optimised it, and more in a fresh process, which starts it unoptimised; this one 2.8 ms
 * from its first call (`sts --tests NonOverlappingTemplate`, 100 streams: 0.72 -> 0.49 s CPU;
 * the optimised C STS: 0.28-0.32 s).
 *
 * scan(w, base, last, m, slot, count, next): window starts base .. base + last of the
 * MSB-first 32-bit words at w (readable one word past the last window); slot, count and
 * next are i32 tables (slot: 2^m entries; count/next: one per slot value).
 */
import { I32, I64, op, SimdKernel, type KernelFunction } from './wasm-encoder.ts';

const [W, BASE, LAST, M, SLOT, COUNT, NEXT] = [0, 1, 2, 3, 4, 5, 6];
const [J, P, V, T, NX, OK, ADDR] = [7, 8, 9, 10, 11, 12, 13];
const X = 14;

function body(): number[] {
  return [
    ...op.block,
    ...op.loop,
    ...op.get(J), ...op.get(LAST), ...op.i32GtS, ...op.brIf(1),
    ...op.get(BASE), ...op.get(J), ...op.i32Add, ...op.set(P),
    // The two words holding bits p .. p + 31 as one 64-bit value, first bit highest.
    ...op.get(W), ...op.get(P), ...op.i32(5), ...op.i32ShrU, ...op.i32(2), ...op.i32Shl, ...op.i32Add, ...op.tee(ADDR),
    ...op.i32Load, ...op.i64ExtendI32U, ...op.i64(32), ...op.i64Shl,
    ...op.get(ADDR), ...op.i32(4), ...op.i32Add, ...op.i32Load, ...op.i64ExtendI32U, ...op.i64Or, ...op.set(X),
    // v = the m bits from bit p: shift right by 64 − m − (p mod 32), keep m bits.
    ...op.get(X), ...op.i32(64), ...op.get(M), ...op.i32Sub, ...op.get(P), ...op.i32(31), ...op.i32And, ...op.i32Sub, ...op.i64ExtendI32U, ...op.i64ShrU,
    ...op.i32WrapI64, ...op.i32(1), ...op.get(M), ...op.i32Shl, ...op.i32(1), ...op.i32Sub, ...op.i32And, ...op.set(V),
    // t = slot[v]; ok = j ≥ next[t]; count[t] += ok; next[t] = ok ? j + m : next[t].
    ...op.get(SLOT), ...op.get(V), ...op.i32(2), ...op.i32Shl, ...op.i32Add, ...op.i32Load, ...op.i32(2), ...op.i32Shl, ...op.set(T),
    ...op.get(NEXT), ...op.get(T), ...op.i32Add, ...op.i32Load, ...op.set(NX),
    ...op.get(J), ...op.get(NX), ...op.i32GeS, ...op.set(OK),
    ...op.get(COUNT), ...op.get(T), ...op.i32Add, ...op.tee(ADDR),
    ...op.get(ADDR), ...op.i32Load, ...op.get(OK), ...op.i32Add, ...op.i32Store,
    ...op.get(NEXT), ...op.get(T), ...op.i32Add,
    ...op.get(J), ...op.get(M), ...op.i32Add, ...op.get(NX), ...op.get(OK), ...op.select, ...op.i32Store,
    ...op.get(J), ...op.i32(1), ...op.i32Add, ...op.set(J),
    ...op.br(0),
    ...op.end,
    ...op.end,
  ];
}

function kernel(): KernelFunction {
  return { name: 'scan', params: [I32, I32, I32, I32, I32, I32, I32], results: [], locals: [[7, I32], [1, I64]], body: body() };
}

type ScanFunction = (w: number, base: number, last: number, m: number, slot: number, count: number, next: number) => void;

interface ScanViews {
  words: Int32Array;
  scan: ScanFunction;
}

const scanKernel = new SimdKernel<ScanFunction, ScanViews>(kernel, ({ memory, fn }) => ({ words: new Int32Array(memory.buffer), scan: fn }));

/** Largest template length the kernel takes (its slot table is 2^m words in its memory). */
export const TEMPLATE_SCAN_MAX_M = 16;

/**
 * W[t·N + i] = non-overlapping matches of template t (slot t + 1) in block i, for the N
 * blocks of M bits of `words` (MSB first, at least one word past the last window),
 * with `slot` the window → slot table (0: no template) of T templates; false
 * without WebAssembly or for m > TEMPLATE_SCAN_MAX_M (the caller scans in TypeScript).
 */
export function templateScanWasm(words: Uint32Array, slot: Int32Array, m: number, M: number, N: number, T: number, W: Int32Array): boolean {
  if (m > TEMPLATE_SCAN_MAX_M) return false;
  // Layout (in 32-bit words): count, next (T + 1 each), slot (2^m), the stream's words.
  const countAt = 0;
  const nextAt = T + 1;
  const slotAt = 2 * (T + 1);
  const wordsAt = slotAt + slot.length;
  const k = scanKernel.views(Math.ceil((4 * (wordsAt + words.length + 1)) / 65536));
  if (!k) return false;
  const mem = k.words;
  mem.set(slot, slotAt);
  mem.set(words, wordsAt);
  mem[wordsAt + words.length] = 0;
  for (let i = 0; i < N; i++) {
    mem.fill(0, countAt, countAt + T + 1);
    mem.fill(0, nextAt, nextAt + T + 1);
    mem[nextAt] = 0x40000000; // slot 0 (no template) never counts
    k.scan(4 * wordsAt, i * M, M - m, m, 4 * slotAt, 4 * countAt, 4 * nextAt);
    for (let t = 0; t < T; t++) W[t * N + i] = mem[countAt + 1 + t]!;
  }
  return true;
}
