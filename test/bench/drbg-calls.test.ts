/**
 * The Hash_DRBG / HMAC_DRBG throughput bar compares each generate with "the same
 * node:crypto calls it must make" (bench/drbg.ts). That calibration is only honest
 * if the counts follow SP 800-90A (§10.1.1.4, §10.1.2.5) AND our DRBGs make exactly
 * those calls: count them by wrapping node:crypto's exports (ESM bindings of
 * builtins follow the CommonJS object after syncBuiltinESMExports).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createRequire, syncBuiltinESMExports } from 'node:module';
import { HashDrbg } from '../../src/drbg/hash-drbg.ts';
import { HmacDrbg } from '../../src/drbg/hmac-drbg.ts';
import { hashDrbgGenerateCalls, hmacDrbgGenerateCalls } from '../../bench/drbg.ts';

const crypto = createRequire(import.meta.url)('node:crypto') as typeof import('node:crypto');

/** Runs `f` with crypto.hash and createHmac wrapped; returns the message lengths each saw. */
function countCalls(f: () => void): { hash: number[]; hmac: number[] } {
  const seen = { hash: [] as number[], hmac: [] as number[] };
  const { hash, createHmac } = crypto;
  crypto.hash = ((alg: string, data: Uint8Array, enc?: string) => {
    seen.hash.push(data.length);
    return (hash as (...a: unknown[]) => unknown)(alg, data, enc);
  }) as typeof hash;
  crypto.createHmac = ((alg: string, key: Uint8Array) => {
    const h = createHmac(alg, key);
    let len = 0;
    const update = h.update.bind(h);
    h.update = ((d: Uint8Array) => ((len += d.length), update(d), h)) as typeof h.update;
    const digest = h.digest.bind(h);
    h.digest = (() => (seen.hmac.push(len), digest())) as typeof h.digest;
    return h;
  }) as typeof createHmac;
  syncBuiltinESMExports();
  try {
    f();
  } finally {
    crypto.hash = hash;
    crypto.createHmac = createHmac;
    syncBuiltinESMExports();
  }
  return seen;
}

const entropy = new Uint8Array(32).fill(3);
const nonce = new Uint8Array(16).fill(4);

for (const bytes of [4096, 65536, 100]) {
  test(`Hash_DRBG SHA-256 generate(${bytes}) hashes what SP 800-90A §10.1.1.4 prescribes, no more`, () => {
    const d = new HashDrbg({ hash: 'sha256' });
    d.instantiate(entropy, nonce);
    const got = countCalls(() => d.generate(bytes));
    assert.deepEqual(got.hash, hashDrbgGenerateCalls(bytes, 32, 55));
    assert.equal(got.hash.length, Math.ceil(bytes / 32) + 1);
    assert.deepEqual(got.hmac, []);
  });

  test(`HMAC_DRBG SHA-256 generate(${bytes}) makes the HMAC calls of SP 800-90A §10.1.2.5, no more`, () => {
    const d = new HmacDrbg({ hash: 'sha256' });
    d.instantiate(entropy, nonce);
    const got = countCalls(() => d.generate(bytes));
    assert.deepEqual(got.hmac, hmacDrbgGenerateCalls(bytes, 32));
    assert.equal(got.hmac.length, Math.ceil(bytes / 32) + 2);
    assert.deepEqual(got.hash, []);
  });
}
