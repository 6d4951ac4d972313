import { test } from 'node:test';
import assert from 'node:assert/strict';
import erfc from '@stdlib/math-base-special-erfc';
import {
  binomialUpperTail,
  decileHistogram,
  secondLevel,
  stsMinimumPassCount,
  stsReportValue,
  uniformityPValue,
} from '../../src/sts/second-level.ts';
import { igamc } from '../../src/special/igamc.ts';
import { notApplicable, type StsTestName, type TestResult } from '../../src/sts/types.ts';
import { InputError } from '../../src/errors.ts';

function result(test: StsTestName, pValues: number[], labels?: string[]): TestResult {
  return { test, section: '', n: 1_000_000, params: {}, status: 'ok', pValues, ...(labels ? { labels } : {}), statistics: {} };
}

test('§4.2.1 example: α = 0.01, m = 1000 sequences → interval 0.99 ± 0.0094392', () => {
  const results = Array.from({ length: 1000 }, (_, i) => result('Frequency', [(i + 0.5) / 1000]));
  const [e] = secondLevel(results);
  assert.ok(Math.abs(e!.proportionInterval[0] - 0.9805608) < 1e-7, String(e!.proportionInterval[0]));
  assert.ok(Math.abs(e!.proportionInterval[1] - 0.9994392) < 1e-7);
  // P-values 0.0005, 0.0015, …: exactly 10 are below 0.01.
  assert.equal(e!.passed, 990);
  assert.equal(e!.proportionPass, true);
  assert.deepEqual(e!.histogram, new Array(10).fill(100));
  assert.equal(e!.uniformityP, 1);
});

test('binomial upper tail: exact small cases, and 1 − 0.99^188 for P(X ≥ 1)', () => {
  assert.ok(Math.abs(binomialUpperTail(10, 0.5, 8) - 56 / 1024) < 1e-15);
  assert.equal(binomialUpperTail(10, 0.5, 0), 1);
  assert.equal(binomialUpperTail(10, 0.5, 11), 0);
  assert.ok(Math.abs(binomialUpperTail(188, 0.01, 1) - (1 - Math.pow(0.99, 188))) < 1e-12);
  // Far tail stays relative-accurate: P(X = n) = p^n.
  assert.ok(Math.abs(binomialUpperTail(50, 0.01, 50) / 1e-100 - 1) < 1e-10);
});

test('uniformity: χ² = 5 over 10 bins → P_T = igamc(9/2, 5/2) in closed form', () => {
  const h = [15, 5, 10, 10, 10, 10, 10, 10, 10, 10];
  // Q(9/2, x) = erfc(√x) + e^(−x) Σ_{k=1..4} x^(k−1/2)/Γ(k+1/2)
  const x = 2.5;
  const gammas = [Math.sqrt(Math.PI) / 2, (3 * Math.sqrt(Math.PI)) / 4, (15 * Math.sqrt(Math.PI)) / 8, (105 * Math.sqrt(Math.PI)) / 16];
  const q = erfc(Math.sqrt(x)) + Math.exp(-x) * gammas.reduce((s, g, k) => s + Math.pow(x, k + 0.5) / g, 0);
  assert.ok(Math.abs(uniformityPValue(h) - q) < 1e-13);
  assert.deepEqual(decileHistogram([0, 0.0999, 0.1, 0.55, 0.9, 1]), [2, 1, 0, 0, 0, 1, 0, 0, 0, 2]);
});

test('not-applicable results are excluded and counted, not treated as P = 0', () => {
  const results: TestResult[] = [
    ...Array.from({ length: 60 }, (_, i) => result('RandomExcursions', [0.05 + i / 70, 0.5], ['-4', '-3'])),
    ...Array.from({ length: 5 }, () => notApplicable('RandomExcursions', '', 1_000_000, {}, 'J < 500')),
  ];
  const entries = secondLevel(results);
  assert.equal(entries.length, 2);
  for (const e of entries) {
    assert.equal(e.sampleSize, 60);
    assert.equal(e.notApplicable, 5);
    assert.equal(e.passed, 60);
    assert.equal(e.uniformityStatus, 'ok');
  }
  assert.equal(entries[0]!.label, '-4');
  assert.equal(entries[1]!.label, '-3');
  assert.equal(entries[1]!.uniformityPass, false); // all 60 in one bin
});

test('fewer than 55 values: uniformity reported as insufficient, not computed', () => {
  const [e] = secondLevel(Array.from({ length: 54 }, (_, i) => result('Runs', [(i + 0.5) / 54])));
  assert.equal(e!.uniformityStatus, 'insufficient-data');
  assert.equal(e!.uniformityP, undefined);
});

test('a proportion far below the interval fails; mixing tests is an InputError', () => {
  const results = Array.from({ length: 100 }, (_, i) => result('Frequency', [i < 10 ? 0.001 : 0.5]));
  const [e] = secondLevel(results);
  assert.equal(e!.passed, 90);
  assert.equal(e!.proportionPass, false);
  assert.ok(e!.failureTailP < 1e-4);
  assert.throws(() => secondLevel([result('Frequency', [0.5]), result('Runs', [0.5])]), InputError);
});

test('sts-2.1.2 rule: P-values as the report reads them (6-dp text into a C float)', () => {
  // "0.700000" as a float is 0.699999988: bin C7, not C8. "0.010000" is 0.00999999978 < 0.01.
  assert.equal(stsReportValue(0.7), Math.fround(0.7));
  assert.equal(Math.floor(stsReportValue(0.7) * 10), 6);
  assert.ok(stsReportValue(0.0100004) < 0.01);
  // Rounded to 6 decimals first; exact binary ties go to even as glibc's printf does.
  assert.equal(stsReportValue(0.12345649), Math.fround(0.123456));
  assert.equal(stsReportValue(0.0078125), Math.fround(0.007812));
  assert.equal(stsReportValue(0.0234375), Math.fround(0.023438));
  assert.equal(stsReportValue(4e-7), 0);
});

test('sts-2.1.2 rule: minimum pass count 96 of 100 (96/100 passes), 53 of 56; the §4.2 rule flags 96/100', () => {
  assert.equal(stsMinimumPassCount(100), 96);
  assert.equal(stsMinimumPassCount(56), 53);
  const results = Array.from({ length: 100 }, (_, i) => result('Frequency', [i < 4 ? 0.005 : 0.05 + (i % 10) / 10.5]));
  const [sts] = secondLevel(results, { rule: 'sts-2.1.2' });
  const [std] = secondLevel(results, { rule: 'sp800-22' });
  assert.equal(sts!.passed, 96);
  assert.deepEqual(sts!.passCountBounds, [96, 101]);
  assert.equal(sts!.proportionPass, true);
  assert.equal(std!.passed, 96);
  assert.equal(std!.proportionPass, false);
});

test('sts-2.1.2 rule: excursion tests count only positive values; other tests count n/a streams as P = 0', () => {
  const na = (t: StsTestName) => notApplicable(t, '', 1_000_000, {}, 'n/a');
  const re = [
    ...Array.from({ length: 57 }, (_, i) => result('RandomExcursions', [i === 0 ? 3e-7 : (i + 0.5) / 57])),
    ...Array.from({ length: 43 }, () => na('RandomExcursions')),
  ];
  const [e] = secondLevel(re, { rule: 'sts-2.1.2' });
  // 3e-7 prints as 0.000000 and is dropped with the 43 not-applicable streams.
  assert.equal(e!.sampleSize, 56);
  assert.equal(e!.notApplicable, 43);
  // E = ⌊56/10⌋ = 5, not 5.6.
  const chi2 = e!.histogram.reduce((s, f) => s + ((f - 5) * (f - 5)) / 5, 0);
  assert.equal(e!.uniformityP, igamc(9 / 2, chi2 / 2));
  assert.notEqual(e!.uniformityP, uniformityPValue(e!.histogram)); // E = 5.6 gives another P_T
  const runs = [...Array.from({ length: 98 }, (_, i) => result('Runs', [(i + 0.5) / 98])), na('Runs'), na('Runs')];
  const [r] = secondLevel(runs, { rule: 'sts-2.1.2' });
  assert.equal(r!.sampleSize, 100);
  assert.equal(r!.histogram[0], 10 + 2);
  assert.equal(r!.passed, 98 - 1); // (0.5/98) < 0.01 fails, and the two zeros
  const [s] = secondLevel(runs, { rule: 'sp800-22' });
  assert.equal(s!.sampleSize, 98);
});

test('§4.2.1 proportion bound at its edges: K = 1000, α = 0.01 accepts 981…999 passing, refuses 980 and 1000 (too good is flagged too)', () => {
  // Interval 0.99 ± 3·√(0.01·0.99/1000) = [0.9805608, 0.9994392]; a P-value exactly α passes (p ≥ α).
  const withFailures = (failures: number, alpha = 0.01) =>
    secondLevel(Array.from({ length: 1000 }, (_, i) => result('Frequency', [i < failures ? alpha / 2 : i === failures ? alpha : 0.5])), { alpha })[0]!;
  assert.deepEqual([19, 20, 1, 0].map((f) => withFailures(f).proportionPass), [true, false, true, false]);
  assert.deepEqual([19, 20, 1, 0].map((f) => withFailures(f).passed), [981, 980, 999, 1000]);
  assert.equal(withFailures(19).proportion, 0.981);
  // α = 0.1: interval 0.9 ± 3·√(0.09/1000) = [0.8715395, 0.9284605].
  const e = withFailures(100, 0.1);
  assert.ok(Math.abs(e.proportionInterval[0] - 0.8715395) < 1e-7 && Math.abs(e.proportionInterval[1] - 0.9284605) < 1e-7, String(e.proportionInterval));
  assert.deepEqual([128, 129, 72, 71].map((f) => withFailures(f, 0.1).proportionPass), [true, false, true, false]);
  // Few streams: the interval is clipped to [0, 1]; none at all never passes.
  const few = secondLevel([result('Frequency', [0.5]), result('Frequency', [0.5])])[0]!;
  assert.ok(Math.abs(few.proportionInterval[0] - 0.7789313) < 1e-7 && few.proportionInterval[1] === 1, String(few.proportionInterval));
  assert.equal(few.proportionPass, true);
  const clippedLow = secondLevel([result('Frequency', [0.5])], { alpha: 0.5 })[0]!;
  assert.deepEqual(clippedLow.proportionInterval, [0, 1]);
  const none = secondLevel([{ ...result('Frequency', [0.5]), status: 'not-applicable' as const, pValues: [] }])[0]!;
  assert.deepEqual({ K: none.sampleSize, proportion: none.proportion, pass: none.proportionPass, na: none.notApplicable }, { K: 0, proportion: 0, pass: false, na: 1 });
  // The failure tail counts the failures: P(X ≥ 20) for X ~ Bin(1000, 0.01).
  assert.equal(withFailures(20).failureTailP, binomialUpperTail(1000, 0.01, 20));
  assert.ok(withFailures(0).failureTailP === 1);
});
