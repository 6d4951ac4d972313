/**
 * Bit-matrix transpose for bit-slicing: turns 32 words of one block each into
 * 32 words of one bit position each (all blocks' bit j in word j), the layout
 * in which the bit-sliced Berlekamp–Massey runs (./berlekamp-massey-simd.ts
 * and ../sts/linear-complexity.ts).
 */

/** In-place transpose of a 32×32 bit matrix (row r = A[r], column 0 = bit 31; Hacker's Delight §7-3). */
export function transpose32(A: Uint32Array): void {
  let j = 16;
  let m = 0x0000ffff;
  while (j !== 0) {
    for (let r = 0; r < 32; r = (r + j + 1) & ~j) {
      const t = (A[r]! ^ (A[r + j]! >>> j)) & m;
      A[r]! ^= t;
      A[r + j]! ^= t << j;
    }
    j >>>= 1;
    m ^= m << j;
  }
}

/**
 * Bit-slices 32 M-bit blocks: loads bits j0 … j0 + 31 of blocks first … first + 31 of the
 * MSB-first bit string `words` (block b starts at bit b·M; blocks ≥ nBlocks read as 0) into
 * A, one block per word, and transposes, so A[j] holds bit j0 + j of all 32 blocks (block
 * first + r in bit 31 − r). `words` needs one word of slack past the last block's bits.
 */
export function gatherTransposed(A: Uint32Array, words: Uint32Array, first: number, nBlocks: number, M: number, j0: number): void {
  for (let r = 0; r < 32; r++) {
    const blk = first + r;
    if (blk >= nBlocks) {
      A[r] = 0;
      continue;
    }
    const p = blk * M + j0;
    const q = p >>> 5;
    const sh = p & 31;
    // Two shifts for the low word: `>>> (32 - sh)` would be `>>> 32` (a no-op) when sh = 0.
    A[r] = (words[q]! << sh) | ((words[q + 1]! >>> 1) >>> (31 - sh));
  }
  transpose32(A);
}
