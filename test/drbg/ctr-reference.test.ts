/**
 * CtrDrbg computes generate's output and the following CTR_DRBG_Update with one
 * AES-CTR call. CAVP requests are all 4 blocks long, so here a block-at-a-time
 * transcription of SP 800-90A §10.2.1.2 / §10.2.1.5.1 (AES-ECB per block, V
 * incremented by hand) checks other request sizes, partial blocks, additional
 * input and reseeds. The reference shares no code with CtrDrbg; both start from
 * the same no-df instantiate with the same full-entropy input.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createCipheriv, createHash } from 'node:crypto';
import { CtrDrbg } from '../../src/drbg/ctr-drbg.ts';

function inc(v: Uint8Array): void {
  for (let i = 15; i >= 0; i--) {
    v[i] = (v[i]! + 1) & 0xff;
    if (v[i] !== 0) break;
  }
}

/** CTR_DRBG without df, block by block, straight from the standard. */
class ReferenceCtrNoDf {
  key: Uint8Array;
  v = new Uint8Array(16);
  constructor(readonly keyBytes: number, entropy: Uint8Array) {
    this.key = new Uint8Array(keyBytes);
    this.update(entropy); // §10.2.1.3.1 with empty personalization: seed_material = entropy
  }
  private block(): Uint8Array {
    inc(this.v);
    return createCipheriv(`aes-${this.keyBytes * 8}-ecb`, this.key, null).setAutoPadding(false).update(this.v);
  }
  update(provided: Uint8Array): void {
    const seedBytes = this.keyBytes + 16;
    const temp: number[] = [];
    while (temp.length < seedBytes) temp.push(...this.block());
    const t = temp.slice(0, seedBytes).map((b, i) => b ^ (provided[i] ?? 0));
    this.key = Uint8Array.from(t.slice(0, this.keyBytes));
    this.v = Uint8Array.from(t.slice(this.keyBytes));
  }
  generate(bytes: number, addl?: Uint8Array): Uint8Array {
    const seedBytes = this.keyBytes + 16;
    const a = new Uint8Array(seedBytes);
    if (addl && addl.length > 0) {
      a.set(addl);
      this.update(a);
    }
    const out: number[] = [];
    while (out.length < bytes) out.push(...this.block());
    this.update(a);
    return Uint8Array.from(out.slice(0, bytes));
  }
  reseed(entropy: Uint8Array, addl?: Uint8Array): void {
    const s = Uint8Array.from(entropy);
    if (addl) for (let i = 0; i < addl.length; i++) s[i]! ^= addl[i]!;
    this.update(s);
  }
}

/** Deterministic bytes for inputs. */
function det(label: string, n: number): Uint8Array {
  const out = new Uint8Array(n);
  for (let j = 0; j * 32 < n; j++) out.set(createHash('sha256').update(`${label}/${j}`).digest().subarray(0, Math.min(32, n - j * 32)), j * 32);
  return out;
}

for (const keyBits of [128, 192, 256] as const) {
  test(`CTR_DRBG AES-${keyBits} no df: one-call generate equals the block-by-block definition`, () => {
    const kb = keyBits / 8;
    const seedBytes = kb + 16;
    const entropy = det(`e${keyBits}`, seedBytes);
    const d = new CtrDrbg({ keyBits, derivationFunction: false });
    d.instantiate(entropy, null);
    const r = new ReferenceCtrNoDf(kb, entropy);
    const sizes = [1, 15, 16, 17, 31, 33, 100, 1000, 4095, 4096, 4097, 65536, 0, 7];
    sizes.forEach((n, i) => {
      const addl = i % 3 === 1 ? det(`a${i}`, 1 + (i * 7) % seedBytes) : undefined;
      const got = d.generate(n, addl ? { additionalInput: addl } : {});
      const want = r.generate(n, addl);
      assert.equal(Buffer.from(got).toString('hex'), Buffer.from(want).toString('hex'), `request ${i} (${n} bytes)`);
      if (i === 6) {
        const e = det(`r${i}`, seedBytes);
        const ra = det(`ra${i}`, 5);
        d.reseed(e, ra);
        r.reseed(e, ra);
      }
    });
  });
}
