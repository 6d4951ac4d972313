import { test } from 'node:test';
import assert from 'node:assert/strict';
import { BitSequence } from '../../src/bits/bit-sequence.ts';
import { runTests } from '../../src/sts/battery.ts';
import { STS_TEST_NAMES, type StsTestName } from '../../src/sts/types.ts';
import { batteryVerdict, streamVerdict } from '../../src/sts/verdict.ts';
import { loadReference } from './helpers.ts';
import { xorshift32 } from '../helpers/xorshift.ts';

/** Deterministic xorshift32 bits with P(1) = p1 (a seeded stand-in for a biased source). */
function biased(n: number, p1: number, seed: number): BitSequence {
  const bits = new Uint8Array(n);
  const next = xorshift32(seed);
  for (let i = 0; i < n; i++) bits[i] = next() / 4294967296 < p1 ? 1 : 0;
  return BitSequence.fromBitArray(bits);
}

test('data.e (10^6 bits, all 15 tests): pass by the single-stream binomial rule', () => {
  const v = streamVerdict(runTests(loadReference('data.e').bits, STS_TEST_NAMES));
  assert.equal(v.method, 'single-stream-binomial');
  assert.equal(v.verdict, 'pass', v.reason);
  assert.equal(v.count, 188);
  assert.ok(v.failures <= 5);
});

test('a 32-bit counter (0, 1, 2, …) fails', () => {
  const w = new Uint32Array(31_250);
  for (let i = 0; i < w.length; i++) w[i] = i;
  const v = streamVerdict(runTests(new BitSequence(w, 1_000_000), STS_TEST_NAMES));
  assert.equal(v.verdict, 'fail', v.reason);
  assert.ok(v.binomialTailP! < 1e-10);
});

test('a 51 % biased stream fails through the Bonferroni bar even with few failures', () => {
  const v = streamVerdict(runTests(biased(1_000_000, 0.51, 7), STS_TEST_NAMES));
  assert.equal(v.verdict, 'fail', v.reason);
  assert.ok(v.failed.includes('Frequency'));
  assert.ok(v.minP! < v.bonferroniThreshold!);
});

test('few bits: insufficient-data, whatever the P-values', () => {
  const v = streamVerdict(runTests(loadReference('data.e').bits.slice(0, 20_000), ['Frequency', 'Runs', 'Serial']));
  assert.equal(v.verdict, 'insufficient-data');
  assert.match(v.reason, /20000 bits/);
  assert.equal(batteryVerdict([]).verdict, 'insufficient-data');
});

const FAST: StsTestName[] = ['Frequency', 'CumulativeSums', 'Runs', 'ApproximateEntropy'];
const fastParams = { ApproximateEntropy: { m: 3 } };

test('many streams: second-level method; e splits pass, biased streams fail', () => {
  const e = loadReference('data.e').bits;
  const good = Array.from({ length: 100 }, (_, s) => runTests(e.slice(s * 10_000, 10_000), FAST, fastParams));
  const v = batteryVerdict(good, { minBits: 10_000 });
  assert.equal(v.method, 'second-level');
  assert.equal(v.verdict, 'pass', v.reason);
  assert.equal(v.count, 5); // Frequency, Cusum forward and reverse, Runs, ApEn
  const bad = Array.from({ length: 100 }, (_, s) => runTests(biased(10_000, 0.53, s + 1), FAST, fastParams));
  const w = batteryVerdict(bad, { minBits: 10_000 });
  assert.equal(w.verdict, 'fail', w.reason);
  assert.ok(w.failed.some((f) => f.startsWith('Frequency')));
});

test('2..99 streams: pooled binomial over all P-values', () => {
  const e = loadReference('data.pi').bits;
  const streams = Array.from({ length: 10 }, (_, s) => runTests(e.slice(s * 10_000, 10_000), FAST, fastParams));
  const v = batteryVerdict(streams, { minBits: 10_000 });
  assert.equal(v.method, 'pooled-binomial');
  assert.equal(v.count, 50);
  assert.equal(v.verdict, 'pass', v.reason);
});

test('not-applicable tests are listed, not counted as failures (data.sha1: excursions)', () => {
  const v = streamVerdict(runTests(loadReference('data.sha1').bits, STS_TEST_NAMES));
  assert.equal(v.count, 188 - 26);
  assert.ok(v.notApplicable.some((s) => s.startsWith('RandomExcursions: J = 412')));
  assert.equal(v.verdict, 'pass', v.reason);
});
