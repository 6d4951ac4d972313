/**
 * HMAC_DRBG, SP 800-90A Rev. 1 §10.1.2, over node:crypto HMAC (FIPS 198-1) with
 * SHA-1, SHA-224, SHA-256, SHA-384, SHA-512, SHA-512/224, SHA-512/256 (Table 2).
 *
 * Working state: Key and V (outlen bits each) and reseed_counter; there is no
 * seedlen. Entropy input ≥ security strength, ≤ 2^35 bits; nonce ≥ strength/2;
 * ≤ 2^19 bits per request; reseed_interval ≤ 2^48.
 *
 * @example
 * const d = new HmacDrbg({ hash: 'sha256' });
 * d.instantiate(entropy32, nonce16);
 * d.generate(128); // 1024 bits; CAVP DRBGVS vectors in test/drbg/cavp.test.ts
 */
import { createHmac } from 'node:crypto';
import { DrbgFunctions, dfMechanismLimits, type MechanismLimits } from './functions.ts';
import { hashParams, type HashParams } from './hash-params.ts';
import type { DrbgCommonOptions, DrbgHash } from './types.ts';

export interface HmacDrbgOptions extends DrbgCommonOptions {
  hash: DrbgHash;
}

const BYTE_00 = Uint8Array.of(0x00);
const BYTE_01 = Uint8Array.of(0x01);

export class HmacDrbg extends DrbgFunctions {
  readonly mechanism: string;
  readonly securityStrength: number;
  readonly hash: DrbgHash;
  protected readonly limits: MechanismLimits;
  private readonly p: HashParams;
  private key: Buffer;
  private v: Buffer;

  constructor(opts: HmacDrbgOptions) {
    super(opts);
    this.p = hashParams(opts.hash);
    this.hash = opts.hash;
    this.securityStrength = this.p.securityStrength;
    this.mechanism = `HMAC_DRBG ${this.p.cavpName}`;
    this.limits = dfMechanismLimits(this.securityStrength / 8);
    this.key = Buffer.alloc(this.p.outBytes);
    this.v = Buffer.alloc(this.p.outBytes);
  }

  private hmac(key: Uint8Array, parts: Uint8Array[]): Buffer {
    const h = createHmac(this.p.nodeName, key);
    for (const a of parts) h.update(a);
    return h.digest();
  }

  /**
   * HMAC_DRBG_Update (§10.1.2.2) on (key, v), returning the new pair:
   * K = HMAC(K, V ‖ 0x00 ‖ provided); V = HMAC(K, V); and, if provided ≠ Null,
   * K = HMAC(K, V ‖ 0x01 ‖ provided); V = HMAC(K, V).
   */
  private update(provided: Uint8Array[] | null, key: Buffer, v: Buffer): [Buffer, Buffer] {
    const data = provided ?? [];
    let k = this.hmac(key, [v, BYTE_00, ...data]);
    let nv = this.hmac(k, [v]);
    if (provided === null) return [k, nv];
    const k2 = this.hmac(k, [nv, BYTE_01, ...data]);
    k.fill(0);
    k = k2;
    nv = this.hmac(k, [nv]);
    return [k, nv];
  }

  private setState([k, v]: [Buffer, Buffer]): void {
    this.zeroize();
    this.key = k;
    this.v = v;
  }

  /** §10.1.2.3: Key = 0x00…, V = 0x01…, then Update(entropy ‖ nonce ‖ personalization). */
  protected instantiateAlgorithm(entropy: Uint8Array, nonce: Uint8Array, personalization: Uint8Array): void {
    const key = Buffer.alloc(this.p.outBytes, 0x00);
    const v = Buffer.alloc(this.p.outBytes, 0x01);
    this.setState(this.update([entropy, nonce, personalization], key, v));
  }

  /** §10.1.2.4: Update(entropy ‖ additional_input). */
  protected reseedAlgorithm(entropy: Uint8Array, additionalInput: Uint8Array | null): void {
    const parts = additionalInput === null ? [entropy] : [entropy, additionalInput];
    this.setState(this.update(parts, this.key, this.v));
  }

  /** §10.1.2.5: optional Update(additional_input); V = HMAC(Key, V) repeated; Update(additional_input). */
  protected generateAlgorithm(bytes: number, additionalInput: Uint8Array | null): Uint8Array {
    const addl = additionalInput === null ? null : [additionalInput];
    let [key, v] = addl === null ? [this.key, this.v] : this.update(addl, this.key, this.v);
    const { outBytes, nodeName } = this.p;
    const m = Math.ceil(bytes / outBytes);
    const out = Buffer.allocUnsafe(m * outBytes);
    for (let i = 0; i < m; i++) {
      v = createHmac(nodeName, key).update(v).digest();
      out.set(v, i * outBytes);
    }
    this.setState(this.update(addl, key, v));
    return out.subarray(0, bytes);
  }

  protected zeroize(): void {
    this.key.fill(0);
    this.v.fill(0);
  }
}
