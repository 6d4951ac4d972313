import { test } from 'node:test';
import assert from 'node:assert/strict';
import { binaryLagPortable, lagEstimate } from '../../../src/entropy/estimators/lag.ts';
import { laggedAgreement } from '../../../src/kernels/lagged-agreement.ts';
import { xorshift32 } from '../../helpers/xorshift.ts';
import { PREDICTOR_FIELDS, QUICK_SAMPLES, loadSample, trackMismatches, trackSymbols } from './reference.ts';

test('Lag (§6.3.8) worked example: data.pi.bin as ea_non_iid 1.1.7', () => {
  const s = loadSample('data.pi');
  const r = lagEstimate(trackSymbols(s, 'Literal').symbols, 2);
  assert.equal(r.C, 662836);
  assert.equal(r.r, 22);
  assert.ok(Math.abs(r.hMin! - 0.81143461261488992) < 1e-9);
});

test('Lag matches the reference C, N, r, P_global, P_global\', P_local on both tracks', () => {
  assert.deepEqual(trackMismatches(QUICK_SAMPLES, 'Lag Prediction', (symbols, k) => lagEstimate(symbols, k), PREDICTOR_FIELDS), []);
});

test('Lag: a perfectly predictable sequence has (near) zero entropy and no NaN', () => {
  const x = new Uint8Array(20000);
  for (let i = 0; i < x.length; i++) x[i] = i % 4 === 3 ? 1 : 0;
  const r = lagEstimate(x, 2);
  assert.ok(r.hMin !== null && Number.isFinite(r.hMin) && r.hMin >= 0 && r.hMin < 0.5);
});

test('Lag on bits: the WebAssembly block pass and the TypeScript one give the same C, N, r (block edges, bias, repeats, the data.pi track)', () => {
  const draw = xorshift32(88172645);
  const next = (): number => draw() / 4294967296;
  const inputs: Uint8Array[] = [];
  for (const n of [129, 160, 161, 191, 4096, 4129, 70001]) for (const p of [0.5, 0.8]) inputs.push(Uint8Array.from({ length: n }, () => +(next() < p)));
  inputs.push(Uint8Array.from({ length: 30000 }, (_, i) => ((i * 7) % 13 < 6 ? 1 : 0))); // periodic: one lag wins outright
  inputs.push(trackSymbols(loadSample('data.pi'), 'Literal').symbols);
  // Short inputs again after the longest: the kernel's memory (and its views) is reused, with the
  // longer stream's words still in it past the short one's end.
  inputs.push(inputs[2]!, inputs[9]!);
  for (const s of inputs) {
    const fast = lagEstimate(s, 2);
    const portable = binaryLagPortable(s);
    assert.deepEqual([fast.C, fast.N, fast.r], [portable.C, portable.N, portable.r], `${s.length} samples`);
  }
  // Not the same code: the WebAssembly pass really runs here.
  assert.ok(laggedAgreement(8) !== undefined, 'WebAssembly available');
  // The views are made once per memory: a call allocates nothing (V8 kept deoptimising the driver
  // when each call made its own, README "Gate").
  assert.equal(laggedAgreement(8), laggedAgreement(64));
});
