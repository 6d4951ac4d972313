import { test } from 'node:test';
import assert from 'node:assert/strict';
import { CtrDrbg } from '../../src/drbg/ctr-drbg.ts';
import { KEY_MATERIAL_BATCH, KeyMaterial } from '../../src/firmware/smm-variable/key-material.ts';
import { KEY_BYTES, NONCE_BYTES } from '../../src/firmware/smm-variable/record.ts';

// The driver's key material against a second CTR_DRBG (AES-256, derivation function: the
// CAVP-checked one of src/drbg) fed the same inputs: which generate requests it makes, and
// which bytes of them become each write's key and nonce (SP 800-90A §10.2.1; the batching of
// src/firmware/smm-variable/key-material.ts).

const PER_WRITE = KEY_BYTES + NONCE_BYTES;
const bytes = (n: number, seed: number): Uint8Array => Uint8Array.from({ length: n }, (_, i) => (i * 31 + seed * 7 + 1) & 0xff);
const ENTROPY = bytes(32, 1);
const NONCE = bytes(16, 2);

/** The reference: a CTR_DRBG instantiated as the driver's is (personalisation 'smm-variable'). */
function reference(): CtrDrbg {
  const d = new CtrDrbg({ keyBits: 256, derivationFunction: true });
  d.instantiate(ENTROPY, NONCE, new TextEncoder().encode('smm-variable'));
  return d;
}

function take(km: KeyMaterial, writesLeft: number): { key: Uint8Array; nonce: Uint8Array } {
  const key = new Uint8Array(KEY_BYTES);
  const nonce = new Uint8Array(NONCE_BYTES);
  km.take(writesLeft, key, nonce);
  return { key, nonce };
}

/** Write w's key and nonce within one request's output. */
function slice(out: Uint8Array, w: number): { key: Uint8Array; nonce: Uint8Array } {
  return { key: out.subarray(w * PER_WRITE, w * PER_WRITE + KEY_BYTES), nonce: out.subarray(w * PER_WRITE + KEY_BYTES, (w + 1) * PER_WRITE) };
}

test('key material: the writes before a reseed share one generate request, key then nonce, in order', () => {
  const km = new KeyMaterial();
  km.instantiate(ENTROPY, NONCE);
  const out = reference().generate(3 * PER_WRITE);
  for (let w = 0; w < 3; w++) assert.deepEqual(take(km, 3 - w), slice(out, w), `write ${w}`);
});

test(`key material: one request covers at most ${KEY_MATERIAL_BATCH} writes, then the next request the rest`, () => {
  const km = new KeyMaterial();
  km.instantiate(ENTROPY, NONCE);
  const ref = reference();
  const first = ref.generate(KEY_MATERIAL_BATCH * PER_WRITE);
  const second = ref.generate(6 * PER_WRITE);
  const left = KEY_MATERIAL_BATCH + 6;
  for (let w = 0; w < left; w++) {
    const want = w < KEY_MATERIAL_BATCH ? slice(first, w) : slice(second, w - KEY_MATERIAL_BATCH);
    assert.deepEqual(take(km, left - w), want, `write ${w}`);
  }
});

test('key material: a reseed discards what was buffered; the next write comes from a request after it', () => {
  const km = new KeyMaterial();
  km.instantiate(ENTROPY, NONCE);
  const ref = reference();
  const before = ref.generate(10 * PER_WRITE);
  assert.deepEqual(take(km, 10), slice(before, 0));
  const reseed = bytes(32, 9);
  km.reseed(reseed);
  ref.reseed(reseed);
  const after = ref.generate(2 * PER_WRITE);
  assert.deepEqual(take(km, 2), slice(after, 0));
  assert.deepEqual(take(km, 1), slice(after, 1));
  // A new instantiate discards it too: the first write equals a fresh instance's first.
  km.instantiate(ENTROPY, NONCE);
  assert.deepEqual(take(km, 1), slice(reference().generate(PER_WRITE), 0));
});

test('key material: a write with no count of writes left (0 or less) still gets its own request of one write', () => {
  for (const left of [0, -3]) {
    const km = new KeyMaterial();
    km.instantiate(ENTROPY, NONCE);
    const ref = reference();
    const one = ref.generate(PER_WRITE);
    const next = ref.generate(PER_WRITE);
    assert.deepEqual(take(km, left), slice(one, 0), `left ${left}`);
    assert.deepEqual(take(km, left), slice(next, 0), `left ${left}, second write`);
  }
});

test('key material: used bytes are zeroed in the buffer, and a reseed zeroes the unused rest', () => {
  const km = new KeyMaterial();
  km.instantiate(ENTROPY, NONCE);
  take(km, 4);
  const pool = (km as unknown as { pool: Uint8Array }).pool;
  assert.equal(pool.length, 4 * PER_WRITE);
  assert.ok(pool.subarray(0, PER_WRITE).every((b) => b === 0), 'the first write\'s key and nonce are gone');
  assert.ok(pool.subarray(PER_WRITE).some((b) => b !== 0), 'the other three writes\' bytes wait');
  km.reseed(bytes(32, 5));
  assert.ok(pool.every((b) => b === 0), 'nothing generated before the reseed stays in SMRAM');
});
