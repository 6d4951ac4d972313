import { test } from 'node:test';
import assert from 'node:assert/strict';
import { dft } from '../../src/sts/dft.ts';
import { assertClose, assertPValues, bitsOf, EXAMPLE_100, loadReference, REFERENCE_NAMES } from './helpers.ts';

test('SP 800-22 §2.6.8 example (corrected): 100 bits → N1 = 48, P = 0.646355', () => {
  // The document prints N1 = 46, P = 0.168669, an erratum: numpy.fft finds 48 of the first
  // 50 moduli below T = 17.308, and sts-2.1.2 reports 0.646355.
  const r = dft(bitsOf(EXAMPLE_100), { strict: false });
  assert.equal(r.statistics.N1, 48);
  assert.equal(r.statistics.N0, 47.5);
  assertClose(r.pValues[0]!, 0.646355, 1e-6, 'P');
});

test('SP 800-22 §2.6.4 example (corrected): ε = 1001010011 → all 5 moduli below T, N1 = 5', () => {
  // |X_0..X_4| = 0, 2, 4.472, 2, 4.472 (numpy.fft), all < T = 5.473: the document's N1 = 4 is an erratum.
  const r = dft(bitsOf('1001010011'), { strict: false });
  assert.equal(r.statistics.N1, 5);
  assertClose(r.statistics.d as number, (5 - 4.75) / Math.sqrt(10 * 0.95 * 0.05 / 4), 1e-12, 'd');
});

test('odd n and n < 1000', () => {
  assert.equal(dft(bitsOf(EXAMPLE_100)).status, 'not-applicable');
  const odd = loadReference('data.e').bits.slice(0, 10001);
  const r = dft(odd);
  assert.equal(r.status, 'ok');
  assert.ok(r.pValues[0]! >= 0 && r.pValues[0]! <= 1);
});

for (const name of REFERENCE_NAMES) {
  test(`${name}: matches sts-2.1.2 (n = 10^6, mixed-radix FFT)`, () => {
    const ref = loadReference(name);
    assertPValues(dft(ref.bits).pValues, ref.expected.FFT!, `${name} FFT`);
  });
}
