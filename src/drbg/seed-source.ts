/**
 * A deterministic EntropySource derived from a seed, for reproducible DRBG
 * streams (`entropy-bench drbg generate --seed-hex`). It holds no entropy beyond
 * the seed's: it exists so that nonces and the reseeds §9.3.1 performs when
 * reseed_interval is reached are a pure function of the seed.
 *
 * Call k (k = 0, 1, …) returns the first `minBytes` bytes of
 *   SHA-512(label ‖ k ‖ 0 ‖ seed) ‖ SHA-512(label ‖ k ‖ 1 ‖ seed) ‖ …
 * with k and the block index as 32-bit big-endian integers and
 * label = "entropy-bench seed-derived source".
 */
import { createHash } from 'node:crypto';
import type { EntropySource } from './types.ts';

const LABEL = Buffer.from('entropy-bench seed-derived source', 'ascii');

export class SeedDerivedSource implements EntropySource {
  private calls = 0;
  private readonly seed: Buffer;

  constructor(seed: Uint8Array) {
    this.seed = Buffer.from(seed);
  }

  /** Calls served so far. */
  get used(): number {
    return this.calls;
  }

  getEntropy(_minBits: number, minBytes: number, _maxBytes: number): Uint8Array {
    const k = this.calls++;
    const out = Buffer.alloc(Math.ceil(minBytes / 64) * 64);
    const hdr = Buffer.alloc(8);
    hdr.writeUInt32BE(k >>> 0, 0);
    for (let j = 0; j * 64 < minBytes; j++) {
      hdr.writeUInt32BE(j, 4);
      createHash('sha512').update(LABEL).update(hdr).update(this.seed).digest().copy(out, j * 64);
    }
    return out.subarray(0, minBytes);
  }
}
