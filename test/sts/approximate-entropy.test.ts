import { test } from 'node:test';
import assert from 'node:assert/strict';
import { approximateEntropy } from '../../src/sts/approximate-entropy.ts';
import { InputError } from '../../src/errors.ts';
import { assertPValues, bitsOf, loadReference, REFERENCE_NAMES } from './helpers.ts';

const near = (a: number, b: number, tol = 5e-7) => assert.ok(Math.abs(a - b) <= tol, `${a} vs ${b}`);

test('§2.12.4 worked example: ε = 0100110101, m = 3 → φ(3) = −1.643418, φ(4) = −1.834372, P = 0.261961', () => {
  const r = approximateEntropy(bitsOf('0100110101'), { m: 3 });
  near(r.statistics.phiM as number, -1.643418);
  near(r.statistics.phiM1 as number, -1.834372);
  near(r.statistics.apen as number, 0.190954);
  near(r.pValues[0]!, 0.261961);
});

test('§2.12.8 example: 100 bits, m = 2 → ApEn = 0.665393, χ² = 5.550792, P = 0.235301', () => {
  const eps = '1100100100001111110110101010001000100001011010001100001000110100110001001100011001100010100010111000';
  const r = approximateEntropy(bitsOf(eps), { m: 2 });
  near(r.statistics.apen as number, 0.665393);
  near(r.statistics.chiSquared as number, 5.550792);
  near(r.pValues[0]!, 0.235301);
});

for (const name of REFERENCE_NAMES) {
  test(`${name}: P-value (m = 10) equals sts-2.1.2`, () => {
    const ref = loadReference(name);
    assertPValues(approximateEntropy(ref.bits).pValues, ref.expected.ApproximateEntropy!, `${name} ApproximateEntropy`);
  });
}

test('bad m is an InputError; n ≤ m is not applicable', () => {
  assert.throws(() => approximateEntropy(bitsOf('0101'), { m: 0 }), InputError);
  assert.throws(() => approximateEntropy(bitsOf('0101'), { m: 24 }), InputError);
  const r = approximateEntropy(bitsOf('0101'), { m: 4 });
  assert.equal(r.status, 'not-applicable');
  assert.deepEqual(r.pValues, []);
});

test('de Bruijn sequence B(2, 4): ApEn(3) = ln 2 exactly, so χ² = 0 (may round below 0) and P = 1', () => {
  const r = approximateEntropy(bitsOf('0000100110101111'), { m: 3 });
  assert.ok(Math.abs(r.statistics.chiSquared as number) < 1e-12);
  assert.equal(r.pValues[0], 1);
});
