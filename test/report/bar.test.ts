import { test } from 'node:test';
import assert from 'node:assert/strict';
import { barDecision, describeBar } from '../../src/report/bar.ts';

// The two bars that turned CI red on unchanged code (run of f907163 on the CI runner):
// Hash_DRBG ÷ its node:crypto calls, per-process values with medians 0.597 and 0.712.
test('a median below the bar that the processes do not show is short, not missed', () => {
  const hash4k = barDecision({ value: 0.596991, atLeast: 0.8, processValues: [0.310131, 0.45, 0.596991, 0.7, 0.903499] });
  assert.deepEqual([hash4k.verdict, hash4k.below, hash4k.n], ['short', 4, 5]);
  // P(Bin(5, ½) ≥ 4) = 6/32.
  assert.equal(hash4k.p, 6 / 32);
  assert.match(describeBar(hash4k), /^short \(4 of 5 processes below; sign test P = 0\.188, not below at α = 0\.05\)$/);
});

test('every process below the bar is a miss (sign test, α = 0.05)', () => {
  const d = barDecision({ value: 0.6, atLeast: 0.8, processValues: [0.5, 0.55, 0.6, 0.65, 0.79] });
  assert.deepEqual([d.verdict, d.below, d.p], ['missed', 5, 1 / 32]);
  // With 10 processes 9 below is enough (P = 11/1024), 8 is not (P = 56/1024).
  const ten = (k: number) => barDecision({ value: 0.7, atLeast: 0.8, processValues: [...Array(k).fill(0.7), ...Array(10 - k).fill(0.9)] });
  assert.equal(ten(9).verdict, 'missed');
  assert.equal(ten(9).p, 11 / 1024);
  assert.equal(ten(8).verdict, 'short');
});

test('met at the median, and a single process below is missed', () => {
  assert.equal(barDecision({ value: 0.8, atLeast: 0.8, processValues: [0.5, 0.6, 0.8, 0.9, 0.95] }).verdict, 'met');
  const one = barDecision({ value: 0.79, atLeast: 0.8 });
  assert.equal(one.verdict, 'missed');
  assert.equal(describeBar(one), 'missed (one process: no spread to judge)');
  assert.equal(barDecision({ value: 0.81, atLeast: 0.8 }).verdict, 'met');
});
