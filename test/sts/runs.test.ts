import { test } from 'node:test';
import assert from 'node:assert/strict';
import { BitSequence } from '../../src/bits/bit-sequence.ts';
import { countTransitions, runs } from '../../src/sts/runs.ts';
import { assertClose, assertPValues, bitsOf, EXAMPLE_100, loadReference, REFERENCE_NAMES } from './helpers.ts';

test('SP 800-22 §2.3.4 example: ε = 1001101011 → V = 7, P = 0.147232', () => {
  const r = runs(bitsOf('1001101011'), { strict: false });
  assert.equal(r.statistics.V_obs, 7);
  assertClose(r.pValues[0]!, 0.147232, 1e-6, 'P');
});

test('SP 800-22 §2.3.8 example: 100 bits → π = 0.42, V = 52, P = 0.500798', () => {
  const r = runs(bitsOf(EXAMPLE_100));
  assert.equal(r.statistics.pi, 0.42);
  assert.equal(r.statistics.V_obs, 52);
  assertClose(r.pValues[0]!, 0.500798, 1e-6, 'P');
});

test('failed frequency pre-test → not applicable with the reason (not a fake 0)', () => {
  const r = runs(BitSequence.fromBitArray(Array.from({ length: 1000 }, (_, i) => (i % 10 < 7 ? 1 : 0))));
  assert.equal(r.status, 'not-applicable');
  assert.deepEqual(r.pValues, []);
  assert.match(r.reason!, /pre-test/);
});

test('word-wise transition count equals a bit loop at every length 2..200', () => {
  let x = 7;
  const arr = Array.from({ length: 200 }, () => ((x = (x * 1103515245 + 12345) >>> 0) >>> 16) & 1);
  for (let n = 2; n <= 200; n++) {
    let want = 0;
    for (let k = 0; k + 1 < n; k++) if (arr[k] !== arr[k + 1]) want++;
    assert.equal(countTransitions(BitSequence.fromBitArray(arr.slice(0, n))), want, `n = ${n}`);
  }
});

for (const name of REFERENCE_NAMES) {
  test(`${name}: matches sts-2.1.2`, () => {
    const ref = loadReference(name);
    assertPValues(runs(ref.bits).pValues, ref.expected.Runs!, `${name} Runs`);
  });
}
