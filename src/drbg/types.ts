/**
 * The common surface of the SP 800-90A Rev. 1 DRBGs (CTR_DRBG §10.2.1, Hash_DRBG
 * §10.1.1, HMAC_DRBG §10.1.2). Other layers (the platform model's RngDxe and SMM
 * variable driver) code against `Drbg`, `EntropySource` and `DrbgError` only.
 *
 * The functions follow SP 800-90A §9: instantiate (§9.1), reseed (§9.2),
 * generate (§9.3.1) and uninstantiate (§9.4). Where the standard says "return an
 * error status", these classes throw a `DrbgError` whose `code` says which one,
 * and leave the internal state exactly as it was (fail closed).
 */

/**
 * Where a DRBG gets entropy input (and a nonce) when the caller passes `null`
 * (SP 800-90A §8.6.5 "Get_entropy_input"). Implementations return at least
 * `minBytes` and at most `maxBytes` bytes that together hold at least `minBits`
 * bits of entropy, or throw (an `EntropySourceError` by preference). A DRBG that
 * calls a failing source fails closed: it throws `DrbgError('source-failed')`.
 */
export interface EntropySource {
  /** returns entropy input of at least minBits of entropy; may throw EntropySourceError (fail closed) */
  getEntropy(minBits: number, minBytes: number, maxBytes: number): Uint8Array;
}

/** Thrown by an `EntropySource` that cannot deliver (starved, health test failed, unplugged). */
export class EntropySourceError extends Error {
  override readonly name: string = 'EntropySourceError';
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
  }
}

/**
 * Why a DRBG function refused:
 * - `reseed-required`: reseed_counter passed reseed_interval and no source is configured (§9.3.1 step 7).
 * - `request-too-large`: more than max_number_of_bits_per_request (2^19 bits = 65536 bytes).
 * - `entropy-too-short`: entropy input (or nonce) below the security strength (§9.1 step 6),
 *   or, for CTR_DRBG without df, not exactly seedlen.
 * - `input-too-long`: entropy input, nonce, personalization string or additional input longer than allowed.
 * - `uninstantiated`: the instance was never instantiated or has been uninstantiated (§9.4).
 * - `source-failed`: the configured entropy source threw or returned a wrong-sized buffer.
 * - `bad-parameter`: anything else the caller got wrong (prediction resistance not supported,
 *   negative byte count, no entropy given and no source configured, a nonce for CTR_DRBG no df).
 */
export type DrbgErrorCode =
  | 'reseed-required'
  | 'request-too-large'
  | 'entropy-too-short'
  | 'input-too-long'
  | 'uninstantiated'
  | 'source-failed'
  | 'bad-parameter';

export class DrbgError extends Error {
  override readonly name: string = 'DrbgError';
  readonly code: DrbgErrorCode;
  constructor(code: DrbgErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.code = code;
  }
}

/** Options of one generate request (SP 800-90A §9.3.1). */
export interface GenerateOptions {
  /** Additional input; an empty array is the same as none (Null). */
  additionalInput?: Uint8Array;
  /** Reseed from fresh entropy before generating (§9.3.1 step 7 / §8.8). */
  predictionResistance?: boolean;
  /** The entropy input for that reseed; without it, it is pulled from the configured source. */
  entropyForPr?: Uint8Array;
}

export interface Drbg {
  /** e.g. `CTR_DRBG AES-256 use df`, `Hash_DRBG SHA-256`, `HMAC_DRBG SHA-512/256`. */
  readonly mechanism: string;
  /** Bits (SP 800-90A Tables 2 and 3): the highest strength this instance supports and is instantiated at. */
  readonly securityStrength: number;
  /** null entropy (or nonce) ⇒ pulled from the configured EntropySource. */
  instantiate(entropy: Uint8Array | null, nonce: Uint8Array | null, personalization?: Uint8Array): void;
  reseed(entropy: Uint8Array | null, additionalInput?: Uint8Array): void;
  generate(bytes: number, opts?: GenerateOptions): Uint8Array;
  uninstantiate(): void;
  /** The mechanism's reseed_counter: 1 right after instantiate/reseed, +1 per generate. 0 when uninstantiated. */
  readonly reseedCounter: number;
}

/** Hash functions approved for Hash_DRBG and HMAC_DRBG (SP 800-90A Table 2). */
export type DrbgHash = 'sha1' | 'sha224' | 'sha256' | 'sha384' | 'sha512' | 'sha512-224' | 'sha512-256';

/** Options shared by every mechanism's constructor. */
export interface DrbgCommonOptions {
  /** Where null entropy inputs and nonces come from; also used for automatic reseeds (§9.3.1). */
  source?: EntropySource;
  /** Generate requests allowed between reseeds; 1 ≤ value ≤ 2^48 (Tables 2 and 3); default 2^48. */
  reseedInterval?: number;
  /** Whether generate may be asked for prediction resistance; default true. */
  predictionResistanceSupported?: boolean;
}
