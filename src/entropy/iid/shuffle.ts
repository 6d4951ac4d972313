/**
 * Seeded Fisher–Yates shuffle for the SP 800-90B §5.1 permutation tests.
 *
 * The reference (ea_iid 1.1.7) shuffles with xoshiro256** seeded from /dev/urandom, so its
 * permutation verdicts differ from run to run. Ours is deterministic: permutation round i
 * shuffles the *original* sequence with a generator seeded from (seed, i) alone, so a round's
 * permutation does not depend on which rounds ran before it or on which worker thread ran it
 * (the reference shuffles cumulatively; a uniform shuffle of any arrangement is uniform, so
 * the two are the same test).
 *
 * Generator: xoshiro128** (Blackman & Vigna), 32-bit arithmetic only, seeded through
 * splitmix32. Indices are drawn without modulo bias by Lemire's nearly divisionless method
 * (ACM TOMACS 29(1), 2019): one draw per index but for a redraw with probability below
 * (i+1)/2^32. The shuffle runs in WebAssembly (../../kernels/fisher-yates.ts, 4× faster),
 * with the same draws in TypeScript where WebAssembly is missing.
 *
 * @example
 * const a = Uint8Array.from([0, 1, 2, 3, 4]);
 * shuffleInPlace(a, roundGenerator(1, 0));   // the same order on every run and every machine
 */

import { fisherYatesWasm } from '../../kernels/fisher-yates.ts';

/** splitmix32 step: a well-mixed 32-bit value from a 32-bit state. */
function splitmix32(state: number): [next: number, out: number] {
  const next = (state + 0x9e3779b9) | 0;
  let z = next;
  z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
  z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
  return [next, (z ^ (z >>> 16)) >>> 0];
}

/** xoshiro128**: 128-bit state, period 2^128 − 1. */
export class Xoshiro128 {
  private s0: number;
  private s1: number;
  private s2: number;
  private s3: number;

  /** Seeds from up to two 32-bit words (seed, stream) through splitmix32. */
  constructor(seed: number, stream = 0) {
    let st = (seed ^ Math.imul(stream | 0, 0x632be5ab)) | 0;
    let o: number;
    [st, o] = splitmix32(st ^ 0x5851f42d);
    this.s0 = o;
    [st, o] = splitmix32(st ^ (stream | 0));
    this.s1 = o;
    [st, o] = splitmix32(st);
    this.s2 = o;
    [st, o] = splitmix32(st);
    this.s3 = o;
    if ((this.s0 | this.s1 | this.s2 | this.s3) === 0) this.s0 = 1; // the all-zero state is a fixed point
  }

  /** Next uniform 32-bit unsigned integer. */
  nextU32(): number {
    const s1 = this.s1;
    const result = Math.imul(rotl(Math.imul(s1, 5), 7), 9) >>> 0;
    const t = s1 << 9;
    this.s2 ^= this.s0;
    this.s3 ^= s1;
    this.s1 ^= this.s2;
    this.s0 ^= this.s3;
    this.s2 ^= t;
    this.s3 = rotl(this.s3, 11);
    return result;
  }

  /**
   * Fisher–Yates (Durstenfeld) shuffle of `data` in place, drawing j ∈ [0, i] as `below(i)`
   * does (the same draws, so the same permutation), in WebAssembly unless `portable` or
   * WebAssembly is missing.
   */
  shuffle(data: Uint8Array, portable = false): void {
    if (!portable) {
      const state = Int32Array.of(this.s0, this.s1, this.s2, this.s3);
      if (fisherYatesWasm(data, state)) {
        [this.s0, this.s1, this.s2, this.s3] = state;
        return;
      }
    }
    for (let i = data.length - 1; i > 0; i--) {
      const j = this.below(i);
      const x = data[i]!;
      data[i] = data[j]!;
      data[j] = x;
    }
  }

  /**
   * Uniform integer in [0, bound] (inclusive, bound < 2^32 − 1), without modulo bias: with
   * s = bound + 1 and a draw r, j = ⌊r·s / 2^32⌋, redrawn while r·s mod 2^32 is below
   * 2^32 mod s (Lemire's method, as the WebAssembly shuffle draws).
   */
  below(bound: number): number {
    const s = bound + 1;
    for (;;) {
      const r = this.nextU32();
      const low = Math.imul(r, s) >>> 0;
      if (low < s && low < (4294967296 - s) % s) continue;
      // ⌊r·s / 2^32⌋ from 16-bit halves of r: every product stays below 2^53, exact in doubles.
      return Math.floor(((r >>> 16) * s + Math.floor(((r & 0xffff) * s) / 65536)) / 65536);
    }
  }
}

function rotl(x: number, k: number): number {
  return (x << k) | (x >>> (32 - k));
}

/** The generator for permutation round `round` of a run with seed `seed`. */
export function roundGenerator(seed: number, round: number): Xoshiro128 {
  return new Xoshiro128(seed >>> 0, (round + 1) >>> 0);
}

/** Fisher–Yates (Durstenfeld) shuffle of `data` in place: every permutation equally likely. */
export function shuffleInPlace(data: Uint8Array, rng: Xoshiro128): void {
  rng.shuffle(data);
}
