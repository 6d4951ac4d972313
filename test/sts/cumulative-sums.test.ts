import { test } from 'node:test';
import assert from 'node:assert/strict';
import { BitSequence } from '../../src/bits/bit-sequence.ts';
import { cumulativeSums } from '../../src/sts/cumulative-sums.ts';
import { assertClose, assertPValues, bitsOf, EXAMPLE_100, loadReference, REFERENCE_NAMES } from './helpers.ts';

test('SP 800-22 §2.13.4 example: ε = 1011010111 → z = 4, P = 0.4116588 (forward)', () => {
  const r = cumulativeSums(bitsOf('1011010111'), { strict: false });
  assert.equal(r.statistics.z_forward, 4);
  // The document prints 7 digits (0.4116588); the exact value is 0.41165862.
  assertClose(r.pValues[0]!, 0.4116588, 1e-6, 'forward P');
});

test('SP 800-22 §2.13.8 example: 100 bits → forward 0.219194, reverse 0.114866', () => {
  const r = cumulativeSums(bitsOf(EXAMPLE_100));
  assert.deepEqual(r.labels, ['forward', 'reverse']);
  assert.equal(r.statistics.z_forward, 16);
  assert.equal(r.statistics.z_reverse, 19);
  assertClose(r.pValues[0]!, 0.219194, 1e-6, 'forward');
  assertClose(r.pValues[1]!, 0.114866, 1e-6, 'reverse');
});

test('byte-table walk equals a bit-by-bit walk (odd lengths, tails)', () => {
  let x = 99;
  for (const n of [100, 101, 107, 1000, 4099]) {
    const arr = Array.from({ length: n }, () => ((x = (x * 1103515245 + 12345) >>> 0) >>> 16) & 1);
    let S = 0;
    let sup = 0;
    let inf = 0;
    for (const b of arr) {
      S += b ? 1 : -1;
      sup = Math.max(sup, S);
      inf = Math.min(inf, S);
    }
    const r = cumulativeSums(BitSequence.fromBitArray(arr));
    assert.equal(r.statistics.z_forward, Math.max(sup, -inf), `z forward n=${n}`);
    // Reverse walk computed literally.
    let R = 0;
    let zr = 0;
    for (let i = n - 1; i >= 0; i--) {
      R += arr[i] ? 1 : -1;
      zr = Math.max(zr, Math.abs(R));
    }
    assert.equal(r.statistics.z_reverse, zr, `z reverse n=${n}`);
  }
});

test('alternating sequence: P stays within [0, 1]', () => {
  const r = cumulativeSums(BitSequence.fromBitArray(Array.from({ length: 10000 }, (_, i) => i & 1)));
  for (const p of r.pValues) assert.ok(p >= 0 && p <= 1);
});

for (const name of REFERENCE_NAMES) {
  test(`${name}: matches sts-2.1.2`, () => {
    const ref = loadReference(name);
    assertPValues(cumulativeSums(ref.bits).pValues, ref.expected.CumulativeSums!, `${name} CumulativeSums`);
  });
}
