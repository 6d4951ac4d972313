/**
 * Hash_DRBG, SP 800-90A Rev. 1 §10.1.1, with the derivation function Hash_df
 * (§10.3.1), over node:crypto digests: SHA-1, SHA-224, SHA-256, SHA-384,
 * SHA-512, SHA-512/224, SHA-512/256 (Table 2).
 *
 * Working state: V and C (seedlen bits each: 440, or 888 for SHA-384/512) and
 * reseed_counter. Entropy input ≥ security strength (SHA-1: 128, SHA-224 and
 * SHA-512/224: 192, the others 256 bits), ≤ 2^35 bits; nonce ≥ strength/2;
 * ≤ 2^19 bits per request; reseed_interval ≤ 2^48.
 *
 * Pitfall the CAVP vectors catch: generate adds reseed_counter into V (§10.1.1.4
 * step 6), and reseed_counter is 1 at the first generate after instantiate/reseed.
 *
 * @example
 * const d = new HashDrbg({ hash: 'sha256' });
 * d.instantiate(entropy32, nonce16);
 * d.generate(128); // 1024 bits; CAVP DRBGVS vectors in test/drbg/cavp.test.ts
 */
import { hash as digest } from 'node:crypto';
import { DrbgFunctions, dfMechanismLimits, type MechanismLimits } from './functions.ts';
import { hashParams, type HashParams } from './hash-params.ts';
import type { DrbgCommonOptions, DrbgHash } from './types.ts';

export interface HashDrbgOptions extends DrbgCommonOptions {
  hash: DrbgHash;
}

/** target = (target + addend) mod 2^(8·target.length), both big-endian; addend may be shorter. */
function addInto(target: Uint8Array, addend: Uint8Array): void {
  let carry = 0;
  let j = addend.length - 1;
  for (let i = target.length - 1; i >= 0; i--, j--) {
    const s = target[i]! + (j >= 0 ? addend[j]! : 0) + carry;
    target[i] = s & 0xff;
    carry = s >> 8;
    if (j < 0 && carry === 0) break;
  }
}

/** target = (target + n) mod 2^(8·target.length) for a non-negative integer n < 2^53. */
function addNumber(target: Uint8Array, n: number): void {
  let carry = n;
  for (let i = target.length - 1; i >= 0 && carry > 0; i--) {
    const s = target[i]! + (carry % 256);
    target[i] = s & 0xff;
    carry = Math.floor(carry / 256) + (s >> 8);
  }
}

/**
 * §10.1.1.4 Hashgen's loop: m hashes of data, data + 1, … (mod 2^seedlen), starting from V,
 * into one buffer. A function of its own so that V8 optimises the loop on its own type
 * feedback: inside generateAlgorithm it shared that function's deoptimisations (a property
 * access on a path the warm-up calls had not taken), and whether the loop then ran optimised
 * or in V8's baseline tier at a given call moved its instruction count by 6 % (bench/icount.ts:
 * 19.22 or 18.08 million per 64 KiB by process; on its own, 18.09–18.10 million in 4 processes of 4).
 */
function hashgen(nodeName: string, outBytes: number, seedBytes: number, v: Uint8Array, m: number): Buffer {
  const out = Buffer.allocUnsafe(m * outBytes);
  const data = Buffer.from(v);
  for (let i = 0; i < m; i++) {
    out.set(digest(nodeName, data, 'buffer'), i * outBytes);
    // data + 1 mod 2^seedlen: almost always only the last byte changes.
    for (let k = seedBytes - 1; k >= 0 && ++data[k]! === 256; k--) data[k] = 0;
  }
  data.fill(0);
  return out;
}

/**
 * Hash_df (SP 800-90A §10.3.1): Hash(counter ‖ no_of_bits_to_return ‖ input) for
 * counter = 1, 2, … concatenated, leftmost `outBytes` bytes.
 */
export function hashDf(p: HashParams, input: Uint8Array[], outBytes: number): Buffer {
  const inLen = input.reduce((s, a) => s + a.length, 0);
  const msg = Buffer.alloc(5 + inLen);
  msg.writeUInt32BE(outBytes * 8, 1);
  let off = 5;
  for (const a of input) {
    msg.set(a, off);
    off += a.length;
  }
  const n = Math.ceil(outBytes / p.outBytes);
  const out = Buffer.alloc(n * p.outBytes);
  for (let i = 0; i < n; i++) {
    msg[0] = i + 1; // counter: an 8-bit integer starting at 1
    out.set(digest(p.nodeName, msg, 'buffer'), i * p.outBytes);
  }
  msg.fill(0);
  return out.subarray(0, outBytes);
}

const BYTE_00 = Uint8Array.of(0x00);
const BYTE_01 = Uint8Array.of(0x01);
const BYTE_02 = Uint8Array.of(0x02);
const BYTE_03 = Uint8Array.of(0x03);

export class HashDrbg extends DrbgFunctions {
  readonly mechanism: string;
  readonly securityStrength: number;
  readonly hash: DrbgHash;
  protected readonly limits: MechanismLimits;
  private readonly p: HashParams;
  private v: Buffer;
  private c: Buffer;

  constructor(opts: HashDrbgOptions) {
    super(opts);
    this.p = hashParams(opts.hash);
    this.hash = opts.hash;
    this.securityStrength = this.p.securityStrength;
    this.mechanism = `Hash_DRBG ${this.p.cavpName}`;
    this.limits = dfMechanismLimits(this.securityStrength / 8);
    this.v = Buffer.alloc(this.p.seedBytes);
    this.c = Buffer.alloc(this.p.seedBytes);
  }

  /** V = new seed; C = Hash_df(0x00 ‖ V, seedlen) (§10.1.1.2 steps 3–5, §10.1.1.3 steps 3–5). */
  private setSeed(seed: Buffer): void {
    const c = hashDf(this.p, [BYTE_00, seed], this.p.seedBytes);
    this.zeroize();
    this.v = seed;
    this.c = c;
  }

  /** §10.1.1.2: seed = Hash_df(entropy ‖ nonce ‖ personalization, seedlen). */
  protected instantiateAlgorithm(entropy: Uint8Array, nonce: Uint8Array, personalization: Uint8Array): void {
    this.setSeed(hashDf(this.p, [entropy, nonce, personalization], this.p.seedBytes));
  }

  /** §10.1.1.3: seed = Hash_df(0x01 ‖ V ‖ entropy ‖ additional_input, seedlen). */
  protected reseedAlgorithm(entropy: Uint8Array, additionalInput: Uint8Array | null): void {
    const parts = [BYTE_01, this.v, entropy];
    if (additionalInput !== null) parts.push(additionalInput);
    this.setSeed(hashDf(this.p, parts, this.p.seedBytes));
  }

  /** §10.1.1.4 generate and §10.1.1.4 Hashgen. */
  protected generateAlgorithm(bytes: number, additionalInput: Uint8Array | null): Uint8Array {
    const { nodeName, outBytes, seedBytes } = this.p;
    const v = Buffer.from(this.v);
    // Step 2: w = Hash(0x02 ‖ V ‖ additional_input); V = (V + w) mod 2^seedlen.
    if (additionalInput !== null) addInto(v, digest(nodeName, Buffer.concat([BYTE_02, v, additionalInput]), 'buffer'));
    // Step 3, Hashgen: data = V; W = Hash(data) ‖ Hash(data + 1) ‖ … (mod 2^seedlen).
    const out = hashgen(nodeName, outBytes, seedBytes, v, Math.ceil(bytes / outBytes));
    // Steps 4–6: H = Hash(0x03 ‖ V); V = (V + H + C + reseed_counter) mod 2^seedlen.
    const h = digest(nodeName, Buffer.concat([BYTE_03, v]), 'buffer');
    addInto(v, h);
    addInto(v, this.c);
    addNumber(v, this.counter);
    this.v.fill(0);
    this.v = v;
    return out.subarray(0, bytes);
  }

  protected zeroize(): void {
    this.v.fill(0);
    this.c.fill(0);
  }
}
