/**
 * Wraps an EntropySource and counts what a DRBG draws from it: calls, bytes
 * returned, and failures. The platform model uses it to report how much entropy
 * a consumer pulled (e.g. how often RngDxe's CTR_DRBG reseeded).
 */
import type { EntropySource } from './types.ts';

export class CountingSource implements EntropySource {
  calls = 0;
  bytes = 0;
  failures = 0;
  /** Sum of the minBits the DRBG asked for. */
  bitsRequested = 0;

  constructor(readonly inner: EntropySource) {}

  getEntropy(minBits: number, minBytes: number, maxBytes: number): Uint8Array {
    this.calls++;
    this.bitsRequested += minBits;
    try {
      const e = this.inner.getEntropy(minBits, minBytes, maxBytes);
      this.bytes += e.length;
      return e;
    } catch (err) {
      this.failures++;
      throw err;
    }
  }

  reset(): void {
    this.calls = 0;
    this.bytes = 0;
    this.failures = 0;
    this.bitsRequested = 0;
  }
}
