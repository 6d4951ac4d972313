/** Deterministic test streams for the health tests (seeded; no Math.random). */

/** xorshift32 bytes masked to `bits` bits. Good enough for "looks uniform" streams. */
export function xorshiftBytes(n: number, seed: number, bits: number): Uint8Array {
  const out = new Uint8Array(n);
  let x = seed >>> 0 || 1;
  const mask = (1 << bits) - 1;
  for (let i = 0; i < n; i++) {
    x ^= x << 13;
    x >>>= 0;
    x ^= x >>> 17;
    x ^= x << 5;
    x >>>= 0;
    out[i] = (x >>> 11) & mask;
  }
  return out;
}

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
  let x = 2463534242;
  let i = 0;
  while (i < data.length) {
    x ^= x << 13;
    x >>>= 0;
    x ^= x >>> 17;
    x ^= x << 5;
    x >>>= 0;
    const len = 1 + (x % maxLen);
    parts.push(data.subarray(i, Math.min(data.length, i + len)));
    i += len;
  }
  return parts;
}
