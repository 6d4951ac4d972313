/**
 * SP 800-90A §9 checks: every limit and error of the DRBG functions, and that a
 * refused call leaves the state as it was (fail closed).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { CtrDrbg } from '../../src/drbg/ctr-drbg.ts';
import { HashDrbg } from '../../src/drbg/hash-drbg.ts';
import { HmacDrbg } from '../../src/drbg/hmac-drbg.ts';
import { FixedSource } from '../../src/drbg/fixed-source.ts';
import { CountingSource } from '../../src/drbg/counting-source.ts';
import { DrbgError, EntropySourceError, type Drbg, type DrbgErrorCode, type EntropySource } from '../../src/drbg/types.ts';

const bytes = (n: number, fill = 0x5a): Uint8Array => new Uint8Array(n).fill(fill);
const hex = (u: Uint8Array): string => Buffer.from(u).toString('hex');

function throwsCode(f: () => unknown, code: DrbgErrorCode, msg?: RegExp): void {
  assert.throws(f, (e: unknown) => {
    assert.ok(e instanceof DrbgError, `expected DrbgError, got ${String(e)}`);
    assert.equal(e.code, code, e.message);
    if (msg) assert.match(e.message, msg);
    return true;
  });
}

/** A counter-based deterministic source (fills with the call number). */
class StepSource implements EntropySource {
  n = 0;
  fail = false;
  getEntropy(_bits: number, minBytes: number): Uint8Array {
    if (this.fail) throw new EntropySourceError('source starved');
    return bytes(minBytes, ++this.n);
  }
}

const makers: Array<[string, (src?: EntropySource, interval?: number) => Drbg, number]> = [
  ['CTR AES-256 df', (s, i) => new CtrDrbg({ keyBits: 256, derivationFunction: true, source: s, reseedInterval: i }), 32],
  ['CTR AES-128 no df', (s, i) => new CtrDrbg({ keyBits: 128, derivationFunction: false, source: s, reseedInterval: i }), 32],
  ['Hash SHA-256', (s, i) => new HashDrbg({ hash: 'sha256', source: s, reseedInterval: i }), 32],
  ['HMAC SHA-1', (s, i) => new HmacDrbg({ hash: 'sha1', source: s, reseedInterval: i }), 16],
];

function nonceFor(d: Drbg): Uint8Array | null {
  return d.mechanism.includes('no df') ? null : bytes(d.securityStrength / 16, 0x11);
}

test('mechanism names and security strengths (SP 800-90A Tables 2 and 3)', () => {
  assert.equal(new CtrDrbg({ keyBits: 192, derivationFunction: true }).mechanism, 'CTR_DRBG AES-192 use df');
  assert.equal(new CtrDrbg({ keyBits: 192, derivationFunction: true }).securityStrength, 192);
  assert.equal(new HashDrbg({ hash: 'sha512-224' }).securityStrength, 192);
  assert.equal(new HashDrbg({ hash: 'sha1' }).securityStrength, 128);
  assert.equal(new HmacDrbg({ hash: 'sha512-256' }).mechanism, 'HMAC_DRBG SHA-512/256');
});

for (const [name, make, entBytes] of makers) {
  test(`${name}: use before instantiate and after uninstantiate is refused`, () => {
    const d = make();
    throwsCode(() => d.generate(16), 'uninstantiated');
    throwsCode(() => d.reseed(bytes(entBytes)), 'uninstantiated');
    d.instantiate(bytes(entBytes), nonceFor(d));
    assert.equal(d.reseedCounter, 1);
    d.generate(16);
    assert.equal(d.reseedCounter, 2);
    d.uninstantiate();
    assert.equal(d.reseedCounter, 0);
    throwsCode(() => d.generate(16), 'uninstantiated', /not instantiated/);
  });

  test(`${name}: entropy input below the minimum, and request above 2^19 bits`, () => {
    const d = make();
    throwsCode(() => d.instantiate(bytes(entBytes - 1), nonceFor(d)), 'entropy-too-short', /entropy input is \d+ bytes/);
    d.instantiate(bytes(entBytes), nonceFor(d));
    throwsCode(() => d.reseed(bytes(entBytes - 1)), 'entropy-too-short');
    throwsCode(() => d.generate(65537), 'request-too-large', /65536 bytes \(524288 bits\)/);
    assert.equal(d.generate(65536).length, 65536);
    throwsCode(() => d.generate(-1), 'bad-parameter');
    throwsCode(() => d.generate(1.5), 'bad-parameter');
  });

  test(`${name}: reseed interval reached without a source ⇒ reseed-required; state unchanged`, () => {
    const d = make(undefined, 3);
    d.instantiate(bytes(entBytes), nonceFor(d));
    for (let i = 0; i < 3; i++) d.generate(8);
    assert.equal(d.reseedCounter, 4);
    throwsCode(() => d.generate(8), 'reseed-required', /reseed required after 3 generate requests/);
    assert.equal(d.reseedCounter, 4);
    d.reseed(bytes(entBytes, 0x77));
    assert.equal(d.reseedCounter, 1);
    assert.equal(d.generate(8).length, 8);
  });

  test(`${name}: reseed interval reached with a source ⇒ automatic reseed (§9.3.1)`, () => {
    const src = new CountingSource(new StepSource());
    const d = make(src, 2);
    d.instantiate(null, nonceFor(d));
    assert.equal(src.calls, 1);
    d.generate(8);
    d.generate(8);
    assert.equal(src.calls, 1);
    d.generate(8); // counter 3 > interval 2: reseeds from the source first
    assert.equal(src.calls, 2);
    assert.equal(d.reseedCounter, 2);
    assert.equal(src.bytes, 2 * entBytes);
  });

  test(`${name}: a failing source fails closed without changing state`, () => {
    const step = new StepSource();
    const d = make(step, 1);
    const twin = make(undefined, 1);
    d.instantiate(null, nonceFor(d));
    twin.instantiate(bytes(entBytes, 1), nonceFor(twin));
    step.fail = true;
    throwsCode(() => d.reseed(null), 'source-failed', /source starved/);
    throwsCode(() => d.generate(16, { predictionResistance: true }), 'source-failed');
    assert.equal(hex(d.generate(16)), hex(twin.generate(16)), 'state unchanged by the refused calls');
    throwsCode(() => d.generate(16), 'source-failed'); // interval 1 reached: automatic reseed fails
    assert.equal(d.reseedCounter, 2);
    step.fail = false;
    twin.reseed(bytes(entBytes, 2));
    assert.equal(hex(d.generate(16)), hex(twin.generate(16)), 'same as a twin reseeded with the same entropy');
    const fresh = make(step);
    step.fail = true;
    throwsCode(() => fresh.instantiate(null, nonceFor(fresh)), 'source-failed');
    throwsCode(() => fresh.generate(1), 'uninstantiated');
  });

  test(`${name}: prediction resistance not supported, and no entropy anywhere`, () => {
    const d = make();
    throwsCode(() => d.instantiate(null, nonceFor(d)), 'bad-parameter', /no entropy source configured/);
    d.instantiate(bytes(entBytes), nonceFor(d));
    throwsCode(() => d.generate(8, { predictionResistance: true }), 'bad-parameter', /no entropy source/);
    throwsCode(() => d.generate(8, { entropyForPr: bytes(entBytes) }), 'bad-parameter');
    throwsCode(() => d.generate(8, { predictionResistance: true, entropyForPr: bytes(entBytes - 1) }), 'entropy-too-short');
  });
}

test('prediction resistance requested but not supported ⇒ bad-parameter', () => {
  const d = new HmacDrbg({ hash: 'sha256', predictionResistanceSupported: false });
  d.instantiate(bytes(32), bytes(16));
  throwsCode(() => d.generate(8, { predictionResistance: true, entropyForPr: bytes(32) }), 'bad-parameter', /not supported/);
});

test('prediction resistance reseeds with the additional input, then generates with Null (§9.3.1 step 7)', () => {
  const a = new HashDrbg({ hash: 'sha256' });
  const b = new HashDrbg({ hash: 'sha256' });
  a.instantiate(bytes(32), bytes(16));
  b.instantiate(bytes(32), bytes(16));
  const addl = bytes(32, 0x42);
  const x = a.generate(64, { additionalInput: addl, predictionResistance: true, entropyForPr: bytes(32, 9) });
  b.reseed(bytes(32, 9), addl);
  assert.equal(hex(x), hex(b.generate(64)));
});

test('CTR_DRBG without df: entropy input must be exactly seedlen; no nonce; inputs ≤ seedlen', () => {
  const d = new CtrDrbg({ keyBits: 256, derivationFunction: false });
  throwsCode(() => d.instantiate(bytes(47), null), 'entropy-too-short', /exactly 48 bytes/);
  throwsCode(() => d.instantiate(bytes(49), null), 'input-too-long', /exactly 48 bytes/);
  throwsCode(() => d.instantiate(bytes(48), bytes(16)), 'bad-parameter', /takes no nonce/);
  throwsCode(() => d.instantiate(bytes(48), null, bytes(49)), 'input-too-long', /personalization string is 49 bytes/);
  d.instantiate(bytes(48), new Uint8Array(0), bytes(48));
  throwsCode(() => d.generate(16, { additionalInput: bytes(49) }), 'input-too-long', /additional input is 49 bytes/);
  throwsCode(() => d.reseed(bytes(48), bytes(49)), 'input-too-long');
  assert.equal(d.generate(16, { additionalInput: bytes(48) }).length, 16);
});

test('nonce must carry at least security_strength/2 bits (§8.6.7); null nonce comes from the source', () => {
  const d = new HashDrbg({ hash: 'sha256' });
  throwsCode(() => d.instantiate(bytes(32), bytes(15)), 'entropy-too-short', /nonce is 15 bytes/);
  throwsCode(() => d.instantiate(bytes(32), null), 'bad-parameter');
  const src = new CountingSource(new FixedSource([bytes(32, 1), bytes(16, 2)]));
  const e = new HashDrbg({ hash: 'sha256', source: src });
  e.instantiate(null, null);
  assert.equal(src.calls, 2);
  assert.equal(src.bitsRequested, 256 + 128);
  const f = new HashDrbg({ hash: 'sha256' });
  f.instantiate(bytes(32, 1), bytes(16, 2));
  assert.equal(hex(e.generate(32)), hex(f.generate(32)));
});

test('a source returning the wrong size is a source failure', () => {
  const d = new CtrDrbg({ keyBits: 128, derivationFunction: false, source: new FixedSource([]) });
  throwsCode(() => d.instantiate(null, null), 'source-failed', /exhausted/);
  const liar: EntropySource = { getEntropy: () => bytes(3) };
  const e = new CtrDrbg({ keyBits: 128, derivationFunction: true, source: liar });
  throwsCode(() => e.instantiate(null, bytes(8)), 'source-failed', /returned 3 bytes/);
});

test('bad constructor parameters', () => {
  throwsCode(() => new CtrDrbg({ keyBits: 64 as 128, derivationFunction: true }), 'bad-parameter');
  throwsCode(() => new HashDrbg({ hash: 'md5' as 'sha1' }), 'bad-parameter');
  throwsCode(() => new HmacDrbg({ hash: 'sha256', reseedInterval: 0 }), 'bad-parameter');
  throwsCode(() => new HmacDrbg({ hash: 'sha256', reseedInterval: 2 ** 48 + 1 }), 'bad-parameter');
});

test('CTR_DRBG generate of a partial block advances V by whole blocks (§10.2.1.5 step 4)', () => {
  // 20 bytes use 2 blocks; the output is the leftmost 160 bits of what a 32-byte request
  // from the same state returns, and V moves by 2 blocks either way.
  const a = new CtrDrbg({ keyBits: 256, derivationFunction: true });
  const b = new CtrDrbg({ keyBits: 256, derivationFunction: true });
  a.instantiate(bytes(32), bytes(16));
  b.instantiate(bytes(32), bytes(16));
  assert.equal(hex(a.generate(20)), hex(b.generate(32)).slice(0, 40));
  assert.equal(hex(a.generate(32)), hex(b.generate(32)), 'same state after 20 and 32 bytes (both 2 blocks)');
});
