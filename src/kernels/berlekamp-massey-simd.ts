/**
 * Bit-sliced Berlekamp–Massey over 128 blocks at once in WebAssembly SIMD, for
 * the Linear Complexity test (SP 800-22 Rev 1a §2.10; see ../sts/linear-complexity.ts
 * for the algorithm in TypeScript, which this mirrors and is tested against).
 *
 * Why: BM costs O(M²) bit operations per block (2000 blocks of 500 bits at
 * n = 10^6). Bit-sliced, one machine word carries one coefficient of many
 * blocks; a v128 carries 128 blocks, against 32 for a JavaScript int, and the
 * inner loop has no bounds checks. The module is tiny and assembled here from
 * its opcodes (no build step, no dependency); Node 20 runs WASM SIMD without
 * flags. `blockComplexitiesSimd` returns undefined when WebAssembly SIMD is
 * unavailable, and the caller falls back to the TypeScript version.
 *
 * Memory (one imported memory, byte offsets): S[j] = bit j of the 128 blocks
 * (v128, j = 0..M, S[M] = 0), then C[k] (coefficients of the 128 connection
 * polynomials), then Q (B' = x^{N−m}·B, pre-shifted; its base moves down one
 * v128 per step), then L[lane] (i32). Lane p is bit p & 63 of i64 half p >> 6.
 */
import { gatherTransposed } from './bit-transpose.ts';
import { I32, I64, op, SimdKernel, V128, type KernelFunction } from './wasm-encoder.ts';

// Locals: params 0..4, then i32, i64 and v128 locals.
const [pM, pS, pC, pQ, pL] = [0, 1, 2, 3, 4];
const [N, k, kmax, Lmax, Lmin, half, lmax, lmin, cp] = [5, 6, 7, 8, 9, 10, 11, 12, 13];
const [dlo, dhi, glo, ghi] = [14, 15, 16, 17];
const [d, dn, g, c, b, cn, vmax, vmin, halfv, np1, lv, grow, nlv] = [18, 19, 20, 21, 22, 23, 24, 25, 26, 27, 28, 29, 30];

/** 16·x for an i32 already on the stack. */
const times16 = [...op.i32(4), ...op.i32Shl];

/**
 * Per lane: L grows when d = 1 and L ≤ N/2 (L ← N + 1 − L), and the lanes that grew form g;
 * lmax, lmin are the new L's extremes. Four lanes at a time (i32x4 of L, lanes 4j .. 4j + 3
 * = bits 4j .. 4j + 3 of d), unrolled over the 32 groups: the lane-by-lane loop this replaces
 * took two thirds of the kernel's instructions.
 */
function laneUpdates(): number[] {
  const code: number[][] = [
    [...op.i32(0), ...op.i32x4Splat, ...op.set(vmax)],
    [...op.i32(0x7fffffff), ...op.i32x4Splat, ...op.set(vmin)],
    [...op.get(half), ...op.i32x4Splat, ...op.set(halfv)],
    [...op.get(N), ...op.i32(1), ...op.i32Add, ...op.i32x4Splat, ...op.set(np1)],
    [...op.i64(0), ...op.set(glo)],
    [...op.i64(0), ...op.set(ghi)],
  ];
  for (let j = 0; j < 32; j++) {
    const word = j < 16 ? dlo : dhi;
    const g64 = j < 16 ? glo : ghi;
    const sh = 4 * (j & 15);
    const at = [...op.get(pL), ...op.i32(16 * j), ...op.i32Add];
    code.push(
      // Lanes of this group whose d bit is set: the nibble splat, masked per lane, ≠ 0.
      [...op.get(word), ...op.i64(sh), ...op.i64ShrU, ...op.i32WrapI64, ...op.i32x4Splat, ...op.i32x4Const(1, 2, 4, 8), ...op.v128And],
      [...op.v128Zero, ...op.i32x4Ne],
      [...at, ...op.v128Load, ...op.tee(lv), ...op.get(halfv), ...op.i32x4LeS, ...op.v128And, ...op.set(grow)],
      [...at, ...op.get(np1), ...op.get(lv), ...op.i32x4Sub, ...op.get(lv), ...op.get(grow), ...op.v128Bitselect, ...op.tee(nlv), ...op.v128Store],
      [...op.get(vmax), ...op.get(nlv), ...op.i32x4MaxS, ...op.set(vmax)],
      [...op.get(vmin), ...op.get(nlv), ...op.i32x4MinS, ...op.set(vmin)],
      [...op.get(g64), ...op.get(grow), ...op.i32x4Bitmask, ...op.i64ExtendI32U, ...op.i64(sh), ...op.i64Shl, ...op.i64Or, ...op.set(g64)],
    );
  }
  // Horizontal max and min of the four lanes.
  const reduce = (v: number, out: number, gt: number[]): number[] => {
    const r = [...op.get(v), ...op.i32x4Extract(0), ...op.set(out)];
    for (let i = 1; i < 4; i++) {
      r.push(...op.get(v), ...op.i32x4Extract(i), ...op.get(out), ...op.get(v), ...op.i32x4Extract(i), ...op.get(out), ...gt, ...op.select, ...op.set(out));
    }
    return r;
  };
  code.push(reduce(vmax, lmax, op.i32GtS), reduce(vmin, lmin, op.i32LtS));
  code.push([...op.get(glo), ...op.i64x2Splat, ...op.get(ghi), ...op.i64x2Replace(1), ...op.set(g)]);
  return code.flat();
}

/** The body of bm(M, S, C, Q, L); see the TypeScript `complexities32` for the same steps. */
function body(): number[] {
  return [
    ...op.get(pS), ...op.v128Load, ...op.set(d), // d = S[0] (c_0 = 1 in every lane)
    ...op.block,
    ...op.loop,
    ...op.get(N), ...op.get(pM), ...op.i32GeS, ...op.brIf(1),
    ...op.get(N), ...op.i32(1), ...op.i32ShrU, ...op.set(half),
    ...op.get(d), ...op.i64x2Extract(0), ...op.set(dlo),
    ...op.get(d), ...op.i64x2Extract(1), ...op.set(dhi),
    ...op.i64(0), ...op.set(glo),
    ...op.i64(0), ...op.set(ghi),
    ...laneUpdates(),
    // kmax = max(Lmax, N + 1 − Lmin): degrees of C and B' before the update.
    ...op.get(N), ...op.i32(1), ...op.i32Add, ...op.get(Lmin), ...op.i32Sub, ...op.tee(kmax),
    ...op.get(Lmax), ...op.get(kmax), ...op.get(Lmax), ...op.i32GtS, ...op.select, ...op.set(kmax),
    ...op.v128Zero, ...op.set(dn),
    ...op.i32(0), ...op.set(k),
    // C ← C ^ (B' & d); B' ← g ? C_old : B'; dn ^= C_new & S[N + 1 − k].
    ...op.loop,
    ...op.get(pC), ...op.get(k), ...times16, ...op.i32Add, ...op.tee(cp), ...op.v128Load, ...op.set(c),
    ...op.get(pQ), ...op.get(k), ...times16, ...op.i32Add, ...op.v128Load, ...op.set(b),
    ...op.get(c), ...op.get(b), ...op.get(d), ...op.v128And, ...op.v128Xor, ...op.set(cn),
    ...op.get(cp), ...op.get(cn), ...op.v128Store,
    ...op.get(pQ), ...op.get(k), ...times16, ...op.i32Add, ...op.get(c), ...op.get(b), ...op.get(g), ...op.v128Bitselect, ...op.v128Store,
    ...op.get(dn), ...op.get(cn),
    ...op.get(pS), ...op.get(N), ...op.i32(1), ...op.i32Add, ...op.get(k), ...op.i32Sub, ...times16, ...op.i32Add, ...op.v128Load,
    ...op.v128And, ...op.v128Xor, ...op.set(dn),
    ...op.get(k), ...op.i32(1), ...op.i32Add, ...op.tee(k), ...op.get(kmax), ...op.i32LeS, ...op.brIf(0),
    ...op.end,
    ...op.get(dn), ...op.set(d),
    ...op.get(lmax), ...op.set(Lmax),
    ...op.get(lmin), ...op.set(Lmin),
    // B' ← x·B': its base moves down one v128, whose value is 0.
    ...op.get(pQ), ...op.i32(16), ...op.i32Sub, ...op.tee(pQ), ...op.v128Zero, ...op.v128Store,
    ...op.get(N), ...op.i32(1), ...op.i32Add, ...op.set(N),
    ...op.br(0),
    ...op.end,
    ...op.end,
  ];
}

/** bm(M, S, C, Q, L): no result; 9 i32, 4 i64 and 13 v128 locals after the parameters. */
function kernel(): KernelFunction {
  return { name: 'bm', params: [I32, I32, I32, I32, I32], results: [], locals: [[9, I32], [4, I64], [13, V128]], body: body() };
}

type BmFunction = (M: number, S: number, C: number, Q: number, L: number) => void;
const bmKernel = new SimdKernel<BmFunction>(kernel);

/**
 * Linear complexity of each of the `nBlocks` consecutive M-bit blocks of
 * `words` (MSB first, at least one readable word past the last block bit),
 * 128 blocks per call of the WASM function; undefined without WASM SIMD.
 */
export function blockComplexitiesSimd(words: Uint32Array, nBlocks: number, M: number): Int32Array | undefined {
  const sBase = 0;
  const cBase = 16 * (M + 33);
  const qBase = cBase + 16 * (M + 2);
  const lBase = qBase + 16 * (2 * M + 6);
  const bytes = lBase + 4 * 128;
  const instance = bmKernel.instance(Math.ceil(bytes / 65536));
  if (!instance) return undefined;
  const { memory, fn: bm } = instance;
  const u32 = new Uint32Array(memory.buffer);
  const L = new Int32Array(memory.buffer, lBase, 128);
  const res = new Int32Array(nBlocks);
  const A = new Uint32Array(32);
  for (let g0 = 0; g0 < nBlocks; g0 += 128) {
    u32.fill(0, 0, lBase >>> 2);
    L.fill(0);
    // S: u32 (4j + w) bit (31 − l) = bit j of block g0 + 32w + l.
    for (let w = 0; w < 4; w++) {
      for (let j0 = 0; j0 < M; j0 += 32) {
        gatherTransposed(A, words, g0 + 32 * w, nBlocks, M, j0);
        const top = Math.min(32, M - j0);
        for (let i = 0; i < top; i++) u32[((sBase >>> 2) + 4 * (j0 + i) + w)] = A[i]!;
      }
    }
    u32.fill(0xffffffff, cBase >>> 2, (cBase >>> 2) + 4); // c_0 = 1
    const q0 = qBase + 16 * (M + 1);
    u32.fill(0xffffffff, (q0 + 16) >>> 2, ((q0 + 16) >>> 2) + 4); // B' = x at N = 0
    bm(M, sBase, cBase, q0, lBase);
    for (let p = 0; p < 128; p++) {
      const blk = g0 + 32 * (p >>> 5) + 31 - (p & 31);
      if (blk < nBlocks) res[blk] = L[p]!;
    }
  }
  return res;
}
