import { test } from 'node:test';
import assert from 'node:assert/strict';
import { collisionEstimate } from '../../../src/entropy/estimators/collision.ts';
import { SAMPLE_NAMES, loadSample, mismatches, trackSymbols } from './reference.ts';

const FIELDS = {
  v: 'v', sumT: 'Sum t_i', xBar: 'X-bar', sigmaHat: 'sigma-hat', xBarPrime: "X-bar'", p: 'p', hMin: 'min entropy',
};

test('Collision (§6.3.2) worked example: data.pi.bin as ea_non_iid 1.1.7', () => {
  const s = loadSample('data.pi');
  const r = collisionEstimate(trackSymbols(s, 'Literal').symbols);
  assert.equal(r.v, 477455);
  assert.equal(r.sumT, 1165666);
  assert.ok(Math.abs(r.hMin! - 0.56953759345777899) < 1e-12);
});

test('Collision matches every reference intermediate on every binary sample and bitstring', () => {
  const bad: string[] = [];
  for (const name of SAMPLE_NAMES) {
    const s = loadSample(name);
    const track = s.k > 2 ? 'Bitstring' : 'Literal';
    bad.push(...mismatches(s, track, 'Collision', collisionEstimate(trackSymbols(s, track).symbols), FIELDS));
  }
  assert.deepEqual(bad, []);
});

test('Collision: alternating bits have no 2-step collisions, so no p exists and H = 1', () => {
  const x = new Uint8Array(10000);
  for (let i = 0; i < x.length; i++) x[i] = i & 1;
  const r = collisionEstimate(x);
  assert.equal(r.foundP, false);
  assert.equal(r.hMin, 1);
});
