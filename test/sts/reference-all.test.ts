/**
 * The whole battery against sts-2.1.2: for each of the five NIST sample inputs
 * (first 10^6 bits), every test with its reference defaults, every P-value in
 * the reference's order and with the reference's labels. 188 P-values per
 * input; data.sha1's excursion tests (J = 412 < 500 cycles, where the
 * reference wrote 8 + 18 placeholder zeros) must be not applicable instead.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { STS_REGISTRY } from '../../src/sts/registry.ts';
import { STS_TEST_NAMES } from '../../src/sts/types.ts';
import { assertPValues, loadReference, REFERENCE_NAMES } from './helpers.ts';

test('the registry runs the 15 tests in the reference order', () => {
  assert.deepEqual(STS_REGISTRY.map((t) => t.name), [...STS_TEST_NAMES]);
});

for (const name of REFERENCE_NAMES) {
  test(`${name}: all 15 tests, 188 P-values equal sts-2.1.2 (not-applicable where it wrote placeholders)`, () => {
    const ref = loadReference(name);
    let compared = 0;
    let placeholders = 0;
    for (const spec of STS_REGISTRY) {
      const r = spec.run(ref.bits);
      const expected = ref.expected[spec.name];
      assert.ok(expected, `${name}: no expected values for ${spec.name}`);
      assert.equal(r.test, spec.name);
      if (ref.status[spec.name]?.startsWith('not_applicable')) {
        assert.equal(r.status, 'not-applicable', `${name} ${spec.name}: the reference wrote placeholders (${ref.status[spec.name]})`);
        assert.deepEqual(r.pValues, []);
        assert.ok(r.reason && r.reason.length > 0);
        placeholders += expected.length;
        continue;
      }
      assert.equal(r.status, 'ok', `${name} ${spec.name}: ${r.reason ?? ''}`);
      const labels = ref.labels[spec.name];
      if (labels !== undefined) assert.deepEqual(r.labels, labels.map(String), `${name} ${spec.name} labels`);
      assertPValues(r.pValues, expected, `${name} ${spec.name}`);
      compared += r.pValues.length;
    }
    assert.equal(compared + placeholders, 188);
    assert.equal(compared, name === 'data.sha1' ? 188 - 26 : 188);
  });
}
