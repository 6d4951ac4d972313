/**
 * The SP 800-22 §2.7 Non-overlapping Template Matching scan of one block in
 * WebAssembly: every m-bit window of the block indexes a table of template slots, and
 * each template counts a match when the window starts at or after its next allowed
 * position (a match moves that to the window's end). ../sts/non-overlapping-template.ts
 * has the same loop in TypeScript (its comments say why it is shaped so) and is tested
 * equal to this one.
 *
 * Why: 148 templates over a 10^6-bit stream take the TypeScript loop 3.6 ms once V8 has
 * optimised it, and more in a fresh process, which starts it unoptimised; this one 1.9 ms
 * from its first call. A step's cost is its stores: each slot keeps its count and next
 * allowed start in one 64-bit entry (one load and one store a step), and the windows that
 * are no template are spread over SPREAD slots, so that consecutive steps rarely update the
 * same entry (one shared entry chained every step to the one before through memory).
 *
 * scan(w, base, last, m, slot, state): window starts base .. base + last of the MSB-first
 * 32-bit words at w (readable one word past the last window); slot is an i32 table (2^m
 * entries: the window's slot), state an i64 table, one per slot: the next window start
 * allowed to match (high half) and the matches so far (low half).
 */
import { I32, I64, op, SimdKernel, type KernelFunction } from './wasm-encoder.ts';

const [W, BASE, LAST, M, SLOT, STATE] = [0, 1, 2, 3, 4, 5];
const [J, P, V, ADDR, SH, MASK] = [6, 7, 8, 9, 10, 11];
const [X, S] = [12, 13];

/** X = the two words holding bits P & ~31 .. (P & ~31) + 63, first bit highest. */
const loadPair = (): number[] => [
  ...op.get(W), ...op.get(P), ...op.i32(5), ...op.i32ShrU, ...op.i32(2), ...op.i32Shl, ...op.i32Add, ...op.tee(ADDR),
  ...op.i32Load, ...op.i64ExtendI32U, ...op.i64(32), ...op.i64Shl,
  ...op.get(ADDR), ...op.i32(4), ...op.i32Add, ...op.i32Load, ...op.i64ExtendI32U, ...op.i64Or, ...op.set(X),
];

function body(): number[] {
  return [
    ...op.i32(64), ...op.get(M), ...op.i32Sub, ...op.set(SH),
    ...op.i32(1), ...op.get(M), ...op.i32Shl, ...op.i32(1), ...op.i32Sub, ...op.set(MASK),
    ...op.get(BASE), ...op.set(P),
    ...loadPair(),
    ...op.block,
    ...op.loop,
    ...op.get(J), ...op.get(LAST), ...op.i32GtS, ...op.brIf(1),
    // v = the m bits from bit p: X shifted right by 64 − m − (p mod 32), m bits kept. The word
    // pair is loaded once per 32 positions, not at every one.
    ...op.get(X), ...op.get(SH), ...op.get(P), ...op.i32(31), ...op.i32And, ...op.i32Sub, ...op.i64ExtendI32U, ...op.i64ShrU,
    ...op.i32WrapI64, ...op.get(MASK), ...op.i32And, ...op.set(V),
    // s = state[slot[v]] (next allowed start << 32 | count); when j ≥ next: count + 1, next = j + m.
    // One 64-bit entry per slot, so a step loads and stores once (a count and a next of their
    // own took a second load-add-store per step).
    ...op.get(STATE), ...op.get(SLOT), ...op.get(V), ...op.i32(2), ...op.i32Shl, ...op.i32Add, ...op.i32Load, ...op.i32(3), ...op.i32Shl, ...op.i32Add, ...op.tee(ADDR),
    ...op.i64Load, ...op.set(S),
    ...op.get(ADDR),
    ...op.get(J), ...op.get(M), ...op.i32Add, ...op.i64ExtendI32U, ...op.i64(32), ...op.i64Shl,
    ...op.get(S), ...op.i32WrapI64, ...op.i32(1), ...op.i32Add, ...op.i64ExtendI32U, ...op.i64Or,
    ...op.get(S),
    ...op.get(J), ...op.get(S), ...op.i64(32), ...op.i64ShrU, ...op.i32WrapI64, ...op.i32GeS,
    ...op.select, ...op.i64Store,
    ...op.get(J), ...op.i32(1), ...op.i32Add, ...op.set(J),
    ...op.get(P), ...op.i32(1), ...op.i32Add, ...op.tee(P), ...op.i32(31), ...op.i32And, ...op.i32Eqz,
    ...op.if, ...loadPair(), ...op.end,
    ...op.br(0),
    ...op.end,
    ...op.end,
  ];
}

function kernel(): KernelFunction {
  return { name: 'scan', params: [I32, I32, I32, I32, I32, I32], results: [], locals: [[6, I32], [2, I64]], body: body() };
}

type ScanFunction = (w: number, base: number, last: number, m: number, slot: number, state: number) => void;

interface ScanViews {
  words: Int32Array;
  scan: ScanFunction;
}

const scanKernel = new SimdKernel<ScanFunction, ScanViews>(kernel, ({ memory, fn }) => ({ words: new Int32Array(memory.buffer), scan: fn }));

/** Slots the windows that match no template are spread over. */
const SPREAD = 64;

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
  // Windows that are no template (slot 0; most windows) go to one of SPREAD slots of their
  // own, by their low bits, none of which ever counts. With one shared slot, each such window
  // read and wrote the entry the one before it wrote, a chain through memory (2.7 ms a
  // 10^6-bit stream with one slot, 1.9 with 64).
  const slots = T + 1 + SPREAD;
  // Layout (in 32-bit words): state (two per slot: count, then next, as one little-endian
  // 64-bit value), slot (2^m), the stream's words.
  const stateAt = 0;
  const slotAt = 2 * slots;
  const wordsAt = slotAt + slot.length;
  const k = scanKernel.views(Math.ceil((4 * (wordsAt + words.length + 1)) / 65536));
  if (!k) return false;
  const mem = k.words;
  for (let v = 0; v < slot.length; v++) mem[slotAt + v] = slot[v] === 0 ? T + 1 + (v % SPREAD) : slot[v]!;
  mem.set(words, wordsAt);
  mem[wordsAt + words.length] = 0;
  for (let i = 0; i < N; i++) {
    mem.fill(0, stateAt, stateAt + 2 * slots);
    // The no-template slots never count: their next allowed start is out of reach.
    mem[stateAt + 1] = 0x40000000;
    for (let s = T + 1; s < slots; s++) mem[stateAt + 2 * s + 1] = 0x40000000;
    k.scan(4 * wordsAt, i * M, M - m, m, 4 * slotAt, 4 * stateAt);
    for (let t = 0; t < T; t++) W[t * N + i] = mem[stateAt + 2 * (1 + t)]!;
  }
  return true;
}
