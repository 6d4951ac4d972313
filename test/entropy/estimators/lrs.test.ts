import { test } from 'node:test';
import assert from 'node:assert/strict';
import { lrsEstimate } from '../../../src/entropy/estimators/lrs.ts';
import { QUICK_SAMPLES, loadSample, trackMismatches, trackSymbols } from './reference.ts';

const FIELDS = { u: 'u', v: 'v', pHat: 'p-hat', pU: 'p_u', hMin: 'min entropy' };

test('LRS (§6.3.6) worked example: data.pi.bin as ea_non_iid 1.1.7', () => {
  const s = loadSample('data.pi');
  const r = lrsEstimate(trackSymbols(s, 'Literal').symbols);
  assert.equal(r.u, 19);
  assert.equal(r.v, 43);
  assert.ok(Math.abs(r.hMin! - 0.90880365648334804) < 1e-12);
});

test('LRS matches the reference intermediates on both tracks', () => {
  assert.deepEqual(trackMismatches(QUICK_SAMPLES, 'LRS', (symbols) => lrsEstimate(symbols), FIELDS), []);
});

test('LRS: no repeated substring long enough gives null, not NaN', () => {
  const x = new Uint8Array(50);
  for (let i = 0; i < 50; i++) x[i] = i;
  const r = lrsEstimate(x);
  assert.equal(r.hMin, null);
});
