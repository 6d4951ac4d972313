import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readBits } from '../../src/bits/read.ts';
import { gf2Rank, rank, rankProbability } from '../../src/sts/rank.ts';
import { assertClose, assertPValues, bitsOf, loadReference, REFERENCE_NAMES, STS_DATA_DIR } from './helpers.ts';

test('SP 800-22 §2.5.8 example: first 100,000 bits of e → χ² = 1.2619656, P = 0.532069', () => {
  const r = rank(readBits(`${STS_DATA_DIR}data.e`, 'ascii', 100000));
  assert.equal(r.statistics.matrices, 97);
  assert.equal(r.statistics.F_full, 23);
  assert.equal(r.statistics.F_minus1, 60);
  assertClose(r.statistics.chi2 as number, 1.2619656, 1e-7, 'χ²');
  assertClose(r.pValues[0]!, 0.532069, 1e-6, 'P');
});

test('SP 800-22 §2.5.4 example: 3×3 matrices of ε = 01011001001010101101 → ranks 2 and 3', () => {
  const r = rank(bitsOf('01011001001010101101'), { M: 3, Q: 3, strict: false });
  assert.equal(r.statistics.matrices, 2);
  assert.equal(r.statistics.F_full, 1);
  assert.equal(r.statistics.F_minus1, 1);
});

test('rank probabilities for 32×32 are those of §3.5 (0.2888, 0.5776, 0.1336)', () => {
  assertClose(rankProbability(32, 32, 32), 0.2888, 1e-4, 'p32');
  assertClose(rankProbability(31, 32, 32), 0.5776, 1e-4, 'p31');
});

test('gf2Rank: identity, duplicate rows, zero', () => {
  const id = Int32Array.from({ length: 32 }, (_, i) => 1 << i);
  assert.equal(gf2Rank(id, 32, 32), 32);
  const dup = Int32Array.from({ length: 32 }, (_, i) => (i < 16 ? 1 << i : 1 << (i - 16)));
  assert.equal(gf2Rank(dup, 32, 32), 16);
  assert.equal(gf2Rank(new Int32Array(32), 32, 32), 0);
  const dep = Int32Array.from([0b101, 0b011, 0b110]);
  assert.equal(gf2Rank(dep, 3, 3), 2);
});

test('fewer than 38 matrices is not applicable', () => {
  assert.equal(rank(bitsOf('1'.repeat(1024 * 37))).status, 'not-applicable');
});

for (const name of REFERENCE_NAMES) {
  test(`${name}: matches sts-2.1.2`, () => {
    const ref = loadReference(name);
    assertPValues(rank(ref.bits).pValues, ref.expected.Rank!, `${name} Rank`);
  });
}
