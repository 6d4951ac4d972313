/**
 * The SP 800-90B §4.4 health tests' inner loop in WebAssembly SIMD, 16 samples per
 * step: the Repetition Count Test's run (§4.4.1) and the Adaptive Proportion Test's
 * count of samples equal to its reference A (§4.4.2), over whole 16-byte blocks of
 * one APT window segment (../entropy/health/health-monitor.ts drives it, handles each
 * window's first sample, the tail and the alarms, and is tested against the tests
 * fed one sample at a time).
 *
 * Why: the TypeScript loop takes 4 samples per step (SWAR on a 32-bit word) and runs
 * at ~0.4 GB/s; a v128 compare does 16 lanes, with no bounds checks.
 *
 * A block is cheap when no RCT alarm can fall in it: every sample differs from its
 * predecessor (the run ends at 1; the cutoff is ≥ 2), or the run so far plus 16 stays
 * below the cutoff. Then the run after the block is the samples since its last change,
 * clz(~eq & 0xffff) − 15, or run + 16 when none changed (eq = the 16-bit mask of lanes
 * equal to their predecessor), and A's count grows by popcnt of the lanes equal to A.
 * Otherwise the block goes sample by sample, and the first alarm ends the call.
 *
 * scan(p, n, A, run, cutoff) → samples consumed (whole blocks; up to and including the
 * alarming sample after an alarm). The sample before p's first is read at p − 1 (the
 * caller writes the previous sample there). Results at bytes 0..11 of the memory:
 * A's count over the consumed samples, the run after them (0 after an alarm), and 1 if
 * an RCT alarm ended the call (else 0).
 */
import { I32, op, SimdKernel, V128, type KernelFunction } from './wasm-encoder.ts';

// Parameters, then i32 and v128 locals.
const [P, N, REF, RUN, CUT] = [0, 1, 2, 3, 4];
const [K, EQ, COUNT, RC, J, ADDR, S] = [5, 6, 7, 8, 9, 10, 11];
const [V, REFV] = [12, 13];

/** Writes the three results (count, run, alarm flag) to bytes 0..11. */
const storeResults = (run: number[], alarm: number): number[] => [
  ...op.i32(0), ...op.get(COUNT), ...op.i32Store,
  ...op.i32(4), ...run, ...op.i32Store,
  ...op.i32(8), ...op.i32(alarm), ...op.i32Store,
];

function body(): number[] {
  return [
    ...op.get(REF), ...op.i8x16Splat, ...op.set(REFV),
    ...op.block,
    ...op.loop,
    // while k + 16 ≤ n
    ...op.get(K), ...op.i32(16), ...op.i32Add, ...op.get(N), ...op.i32GtS, ...op.brIf(1),
    ...op.get(P), ...op.get(K), ...op.i32Add, ...op.v128Load, ...op.set(V),
    ...op.get(V), ...op.get(REFV), ...op.i8x16Eq, ...op.i8x16Bitmask, ...op.i32Popcnt, ...op.set(RC),
    ...op.get(V), ...op.get(P), ...op.get(K), ...op.i32Add, ...op.i32(1), ...op.i32Sub, ...op.v128Load,
    ...op.i8x16Eq, ...op.i8x16Bitmask, ...op.set(EQ),
    // No alarm possible in this block: every sample changed, or run + 16 < cutoff.
    ...op.get(EQ), ...op.i32Eqz, ...op.get(RUN), ...op.i32(16), ...op.i32Add, ...op.get(CUT), ...op.i32LtS, ...op.i32Or,
    ...op.if,
    ...op.get(RUN), ...op.i32(16), ...op.i32Add,
    ...op.get(EQ), ...op.i32(0xffff), ...op.i32Xor, ...op.i32Clz, ...op.i32(15), ...op.i32Sub,
    ...op.get(EQ), ...op.i32(0xffff), ...op.i32Eq, ...op.select, ...op.set(RUN),
    ...op.get(COUNT), ...op.get(RC), ...op.i32Add, ...op.set(COUNT),
    ...op.else,
    // Sample by sample: run = s == previous ? run + 1 : 1; stop at an alarm.
    ...op.i32(0), ...op.set(J),
    ...op.loop,
    ...op.get(P), ...op.get(K), ...op.i32Add, ...op.get(J), ...op.i32Add, ...op.tee(ADDR), ...op.i32Load8U, ...op.set(S),
    ...op.get(RUN), ...op.i32(1), ...op.i32Add, ...op.i32(1),
    ...op.get(S), ...op.get(ADDR), ...op.i32(1), ...op.i32Sub, ...op.i32Load8U, ...op.i32Eq, ...op.select, ...op.set(RUN),
    ...op.get(COUNT), ...op.get(S), ...op.get(REF), ...op.i32Eq, ...op.i32Add, ...op.set(COUNT),
    ...op.get(RUN), ...op.get(CUT), ...op.i32GeS,
    ...op.if,
    ...storeResults(op.i32(0), 1),
    ...op.get(K), ...op.get(J), ...op.i32Add, ...op.i32(1), ...op.i32Add, ...op.return,
    ...op.end,
    ...op.get(J), ...op.i32(1), ...op.i32Add, ...op.tee(J), ...op.i32(16), ...op.i32LtS, ...op.brIf(0),
    ...op.end,
    ...op.end,
    ...op.get(K), ...op.i32(16), ...op.i32Add, ...op.set(K),
    ...op.br(0),
    ...op.end,
    ...op.end,
    ...storeResults(op.get(RUN), 0),
    ...op.get(K),
  ];
}

function kernel(): KernelFunction {
  return { name: 'scan', params: [I32, I32, I32, I32, I32], results: [I32], locals: [[7, I32], [2, V128]], body: body() };
}

type ScanFunction = (p: number, n: number, ref: number, run: number, cutoff: number) => number;

/** Where the samples go in the kernel's memory; the byte before is the previous sample. */
export const HEALTH_SCAN_DATA = 16;
/** Samples copied into the kernel's memory per chunk. */
export const HEALTH_SCAN_CHUNK = 65536;

/** The kernel over its memory and the views the caller uses (made once per instance: feedAll runs per buffer). */
export interface HealthScan {
  bytes: Uint8Array;
  results: Int32Array;
  scan: ScanFunction;
}

const scanKernel = new SimdKernel<ScanFunction, HealthScan>(kernel, ({ memory, fn }) => ({
  bytes: new Uint8Array(memory.buffer),
  results: new Int32Array(memory.buffer, 0, 3),
  scan: fn,
}));

/** The kernel over its memory (2 pages: results, the previous sample, one chunk), or undefined without WebAssembly SIMD. */
export function healthScanSimd(): HealthScan | undefined {
  return scanKernel.views(Math.ceil((HEALTH_SCAN_DATA + HEALTH_SCAN_CHUNK) / 65536));
}
