import { test } from 'node:test';
import assert from 'node:assert/strict';
import { AdaptiveProportionTest, HealthMonitor, RepetitionCountTest } from '../../../src/entropy/health/index.ts';
import { chunked, stuckThenRandom, xorshiftBytes } from './streams.ts';
import { healthScanSimd } from '../../../src/kernels/health-scan-simd.ts';

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

test('the one-pass SIMD feedAll equals running each test on its own, any chunking', () => {
  const data = stuckThenRandom(250_000, 77);
  for (const binary of [false, true]) {
    for (const h of [0.5, 2, 5]) {
      const opts = { entropyPerSample: h, binary, maxRecordedAlarms: 1e6 };
      const m = new HealthMonitor(opts);
      let firstSeen = -1;
      let offset = 0;
      for (const part of chunked(data, 3000)) {
        const f = m.feedAll(part);
        if (f >= 0 && firstSeen < 0) firstSeen = offset + f;
        offset += part.length;
      }
      const rct = new RepetitionCountTest(opts);
      const apt = new AdaptiveProportionTest(opts);
      rct.feedAll(data);
      apt.feedAll(data);
      assert.deepEqual(m.rct.alarmIndices, rct.alarmIndices, `RCT, H = ${h}, binary = ${binary}`);
      assert.deepEqual(m.apt.alarmIndices, apt.alarmIndices, `APT, H = ${h}, binary = ${binary}`);
      assert.ok(rct.alarms + apt.alarms > 0);
      assert.equal(firstSeen, m.firstAlarmIndex);
      assert.equal(m.samplesSeen, data.length);
    }
  }
});

/** The two ways through a buffer: the SIMD kernel (feedAll on Node 20) and the TypeScript-only path. */
const PATHS = [
  ['simd', (m: HealthMonitor, b: Uint8Array) => m.feedAll(b)],
  ['portable', (m: HealthMonitor, b: Uint8Array) => m.feedAllPortable(b)],
] as const;

test('WebAssembly SIMD is available on this Node, so feedAll exercises the kernel', () => {
  assert.ok(healthScanSimd(), 'healthScanSimd() returned undefined: the SIMD tests below would test the portable path twice');
});

test('both paths: mostly random 8-bit data with planted repeats, at every alignment and in pieces across the kernel chunk, equal each test alone', () => {
  // Random bytes take the word path; planted runs of 2..6 equal samples and bursts of one
  // value force the per-sample path in some words. Offsets 0..3 shift the word alignment.
  const base = xorshiftBytes(200_003, 99, 8);
  for (let k = 0; k < 400; k++) {
    const at = (k * 4999) % 199_000;
    base.fill(base[at]!, at, at + 2 + (k % 5));
  }
  for (let k = 0; k < 40; k++) {
    const at = (k * 4801 + 17) % 199_000;
    for (let j = 0; j < 1200; j += 2) base[at + j] = 7;
  }
  for (const [path, feed] of PATHS) for (const [offset, piece] of [[0, 5000], [1, 5000], [2, 70_001], [3, 1 << 20]] as const) {
    const data = base.subarray(offset);
    for (const h of [2, 6, 8]) {
      const opts = { entropyPerSample: h, maxRecordedAlarms: 1e6 };
      const m = new HealthMonitor(opts);
      for (const part of chunked(data, piece)) feed(m, part);
      const rct = new RepetitionCountTest(opts);
      const apt = new AdaptiveProportionTest(opts);
      for (const s of data) {
        rct.feed(s);
        apt.feed(s);
      }
      assert.deepEqual(m.rct.alarmIndices, rct.alarmIndices, `RCT, ${path}, H = ${h}, offset ${offset}`);
      assert.deepEqual(m.apt.alarmIndices, apt.alarmIndices, `APT, ${path}, H = ${h}, offset ${offset}`);
      assert.equal(m.rct._run, rct._run, `final run, ${path}, H = ${h}, offset ${offset}`);
      assert.equal(m.apt._count, apt._count, `final APT count, ${path}, H = ${h}, offset ${offset}`);
      assert.ok(apt.alarms > 0, `H = ${h}: the APT must alarm somewhere`);
      if (h >= 6) assert.ok(rct.alarms > 0, `H = ${h}: the RCT must alarm somewhere`);
    }
  }
});

test('both paths with runs: random bits and 4-bit samples with planted runs around the RCT cutoff, at every alignment, equal each test alone', () => {
  // Random bits repeat their predecessor half the time, so the word path's run arithmetic
  // (run + 4 below the cutoff) does the work; planted runs of cutoff − 3 … cutoff + 3 equal
  // samples cross word boundaries at every offset and push the run near and past the cutoff.
  for (const [width, h, binary] of [[1, 0.5, true], [1, 0.9, true], [4, 2, false], [4, 3.5, false]] as const) {
    const base = xorshiftBytes(150_003, 7 + width, width);
    const cutoff = new RepetitionCountTest({ entropyPerSample: h }).cutoff;
    for (let k = 0; k < 300; k++) {
      const at = 250 + ((k * 4993) % 149_000);
      base.fill(base[at]!, at, at + cutoff - 3 + (k % 7));
    }
    for (const [path, feed] of PATHS) for (const [offset, piece] of [[0, 5000], [1, 5000], [2, 70_001], [3, 1 << 20]] as const) {
      const data = base.subarray(offset);
      const opts = { entropyPerSample: h, binary, maxRecordedAlarms: 1e6 };
      const m = new HealthMonitor(opts);
      for (const part of chunked(data, piece)) feed(m, part);
      const rct = new RepetitionCountTest(opts);
      const apt = new AdaptiveProportionTest(opts);
      for (const s of data) {
        rct.feed(s);
        apt.feed(s);
      }
      const what = `${path}, ${width}-bit, H = ${h}, offset ${offset}`;
      assert.deepEqual(m.rct.alarmIndices, rct.alarmIndices, `RCT, ${what}`);
      assert.deepEqual(m.apt.alarmIndices, apt.alarmIndices, `APT, ${what}`);
      assert.ok(rct.alarms > 100, `${what}: the planted runs must make the RCT alarm`);
      assert.equal(m.rct._run, rct._run, `final run, ${what}`);
    }
  }
});
