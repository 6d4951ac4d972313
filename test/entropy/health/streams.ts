/** Deterministic test streams for the health tests (seeded; no Math.random). */
import { xorshift32, xorshiftBytes } from '../../helpers/xorshift.ts';

export { xorshiftBytes };

/**
 * A stream with faults: stretches of random bytes, stuck runs of random length and
 * heavily biased stretches, so both health tests alarm many times at varied places.
 */
export function stuckThenRandom(n: number, seed: number): Uint8Array {
  const rnd = xorshiftBytes(n * 2, seed, 8);
  const out = new Uint8Array(n);
  let r = 0;
  let i = 0;
  while (i < n) {
    const kind = rnd[r++]! % 3;
    const len = 1 + rnd[r++]! * 8;
    const end = Math.min(n, i + len);
    if (kind === 0) {
      for (; i < end; i++) out[i] = rnd[r++ % rnd.length]!;
    } else if (kind === 1) {
      out.fill(rnd[r++]! & 3, i, end);
      i = end;
    } else {
      for (; i < end; i++) out[i] = rnd[r++ % rnd.length]! < 220 ? 1 : rnd[r++ % rnd.length]!;
    }
  }
  return out;
}

/** Splits a buffer into pieces of pseudo-random length 1 … maxLen (views, no copy). */
export function chunked(data: Uint8Array, maxLen: number): Uint8Array[] {
  const parts: Uint8Array[] = [];
  const next = xorshift32(2463534242);
  let i = 0;
  while (i < data.length) {
    const len = 1 + (next() % maxLen);
    parts.push(data.subarray(i, Math.min(data.length, i + len)));
    i += len;
  }
  return parts;
}
