import { test } from 'node:test';
import assert from 'node:assert/strict';
import { BitSequence } from '../../src/bits/bit-sequence.ts';
import { cumulativeSums, cusumPValue, PHI_IS_ONE, PHI_IS_ZERO } from '../../src/sts/cumulative-sums.ts';
import { erfc } from '../../src/special/erfc.ts';
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

test('table walk equals a bit-by-bit walk (odd lengths, tails, runs and biased data)', () => {
  let x = 99;
  const next = (): number => ((x = (x * 1103515245 + 12345) >>> 0) >>> 16) & 0xffff;
  const cases: number[][] = [100, 101, 107, 1000, 4099, 4128, 4136].map((n) => Array.from({ length: n }, () => next() & 1));
  // Runs of every length 0..40 (extremes inside one 16-bit chunk, across chunks, at the end).
  const runs: number[] = [];
  for (let r = 0; r <= 40; r++) runs.push(...new Array<number>(r).fill(r & 1), ...new Array<number>(r >> 1).fill(1 - (r & 1)));
  cases.push(runs, runs.map((b) => 1 - b), runs.slice(0, 333));
  for (const p of [0.1, 0.9]) cases.push(Array.from({ length: 2077 }, () => (next() / 65536 < p ? 1 : 0)));
  for (const arr of cases) {
    const n = arr.length;
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

const phi = (x: number): number => 0.5 * erfc(-x / Math.SQRT2);

test('Φ is exactly 0 at and below PHI_IS_ZERO and exactly 1 at and above PHI_IS_ONE (dense grid)', () => {
  for (let x = PHI_IS_ZERO; x >= -1e4; x = x * 1.0001 - 1e-3) assert.equal(phi(x), 0, `Φ(${x})`);
  for (let x = PHI_IS_ONE; x <= 1e4; x = x * 1.0001 + 1e-3) assert.equal(phi(x), 1, `Φ(${x})`);
  assert.equal(phi(-Infinity), 0);
  assert.equal(phi(Infinity), 1);
  // And the thresholds are not loose by much: Φ is not yet 0 or 1 a little inside them.
  assert.ok(phi(-38) > 0 && phi(8) < 1);
});

test('cusumPValue is bit for bit the full §2.13.4 sums (every term, the reference\'s order)', () => {
  function full(n: number, z: number): number {
    const sqrtN = Math.sqrt(n);
    const nz = Math.trunc(n / z);
    let sum1 = 0;
    for (let k = Math.trunc((-nz + 1) / 4); k <= Math.trunc((nz - 1) / 4); k++) {
      sum1 += phi(((4 * k + 1) * z) / sqrtN);
      sum1 -= phi(((4 * k - 1) * z) / sqrtN);
    }
    let sum2 = 0;
    for (let k = Math.trunc((-nz - 3) / 4); k <= Math.trunc((nz - 1) / 4); k++) {
      sum2 += phi(((4 * k + 3) * z) / sqrtN);
      sum2 -= phi(((4 * k + 1) * z) / sqrtN);
    }
    return Math.min(1, Math.max(0, 1 - sum1 + sum2));
  }
  let checked = 0;
  for (const n of [100, 101, 1000, 12345, 100_000, 1_000_000, 3_000_001, 10_000_000]) {
    for (let z = 1; z <= n; z = Math.max(z + 1, Math.round(z * 1.07))) {
      assert.equal(cusumPValue(n, z), full(n, z), `n = ${n}, z = ${z}`);
      checked++;
    }
  }
  assert.ok(checked > 1000);
});
