import { test } from 'node:test';
import assert from 'node:assert/strict';
import { markovEstimate } from '../../../src/entropy/estimators/markov.ts';
import { SAMPLE_NAMES, loadSample, mismatches, trackSymbols } from './reference.ts';

const FIELDS = {
  P0: 'P_0', P1: 'P_1', P00: 'P_{0,0}', P01: 'P_{0,1}', P10: 'P_{1,0}', P11: 'P_{1,1}', hMin: 'min entropy',
};

test('Markov (§6.3.3) worked example: data.pi.bin as ea_non_iid 1.1.7', () => {
  const s = loadSample('data.pi');
  const r = markovEstimate(trackSymbols(s, 'Literal').symbols);
  assert.ok(Math.abs(r.pMax / 1.3630576315328792e-28 - 1) < 1e-9);
  assert.ok(Math.abs(r.hMin! - 0.72318078199004543) < 1e-12);
});

test('Markov matches every reference intermediate on every binary sample and bitstring', () => {
  const bad: string[] = [];
  for (const name of SAMPLE_NAMES) {
    const s = loadSample(name);
    const track = s.k > 2 ? 'Bitstring' : 'Literal';
    const r = markovEstimate(trackSymbols(s, track).symbols);
    bad.push(...mismatches(s, track, 'Markov', r, FIELDS));
    const pMax = Number(s.vv.get(`${track}|Markov|p-hat_max`));
    if (Math.abs(r.pMax / pMax - 1) > 1e-6) bad.push(`${name} pMax ${r.pMax} vs ${pMax}`);
  }
  assert.deepEqual(bad, []);
});

test('Markov: a constant run has zero entropy, never NaN', () => {
  const r = markovEstimate(new Uint8Array(1000));
  assert.equal(r.hMin, 0);
});
