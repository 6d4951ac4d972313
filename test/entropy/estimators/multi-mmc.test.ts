import { test } from 'node:test';
import assert from 'node:assert/strict';
import { multiMmcEstimate } from '../../../src/entropy/estimators/multi-mmc.ts';
import { PREDICTOR_FIELDS, QUICK_SAMPLES, loadSample, trackMismatches, trackSymbols } from './reference.ts';

test('MultiMMC (§6.3.9) worked example: data.pi.bin as ea_non_iid 1.1.7', () => {
  const s = loadSample('data.pi');
  const r = multiMmcEstimate(trackSymbols(s, 'Literal').symbols, 2);
  assert.equal(r.C, 662951);
  assert.equal(r.r, 23);
  assert.ok(Math.abs(r.hMin! - 0.81118369680348135) < 1e-9);
});

test('MultiMMC matches the reference C, N, r, P_global, P_global\', P_local on both tracks', () => {
  assert.deepEqual(trackMismatches(QUICK_SAMPLES, 'MultiMMC Prediction', (symbols, k) => multiMmcEstimate(symbols, k), PREDICTOR_FIELDS), []);
});

test('MultiMMC: a perfectly predictable sequence has (near) zero entropy and no NaN', () => {
  const x = new Uint8Array(20000);
  for (let i = 0; i < x.length; i++) x[i] = i % 4 === 3 ? 1 : 0;
  const r = multiMmcEstimate(x, 2);
  assert.ok(r.hMin !== null && Number.isFinite(r.hMin) && r.hMin >= 0 && r.hMin < 0.5);
});
