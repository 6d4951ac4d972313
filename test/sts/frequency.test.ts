import { test } from 'node:test';
import assert from 'node:assert/strict';
import { frequency } from '../../src/sts/frequency.ts';
import { assertClose, assertPValues, bitsOf, EXAMPLE_100, loadReference, REFERENCE_NAMES } from './helpers.ts';

test('SP 800-22 §2.1.4 example: ε = 1011010101 → P = 0.527089', () => {
  const r = frequency(bitsOf('1011010101'), { strict: false });
  assert.equal(r.statistics.S_n, 2);
  assertClose(r.statistics.s_obs as number, 0.632455532, 1e-9, 's_obs');
  assertClose(r.pValues[0]!, 0.527089, 1e-6, 'P');
});

test('SP 800-22 §2.1.8 example: 100 bits → P = 0.109599', () => {
  const r = frequency(bitsOf(EXAMPLE_100));
  assert.equal(r.statistics.S_n, -16);
  assertClose(r.pValues[0]!, 0.109599, 1e-6, 'P');
});

test('n < 100 is not applicable (strict), with a reason', () => {
  const r = frequency(bitsOf('1011010101'));
  assert.equal(r.status, 'not-applicable');
  assert.deepEqual(r.pValues, []);
  assert.match(r.reason!, /n ≥ 100/);
});

for (const name of REFERENCE_NAMES) {
  test(`${name}: matches sts-2.1.2`, () => {
    const ref = loadReference(name);
    assertPValues(frequency(ref.bits).pValues, ref.expected.Frequency!, `${name} Frequency`);
  });
}
