import { test } from 'node:test';
import assert from 'node:assert/strict';
import { tTupleEstimate } from '../../../src/entropy/estimators/t-tuple.ts';
import { QUICK_SAMPLES, loadSample, trackMismatches, trackSymbols } from './reference.ts';

const FIELDS = { t: 't', pHatMax: 'p-hat_max', pU: 'p_u', hMin: 'min entropy' };

test('t-Tuple (§6.3.5) worked example: data.pi.bin as ea_non_iid 1.1.7', () => {
  const s = loadSample('data.pi');
  const r = tTupleEstimate(trackSymbols(s, 'Literal').symbols);
  assert.equal(r.t, 18);
  assert.ok(Math.abs(r.hMin! - 0.70186099415040004) < 1e-12);
});

test('t-Tuple matches the reference intermediates on both tracks', () => {
  assert.deepEqual(trackMismatches(QUICK_SAMPLES, 't-Tuple', (symbols) => tTupleEstimate(symbols), FIELDS), []);
});

test('t-Tuple: fewer than 35 of any symbol is not applicable (null, not NaN)', () => {
  const x = new Uint8Array(100);
  for (let i = 0; i < 100; i++) x[i] = i % 10;
  const r = tTupleEstimate(x);
  assert.equal(r.hMin, null);
});

test('t-Tuple of a periodic sequence counts overlapping tuples', () => {
  // 0,1,2 repeated 40 times: every t-tuple occurs about 120/3 times, t >= 35 up to long lengths.
  const x = new Uint8Array(120);
  for (let i = 0; i < 120; i++) x[i] = i % 3;
  const r = tTupleEstimate(x);
  // Q[1] = 40 (p = 1/3); Q[i] for i = 3..6 reaches 35..38 of 118..115 windows
  assert.ok(r.t >= 5);
  assert.ok(r.pHatMax > 1 / 3);
});
