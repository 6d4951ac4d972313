/**
 * A long output stream from one DRBG: consecutive generate requests of at most
 * max_number_of_bits_per_request (2^19 bits = 65536 bytes, SP 800-90A Tables 2
 * and 3). When reseed_interval is reached, generate reseeds from the DRBG's
 * source (§9.3.1) or throws 'reseed-required' if it has none.
 */
import { MAX_REQUEST_BYTES } from './functions.ts';
import type { Drbg, GenerateOptions } from './types.ts';

/** Calls `write` with successive chunks totalling `total` bytes; returns the number of generate requests. */
export function generateStream(
  drbg: Drbg,
  total: number,
  write: (chunk: Uint8Array) => void,
  opts: { requestBytes?: number; generate?: GenerateOptions } = {},
): number {
  const req = opts.requestBytes ?? MAX_REQUEST_BYTES;
  let left = total;
  let requests = 0;
  while (left > 0) {
    const n = Math.min(req, left);
    write(drbg.generate(n, opts.generate));
    left -= n;
    requests++;
  }
  return requests;
}
