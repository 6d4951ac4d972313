/**
 * CTR_DRBG, SP 800-90A Rev. 1 §10.2.1, with AES-128/192/256 (Table 3) and a
 * counter field as wide as the block (ctr_len = blocklen = 128), with or without
 * the derivation function Block_Cipher_df (§10.3.2).
 *
 * | AES     | keylen | seedlen | security strength | entropy input (df)   | entropy input (no df) |
 * |---------|-------:|--------:|------------------:|----------------------|-----------------------|
 * | AES-128 |    128 |     256 |               128 | 128 .. 2^35 bits     | exactly 256 bits      |
 * | AES-192 |    192 |     320 |               192 | 192 .. 2^35 bits     | exactly 320 bits      |
 * | AES-256 |    256 |     384 |               256 | 256 .. 2^35 bits     | exactly 384 bits      |
 *
 * Max request: min((2^ctr_len − 4)·blocklen, 2^19) = 2^19 bits = 65536 bytes.
 * Without df there is no nonce, and the personalization string and additional
 * input are at most seedlen bits (zero-padded to seedlen and XORed in).
 *
 * Speed (ECOSYSTEM.md, "node:crypto throughput"): the output of generate is the
 * AES-CTR keystream starting at V+1, and the CTR_DRBG_Update that follows it
 * continues the same keystream under the same Key. So one `aes-*-ctr` cipher,
 * created with IV = V+1 and run over zeros, yields the output *and* the Update's
 * temp in a single call. OpenSSL's CTR mode increments the whole 128-bit counter
 * block modulo 2^128, which is exactly the standard's increment when
 * ctr_len = blocklen.
 *
 * @example
 * const d = new CtrDrbg({ keyBits: 256, derivationFunction: true });
 * d.instantiate(entropy32, nonce16);
 * const out = d.generate(64); // 512 bits; CAVP DRBGVS vectors in test/drbg/cavp.test.ts
 */
import { createCipheriv } from 'node:crypto';
import { DrbgFunctions, MAX_REQUEST_BYTES, dfMechanismLimits, type MechanismLimits } from './functions.ts';
import { DrbgError, type DrbgCommonOptions } from './types.ts';

const BLOCK = 16; // outlen = blocklen = 128 bits

export interface CtrDrbgOptions extends DrbgCommonOptions {
  keyBits: 128 | 192 | 256;
  /** true = Block_Cipher_df (§10.3.2, "use df"); false = full-entropy input of exactly seedlen ("no df"). */
  derivationFunction: boolean;
}

/** Zeros that the keystream is computed over; never written (cipher.update does not modify its input). */
const ZEROS = new Uint8Array(MAX_REQUEST_BYTES + 3 * BLOCK + BLOCK);
/** Views of ZEROS by length, so a request does not pay for Buffer#subarray. */
const zeroViews = new Map<number, Uint8Array>();
function zeros(n: number): Uint8Array {
  let z = zeroViews.get(n);
  if (z === undefined) {
    z = new Uint8Array(ZEROS.buffer, 0, n);
    if (zeroViews.size < 4096) zeroViews.set(n, z);
  }
  return z;
}

/**
 * BCC's chaining value after its first block IV_i for each i (= AES_K(IV_i)),
 * where K is the fixed df key 0x00 01 02 … (§10.3.2 step 8). They depend only on
 * the key size, so they are computed once.
 */
const dfPrefixCache = new Map<number, { key: Buffer; ivs: Buffer[] }>();
function dfPrefix(keyBytes: number): { key: Buffer; ivs: Buffer[] } {
  let p = dfPrefixCache.get(keyBytes);
  if (p === undefined) {
    const key = Buffer.alloc(keyBytes);
    for (let i = 0; i < keyBytes; i++) key[i] = i;
    const blocks = Math.ceil((keyBytes + BLOCK) / BLOCK);
    const ivIn = Buffer.alloc(blocks * BLOCK);
    // §10.3.2 step 9.1: IV = i (32 bits) || 0^(outlen − len(i)).
    for (let i = 0; i < blocks; i++) ivIn.writeUInt32BE(i, i * BLOCK);
    const ecb = createCipheriv(`aes-${keyBytes * 8}-ecb`, key, null).setAutoPadding(false);
    const enc = ecb.update(ivIn);
    const ivs: Buffer[] = [];
    for (let i = 0; i < blocks; i++) ivs.push(Buffer.from(enc.subarray(i * BLOCK, (i + 1) * BLOCK)));
    p = { key, ivs };
    dfPrefixCache.set(keyBytes, p);
  }
  return p;
}

/**
 * Block_Cipher_df (SP 800-90A §10.3.2) returning `seedBytes` bytes, for AES with a
 * `keyBytes` key. BCC (§10.3.3) is CBC-MAC with a zero IV, so BCC(K, IV_i || S) is
 * the last block of AES-CBC over S with IV = AES_K(IV_i); and the final
 * "X = Block_Encrypt(K, X)" chain is AES-CBC over zero blocks with IV = X.
 */
export function blockCipherDf(keyBytes: number, input: Uint8Array, seedBytes: number): Buffer {
  const alg = `aes-${keyBytes * 8}-cbc`;
  // Step 4: S = L || N || input_string || 0x80, then zero-padded to a multiple of outlen.
  const sLen = Math.ceil((8 + input.length + 1) / BLOCK) * BLOCK;
  const s = Buffer.alloc(sLen);
  s.writeUInt32BE(input.length, 0);
  s.writeUInt32BE(seedBytes, 4);
  s.set(input, 8);
  s[8 + input.length] = 0x80;
  const { key, ivs } = dfPrefix(keyBytes);
  // Steps 8–10: temp = BCC(K, IV_0 || S) || BCC(K, IV_1 || S) || … until keylen + outlen.
  const temp = Buffer.alloc(ivs.length * BLOCK);
  for (let i = 0; i < ivs.length; i++) {
    const c = createCipheriv(alg, key, ivs[i]!).setAutoPadding(false).update(s);
    temp.set(c.subarray(sLen - BLOCK), i * BLOCK);
  }
  // Steps 11–15: K = leftmost keylen of temp, X = next outlen; X = Block_Encrypt(K, X) until seedlen.
  const k = temp.subarray(0, keyBytes);
  const x = temp.subarray(keyBytes, keyBytes + BLOCK);
  const outBlocks = Math.ceil(seedBytes / BLOCK);
  const out = createCipheriv(alg, k, x).setAutoPadding(false).update(zeros(outBlocks * BLOCK));
  temp.fill(0);
  return out.subarray(0, seedBytes);
}

export class CtrDrbg extends DrbgFunctions {
  readonly mechanism: string;
  readonly securityStrength: number;
  readonly keyBits: 128 | 192 | 256;
  readonly derivationFunction: boolean;
  /** seedlen = keylen + blocklen, in bytes. */
  readonly seedBytes: number;
  protected readonly limits: MechanismLimits;
  private readonly keyBytes: number;
  private readonly ctrAlg: string;
  private readonly key: Buffer;
  private readonly v: Buffer;
  /** Scratch for V+1, the counter block the CTR cipher starts at. */
  private readonly iv = Buffer.alloc(BLOCK);

  constructor(opts: CtrDrbgOptions) {
    super(opts);
    if (opts.keyBits !== 128 && opts.keyBits !== 192 && opts.keyBits !== 256) {
      throw new DrbgError('bad-parameter', `CTR_DRBG keyBits must be 128, 192 or 256, got ${String(opts.keyBits)}`);
    }
    this.keyBits = opts.keyBits;
    this.derivationFunction = opts.derivationFunction;
    this.keyBytes = opts.keyBits / 8;
    this.seedBytes = this.keyBytes + BLOCK;
    this.ctrAlg = `aes-${opts.keyBits}-ctr`;
    this.securityStrength = opts.keyBits;
    this.mechanism = `CTR_DRBG AES-${opts.keyBits} ${opts.derivationFunction ? 'use df' : 'no df'}`;
    this.limits = opts.derivationFunction
      ? dfMechanismLimits(this.keyBytes)
      : {
          minEntropyBytes: this.seedBytes,
          maxEntropyBytes: this.seedBytes,
          usesNonce: false,
          maxPersonalizationBytes: this.seedBytes,
          maxAdditionalInputBytes: this.seedBytes,
          maxRequestBytes: MAX_REQUEST_BYTES,
        };
    this.key = Buffer.alloc(this.keyBytes);
    this.v = Buffer.alloc(BLOCK);
  }

  /** CTR_DRBG_Update (§10.2.1.2): temp = keystream from V+1 (seedlen bytes) ⊕ provided_data; Key ‖ V = temp. */
  private update(provided: Uint8Array): void {
    const temp = createCipheriv(this.ctrAlg, this.key, this.nextCounterBlock()).update(provided);
    this.setState(temp);
  }

  /** V + 1 mod 2^128 (ctr_len = blocklen) into a scratch block; node:crypto copies the IV at cipher creation. */
  private nextCounterBlock(): Buffer {
    const iv = this.iv;
    iv.set(this.v);
    for (let i = BLOCK - 1; i >= 0 && ++iv[i]! === 256; i--) iv[i] = 0;
    return iv;
  }

  /** Key ‖ V = temp[at .. at + seedlen), copied into the state buffers; that part of temp is then zeroed. */
  private setState(temp: Uint8Array, at = 0): void {
    const { key, v, keyBytes, seedBytes } = this;
    for (let i = 0; i < keyBytes; i++) key[i] = temp[at + i]!;
    for (let i = 0; i < BLOCK; i++) v[i] = temp[at + keyBytes + i]!;
    temp.fill(0, at, at + seedBytes);
  }

  /**
   * The seedlen-byte value the df or no-df variant XORs into the state: with df,
   * Block_Cipher_df(data); without df, the (at most seedlen) data zero-padded.
   */
  private seedMaterial(parts: Uint8Array[]): Buffer {
    if (this.derivationFunction) return blockCipherDf(this.keyBytes, Buffer.concat(parts), this.seedBytes);
    const out = Buffer.alloc(this.seedBytes);
    // No df (§10.2.1.3.1 / §10.2.1.4.1): entropy ⊕ (personalization or additional input padded with zeros).
    for (const p of parts) for (let i = 0; i < p.length; i++) out[i]! ^= p[i]!;
    return out;
  }

  /** §10.2.1.3.1 (no df) / §10.2.1.3.2 (df): Key = 0, V = 0, then Update(seed_material). */
  protected instantiateAlgorithm(entropy: Uint8Array, nonce: Uint8Array, personalization: Uint8Array): void {
    const seed = this.derivationFunction ? this.seedMaterial([entropy, nonce, personalization]) : this.seedMaterial([entropy, personalization]);
    this.key.fill(0);
    this.v.fill(0);
    this.update(seed);
    seed.fill(0);
  }

  /** §10.2.1.4.1 (no df) / §10.2.1.4.2 (df): Update(df(entropy ‖ additional_input)) or Update(entropy ⊕ additional_input). */
  protected reseedAlgorithm(entropy: Uint8Array, additionalInput: Uint8Array | null): void {
    const seed = this.seedMaterial(additionalInput === null ? [entropy] : [entropy, additionalInput]);
    this.update(seed);
    seed.fill(0);
  }

  /** §10.2.1.5.1 (no df) / §10.2.1.5.2 (df), with one cipher call for output and final Update. */
  protected generateAlgorithm(bytes: number, additionalInput: Uint8Array | null): Uint8Array {
    // Step 2: additional_input ≠ Null ⇒ df or pad it to seedlen and Update; otherwise 0^seedlen.
    let addl: Buffer | null = null;
    if (additionalInput !== null) {
      addl = this.seedMaterial([additionalInput]);
      this.update(addl);
    }
    // Steps 3–5: temp = E(Key, V+1) ‖ E(Key, V+2) ‖ … ; V = V + m. Step 6 continues the same
    // keystream: Update's temp = E(Key, V+m+1) ‖ … (seedlen bytes) ⊕ additional_input.
    const m = Math.ceil(bytes / BLOCK);
    const outLen = m * BLOCK;
    const stream = createCipheriv(this.ctrAlg, this.key, this.nextCounterBlock()).update(zeros(outLen + this.seedBytes));
    if (addl !== null) {
      for (let i = 0; i < this.seedBytes; i++) stream[outLen + i]! ^= addl[i]!;
      addl.fill(0);
    }
    this.setState(stream, outLen);
    // A plain view (cheaper than Buffer#subarray); the state bytes after it are zeroed.
    return new Uint8Array(stream.buffer, stream.byteOffset, bytes);
  }

  protected zeroize(): void {
    this.key.fill(0);
    this.v.fill(0);
    this.iv.fill(0);
  }
}
