import { test } from 'node:test';
import assert from 'node:assert/strict';
import { multiMcwEstimate } from '../../../src/entropy/estimators/multi-mcw.ts';
import { PREDICTOR_FIELDS, QUICK_SAMPLES, loadSample, trackMismatches, trackSymbols } from './reference.ts';

test('MultiMCW (§6.3.7) worked example: data.pi.bin as ea_non_iid 1.1.7', () => {
  const s = loadSample('data.pi');
  const r = multiMcwEstimate(trackSymbols(s, 'Literal').symbols, 2);
  assert.equal(r.C, 662387);
  assert.equal(r.r, 23);
  assert.ok(Math.abs(r.hMin! - 0.81233323259173817) < 1e-9);
});

test('MultiMCW matches the reference C, N, r, P_global, P_global\', P_local on both tracks', () => {
  assert.deepEqual(trackMismatches(QUICK_SAMPLES, 'MultiMCW Prediction', (symbols, k) => multiMcwEstimate(symbols, k), PREDICTOR_FIELDS), []);
});

test('MultiMCW: a perfectly predictable sequence has (near) zero entropy and no NaN', () => {
  const x = new Uint8Array(20000);
  for (let i = 0; i < x.length; i++) x[i] = i % 4 === 3 ? 1 : 0;
  const r = multiMcwEstimate(x, 2);
  assert.ok(r.hMin !== null && Number.isFinite(r.hMin) && r.hMin >= 0 && r.hMin < 0.5);
});
