import { test } from 'node:test';
import assert from 'node:assert/strict';
import { compressionEstimate } from '../../../src/entropy/estimators/compression.ts';
import { SAMPLE_NAMES, loadSample, mismatches, trackSymbols } from './reference.ts';

const FIELDS = { xBar: 'X-bar', sigmaHat: 'sigma-hat', xBarPrime: "X-bar'", p: 'p', hMin: 'min entropy' };

test('Compression (§6.3.4) worked example: data.pi.bin as ea_non_iid 1.1.7', () => {
  const s = loadSample('data.pi');
  const r = compressionEstimate(trackSymbols(s, 'Literal').symbols);
  assert.ok(Math.abs(r.xBar - 5.1280437523324389) < 1e-12);
  assert.ok(Math.abs(r.hMin! - 0.60155919063219654) < 1e-9);
});

test('Compression matches every reference intermediate on every binary sample and bitstring', () => {
  const bad: string[] = [];
  for (const name of SAMPLE_NAMES) {
    const s = loadSample(name);
    const track = s.k > 2 ? 'Bitstring' : 'Literal';
    bad.push(...mismatches(s, track, 'Compression', compressionEstimate(trackSymbols(s, track).symbols), FIELDS));
  }
  assert.deepEqual(bad, []);
});

test('Compression needs more than 1000 six-bit blocks', () => {
  assert.equal(compressionEstimate(new Uint8Array(6006)).hMin !== null, true);
  const r = compressionEstimate(new Uint8Array(6000));
  assert.equal(r.hMin, null);
  assert.match(r.note!, /more than 1000 blocks/);
});
