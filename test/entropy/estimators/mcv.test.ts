import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mostCommonValue } from '../../../src/entropy/estimators/mcv.ts';
import { SAMPLE_NAMES, loadSample, trackMismatches, trackSymbols } from './reference.ts';

const FIELDS = { mode: 'Mode count', pHat: 'p-hat', pU: 'p_u', hMin: 'min entropy' };

test('MCV (§6.3.1) worked example: data.pi.bin as ea_non_iid 1.1.7', () => {
  const s = loadSample('data.pi');
  const r = mostCommonValue(trackSymbols(s, 'Literal').symbols, 2);
  assert.equal(r.mode, 662972);
  assert.ok(Math.abs(r.hMin! - 0.81114057970407438) < 1e-12);
});

test('MCV matches every reference intermediate on every sample and track', () => {
  assert.deepEqual(trackMismatches(SAMPLE_NAMES, 'Most Common Value', (symbols, k) => mostCommonValue(symbols, k), FIELDS), []);
});

test('MCV of a constant-free alternating sequence is bounded by 1 bit and positive', () => {
  const x = new Uint8Array(10000);
  for (let i = 0; i < x.length; i++) x[i] = i & 1;
  const r = mostCommonValue(x, 2);
  assert.equal(r.pHat, 0.5);
  assert.ok(r.hMin! < 1 && r.hMin! > 0.9);
});
