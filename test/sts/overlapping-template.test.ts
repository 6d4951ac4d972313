import { test } from 'node:test';
import assert from 'node:assert/strict';
import { exactOverlappingProbabilities, overlappingTemplate } from '../../src/sts/overlapping-template.ts';
import { BitSequence } from '../../src/bits/bit-sequence.ts';
import { InputError } from '../../src/errors.ts';
import { assertPValues, loadReference, REFERENCE_NAMES } from './helpers.ts';

function close6(actual: number[], expected: number[], label: string): void {
  assert.equal(actual.length, expected.length);
  for (let i = 0; i < expected.length; i++) assert.ok(Math.abs(actual[i]! - expected[i]!) < 6e-7, `${label}[${i}]: ${actual[i]} vs ${expected[i]}`);
}

test('default class probabilities are the reference Pr(u, η = 1): 0.367879 … 0.140657', () => {
  const r = overlappingTemplate(loadReference('data.e').bits);
  close6(r.statistics.pi as number[], [0.367879, 0.18394, 0.137955, 0.099634, 0.069935, 0.140657], 'pi');
});

test('corrected probabilities equal Rev 1a §3.8 (Hamano–Kaneko): 0.364091 … 0.139865', () => {
  close6(exactOverlappingProbabilities(9, 1032, 5), [0.364091, 0.185659, 0.139381, 0.100571, 0.0704323, 0.139865], 'exact');
  const sum = exactOverlappingProbabilities(9, 1032, 5).reduce((a, b) => a + b, 0);
  assert.ok(Math.abs(sum - 1) < 1e-12);
});

test('corrected data.e P-value is the exact-probability value 0.159037 (README, arcetri)', () => {
  const r = overlappingTemplate(loadReference('data.e').bits, { corrected: true });
  assert.ok(Math.abs(r.pValues[0]! - 0.159037) < 6e-7, String(r.pValues[0]));
});

for (const name of REFERENCE_NAMES) {
  test(`${name}: P-value equals sts-2.1.2`, () => {
    const ref = loadReference(name);
    assertPValues(overlappingTemplate(ref.bits).pValues, ref.expected.OverlappingTemplate!, `${name} OverlappingTemplate`);
  });
}

test('word-parallel count equals a per-position scan (runs of ones across word and block edges)', () => {
  // Runs of ones of many lengths; the block length 100 is not a multiple of 32.
  const bits: number[] = [];
  for (let r = 0; bits.length < 20_000; r++) {
    const run = (r * 7) % 47;
    for (let k = 0; k < run; k++) bits.push(1);
    bits.push(0);
  }
  const seq = BitSequence.fromBitArray(bits);
  for (const [m, M] of [[1, 5], [2, 100], [3, 9], [4, 37], [5, 100], [7, 33], [8, 64], [9, 100], [9, 1032], [15, 40], [16, 100], [17, 23], [31, 35], [31, 200]] as const) {
    const N = Math.floor(seq.length / M);
    const nu = [0, 0, 0, 0, 0, 0];
    for (let i = 0; i < N; i++) {
      let W = 0;
      for (let j = 0; j <= M - m; j++) {
        let all = true;
        for (let k = 0; k < m; k++) if (!seq.bit(i * M + j + k)) all = false;
        if (all) W++;
      }
      nu[Math.min(W, 5)]!++;
    }
    assert.deepEqual(overlappingTemplate(seq, { m, blockLength: M }).statistics.nu, nu, `m = ${m}, M = ${M}`);
  }
  // All ones: every block has M − m + 1 = 1024 matches → ν_5 = N.
  const ones = new BitSequence(new Uint32Array(3300).fill(0xffffffff), 3300 * 32);
  assert.deepEqual(overlappingTemplate(ones).statistics.nu, [0, 0, 0, 0, 0, 102]);
});

test('shorter than one block: not applicable; a block too short for 5 matches is an InputError', () => {
  assert.equal(overlappingTemplate(new BitSequence(new Uint32Array(10), 320)).status, 'not-applicable');
  assert.throws(() => overlappingTemplate(new BitSequence(new Uint32Array(10), 320), { m: 9, blockLength: 12, corrected: true }), InputError);
  const r = overlappingTemplate(new BitSequence(new Uint32Array(10), 320), { m: 2, blockLength: 6, corrected: true });
  assert.ok(r.pValues.every(Number.isFinite));
});
