/**
 * An EntropySource backed by the operating system's CSPRNG (node:crypto
 * randomFillSync, i.e. getrandom(2) on Linux), assumed to deliver full entropy.
 * Used by `drbg generate --entropy os`; never by anything whose results are
 * reported, which must be reproducible from a seed.
 */
import { randomFillSync } from 'node:crypto';
import type { EntropySource } from './types.ts';

export class OsEntropySource implements EntropySource {
  getEntropy(minBits: number, minBytes: number, _maxBytes: number): Uint8Array {
    return randomFillSync(new Uint8Array(Math.max(minBytes, Math.ceil(minBits / 8))));
  }
}
