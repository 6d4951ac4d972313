import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import {
  CountingSource,
  CtrDrbg,
  EntropySourceError,
  FixedSource,
  generateStream,
  OsEntropySource,
  SeedDerivedSource,
  createDrbg,
  MECHANISM_NAMES,
  DrbgError,
} from '../../src/drbg/index.ts';

const hex = (u: Uint8Array): string => Buffer.from(u).toString('hex');

test('SeedDerivedSource: call k is SHA-512(label ‖ k ‖ block ‖ seed) blocks, deterministic and distinct per call', () => {
  const seed = Buffer.from('000102030405060708090a0b0c0d0e0f', 'hex');
  const a = new SeedDerivedSource(seed);
  const b = new SeedDerivedSource(seed);
  const a0 = a.getEntropy(256, 32, 1000);
  const a1 = a.getEntropy(800, 100, 1000);
  assert.equal(hex(a0), hex(b.getEntropy(256, 32, 1000)));
  assert.equal(a1.length, 100);
  assert.notEqual(hex(a1).slice(0, 64), hex(a0));
  const label = Buffer.from('entropy-bench seed-derived source');
  const blk = (k: number, j: number) => createHash('sha512').update(Buffer.concat([label, Buffer.from([0, 0, 0, k, 0, 0, 0, j]), seed])).digest();
  assert.equal(hex(a0), hex(blk(0, 0).subarray(0, 32)));
  assert.equal(hex(a1), hex(Buffer.concat([blk(1, 0), blk(1, 1)]).subarray(0, 100)));
  assert.equal(a.used, 2);
});

test('CountingSource counts calls, bytes, requested bits and failures', () => {
  const c = new CountingSource(new FixedSource([new Uint8Array(32), new Uint8Array(48)]));
  c.getEntropy(256, 32, 64);
  c.getEntropy(256, 32, 64);
  assert.throws(() => c.getEntropy(256, 32, 64), EntropySourceError);
  assert.deepEqual([c.calls, c.bytes, c.bitsRequested, c.failures], [3, 80, 768, 1]);
  c.reset();
  assert.deepEqual([c.calls, c.bytes, c.failures], [0, 0, 0]);
});

test('FixedSource refuses a buffer outside the requested size and copies what it hands out', () => {
  const buf = new Uint8Array(16).fill(7);
  const f = new FixedSource([buf]);
  assert.throws(() => f.getEntropy(256, 32, 64), /16 bytes, the DRBG asked for 32..64/);
  const got = f.getEntropy(128, 16, 16);
  got.fill(0);
  assert.equal(buf[0], 7);
  assert.equal(f.remaining, 0);
});

test('OsEntropySource returns the requested size', () => {
  assert.equal(new OsEntropySource().getEntropy(256, 32, 64).length, 32);
});

test('generateStream: requests of at most 65536 bytes; equals the same generate calls made by hand', () => {
  const mk = () => {
    const d = new CtrDrbg({ keyBits: 128, derivationFunction: false });
    d.instantiate(new Uint8Array(32).fill(9), null);
    return d;
  };
  const chunks: Uint8Array[] = [];
  const n = generateStream(mk(), 150000, (c) => chunks.push(Uint8Array.from(c)));
  assert.equal(n, 3);
  assert.deepEqual(chunks.map((c) => c.length), [65536, 65536, 18928]);
  const d = mk();
  assert.equal(hex(Buffer.concat(chunks)), hex(Buffer.concat([d.generate(65536), d.generate(65536), d.generate(18928)])));
});

test('createDrbg knows every short name and refuses others', () => {
  assert.equal(MECHANISM_NAMES.length, 6 + 7 + 7);
  for (const name of MECHANISM_NAMES) assert.ok(createDrbg(name).mechanism.length > 0);
  assert.equal(createDrbg('ctr-aes192-nodf').mechanism, 'CTR_DRBG AES-192 no df');
  assert.equal(createDrbg('hmac-sha512-224').mechanism, 'HMAC_DRBG SHA-512/224');
  assert.throws(() => createDrbg('hash-md5'), (e: unknown) => e instanceof DrbgError && e.code === 'bad-parameter');
});
