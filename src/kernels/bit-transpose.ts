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
