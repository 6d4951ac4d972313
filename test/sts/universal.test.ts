import { test } from 'node:test';
import assert from 'node:assert/strict';
import { universal, universalL } from '../../src/sts/universal.ts';
import { assertClose, assertPValues, loadReference, REFERENCE_NAMES } from './helpers.ts';

test('L from n as sts-2.1.2 chooses it (table of §2.9.7)', () => {
  assert.equal(universalL(387839), 5);
  assert.equal(universalL(387840), 6);
  assert.equal(universalL(904959), 6);
  assert.equal(universalL(904960), 7);
  assert.equal(universalL(1_000_000), 7);
  assert.equal(universalL(2068480), 8);
});

test('SP 800-22 §2.9.8 example: first 10^6 bits of e → L = 7, Q = 1280, K = 141577, P = 0.282568', () => {
  const r = universal(loadReference('data.e').bits);
  assert.deepEqual(r.params, { L: 7, Q: 1280 });
  assert.equal(r.statistics.K, 141577);
  assertClose(r.pValues[0]!, 0.282568, 1e-6, 'P');
});

test('n < 387,840 is not applicable; bad L/Q throw', () => {
  const bits = loadReference('data.e').bits.slice(0, 300000);
  assert.equal(universal(bits).status, 'not-applicable');
  assert.throws(() => universal(bits, { L: 5 }), RangeError);
  assert.throws(() => universal(loadReference('data.e').bits, { L: 7, Q: 100 }), RangeError);
});

for (const name of REFERENCE_NAMES) {
  test(`${name}: matches sts-2.1.2`, () => {
    const ref = loadReference(name);
    assertPValues(universal(ref.bits).pValues, ref.expected.Universal!, `${name} Universal`);
  });
}
