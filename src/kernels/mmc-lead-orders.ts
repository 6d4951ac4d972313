/**
 * The binary MultiMMC predictor's table pass (SP 800-90B §6.3.9, the reference's
 * binary version), three orders at a time, in WebAssembly: for the steps
 * from .. b−1 of a chunk and the orders d0, d0+1, d0+2 (all below 15), each step
 * looks up the order's prefix of d+1 bits, records whether it was seen (`found`)
 * and whether its leading follower is the next bit (`hit`), 32 steps per word,
 * and counts the next bit. ../entropy/estimators/multi-mmc.ts drives it (its
 * `threeLeadOrders` is the TypeScript twin, kept for machines without
 * WebAssembly) and scores the chunk from the words.
 *
 * A table word is 0 for a prefix never seen, else 2·(c1 − c0) + 1 (odd; ≥ 1
 * exactly when 1 is predicted, ties going to the larger symbol), so a step is
 * one load and one store per order.
 *
 * Why WebAssembly: the pass is the estimator's largest cost (15 table updates
 * per sample). Here it has no bounds checks and no warm-up in the interpreter,
 * which a fresh process otherwise pays on every run.
 *
 * lead(a, from, b, d0, hist) with `hist` = the 16 bits before step `from`
 * (S[from−2] in bit 0). Memory: the tables from byte 0 (order d's slot for prefix
 * p is (2 << d) − 2 + p), the hit words at HIT, the found words at FOUND (order
 * d's word w of the chunk at d·CHUNK_WORDS + w), the samples (one per byte) from
 * SAMPLES.
 */
import { I32, op, SimdKernel, type KernelFunction } from './wasm-encoder.ts';

/** Steps per chunk (a multiple of 32) and words per order per chunk. */
export const MMC_CHUNK = 4096;
export const MMC_CHUNK_WORDS = MMC_CHUNK / 32;
/** Orders with a word of hit and found bits per chunk (D = 16 of §6.3.9). */
export const MMC_ORDERS = 16;
/** Table words of orders 0..14 (the slot of order 15's first prefix). */
export const MMC_LEAD_WORDS = (2 << 15) - 2;
const HIT = 4 * 65536;
const FOUND = HIT + 4 * MMC_ORDERS * MMC_CHUNK_WORDS;
const SAMPLES = FOUND + 4 * MMC_ORDERS * MMC_CHUNK_WORDS;

// Parameters, then locals.
const [A, FROM, B, D0, HIST] = [0, 1, 2, 3, 4];
const [I, Y, INC, W, R, O] = [5, 6, 7, 8, 9, 10];
/** Per order of the three: mask, table base, table address, table word, hit bits, found bits. */
const ORDER = [11, 17, 23].map((l) => ({ m: l, base: l + 1, at: l + 2, v: l + 3, h: l + 4, f: l + 5 }));
const LOCALS = 29 - 5;

const add = (...xs: number[][]): number[] => xs.flat();

/** Stores local `bits` as word `w` (a local) of the order `k` of the three, in the table at `base`. */
const storeWord = (base: number, k: number, bits: number[]): number[] => add(
  op.get(O), op.get(W), op.i32Add, op.i32(2), op.i32Shl, op.i32(base + 4 * k * MMC_CHUNK_WORDS), op.i32Add,
  bits, op.i32Store,
);

function body(): number[] {
  const setup = ORDER.map(({ m, base }, k) => add(
    // m = (2 << (d0 + k)) − 1; base = m − 1.
    op.i32(2 << k), op.get(D0), op.i32Shl, op.i32(1), op.i32Sub, op.tee(m),
    op.i32(1), op.i32Sub, op.set(base),
  ));
  const step = ORDER.map(({ m, base, at, v, h, f }) => add(
    // at = 4·(base + (hist & m)); v = table[at].
    op.get(base), op.get(HIST), op.get(m), op.i32And, op.i32Add, op.i32(2), op.i32Shl, op.tee(at),
    op.i32Load, op.set(v),
    // h = (h << 1) | (((v >>> 31) ^ y) & v & 1): seen and predicting y.
    op.get(h), op.i32(1), op.i32Shl,
    op.get(v), op.i32(31), op.i32ShrU, op.get(Y), op.i32Xor, op.get(v), op.i32And, op.i32(1), op.i32And,
    op.i32Or, op.set(h),
    // f = (f << 1) | (v & 1): seen.
    op.get(f), op.i32(1), op.i32Shl, op.get(v), op.i32(1), op.i32And, op.i32Or, op.set(f),
    // table[at] = (v | 1) + inc.
    op.get(at), op.get(v), op.i32(1), op.i32Or, op.get(INC), op.i32Add, op.i32Store,
  ));
  const flush = (shifted: boolean): number[] => add(
    ...ORDER.map(({ h, f }, k) => add(
      storeWord(HIT, k, shifted ? add(op.get(h), op.i32(32), op.get(R), op.i32Sub, op.i32Shl) : op.get(h)),
      storeWord(FOUND, k, shifted ? add(op.get(f), op.i32(32), op.get(R), op.i32Sub, op.i32Shl) : op.get(f)),
    )),
  );
  return add(
    ...setup,
    // o = d0·CHUNK_WORDS − (a >> 5): word w of the chunk is at o + (i >> 5).
    op.get(D0), op.i32(Math.log2(MMC_CHUNK_WORDS)), op.i32Shl, op.get(A), op.i32(5), op.i32ShrU, op.i32Sub, op.set(O),
    op.get(FROM), op.set(I),
    op.block,
    op.get(I), op.get(B), op.i32GeS, op.brIf(0),
    op.loop,
    // hist = (hist << 1) | (S[i − 1] & 1); y = S[i] & 1; inc = 4y − 2.
    op.get(HIST), op.i32(1), op.i32Shl,
    op.get(I), op.i32(SAMPLES - 1), op.i32Add, op.i32Load8U, op.i32(1), op.i32And, op.i32Or, op.set(HIST),
    op.get(I), op.i32(SAMPLES), op.i32Add, op.i32Load8U, op.i32(1), op.i32And, op.tee(Y),
    op.i32(2), op.i32Shl, op.i32(2), op.i32Sub, op.set(INC),
    ...step,
    // Every 32nd step: the words of steps i − 31 .. i.
    op.get(I), op.i32(31), op.i32And, op.i32(31), op.i32Eq,
    op.if,
    op.get(I), op.i32(5), op.i32ShrU, op.set(W),
    flush(false),
    op.end,
    op.get(I), op.i32(1), op.i32Add, op.tee(I), op.get(B), op.i32LtS, op.brIf(0),
    op.end,
    op.end,
    // The chunk's last, partial word.
    op.get(B), op.i32(31), op.i32And, op.tee(R),
    op.if,
    op.get(B), op.i32(5), op.i32ShrU, op.set(W),
    flush(true),
    op.end,
  );
}

function kernel(): KernelFunction {
  return { name: 'lead', params: [I32, I32, I32, I32, I32], results: [], locals: [[LOCALS, I32]], body: body() };
}

type LeadFunction = (a: number, from: number, b: number, d0: number, hist: number) => void;

/** The kernel over its memory and the views its caller reads and writes. */
export interface MmcLeadOrders {
  lead: LeadFunction;
  /** The tables of orders 0..14, one word per prefix. */
  table: Int32Array;
  /** Hit and found words, order d's word w of the chunk at d·MMC_CHUNK_WORDS + w. */
  hit: Int32Array;
  found: Int32Array;
  /** All of the memory's room for samples (at least what was asked for). */
  samples: Uint8Array;
}

const leadKernel = new SimdKernel<LeadFunction, MmcLeadOrders>(kernel, ({ memory: { buffer }, fn }) => ({
  lead: fn,
  table: new Int32Array(buffer, 0, MMC_LEAD_WORDS),
  hit: new Int32Array(buffer, HIT, MMC_ORDERS * MMC_CHUNK_WORDS),
  found: new Int32Array(buffer, FOUND, MMC_ORDERS * MMC_CHUNK_WORDS),
  samples: new Uint8Array(buffer, SAMPLES),
}));

/** The kernel with room for `samples` samples, or undefined without WebAssembly. */
export function mmcLeadOrders(samples: number): MmcLeadOrders | undefined {
  return leadKernel.views(Math.ceil((SAMPLES + samples) / 65536));
}
