import { test } from 'node:test';
import assert from 'node:assert/strict';
import { randomExcursionsVariant } from '../../src/sts/random-excursions-variant.ts';
import { assertPValues, bitsOf, loadReference, REFERENCE_NAMES } from './helpers.ts';

test('§2.15.4 worked example: ε = 0110110101 → J = 3, ξ(+1) = 4, P = 0.683091', () => {
  const r = randomExcursionsVariant(bitsOf('0110110101'), { minCycles: 0 });
  assert.equal(r.statistics.J, 3);
  const i = r.labels!.indexOf('1');
  assert.equal((r.statistics.visits as number[])[i], 4);
  assert.ok(Math.abs(r.pValues[i]! - 0.683091) < 5e-7);
});

for (const name of REFERENCE_NAMES) {
  test(`${name}: 18 states equal sts-2.1.2, or not applicable where it wrote placeholders`, () => {
    const ref = loadReference(name);
    const r = randomExcursionsVariant(ref.bits);
    if (ref.status.RandomExcursionsVariant?.startsWith('not_applicable')) {
      assert.equal(r.status, 'not-applicable');
      assert.equal(r.statistics.J, 412);
      assert.deepEqual(r.pValues, []);
    } else {
      assert.equal(r.status, 'ok');
      assert.deepEqual(r.labels, ref.labels.RandomExcursionsVariant!.map(String));
      assertPValues(r.pValues, ref.expected.RandomExcursionsVariant!, `${name} RandomExcursionsVariant`);
    }
  });
}

test('§2.15.8: data.e has J = 1490 cycles', () => {
  const r = randomExcursionsVariant(loadReference('data.e').bits);
  assert.equal(r.statistics.J, 1490);
});
