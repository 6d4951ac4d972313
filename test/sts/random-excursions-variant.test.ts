import { test } from 'node:test';
import assert from 'node:assert/strict';
import { randomExcursionsVariant } from '../../src/sts/random-excursions-variant.ts';
import { BitSequence } from '../../src/bits/bit-sequence.ts';
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

test('word-skipping walk counts what a per-bit walk counts (long excursions, n not a multiple of 32)', () => {
  // Runs of ones and zeros of growing length push the walk far from zero and back.
  const bits: number[] = [];
  for (let r = 1; bits.length < 200_001; r++) for (let k = 0; k < (r * 37) % 211; k++) bits.push(r & 1);
  bits.length = 200_001;
  let s = 0;
  let J = 0;
  const xi = new Array<number>(19).fill(0);
  for (const b of bits) {
    s += 2 * b - 1;
    if (s === 0) J++;
    else if (Math.abs(s) <= 9) xi[s + 9]!++;
  }
  if (s !== 0) J++;
  const r = randomExcursionsVariant(BitSequence.fromBitArray(bits), { minCycles: 0 });
  assert.equal(r.statistics.J, J);
  assert.deepEqual(r.statistics.visits, [...xi.slice(0, 9), ...xi.slice(10)]);
});
