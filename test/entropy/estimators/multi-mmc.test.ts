import { test } from 'node:test';
import assert from 'node:assert/strict';
import { binaryMultiMmcPortable, multiMmcEstimate } from '../../../src/entropy/estimators/multi-mmc.ts';
import { mmcLeadOrders } from '../../../src/kernels/mmc-lead-orders.ts';
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

test('MultiMMC: the binary path (orders run apart, 32-step scoreboard) counts as the general one, at chunk edges and past the order-15 cap', () => {
  // The general path (any alphabet) follows the reference step for step; on bits with
  // k = 3 it must give the same C, N and longest run. Lengths straddle the 32-step words
  // and 4096-step chunks.
  let x = 2463534242;
  const bit = (p: number): number => {
    x ^= x << 13;
    x >>>= 0;
    x ^= x >>> 17;
    x ^= x << 5;
    x >>>= 0;
    return x / 4294967296 < p ? 1 : 0;
  };
  const inputs: Uint8Array[] = [];
  for (const n of [18, 31, 33, 4096, 4099, 8221]) for (const p of [0.5, 0.93]) inputs.push(Uint8Array.from({ length: n }, () => bit(p)));
  // A 16-bit-context source (each context's usual next bit from a table, 25 % noise):
  // order 15 wins the scoreboard and its table fills past the 100,000-entry cap, which
  // changes C (by ~12,000 against an uncapped table).
  const rule = Uint8Array.from({ length: 1 << 16 }, () => bit(0.5));
  const markov = new Uint8Array(1_000_000);
  for (let i = 0, ctx = 0; i < markov.length; i++) {
    markov[i] = rule[ctx]! ^ bit(0.25);
    ctx = ((ctx << 1) | markov[i]!) & 0xffff;
  }
  inputs.push(markov);
  inputs.push(Uint8Array.from({ length: 50_000 }, (_, i) => (i % 7 === 3 ? 1 : 0)));
  for (const s of inputs) {
    const fast = multiMmcEstimate(s, 2);
    const general = multiMmcEstimate(s, 3);
    const portable = binaryMultiMmcPortable(s);
    assert.deepEqual([fast.C, fast.N, fast.r], [general.C, general.N, general.r], `${s.length} samples`);
    assert.deepEqual([portable.C, portable.N, portable.r], [general.C, general.N, general.r], `${s.length} samples, TypeScript path`);
  }
});

test('MultiMMC: the WebAssembly table pass runs here (so the binary path above is the kernel, the portable one its twin)', () => {
  assert.ok(mmcLeadOrders(100) !== undefined);
});

test('MultiMMC: a run after a longer one starts from empty tables (the kernel memory is reused)', () => {
  let x = 7;
  const bits = Uint8Array.from({ length: 60_000 }, () => {
    x = (Math.imul(x, 1103515245) + 12345) >>> 0;
    return x >>> 31;
  });
  const short = bits.subarray(0, 5000);
  const alone = binaryMultiMmcPortable(short);
  multiMmcEstimate(bits, 2);
  const after = multiMmcEstimate(short, 2);
  assert.deepEqual([after.C, after.N, after.r], [alone.C, alone.N, alone.r]);
});

test('MultiMMC general path: prefixes seen with one follower, then a second (counts move to the table), as the binary path', () => {
  // k = 3 on a source that repeats long prefixes with changing followers: many prefixes get
  // a second follower after their first, some a third symbol (2) never seen by the binary path.
  let x = 99;
  const rnd = (): number => {
    x = (Math.imul(x, 1664525) + 1013904223) >>> 0;
    return x / 4294967296;
  };
  const s = new Uint8Array(30_000);
  for (let i = 0; i < s.length; i++) s[i] = i >= 20 && rnd() < 0.7 ? s[i - 20]! : rnd() < 0.5 ? 1 : 0;
  const general = multiMmcEstimate(s, 3);
  const binary = multiMmcEstimate(s, 2);
  assert.deepEqual([general.C, general.N, general.r], [binary.C, binary.N, binary.r]);
});
