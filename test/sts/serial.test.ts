import { test } from 'node:test';
import assert from 'node:assert/strict';
import { circularPatternCounts, foldPatternCounts, releasePatternCounts, serial, sharePatternCounts } from '../../src/sts/serial.ts';
import { approximateEntropy } from '../../src/sts/approximate-entropy.ts';
import { runTests } from '../../src/sts/battery.ts';
import { InputError } from '../../src/errors.ts';
import { assertPValues, bitsOf, loadReference, REFERENCE_NAMES } from './helpers.ts';

const near = (a: number, b: number, tol = 5e-7) => assert.ok(Math.abs(a - b) <= tol, `${a} vs ${b}`);

test('§2.11.4 worked example: ε = 0011011101, m = 3 → ψ² = 2.8, 1.2, 0.4; P1 = 0.808792, P2 = 0.670320', () => {
  const r = serial(bitsOf('0011011101'), { m: 3 });
  near(r.statistics.psiSquaredM as number, 2.8, 1e-12);
  near(r.statistics.psiSquaredM1 as number, 1.2, 1e-12);
  near(r.statistics.psiSquaredM2 as number, 0.4, 1e-12);
  near(r.pValues[0]!, 0.808792);
  near(r.pValues[1]!, 0.67032);
  assert.deepEqual(Array.from(circularPatternCounts(bitsOf('0011011101'), 3)), [0, 1, 1, 2, 1, 2, 2, 1]);
});

test('§2.11.8: 10^6 bits of e, m = 2 → P1 = 0.843764, P2 = 0.561915', () => {
  const r = serial(loadReference('data.e').bits, { m: 2 });
  near(r.pValues[0]!, 0.843764);
  near(r.pValues[1]!, 0.561915);
});

for (const name of REFERENCE_NAMES) {
  test(`${name}: both P-values (m = 16) equal sts-2.1.2`, () => {
    const ref = loadReference(name);
    const r = serial(ref.bits);
    assert.deepEqual(r.labels, ref.labels.Serial);
    assertPValues(r.pValues, ref.expected.Serial!, `${name} Serial`);
  });
}

test('word-parallel circular counts equal a per-bit count; folding equals counting m − 1', () => {
  const e = loadReference('data.pi').bits;
  for (const n of [1, 5, 31, 32, 33, 95, 1000, 4099]) {
    const bits = e.slice(17, n);
    for (const m of [1, 3, 8, 13]) {
      const naive = new Array<number>(1 << m).fill(0);
      for (let i = 0; i < n; i++) {
        let v = 0;
        for (let k = 0; k < m; k++) v = (v << 1) | bits.bit((i + k) % n);
        naive[v]!++;
      }
      const c = circularPatternCounts(bits, m);
      assert.deepEqual(Array.from(c), naive, `n = ${n}, m = ${m}`);
      if (m > 1) assert.deepEqual(Array.from(foldPatternCounts(c)), Array.from(circularPatternCounts(bits, m - 1)));
    }
  }
});

test('counts shared at a wider length fold to the counts of a pass of their own, for that stream only', () => {
  const pi = loadReference('data.pi').bits;
  for (const n of [16, 33, 1000, 4099]) {
    const bits = pi.slice(5, n);
    const other = pi.slice(6, n);
    const direct = (b: typeof bits, m: number): number[] => Array.from(circularPatternCounts(b, m));
    const want = [1, 2, 7, 11, 12].map((m) => direct(bits, m));
    const wantOther = direct(other, 7);
    sharePatternCounts(bits, 12);
    try {
      [1, 2, 7, 11, 12].forEach((m, i) => assert.deepEqual(direct(bits, m), want[i], `n = ${n}, m = ${m} from the shared 12-bit counts`));
      // Folding twice from the shared counts leaves them intact.
      assert.deepEqual(direct(bits, 7), want[2]);
      assert.deepEqual(direct(other, 7), wantOther, `n = ${n}: another stream is counted, not folded`);
      assert.equal(circularPatternCounts(bits, 13).length, 1 << 13, 'wider than the shared counts: counted');
    } finally {
      releasePatternCounts();
    }
  }
  assert.throws(() => sharePatternCounts(pi, 17), /above 16/);
});

test('the battery shares the counts of Serial and ApproximateEntropy: results equal each test run alone', () => {
  const pi = loadReference('data.pi').bits;
  for (const [n, serialM, apenM] of [[1_000_000, 16, 10], [20_000, 5, 10], [20_000, 12, 11], [20_000, 3, 1], [1000, 16, 16], [10, 16, 10]] as const) {
    const bits = pi.slice(0, n);
    const params = { Serial: { m: serialM }, ApproximateEntropy: { m: apenM } };
    const both = runTests(bits, ['ApproximateEntropy', 'Serial'], params);
    assert.deepEqual(both[0], approximateEntropy(bits, { m: apenM }), `n = ${n}, ApEn m = ${apenM}`);
    assert.deepEqual(both[1], serial(bits, { m: serialM }), `n = ${n}, Serial m = ${serialM}`);
  }
});

test('bad m is an InputError; n < m is not applicable; a note when m ≥ ⌊log2 n⌋ − 2', () => {
  assert.throws(() => serial(bitsOf('0101'), { m: 1 }), InputError);
  assert.throws(() => serial(bitsOf('0101'), { m: 25 }), InputError);
  assert.equal(serial(bitsOf('0101'), { m: 5 }).status, 'not-applicable');
  assert.match(String(serial(bitsOf('0011011101'), { m: 3 }).statistics.note), /§2\.11\.7/);
  assert.equal(serial(loadReference('data.e').bits).statistics.note, undefined);
});
