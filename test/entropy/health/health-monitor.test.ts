import { test } from 'node:test';
import assert from 'node:assert/strict';
import { HealthMonitor } from '../../../src/entropy/health/index.ts';
import { chunked, stuckThenRandom } from './streams.ts';

test('the doc-comment example: RCT alarms at 20 on a stuck binary source', () => {
  const m = new HealthMonitor({ entropyPerSample: 1, binary: true });
  assert.equal(m.feedAll(new Uint8Array(100)), 20);
  const r = m.report();
  assert.deepEqual(r.alarms[0], { test: 'rct', index: 20 });
  assert.equal(r.rct.cutoff, 21);
  assert.equal(r.apt.cutoff, 589);
  assert.equal(r.apt.window, 1024);
  assert.equal(r.pass, false);
});

test('a stuck 1000-sample stretch: both tests alarm, merged in sample order', () => {
  const m = new HealthMonitor({ entropyPerSample: 1 }); // RCT C 21; APT W 512, C 311
  m.feedAll(new Uint8Array(1000).fill(9));
  const r = m.report();
  assert.equal(r.rct.alarms, Math.floor(1000 / 21));
  assert.deepEqual(r.apt.alarmIndices, [310, 512 + 310]);
  const idx = r.alarms.map((a) => a.index);
  assert.deepEqual(idx, [...idx].sort((a, b) => a - b));
  assert.equal(r.alarms.length, r.rct.alarms + r.apt.alarms);
  assert.equal(r.firstAlarmIndex, 20);
  assert.equal(r.truncated, false);
});

test('feed and feedAll agree on a faulty stream', () => {
  const data = stuckThenRandom(100_000, 5);
  const a = new HealthMonitor({ entropyPerSample: 3, maxRecordedAlarms: 1e6 });
  for (const s of data) a.feed(s);
  const b = new HealthMonitor({ entropyPerSample: 3, maxRecordedAlarms: 1e6 });
  for (const part of chunked(data, 777)) b.feedAll(part);
  assert.deepEqual(b.report(), a.report());
  assert.ok(a.alarms > 0);
});

test('recording is capped but counts stay complete', () => {
  const m = new HealthMonitor({ entropyPerSample: 8, maxRecordedAlarms: 3 });
  m.feedAll(new Uint8Array(10_000));
  const r = m.report();
  assert.equal(r.rct.alarmIndices.length, 3);
  assert.equal(r.rct.alarms, Math.floor(10_000 / 4));
  assert.equal(r.truncated, true);
});
