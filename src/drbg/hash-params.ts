/**
 * The approved hash functions of SP 800-90A Rev. 1 Table 2 with the figures
 * Hash_DRBG (§10.1.1) and HMAC_DRBG (§10.1.2) need: outlen, the hash's block
 * size (for HMAC's ipad/opad, FIPS 198-1), Hash_DRBG's seedlen, and the highest
 * security strength (SP 800-57 Part 1 Table 3 for preimage/HMAC use).
 */
import { DrbgError, type DrbgHash } from './types.ts';

export interface HashParams {
  /** node:crypto (OpenSSL) digest name. */
  nodeName: string;
  /** The name CAVP option lines use, e.g. `SHA-512/256`. */
  cavpName: string;
  outBytes: number;
  blockBytes: number;
  /** Hash_DRBG seedlen: 440 bits for outlen ≤ 256, 888 bits for SHA-384/512 (Table 2). */
  seedBytes: number;
  securityStrength: number;
}

export const HASH_PARAMS: Readonly<Record<DrbgHash, HashParams>> = {
  sha1: { nodeName: 'sha1', cavpName: 'SHA-1', outBytes: 20, blockBytes: 64, seedBytes: 55, securityStrength: 128 },
  sha224: { nodeName: 'sha224', cavpName: 'SHA-224', outBytes: 28, blockBytes: 64, seedBytes: 55, securityStrength: 192 },
  sha256: { nodeName: 'sha256', cavpName: 'SHA-256', outBytes: 32, blockBytes: 64, seedBytes: 55, securityStrength: 256 },
  sha384: { nodeName: 'sha384', cavpName: 'SHA-384', outBytes: 48, blockBytes: 128, seedBytes: 111, securityStrength: 256 },
  sha512: { nodeName: 'sha512', cavpName: 'SHA-512', outBytes: 64, blockBytes: 128, seedBytes: 111, securityStrength: 256 },
  'sha512-224': { nodeName: 'sha512-224', cavpName: 'SHA-512/224', outBytes: 28, blockBytes: 128, seedBytes: 55, securityStrength: 192 },
  'sha512-256': { nodeName: 'sha512-256', cavpName: 'SHA-512/256', outBytes: 32, blockBytes: 128, seedBytes: 55, securityStrength: 256 },
};

export const DRBG_HASHES = Object.keys(HASH_PARAMS) as DrbgHash[];

export function hashParams(hash: DrbgHash): HashParams {
  const p = (HASH_PARAMS as Record<string, HashParams | undefined>)[hash];
  if (p === undefined) {
    throw new DrbgError('bad-parameter', `hash must be one of ${DRBG_HASHES.join(', ')}, got ${String(hash)}`);
  }
  return p;
}
