/**
 * Seeded test data: Marsaglia's xorshift32 (shifts 13, 17, 5), the one small generator
 * the tests share instead of each carrying a copy. Deterministic, no Math.random; good
 * enough for "looks uniform" inputs, not for anything whose quality is under test.
 */

/** A xorshift32 stream of unsigned 32-bit values; seed 0 (a fixed point) becomes 1. */
export function xorshift32(seed: number): () => number {
  let x = seed >>> 0 || 1;
  return () => {
    x ^= x << 13;
    x >>>= 0;
    x ^= x >>> 17;
    x ^= x << 5;
    x >>>= 0;
    return x;
  };
}

/** n xorshift32 bytes masked to `bits` bits (bits 11 … of each output). */
export function xorshiftBytes(n: number, seed: number, bits: number): Uint8Array {
  const next = xorshift32(seed);
  const out = new Uint8Array(n);
  const mask = (1 << bits) - 1;
  for (let i = 0; i < n; i++) out[i] = (next() >>> 11) & mask;
  return out;
}
