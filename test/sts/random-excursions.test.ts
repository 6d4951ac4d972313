import { test } from 'node:test';
import assert from 'node:assert/strict';
import { randomExcursions } from '../../src/sts/random-excursions.ts';
import { BitSequence } from '../../src/bits/bit-sequence.ts';
import erfc from '@stdlib/math-base-special-erfc';
import { assertPValues, bitsOf, loadReference, REFERENCE_NAMES } from './helpers.ts';

test('§2.14.4 worked example: ε = 0110110101, J = 3, state +1: ν = (1, 1, 0, 1, 0, 0), χ² = 13/3', () => {
  const r = randomExcursions(bitsOf('0110110101'), { minCycles: 0 });
  assert.equal(r.status, 'ok');
  assert.equal(r.statistics.J, 3);
  const i = r.labels!.indexOf('1');
  assert.deepEqual((r.statistics.nu as number[]).slice(6 * i, 6 * i + 6), [1, 1, 0, 1, 0, 0]);
  // Σ (ν − 3π)²/(3π) with π = (1/2, 1/4, 1/8, 1/16, 1/32, 1/32) is exactly 13/3; the document's
  // 4.333033 (and P = 0.502529) is an arithmetic slip (README erratum list).
  const chi2 = 13 / 3;
  assert.ok(Math.abs((r.statistics.chiSquared as number[])[i]! - chi2) < 1e-12);
  // igamc(5/2, x) in closed form: erfc(√x) + 2√(x/π)·e^(−x)·(1 + 2x/3).
  const x = chi2 / 2;
  const closed = erfc(Math.sqrt(x)) + 2 * Math.sqrt(x / Math.PI) * Math.exp(-x) * (1 + (2 * x) / 3);
  assert.ok(Math.abs(r.pValues[i]! - closed) < 1e-12);
  assert.ok(Math.abs(r.pValues[i]! - 0.502488) < 5e-7);
});

test('§2.14.4 example under the default rule (J = 3 < 500): not applicable, no fake P = 0', () => {
  const r = randomExcursions(bitsOf('0110110101'));
  assert.equal(r.status, 'not-applicable');
  assert.deepEqual(r.pValues, []);
});

for (const name of REFERENCE_NAMES) {
  test(`${name}: 8 states equal sts-2.1.2, or not applicable where it wrote placeholders`, () => {
    const ref = loadReference(name);
    const r = randomExcursions(ref.bits);
    if (ref.status.RandomExcursions?.startsWith('not_applicable')) {
      // data.sha1: J = 412 < 500; the reference wrote 0.0 for all 8 states.
      assert.equal(r.status, 'not-applicable');
      assert.equal(r.statistics.J, 412);
      assert.match(r.reason!, /J = 412 cycles < 500/);
      assert.deepEqual(r.pValues, []);
    } else {
      assert.equal(r.status, 'ok');
      assert.deepEqual(r.labels, ref.labels.RandomExcursions!.map(String));
      assertPValues(r.pValues, ref.expected.RandomExcursions!, `${name} RandomExcursions`);
    }
  });
}

test('§2.14.8: data.e has J = 1490 cycles', () => {
  assert.equal(randomExcursions(loadReference('data.e').bits).statistics.J, 1490);
});

test('J > max(1000, n/100) (alternating 0101…): still computed, P-values tiny and finite, note says the reference stops', () => {
  const n = 1_000_000;
  const alt = new BitSequence(new Uint32Array(n / 32).fill(0x55555555), n);
  const r = randomExcursions(alt);
  assert.equal(r.status, 'ok');
  assert.equal(r.statistics.J, n / 2);
  assert.match(String(r.statistics.note), /would stop/);
  assert.equal(r.pValues.length, 8);
  for (const p of r.pValues) assert.ok(Number.isFinite(p) && p >= 0 && p < 1e-6, String(p));
});

test('word-skipping walk: cycle and visit counts equal a per-bit walk (long excursions)', () => {
  const bits: number[] = [];
  for (let r = 1; bits.length < 150_003; r++) for (let k = 0; k < (r * 29) % 173; k++) bits.push(r & 1);
  bits.length = 150_003;
  let s = 0;
  let J = 0;
  const nu = new Array<number>(6 * 8).fill(0);
  let visits = new Array<number>(9).fill(0);
  const flush = () => {
    [-4, -3, -2, -1, 1, 2, 3, 4].forEach((x, i) => nu[i * 6 + Math.min(5, visits[x + 4]!)]!++);
    visits = new Array<number>(9).fill(0);
  };
  for (const b of bits) {
    s += 2 * b - 1;
    if (s === 0) {
      J++;
      flush();
    } else if (Math.abs(s) <= 4) visits[s + 4]!++;
  }
  if (s !== 0) {
    J++;
    flush();
  }
  const r = randomExcursions(BitSequence.fromBitArray(bits), { minCycles: 0 });
  assert.equal(r.statistics.J, J);
  assert.deepEqual(r.statistics.nu, nu);
});
