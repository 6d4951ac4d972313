/**
 * Short names for every DRBG configuration this package implements, as the CLI
 * and scenario files spell them: `ctr-aes256` (CTR_DRBG with Block_Cipher_df),
 * `ctr-aes256-nodf`, `hash-sha256`, `hmac-sha512-256`, …, and a factory.
 */
import { CtrDrbg } from './ctr-drbg.ts';
import { HashDrbg } from './hash-drbg.ts';
import { DRBG_HASHES } from './hash-params.ts';
import { HmacDrbg } from './hmac-drbg.ts';
import { DrbgError, type Drbg, type DrbgCommonOptions } from './types.ts';

export const MECHANISM_NAMES: readonly string[] = [
  ...[128, 192, 256].flatMap((k) => [`ctr-aes${k}`, `ctr-aes${k}-nodf`]),
  ...DRBG_HASHES.map((h) => `hash-${h}`),
  ...DRBG_HASHES.map((h) => `hmac-${h}`),
];

/** Builds the DRBG a short name denotes; throws DrbgError('bad-parameter') for an unknown name. */
export function createDrbg(name: string, opts: DrbgCommonOptions = {}): Drbg {
  const ctr = /^ctr-aes(128|192|256)(-nodf)?$/.exec(name);
  if (ctr !== null) {
    return new CtrDrbg({ ...opts, keyBits: Number(ctr[1]) as 128 | 192 | 256, derivationFunction: ctr[2] === undefined });
  }
  const hm = /^(hash|hmac)-(.+)$/.exec(name);
  const hash = DRBG_HASHES.find((h) => h === hm?.[2]);
  if (hm !== null && hash !== undefined) {
    return hm[1] === 'hash' ? new HashDrbg({ ...opts, hash }) : new HmacDrbg({ ...opts, hash });
  }
  throw new DrbgError('bad-parameter', `unknown DRBG mechanism '${name}', expected one of ${MECHANISM_NAMES.join(', ')}`);
}

/** Whether a mechanism takes a nonce (all but CTR_DRBG without df, SP 800-90A §10.2.1.3.1). */
export function usesNonce(name: string): boolean {
  return !name.endsWith('-nodf');
}
