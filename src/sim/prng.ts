/**
 * The run's seeded pseudo-random generator: xoshiro128** 1.1 (Blackman & Vigna, 2018),
 * state seeded from SplitMix64 so that any 32-bit seed gives a well-mixed, non-zero state.
 *
 * Everything random in the platform model (host-source bytes in `seeded` mode, PM-timer
 * read jitter, ...) draws from a `Prng` derived from the run's seed, so the same seed gives
 * the same events and the same metrics. `fork(label)` derives an independent stream per
 * component, so adding a draw in one component does not shift another component's stream.
 * No `Math.random()`, no wall clock.
 *
 * @example
 * const r = Prng.fromState(1, 2, 3, 4);
 * r.nextU32()   // 11520 (xoshiro128** reference: rotl(2 * 5, 7) * 9)
 * r.nextU32()   // 0
 */

const MASK64 = (1n << 64n) - 1n;

/** SplitMix64 (Steele, Lea & Flood, 2014): the seeding generator the xoshiro authors recommend. */
export function splitMix64(state: bigint): { value: bigint; state: bigint } {
  const s = (state + 0x9e3779b97f4a7c15n) & MASK64;
  let z = s;
  z = ((z ^ (z >> 30n)) * 0xbf58476d1ce4e5b9n) & MASK64;
  z = ((z ^ (z >> 27n)) * 0x94d049bb133111ebn) & MASK64;
  return { value: z ^ (z >> 31n), state: s };
}

/** FNV-1a 32-bit hash of a label (used to derive per-component streams). */
function fnv1a(label: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < label.length; i++) {
    h ^= label.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h >>> 0;
}

export class Prng {
  private s0: number;
  private s1: number;
  private s2: number;
  private s3: number;
  /** The seed this stream was derived from (for fork). */
  readonly seed: bigint;

  /** Seeds the state from SplitMix64(seed); seed may be any safe integer. */
  constructor(seed: number | bigint) {
    const big = typeof seed === 'bigint' ? seed & MASK64 : BigInt.asUintN(64, BigInt(Math.trunc(seed)));
    this.seed = big;
    const a = splitMix64(big);
    const b = splitMix64(a.state);
    this.s0 = Number(a.value & 0xffffffffn);
    this.s1 = Number(a.value >> 32n);
    this.s2 = Number(b.value & 0xffffffffn);
    this.s3 = Number(b.value >> 32n);
    if ((this.s0 | this.s1 | this.s2 | this.s3) === 0) this.s0 = 1; // the all-zero state is a fixed point
  }

  /** A generator with the given raw state (for reference vectors). */
  static fromState(a: number, b: number, c: number, d: number): Prng {
    const p = new Prng(0);
    p.s0 = a >>> 0;
    p.s1 = b >>> 0;
    p.s2 = c >>> 0;
    p.s3 = d >>> 0;
    return p;
  }

  /** Next 32-bit output of xoshiro128**. */
  nextU32(): number {
    const s1 = this.s1;
    const m = Math.imul(s1, 5);
    const result = Math.imul((m << 7) | (m >>> 25), 9) >>> 0;
    const t = s1 << 9;
    this.s2 ^= this.s0;
    this.s3 ^= this.s1;
    this.s1 ^= this.s2;
    this.s0 ^= this.s3;
    this.s2 ^= t;
    this.s3 = (this.s3 << 11) | (this.s3 >>> 21);
    return result;
  }

  /** Uniform double in [0, 1) with 53 random bits. */
  next(): number {
    const hi = this.nextU32() >>> 5; // 27 bits
    const lo = this.nextU32() >>> 6; // 26 bits
    return (hi * 67108864 + lo) / 9007199254740992;
  }

  /** Uniform integer in [0, n) for 1 ≤ n ≤ 2^32, without modulo bias (Lemire-style rejection). */
  int(n: number): number {
    if (!(n >= 1) || n > 4294967296 || !Number.isInteger(n)) throw new RangeError(`Prng.int: n must be an integer in [1, 2^32], got ${n}`);
    if (n === 1) return 0;
    const limit = 4294967296 - (4294967296 % n);
    for (;;) {
      const x = this.nextU32();
      if (x < limit) return x % n;
    }
  }

  /** True with probability p. */
  bernoulli(p: number): boolean {
    return this.next() < p;
  }

  /** n uniformly random bytes. */
  bytes(n: number): Uint8Array {
    const out = new Uint8Array(n);
    let i = 0;
    for (; i + 4 <= n; i += 4) {
      const x = this.nextU32();
      out[i] = x & 0xff;
      out[i + 1] = (x >>> 8) & 0xff;
      out[i + 2] = (x >>> 16) & 0xff;
      out[i + 3] = x >>> 24;
    }
    if (i < n) {
      let x = this.nextU32();
      for (; i < n; i++, x >>>= 8) out[i] = x & 0xff;
    }
    return out;
  }

  /**
   * An independent stream for one component, derived from this stream's seed and a label
   * (not from its current position), so the order in which components fork does not matter.
   */
  fork(label: string): Prng {
    const mixed = splitMix64(this.seed ^ (BigInt(fnv1a(label)) << 16n)).value;
    return new Prng(mixed);
  }
}
