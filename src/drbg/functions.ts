/**
 * The SP 800-90A Rev. 1 §9 DRBG functions shared by every mechanism: the checks
 * and entropy handling of Instantiate (§9.1), Reseed (§9.2), Generate (§9.3.1)
 * and Uninstantiate (§9.4). A mechanism (CTR_DRBG, Hash_DRBG, HMAC_DRBG)
 * supplies only its algorithms (§10.x.x.2–4) and its limits (Tables 2 and 3).
 *
 * Fail closed: every check, and every call of the entropy source, happens before
 * the working state is touched, so a refused call leaves the state as it was.
 */
import {
  DrbgError,
  type Drbg,
  type DrbgCommonOptions,
  type EntropySource,
  type GenerateOptions,
} from './types.ts';

/** 2^35 bits: max_length, max_personalization_string_length and max_additional_input_length (Tables 2, 3). */
export const MAX_INPUT_BYTES = 2 ** 32;
/** 2^19 bits: max_number_of_bits_per_request (Tables 2, 3). */
export const MAX_REQUEST_BYTES = 2 ** 16;
/** 2^48: the largest reseed_interval (Tables 2, 3). */
export const MAX_RESEED_INTERVAL = 2 ** 48;

export interface MechanismLimits {
  /** Entropy input length in bytes: at least min (§9.1 step 6: ≥ security strength), at most max. */
  minEntropyBytes: number;
  maxEntropyBytes: number;
  /** Whether a nonce is used (false for CTR_DRBG without df, §10.2.1.3.1). */
  usesNonce: boolean;
  maxPersonalizationBytes: number;
  maxAdditionalInputBytes: number;
  maxRequestBytes: number;
}

/**
 * The limits every mechanism with a derivation function shares (Table 2 for
 * Hash_DRBG and HMAC_DRBG, Table 3 for CTR_DRBG with df): a nonce, inputs up to
 * 2^35 bits, requests up to 2^19 bits; only the minimum entropy input (the
 * security strength) differs.
 */
export function dfMechanismLimits(minEntropyBytes: number): MechanismLimits {
  return {
    minEntropyBytes,
    maxEntropyBytes: MAX_INPUT_BYTES,
    usesNonce: true,
    maxPersonalizationBytes: MAX_INPUT_BYTES,
    maxAdditionalInputBytes: MAX_INPUT_BYTES,
    maxRequestBytes: MAX_REQUEST_BYTES,
  };
}

export abstract class DrbgFunctions implements Drbg {
  abstract readonly mechanism: string;
  abstract readonly securityStrength: number;
  protected abstract readonly limits: MechanismLimits;

  /** reseed_counter of the working state (§10.x.x.1); 0 while uninstantiated. */
  protected counter = 0;
  private instantiated = false;
  readonly reseedInterval: number;
  readonly predictionResistanceSupported: boolean;
  protected readonly source: EntropySource | undefined;

  constructor(opts: DrbgCommonOptions) {
    const interval = opts.reseedInterval ?? MAX_RESEED_INTERVAL;
    if (!Number.isInteger(interval) || interval < 1 || interval > MAX_RESEED_INTERVAL) {
      throw new DrbgError('bad-parameter', `reseedInterval must be an integer from 1 to 2^48, got ${interval}`);
    }
    this.reseedInterval = interval;
    this.predictionResistanceSupported = opts.predictionResistanceSupported ?? true;
    this.source = opts.source;
  }

  /** §10.x.x.2 Instantiate algorithm: sets the working state; reseed_counter is set by the caller. */
  protected abstract instantiateAlgorithm(entropy: Uint8Array, nonce: Uint8Array, personalization: Uint8Array): void;
  /** §10.x.x.3 Reseed algorithm. `additionalInput` null = none. */
  protected abstract reseedAlgorithm(entropy: Uint8Array, additionalInput: Uint8Array | null): void;
  /**
   * §10.x.x.4 Generate algorithm after the reseed_interval check, which is done here.
   * Reads `this.counter` (Hash_DRBG adds it into V); the caller increments it afterwards.
   */
  protected abstract generateAlgorithm(bytes: number, additionalInput: Uint8Array | null): Uint8Array;
  /** Overwrites the working state with zeros (§9.4). */
  protected abstract zeroize(): void;

  get reseedCounter(): number {
    return this.counter;
  }

  get isInstantiated(): boolean {
    return this.instantiated;
  }

  /** §9.1 Instantiate_function at the full security strength of the mechanism. */
  instantiate(entropy: Uint8Array | null, nonce: Uint8Array | null, personalization?: Uint8Array): void {
    const pers = personalization ?? new Uint8Array(0);
    // §9.1 step 3: personalization string length check.
    if (pers.length > this.limits.maxPersonalizationBytes) {
      throw new DrbgError(
        'input-too-long',
        `${this.mechanism}: personalization string is ${pers.length} bytes, at most ${this.limits.maxPersonalizationBytes} allowed`,
      );
    }
    let n: Uint8Array;
    if (!this.limits.usesNonce) {
      if (nonce !== null && nonce.length > 0) {
        throw new DrbgError('bad-parameter', `${this.mechanism} takes no nonce (§10.2.1.3.1), got ${nonce.length} bytes`);
      }
      n = new Uint8Array(0);
    } else if (nonce !== null) {
      this.checkNonce(nonce);
      n = nonce;
    } else {
      n = new Uint8Array(0); // fetched after the entropy input, below
    }
    const e = entropy ?? this.pullEntropy('instantiate');
    this.checkEntropy(e, 'entropy input');
    if (this.limits.usesNonce && nonce === null) {
      // §8.6.7: a nonce of at least security_strength/2 bits of entropy, here from the same source.
      const half = this.securityStrength / 2;
      n = this.callSource(half, half / 8, this.limits.maxEntropyBytes, 'nonce');
      this.checkNonce(n);
    }
    this.instantiateAlgorithm(e, n, pers);
    this.counter = 1;
    this.instantiated = true;
  }

  /** §9.2 Reseed_function. */
  reseed(entropy: Uint8Array | null, additionalInput?: Uint8Array): void {
    this.checkInstantiated();
    const addl = this.checkAdditionalInput(additionalInput);
    const e = entropy ?? this.pullEntropy('reseed');
    this.checkEntropy(e, 'entropy input');
    this.reseedAlgorithm(e, addl);
    this.counter = 1;
  }

  /** §9.3.1 Generate_function. */
  generate(bytes: number, opts: GenerateOptions = {}): Uint8Array {
    this.checkInstantiated();
    if (!Number.isInteger(bytes) || bytes < 0) {
      throw new DrbgError('bad-parameter', `${this.mechanism}: requested byte count must be a non-negative integer, got ${bytes}`);
    }
    // §9.3.1 step 2: requested_number_of_bits ≤ max_number_of_bits_per_request.
    if (bytes > this.limits.maxRequestBytes) {
      throw new DrbgError(
        'request-too-large',
        `${this.mechanism}: request of ${bytes} bytes exceeds the maximum of ${this.limits.maxRequestBytes} bytes (${this.limits.maxRequestBytes * 8} bits) per request`,
      );
    }
    let addl = this.checkAdditionalInput(opts.additionalInput);
    const pr = opts.predictionResistance ?? false;
    if (pr && !this.predictionResistanceSupported) {
      // §9.3.1 step 5.
      throw new DrbgError('bad-parameter', `${this.mechanism}: prediction resistance requested but not supported by this instance`);
    }
    if (!pr && opts.entropyForPr !== undefined) {
      throw new DrbgError('bad-parameter', `${this.mechanism}: entropyForPr given without predictionResistance`);
    }
    if (pr) {
      // §9.3.1 step 7: reseed with the additional input, then generate with Null additional input.
      const e = opts.entropyForPr ?? this.pullEntropy('prediction-resistance reseed');
      this.checkEntropy(e, 'entropy input for prediction resistance');
      this.reseedAlgorithm(e, addl);
      this.counter = 1;
      addl = null;
    } else if (this.counter > this.reseedInterval) {
      if (this.source === undefined) {
        throw new DrbgError(
          'reseed-required',
          `${this.mechanism}: reseed required after ${this.reseedInterval} generate requests (reseed_counter ${this.counter}) and no entropy source is configured`,
        );
      }
      // §9.3.1 step 7 with reseed_required_flag: reseed from the source, then Null additional input.
      const e = this.pullEntropy('automatic reseed');
      this.checkEntropy(e, 'entropy input');
      this.reseedAlgorithm(e, addl);
      this.counter = 1;
      addl = null;
    }
    const out = this.generateAlgorithm(bytes, addl);
    this.counter += 1;
    return out;
  }

  /** §9.4 Uninstantiate_function: zeroes the working state; further use throws 'uninstantiated'. */
  uninstantiate(): void {
    if (this.instantiated) this.zeroize();
    this.instantiated = false;
    this.counter = 0;
  }

  private checkInstantiated(): void {
    if (!this.instantiated) {
      throw new DrbgError('uninstantiated', `${this.mechanism}: not instantiated (call instantiate first, or it was uninstantiated)`);
    }
  }

  private checkAdditionalInput(a: Uint8Array | undefined): Uint8Array | null {
    if (a === undefined || a.length === 0) return null;
    if (a.length > this.limits.maxAdditionalInputBytes) {
      throw new DrbgError(
        'input-too-long',
        `${this.mechanism}: additional input is ${a.length} bytes, at most ${this.limits.maxAdditionalInputBytes} allowed`,
      );
    }
    return a;
  }

  private checkEntropy(e: Uint8Array, what: string): void {
    const { minEntropyBytes: min, maxEntropyBytes: max } = this.limits;
    const exact = min === max;
    if (e.length < min) {
      throw new DrbgError(
        'entropy-too-short',
        `${this.mechanism}: ${what} is ${e.length} bytes, ${exact ? 'exactly' : 'at least'} ${min} bytes (${min * 8} bits) required`,
      );
    }
    if (e.length > max) {
      throw new DrbgError(
        'input-too-long',
        `${this.mechanism}: ${what} is ${e.length} bytes, ${exact ? 'exactly' : 'at most'} ${max} bytes (${max * 8} bits) allowed`,
      );
    }
  }

  private checkNonce(n: Uint8Array): void {
    // §8.6.7: the nonce has at least security_strength/2 bits.
    const min = this.securityStrength / 16;
    if (n.length < min) {
      throw new DrbgError('entropy-too-short', `${this.mechanism}: nonce is ${n.length} bytes, at least ${min} bytes (${min * 8} bits) required`);
    }
    if (n.length > this.limits.maxEntropyBytes) {
      throw new DrbgError('input-too-long', `${this.mechanism}: nonce is ${n.length} bytes, at most ${this.limits.maxEntropyBytes} allowed`);
    }
  }

  private pullEntropy(purpose: string): Uint8Array {
    return this.callSource(this.securityStrength, this.limits.minEntropyBytes, this.limits.maxEntropyBytes, purpose);
  }

  /** Get_entropy_input (§9.1 step 6, §9.2 step 4): any failure becomes 'source-failed'. */
  private callSource(minBits: number, minBytes: number, maxBytes: number, purpose: string): Uint8Array {
    if (this.source === undefined) {
      throw new DrbgError('bad-parameter', `${this.mechanism}: no entropy input given for ${purpose} and no entropy source configured`);
    }
    let e: Uint8Array;
    try {
      e = this.source.getEntropy(minBits, minBytes, maxBytes);
    } catch (cause) {
      const why = cause instanceof Error ? cause.message : String(cause);
      throw new DrbgError('source-failed', `${this.mechanism}: entropy source failed during ${purpose}: ${why}`, { cause });
    }
    if (!(e instanceof Uint8Array) || e.length < minBytes || e.length > maxBytes) {
      const got = e instanceof Uint8Array ? `${e.length} bytes` : typeof e;
      throw new DrbgError('source-failed', `${this.mechanism}: entropy source returned ${got} for ${purpose}, expected ${minBytes}..${maxBytes} bytes`);
    }
    return e;
  }
}
