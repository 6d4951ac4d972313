import { test } from 'node:test';
import assert from 'node:assert/strict';
import { RepetitionCountTest } from '../../../src/entropy/health/index.ts';
import { chunked, stuckThenRandom, xorshiftBytes } from './streams.ts';

test('a stuck source alarms exactly at sample index C − 1', () => {
  for (const h of [0.2, 0.5, 1, 2, 4, 8]) {
    const rct = new RepetitionCountTest({ entropyPerSample: h });
    const c = rct.cutoff;
    const first = rct.feedAll(new Uint8Array(5 * c + 3).fill(7));
    assert.equal(first, c - 1, `H = ${h}`);
    assert.equal(rct.firstAlarmIndex, c - 1);
    // The count restarts after an alarm: one alarm per further C identical samples.
    assert.equal(rct.alarms, 5);
    assert.deepEqual(rct.alarmIndices, [1, 2, 3, 4, 5].map((m) => m * c - 1));

    const one = new RepetitionCountTest({ entropyPerSample: h });
    for (let i = 0; i < c - 1; i++) assert.equal(one.feed(3), false);
    assert.equal(one.feed(3), true);
    assert.equal(one.firstAlarmIndex, c - 1);
  }
});

test('the example in the doc comment (H = 1, 100 zeros)', () => {
  const rct = new RepetitionCountTest({ entropyPerSample: 1 });
  assert.equal(rct.feedAll(new Uint8Array(100)), 20);
  assert.equal(rct.alarms, 4);
  assert.deepEqual(rct.alarmIndices, [20, 41, 62, 83]);
});

test('a run of C − 1 does not alarm; runs split across feedAll calls do', () => {
  const rct = new RepetitionCountTest({ entropyPerSample: 2 }); // C = 11
  const a = new Uint8Array([1, ...new Array(10).fill(5), 6]);
  assert.equal(rct.feedAll(a), -1);
  assert.equal(rct.alarms, 0);
  // 6 from the previous call + 10 more sixes: the 11th six is global index 21.
  assert.equal(rct.feedAll(new Uint8Array(10).fill(6)), 9);
  assert.equal(rct.firstAlarmIndex, 21);
  rct.reset();
  assert.equal(rct.samplesSeen, 0);
  assert.equal(rct.firstAlarmIndex, -1);
  assert.deepEqual(rct.alarmIndices, []);
});

test('feedAll over arbitrary chunks agrees with feed() sample by sample', () => {
  const data = stuckThenRandom(200_000, 1234);
  const ref = new RepetitionCountTest({ entropyPerSample: 2 });
  const alarmsByFeed: number[] = [];
  data.forEach((s, i) => {
    if (ref.feed(s)) alarmsByFeed.push(i);
  });
  assert.ok(alarmsByFeed.length > 10, 'the stream must exercise alarms');
  const fast = new RepetitionCountTest({ entropyPerSample: 2, maxRecordedAlarms: 1e6 });
  for (const part of chunked(data, 99)) fast.feedAll(part);
  assert.deepEqual(fast.alarmIndices, alarmsByFeed);
  assert.equal(fast.alarms, ref.alarms);
  assert.equal(fast.samplesSeen, data.length);
});

test('uniform random bytes raise no alarm over 10^6 samples with H = 4', () => {
  // True min-entropy 8 bits; H = 4 gives C = 6. A false alarm needs 6 equal bytes in a
  // row: probability ≤ 10^6 · 256^−5 ≈ 9·10^−7 for this fixed seed's class of streams.
  const rct = new RepetitionCountTest({ entropyPerSample: 4 });
  assert.equal(rct.feedAll(xorshiftBytes(1_000_000, 42, 8)), -1);
  // Fair bits, H = 0.5 (C = 41): a run of 41 has probability ≤ 10^6 · 2^−40 ≈ 9·10^−7.
  const bits = new RepetitionCountTest({ entropyPerSample: 0.5 });
  assert.equal(bits.feedAll(xorshiftBytes(1_000_000, 43, 1)), -1);
  assert.equal(bits.alarms + rct.alarms, 0);
});
