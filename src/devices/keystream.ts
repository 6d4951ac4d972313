/**
 * A deterministic byte stream for device models: AES-256-CTR keystream under a key and IV
 * drawn from the run's PRNG (the quality of a CTR_DRBG, as the real DRNG/getrandom give).
 * Generated in 64 KiB chunks, because one cipher call per 8-byte RDRAND dominates run time.
 */
import { createCipheriv } from 'node:crypto';
import type { Prng } from '../sim/prng.ts';

const CHUNK = 65536;
const ZEROS = new Uint8Array(CHUNK);

export class Keystream {
  private readonly cipher: ReturnType<typeof createCipheriv>;
  private buf = new Uint8Array(0);
  private pos = 0;

  constructor(rng: Prng) {
    this.cipher = createCipheriv('aes-256-ctr', Buffer.from(rng.bytes(32)), Buffer.from(rng.bytes(16)));
  }

  /** The next n bytes of the stream (a fresh array). */
  take(n: number): Uint8Array {
    const out = new Uint8Array(n);
    let got = 0;
    while (got < n) {
      if (this.pos >= this.buf.length) {
        this.buf = new Uint8Array(this.cipher.update(ZEROS));
        this.pos = 0;
      }
      const k = Math.min(n - got, this.buf.length - this.pos);
      out.set(this.buf.subarray(this.pos, this.pos + k), got);
      this.pos += k;
      got += k;
    }
    return out;
  }
}
