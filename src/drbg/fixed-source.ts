/**
 * An EntropySource that replays given buffers in order, one per call: the way the
 * CAVP DRBGVS cases feed EntropyInput, then EntropyInputReseed or EntropyInputPR
 * (see src/drbg/cavp.ts), and a deterministic source for tests.
 * Running out, or a buffer outside the requested byte range, throws
 * EntropySourceError, so the DRBG fails closed.
 */
import { EntropySourceError, type EntropySource } from './types.ts';

export class FixedSource implements EntropySource {
  private next = 0;
  constructor(private readonly buffers: readonly Uint8Array[]) {}

  /** Buffers handed out so far. */
  get used(): number {
    return this.next;
  }

  get remaining(): number {
    return this.buffers.length - this.next;
  }

  getEntropy(minBits: number, minBytes: number, maxBytes: number): Uint8Array {
    const b = this.buffers[this.next];
    if (b === undefined) {
      throw new EntropySourceError(`fixed source exhausted after ${this.next} buffers (asked for ${minBits} bits)`);
    }
    if (b.length < minBytes || b.length > maxBytes) {
      throw new EntropySourceError(`fixed source buffer ${this.next} is ${b.length} bytes, the DRBG asked for ${minBytes}..${maxBytes}`);
    }
    this.next++;
    return Uint8Array.from(b);
  }
}
