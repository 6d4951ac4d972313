import { test } from 'node:test';
import assert from 'node:assert/strict';
import gammaln from '@stdlib/math-base-special-gammaln';
import { BitSequence } from '../../src/bits/bit-sequence.ts';
import { frequency } from '../../src/sts/frequency.ts';
import { STS_REGISTRY } from '../../src/sts/registry.ts';
import { secondLevel, uniformityPValue } from '../../src/sts/second-level.ts';
import { largestAtom, uniformityValidity } from '../../src/sts/uniformity-validity.ts';
import { batteryVerdict } from '../../src/sts/verdict.ts';
import { xorshift32 } from '../helpers/xorshift.ts';

/** Exact largest atom of the Frequency P-value: max over s of P(|S_n| = s), S_n = 2·Binomial(n, ½) − n. */
function exactFrequencyAtom(n: number): number {
  let best = 0;
  for (let k = 0; k <= n; k++) {
    const pk = Math.exp(gammaln(n + 1) - gammaln(k + 1) - gammaln(n - k + 1) - n * Math.LN2);
    const s = 2 * k - n;
    const mass = s === 0 ? pk : 2 * pk; // ±s give the same P-value
    if (s >= 0) best = Math.max(best, mass);
  }
  return best;
}

test('Frequency: the lattice estimate of the largest P-value atom is within 10 % of the exact binomial value', () => {
  for (const n of [100, 1000, 10_000, 1_000_000]) {
    const exact = exactFrequencyAtom(n);
    const est = largestAtom('Frequency', n);
    assert.ok(Math.abs(est / exact - 1) < 0.1, `n = ${n}: estimate ${est}, exact ${exact}`);
  }
});

test('at the reference size (n = 10^6, up to 1000 streams) every test keeps its uniformity check', () => {
  for (const t of STS_REGISTRY) {
    const v = uniformityValidity(t.name, 1_000_000, 1000);
    assert.equal(v.applicable, true, `${t.name}: λ = ${v.lambda}`);
  }
});

test('the check goes away as streams grow or n shrinks: Frequency at n = 100 is valid for few streams, not for 10 000', () => {
  assert.equal(uniformityValidity('Frequency', 100, 55).applicable, false); // h ≈ 0.16: even 55 streams are too many
  assert.equal(uniformityValidity('Frequency', 100_000, 1000).applicable, true);
  const v = uniformityValidity('Frequency', 100, 10_000);
  assert.equal(v.applicable, false);
  assert.match(v.reason!, /discrete at n = 100/);
  assert.ok(v.lambda > 1000);
});

/** Frequency P-values of K seeded xorshift streams of n bits (a good generator: perfect data for this test). */
function frequencyResults(n: number, K: number, seed: number) {
  const next = xorshift32(seed);
  return Array.from({ length: K }, () => {
    const words = new Uint32Array(Math.ceil(n / 32)).map(() => next());
    if (n % 32 !== 0) words[words.length - 1]! &= (0xffffffff << (32 - (n % 32))) >>> 0;
    return frequency(new BitSequence(words, n));
  });
}

test('perfect data, --bits 100 --streams 10000: the raw §4.2.2 χ² would reject it; the check is reported not applicable and the verdict passes', () => {
  const results = frequencyResults(100, 10_000, 7);
  const [e] = secondLevel(results);
  assert.ok(uniformityPValue(e!.histogram) < 1e-4, 'the raw check should reject this perfect data');
  assert.equal(e!.uniformityStatus, 'not-applicable');
  assert.equal(e!.uniformityP, undefined);
  assert.match(e!.uniformityReason!, /discrete/);
  const v = batteryVerdict(results.map((r) => [r]), { minBits: 100 });
  assert.equal(v.verdict, 'pass', v.reason);
  assert.equal(v.warnings!.length, 1);
  assert.match(v.warnings![0]!, /^Frequency: uniformity check not applicable/);
});

test('where the check is valid it is still computed (n = 20 000, 100 streams) and passes perfect data', () => {
  const [e] = secondLevel(frequencyResults(20_000, 100, 3));
  assert.equal(e!.uniformityStatus, 'ok');
  assert.ok(e!.uniformityP! > 1e-4, String(e!.uniformityP));
});
